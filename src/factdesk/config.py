"""Settings: every FACTDESK_* environment variable is read here and nowhere else."""

from __future__ import annotations

import ipaddress
import logging
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


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _log_level(env: Mapping[str, str]) -> str:
    level = (env.get("FACTDESK_LOG_LEVEL") or "INFO").strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"FACTDESK_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
    return level


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _trusted_proxies(env: Mapping[str, str]) -> tuple[int, tuple[str, ...]]:
    """FACTDESK_TRUSTED_PROXIES: how many proxies stand in front (a number), or which ones (addresses and CIDR
    networks, comma-separated). Returns (count, networks); (0, ()) trusts no X-Forwarded-For."""
    raw = (env.get("FACTDESK_TRUSTED_PROXIES") or "").strip()
    if raw.isdigit():
        return int(raw), ()
    networks = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError("FACTDESK_TRUSTED_PROXIES must be a number of proxies or a comma-separated list of "
                              f"addresses and networks (10.0.0.0/8), got {item!r}") from None
    return 0, tuple(networks)


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


CLAIM_TYPES = ("date", "money", "quantity", "role", "quote", "attribution", "fact")
RATINGS = ("accurate", "inaccurate", "misleading", "unverifiable", "not_checkable")


def _pairs(env: Mapping[str, str], name: str, keys: tuple[str, ...], example: str) -> dict[str, str]:
    """A `key=value,key=value` variable, keys from `keys`; empty when unset."""
    found: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (env.get(name) or "").split(","))):
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in keys or not value:
            raise ConfigError(f"{name} must be comma-separated KEY=VALUE pairs ({example}), KEY one of "
                              f"{', '.join(keys)}; got {item!r}")
        found[key] = value
    return found


def _shelf_life(env: Mapping[str, str]) -> tuple[tuple[str, int | None], ...]:
    """FACTDESK_SHELF_LIFE_DAYS: `role=90,money=400,quote=none` overrides the days a verdict of a type stays
    fresh enough to reuse (domain.memory.DEFAULT_SHELF_LIFE_DAYS); `none` means forever."""
    name = "FACTDESK_SHELF_LIFE_DAYS"
    days: list[tuple[str, int | None]] = []
    for key, value in _pairs(env, name, CLAIM_TYPES, "role=90,quote=none").items():
        if value.lower() == "none":
            days.append((key, None))
        elif value.isdigit():
            days.append((key, int(value)))
        else:
            raise ConfigError(f"{name}: {key} must be a whole number of days or none, got {value!r}")
    return tuple(days)


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
    # Days a job that ended (an extraction, a callback, ...) is kept in the outbox before it is deleted.
    job_retention_days: int = 14
    cookie_secure: bool = False
    # A revision with more characters of text than this is extracted on the `extract_large` queue (README).
    large_draft_chars: int = 100_000
    # "json" (one object per line, the production default) or "text" (what `factdesk run` prints).
    log_format: str = "json"
    # How many proxies in front of the API may set X-Forwarded-For, or which ones (addresses, networks).
    trusted_proxy_count: int = 0
    trusted_proxy_networks: tuple[str, ...] = ()
    # PostgreSQL connections per process: kept open, opened beyond that under load, and how long a request waits
    # for one before failing. SQLite keeps its own settings.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout_seconds: float = 30.0
    # How long opening a PostgreSQL connection may take: a database host that drops packets then fails a
    # request (503) in seconds instead of holding it for the operating system's TCP timeout (minutes).
    db_connect_timeout_seconds: int = 5
    # Broker connections each process keeps for publishing tasks (Celery's broker_pool_limit).
    broker_pool_limit: int = 10
    # The fact memory: per-type overrides of the days a verdict stays reusable (domain.memory).
    shelf_life_days: tuple[tuple[str, int | None], ...] = ()
    # ClaimReview: the newsroom that publishes the checks, and the words its readers see for each rating.
    publisher_name: str = "factdesk"
    publisher_url: str = ""
    rating_words: tuple[tuple[str, str], ...] = ()

    @property
    def shelf_life_overrides(self) -> dict[str, int | None]:
        return dict(self.shelf_life_days)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read FACTDESK_* variables; unset ones fall back to the embedded single-machine default.

        Raises ConfigError for a value that cannot be parsed.
        """
        env = os.environ if env is None else env
        data_dir = Path(env.get("FACTDESK_DATA_DIR") or "var").resolve()
        database_url = env.get("FACTDESK_DATABASE_URL") or f"sqlite:///{data_dir / 'factdesk.sqlite'}"
        broker_url = env.get("FACTDESK_BROKER_URL") or f"sqla+sqlite:///{data_dir / 'broker.sqlite'}"
        proxy_count, proxy_networks = _trusted_proxies(env)
        pool_timeout = _float(env, "FACTDESK_DB_POOL_TIMEOUT_SECONDS", 30.0)
        if not 0 < pool_timeout < float("inf"):
            raise ConfigError(f"FACTDESK_DB_POOL_TIMEOUT_SECONDS must be more than 0, got {pool_timeout}")
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
            log_level=_log_level(env),
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
            job_retention_days=_positive(env, "FACTDESK_JOB_RETENTION_DAYS", 14),
            cookie_secure=_bool(env, "FACTDESK_COOKIE_SECURE", False),
            large_draft_chars=max(1, _int(env, "FACTDESK_LARGE_DRAFT_CHARS", 100_000)),
            log_format=_choice(env, "FACTDESK_LOG_FORMAT", ("json", "text"), "json"),
            trusted_proxy_count=proxy_count,
            trusted_proxy_networks=proxy_networks,
            db_pool_size=_positive(env, "FACTDESK_DB_POOL_SIZE", 10),
            db_max_overflow=_int(env, "FACTDESK_DB_MAX_OVERFLOW", 20),
            db_pool_timeout_seconds=pool_timeout,
            db_connect_timeout_seconds=max(2, _int(env, "FACTDESK_DB_CONNECT_TIMEOUT_SECONDS", 5)),
            broker_pool_limit=_positive(env, "FACTDESK_BROKER_POOL_LIMIT", 10),
            shelf_life_days=_shelf_life(env),
            publisher_name=(env.get("FACTDESK_PUBLISHER_NAME") or "").strip() or "factdesk",
            publisher_url=(env.get("FACTDESK_PUBLISHER_URL") or "").strip(),
            rating_words=tuple(_pairs(env, "FACTDESK_RATING_WORDS", RATINGS, "accurate=True,inaccurate=False")
                               .items()),
        )

    def ensure_data_dir(self) -> None:
        """Create the data directory (SQLite files, the scheduler's state); safe to repeat."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
