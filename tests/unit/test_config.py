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


def test_operations_defaults_json_logs_no_trusted_proxies_and_the_pools_of_before():
    s = Settings.from_env({})
    assert (s.log_format, s.log_level) == ("json", "INFO")
    assert (s.trusted_proxy_count, s.trusted_proxy_networks) == (0, ())
    assert (s.db_pool_size, s.db_max_overflow, s.db_pool_timeout_seconds, s.broker_pool_limit) == (10, 20, 30.0, 10)


@pytest.mark.parametrize(("value", "count", "networks"), [
    ("", 0, ()),
    ("0", 0, ()),
    ("2", 2, ()),
    ("10.0.0.0/8, 192.0.2.7", 0, ("10.0.0.0/8", "192.0.2.7/32")),
    ("fd00::/8", 0, ("fd00::/8",)),
])
def test_trusted_proxies_are_a_count_or_addresses_and_networks(value, count, networks):
    s = Settings.from_env({"FACTDESK_TRUSTED_PROXIES": value})
    assert (s.trusted_proxy_count, s.trusted_proxy_networks) == (count, networks)


@pytest.mark.parametrize(("name", "value"), [
    ("FACTDESK_TRUSTED_PROXIES", "-1"),
    ("FACTDESK_TRUSTED_PROXIES", "10.0.0.0/8, the load balancer"),
    ("FACTDESK_TRUSTED_PROXIES", "10.0.0.300"),
    ("FACTDESK_DB_POOL_SIZE", "0"),
    ("FACTDESK_DB_POOL_SIZE", "ten"),
    ("FACTDESK_DB_MAX_OVERFLOW", "-1"),
    ("FACTDESK_DB_POOL_TIMEOUT_SECONDS", "0"),
    ("FACTDESK_DB_POOL_TIMEOUT_SECONDS", "nan"),
    ("FACTDESK_BROKER_POOL_LIMIT", "0"),
    ("FACTDESK_LOG_FORMAT", "xml"),
    ("FACTDESK_LOG_LEVEL", "LOUD"),
])
def test_a_bad_operations_setting_is_a_clear_error_naming_it(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_a_bad_setting_stops_a_command_before_it_starts_anything():
    from click.testing import CliRunner

    from factdesk.cli import main

    for command in (["api"], ["worker"], ["beat"]):
        result = CliRunner().invoke(main, command, env={"FACTDESK_DB_POOL_SIZE": "0"})
        assert result.exit_code == 1 and "FACTDESK_DB_POOL_SIZE must be at least 1" in result.output, command


def test_postgresql_pools_are_sized_from_the_settings_and_sqlite_keeps_its_own(tmp_path):
    from factdesk.celery_app import create_celery
    from factdesk.runtime import Runtime

    env = {"FACTDESK_DATA_DIR": str(tmp_path), "FACTDESK_DB_POOL_SIZE": "4", "FACTDESK_DB_MAX_OVERFLOW": "6",
           "FACTDESK_DB_POOL_TIMEOUT_SECONDS": "2.5", "FACTDESK_BROKER_POOL_LIMIT": "3"}
    postgres = Runtime(Settings.from_env({**env, "FACTDESK_DATABASE_URL": "postgresql+psycopg://u@db.invalid/x"}))
    pool = postgres.engine.pool  # built without connecting
    assert (pool.size(), pool._max_overflow, pool._timeout) == (4, 6, 2.5)  # type: ignore[attr-defined]
    assert create_celery(postgres.settings).conf.broker_pool_limit == 3
    sqlite = Runtime(Settings.from_env(env))
    assert sqlite.engine.url.get_backend_name() == "sqlite"
    assert sqlite.engine.pool.size() != 4  # type: ignore[attr-defined]


def test_the_scheduler_prunes_ended_jobs_hourly_after_the_retention_the_settings_give(tmp_path):
    from factdesk.celery_app import create_celery

    settings = Settings.from_env({"FACTDESK_DATA_DIR": str(tmp_path), "FACTDESK_JOB_RETENTION_DAYS": "30"})
    assert settings.job_retention_days == 30
    app = create_celery(settings)
    app.loader.import_default_modules()
    prune = app.conf.beat_schedule["prune-jobs"]
    assert prune["task"] in app.tasks and prune["schedule"] == 3600
    with pytest.raises(ConfigError, match="FACTDESK_JOB_RETENTION_DAYS must be at least 1"):
        Settings.from_env({"FACTDESK_JOB_RETENTION_DAYS": "0"})
