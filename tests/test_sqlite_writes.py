"""The embedded default (SQLite in a file): requests that write at the same moment queue for
the write lock instead of failing with "database is locked"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.utils import ConnectionHandler

from tests.concurrency import race

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the settings for SQLite")

ALIAS = "sqlite_file"


@pytest.fixture
def sqlite_file(tmp_path: Path, django_db_blocker: Any) -> Iterator[str]:
    """A second database, in a file, with the site's own SQLite options. (Not the test
    database: an in-memory SQLite shared between threads locks differently from a file.)"""
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": settings.DATABASES["default"]["OPTIONS"],
    }
    connections.settings[ALIAS] = ConnectionHandler({"default": database}).settings["default"]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n INTEGER)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        yield ALIAS
        connections[ALIAS].close()
    del connections.settings[ALIAS]


def add_one() -> None:
    """What a request does: read, then write, in one transaction."""
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (n,) = cursor.fetchone()
        cursor.execute("UPDATE counter SET n = %s", [n + 1])
    connections[ALIAS].close()


def test_eight_requests_writing_at_once_all_succeed_and_none_is_lost(sqlite_file):
    outcomes = race([add_one] * 8)

    assert outcomes == [None] * 8
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (8,)


def test_sqlite_takes_its_write_lock_up_front_and_waits_for_it():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
