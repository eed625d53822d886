"""Settings come from FACTDESK_* variables, with the embedded single-machine default when unset."""

from __future__ import annotations

import pytest

from factdesk.config import ConfigError, Settings


def test_unset_means_sqlite_and_the_embedded_broker_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({})
    assert s.database_url == f"sqlite:///{tmp_path / 'var' / 'factdesk.sqlite'}"
    assert s.broker_url.startswith("sqla+sqlite:///") and s.broker_url.endswith("var/broker.sqlite")
    assert s.embedded and s.max_body_bytes == 2 * 1024 * 1024


def test_postgres_and_redis_when_set():
    s = Settings.from_env({"FACTDESK_DATABASE_URL": "postgresql+psycopg://u@db/x",
                           "FACTDESK_BROKER_URL": "redis://r:6379/0", "FACTDESK_MAX_BODY_BYTES": "1000"})
    assert (s.database_url, s.broker_url, s.embedded, s.max_body_bytes) == (
        "postgresql+psycopg://u@db/x", "redis://r:6379/0", False, 1000)


@pytest.mark.parametrize("value", ["lots", "-1", "1.5"])
def test_a_bad_number_is_a_clear_error(value):
    with pytest.raises(ConfigError, match="FACTDESK_MAX_BODY_BYTES"):
        Settings.from_env({"FACTDESK_MAX_BODY_BYTES": value})
