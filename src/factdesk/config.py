"""Settings: every FACTDESK_* environment variable is read here and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """A FACTDESK_* variable holds a value factdesk cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build with `Settings.from_env()`; never at import time."""

    data_dir: Path
    database_url: str
    broker_url: str
    embedded: bool
    max_body_bytes: int
    lease_seconds: int
    lease_cap: int
    debounce_seconds: float
    sweep_interval_seconds: float
    sweep_grace_seconds: float
    broker_timeout_seconds: float
    log_level: str
    secret_key: str
    replay_window_seconds: float
    bad_signature_limit: int
    bad_signature_window_seconds: int
    callback_backoff_seconds: float
    callback_max_attempts: int
    callback_timeout_seconds: float
    # Bearer token Prometheus must send to /metrics; empty means /metrics is open (scrape on a private network).
    metrics_token: str = ""
    # The desk pages: a signed-in session ends after this long without a request; cookies only over HTTPS.
    session_idle_minutes: int = 60
    # The queue page's counts per desk and type are shared by every checker and at most this old (0: exact).
    queue_counts_seconds: float = 10.0
    cookie_secure: bool = False
    # A revision with more characters of text than this is extracted on the `extract_large` queue (README).
    large_draft_chars: int = 100_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read FACTDESK_* variables; unset ones fall back to the embedded single-machine default.

        Raises ConfigError for a value that cannot be parsed.
        """
        env = os.environ if env is None else env
        data_dir = Path(env.get("FACTDESK_DATA_DIR") or "var").resolve()
        database_url = env.get("FACTDESK_DATABASE_URL") or f"sqlite:///{data_dir / 'factdesk.sqlite'}"
        broker_url = env.get("FACTDESK_BROKER_URL") or f"sqla+sqlite:///{data_dir / 'broker.sqlite'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            broker_url=broker_url,
            embedded=database_url.startswith("sqlite") or broker_url.startswith("sqla+"),
            max_body_bytes=_int(env, "FACTDESK_MAX_BODY_BYTES", 2 * 1024 * 1024),
            lease_seconds=_int(env, "FACTDESK_LEASE_SECONDS", 15 * 60),
            lease_cap=_int(env, "FACTDESK_LEASE_CAP", 10),
            debounce_seconds=_float(env, "FACTDESK_DEBOUNCE_SECONDS", 10.0),
            sweep_interval_seconds=_float(env, "FACTDESK_SWEEP_INTERVAL_SECONDS", 15.0),
            sweep_grace_seconds=_float(env, "FACTDESK_SWEEP_GRACE_SECONDS", 30.0),
            broker_timeout_seconds=_float(env, "FACTDESK_BROKER_TIMEOUT_SECONDS", 1.0),
            log_level=(env.get("FACTDESK_LOG_LEVEL") or "INFO").upper(),
            secret_key=env.get("FACTDESK_SECRET_KEY") or "",
            replay_window_seconds=_float(env, "FACTDESK_REPLAY_WINDOW_SECONDS", 300.0),
            bad_signature_limit=_int(env, "FACTDESK_BAD_SIGNATURE_LIMIT", 30),
            bad_signature_window_seconds=max(1, _int(env, "FACTDESK_BAD_SIGNATURE_WINDOW_SECONDS", 60)),
            callback_backoff_seconds=_float(env, "FACTDESK_CALLBACK_BACKOFF_SECONDS", 30.0),
            callback_max_attempts=max(1, _int(env, "FACTDESK_CALLBACK_MAX_ATTEMPTS", 8)),
            callback_timeout_seconds=_float(env, "FACTDESK_CALLBACK_TIMEOUT_SECONDS", 10.0),
            metrics_token=env.get("FACTDESK_METRICS_TOKEN") or "",
            session_idle_minutes=max(1, _int(env, "FACTDESK_SESSION_IDLE_MINUTES", 60)),
            queue_counts_seconds=max(0.0, _float(env, "FACTDESK_QUEUE_COUNTS_SECONDS", 10.0)),
            cookie_secure=_bool(env, "FACTDESK_COOKIE_SECURE", False),
            large_draft_chars=max(1, _int(env, "FACTDESK_LARGE_DRAFT_CHARS", 100_000)),
        )

    def ensure_data_dir(self) -> None:
        """Create the data directory (SQLite files, the scheduler's state); safe to repeat."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
