"""Settings are driven by the environment; production settings pass Django's deploy checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from coproduce.settings import _redis_location

ROOT = Path(__file__).resolve().parent.parent


# Settings a test names itself; CI's own values (it sets REDIS_URL) must not leak in.
SITE_SETTINGS = {
    "REDIS_URL",
    "REDIS_KEY_PREFIX",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SECRET_KEY",
    "EMAIL_BACKEND",
    "SMS_BACKEND",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST")) and k not in SITE_SETTINGS
    }
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "k3Yq!9w_" + "x7Vb2LmN8pQr4sTu6wXy0zAb1cDe3fGh5iJk7lMn9oPq",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "coproduce.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://coproduce.example.org",
    "SITE_URL": "https://coproduce.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SMS_BACKEND": "coproduce.sms.TwilioBackend",
}


def test_production_settings_pass_the_deploy_checks_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_are_refused_by_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="true")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development SECRET_KEY


def test_the_database_number_in_redis_url_is_the_one_used():
    assert _redis_location("redis://127.0.0.1:6379/5") == "redis://127.0.0.1:6379/5"
    assert _redis_location("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/0"
    assert (
        _redis_location("redis://:pw@cache.internal:6380/7") == "redis://:pw@cache.internal:6380/7"
    )
    # A `db` option is another way to name it; either way it becomes the path.
    assert _redis_location("redis://127.0.0.1:6379?db=3&socket_timeout=5") == (
        "redis://127.0.0.1:6379/3?socket_timeout=5"
    )
    # TLS options of a managed Redis are kept.
    assert (
        _redis_location("rediss://:pw@cache.example.net:6380/4?ssl_cert_reqs=required")
        == "rediss://:pw@cache.example.net:6380/4?ssl_cert_reqs=required"
    )


def _settings_with(**env: str) -> dict[str, object]:
    """Settings as a fresh process with this environment reads them."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'cache': s.CACHES['default'], 'broker': s.CELERY_BROKER_URL, "
        "'sessions': s.SESSION_ENGINE, "
        "'results': s.CELERY_RESULT_BACKEND, "
        "'broker_prefix': s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'], "
        "'results_prefix': s.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS['global_keyprefix']}))"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_two_sites_on_one_redis_keep_apart_by_database_number_or_key_prefix():
    first = _settings_with(REDIS_URL="redis://127.0.0.1:6379/3")
    assert first["broker"] == first["results"] == "redis://127.0.0.1:6379/3"
    assert first["cache"] == {
        "BACKEND": "coproduce.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": "coproduce:cache",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    # Broker, results and cache share the database without sharing a key.
    assert len({first["broker_prefix"], first["results_prefix"], "coproduce:cache:"}) == 3
    # Sessions are read from that shared cache and kept in the database too.
    assert first["sessions"] == "django.contrib.sessions.backends.cached_db"
    second = _settings_with(REDIS_URL="redis://127.0.0.1:6379/3", REDIS_KEY_PREFIX="other-site")
    assert second["cache"]["KEY_PREFIX"] == "other-site:cache"  # type: ignore[index]
    assert second["broker_prefix"] == "other-site:broker:"
    assert second["results_prefix"] == "other-site:results:"


def _deploy_warnings() -> list[str]:
    return [message.id or "" for message in run_checks(include_deployment_checks=True)]


@override_settings(
    DEBUG=False,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
def test_deploy_check_warns_when_each_worker_keeps_its_own_cache():
    assert "coproduce.W001" in _deploy_warnings()


@pytest.mark.parametrize(
    "backend",
    [
        "coproduce.cache.ResilientRedisCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    ],
)
def test_deploy_check_is_quiet_with_a_shared_cache(backend):
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        assert "coproduce.W001" not in _deploy_warnings()


@override_settings(DEBUG=False, SITE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS=["example.org"])
def test_deploy_check_warns_when_emailed_links_would_go_to_another_host():
    assert "coproduce.W002" in _deploy_warnings()


def test_production_without_redis_fails_the_deploy_check_on_the_cache():
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **without_redis)
    assert result.returncode != 0
    assert "coproduce.W001" in result.stdout + result.stderr


def test_a_text_message_backend_that_cannot_be_loaded_stops_the_site():
    with override_settings(SMS_BACKEND="myorg.sms.Missing"):
        [error] = [m for m in run_checks() if m.id == "coproduce.E001"]
    assert "myorg.sms.Missing" in error.msg
    with override_settings(SMS_BACKEND="coproduce.sms.FileBackend"):
        assert "coproduce.E001" not in [m.id for m in run_checks()]


def test_the_old_name_of_a_text_message_backend_is_given_its_new_one(monkeypatch):
    def moved(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr("coproduce.checks.import_string", moved)
    with override_settings(SMS_BACKEND="participation.sms.FileBackend"):
        [error] = [m for m in run_checks() if m.id == "coproduce.E001"]
    assert error.hint == "Set SMS_BACKEND=coproduce.sms.FileBackend."


def test_without_redis_sessions_stay_in_the_database():
    # A cache of each process's own would sign people out between processes.
    assert _settings_with(REDIS_URL="")["sessions"] == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_postgresql_never_compiles_a_page_query_to_machine_code():
    # JIT compiling took 0.73 s of the portfolio's 0.75 s late-joiners query at 1,000 projects.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@override_settings(
    DEBUG=False,
    EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    SMS_BACKEND="coproduce.sms.ConsoleBackend",
)
def test_deploy_check_warns_when_messages_would_be_printed_to_the_log():
    assert _deploy_warnings().count("coproduce.W003") == 2
