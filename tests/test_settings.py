"""Settings are driven by the environment; production settings pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coproduce.settings import _redis_db

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
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
}


def test_production_settings_pass_the_deploy_checks_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_are_refused_by_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="true")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development SECRET_KEY


def test_broker_and_cache_use_separate_redis_databases():
    assert _redis_db("redis://127.0.0.1:6379/0", 2) == "redis://127.0.0.1:6379/2"
    assert _redis_db("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"
    assert _redis_db("redis://:pw@cache.internal:6380/5", 0) == "redis://:pw@cache.internal:6380/0"
    # TLS options of a managed Redis are kept for every database.
    assert (
        _redis_db("rediss://:pw@cache.example.net:6380/0?ssl_cert_reqs=required", 1)
        == "rediss://:pw@cache.example.net:6380/1?ssl_cert_reqs=required"
    )
    assert _redis_db("redis://127.0.0.1:6379?db=0&socket_timeout=5", 2) == (
        "redis://127.0.0.1:6379/2?socket_timeout=5"
    )
