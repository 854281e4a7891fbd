"""Backup and restore, as the README tells an operator to do it on PostgreSQL.

A seeded data set (projects with members, decided votes, history, invitations, messages and
payments) is dumped with `pg_dump --format=custom`, restored with `pg_restore` into a database
made for it, and the restored one must hold the same rows in every model, the same outcomes (each
still what the decision rule gives for the restored votes) and pass `manage.py check`; and, once
the site has the `verify_log` command, an intact history.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from django.db import connection

from participation.services import outbox
from participation.services.invitations import invite
from projects.models import Project, Role
from tests.backup_report import report

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs pg_dump and pg_restore (postgresql-client)",
    ),
]


def database_url(name: str) -> str:
    """The test database's server and account, with another database name."""
    db = connection.settings_dict
    account = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{account}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def run(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    result = subprocess.run(  # noqa: S603 - our own fixed commands
        command, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{command[:3]}: {result.stdout}{result.stderr}"
    return result


def manage(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "manage.py", *args, DATABASE_URL=database, REDIS_URL="")


@pytest.fixture
def restored_database() -> Any:
    """A fresh, empty database name on the test server, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's; SQLite is copied with .backup")
    name = f"protect_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed() -> None:
    call_command("seed_load", projects=6, users=60, not_production=True, verbosity=0)
    # Messages that went out, so the outbox holds sent rows with their addresses.
    project = Project.objects.order_by("pk").first()
    assert project is not None
    for n in range(3):
        invite(
            project=project,
            role=Role.EXPERT_BY_EXPERIENCE,
            inviter=None,
            email=f"restore-{n}@example.org",
        )
    outbox.relay_due()


def test_a_dump_restored_into_a_new_database_holds_the_same_record(
    restored_database, tmp_path, mailoutbox
):
    seed()
    before = report()
    for label in (
        "projects.Membership",
        "projects.Vote",
        "projects.Event",
        "participation.Invitation",
        "participation.OutboxMessage",
        "participation.InvolvementPayment",
    ):
        assert before["rows"][label] > 0, f"the seed made no {label}"
    assert before["outcomes"] and before["disagreeing"] == []

    dump = tmp_path / "coproduce.dump"
    source = database_url(connection.settings_dict["NAME"])
    target = database_url(restored_database)
    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--dbname",
        target,
        str(dump),
    )

    code = "import json; from tests.backup_report import report; print(json.dumps(report()))"
    after = json.loads(manage("shell", "-c", code, database=target).stdout.strip().splitlines()[-1])
    assert after["rows"] == before["rows"]
    assert after["outcomes"] == before["outcomes"]
    assert after["disagreeing"] == []

    manage("check", "--database", "default", database=target)
    # The hash-chained history's own check, once the site has it.
    if "verify_log" in get_commands():
        manage("verify_log", database=target)
