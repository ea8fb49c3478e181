"""The settings module: loud failures on bad production env, a clean deploy check, DB options."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from config.settings import database_config

REPO = Path(__file__).resolve().parents[2]
# Everything config/settings.py reads; the test run itself sets some of them (test_settings).
SETTINGS_ENV = (
    "ALLOWED_HOSTS",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "DEBUG",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_BACKEND",
    "EMAIL_DELIVERY_BACKEND",
    "EMAIL_DELIVERY_MAX_ATTEMPTS",
    "EMAIL_FILE_PATH",
    "EMAIL_HOST",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_USER",
    "EMAIL_PORT",
    "EMAIL_RETRY_MAX_DELAY",
    "EMAIL_TIMEOUT",
    "EMAIL_USE_TLS",
    "LOG_LEVEL",
    "REDIS_URL",
    "SECRET_KEY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SECURE",
    "TASKS_BACKEND",
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser tests' switch for Playwright's event loop is not part of a production env.
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45)[:60],
        "ALLOWED_HOSTS": "stagewise.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
    }


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_env_passes_the_deploy_check_without_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))

    assert result.returncode == 0, result.stderr


def test_a_debug_value_that_is_not_a_boolean_fails_clearly(tmp_path):
    result = manage("check", **{**production_env(tmp_path), "DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be a boolean (1/0, true/false), got 'maybe'" in result.stderr


def test_sqlite_gets_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    config = database_config(f"sqlite:///{tmp_path}/x.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/x.sqlite3"
    assert config["CONN_MAX_AGE"] == 0
    assert "PRAGMA journal_mode=WAL;" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20


def test_postgres_gets_persistent_connections_and_no_sqlite_options(monkeypatch):
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)

    config = database_config("postgres://app:pw@db.example.com:5432/stagewise")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.com", 5432, "stagewise")
    assert config["CONN_MAX_AGE"] == 60
    options = config.get("OPTIONS", {})
    assert not {"init_command", "transaction_mode", "timeout"} & set(options)


def test_db_conn_max_age_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")

    config = database_config("postgres://app:pw@db.example.com:5432/stagewise")

    assert config["CONN_MAX_AGE"] == 0
