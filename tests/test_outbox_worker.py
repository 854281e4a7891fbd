"""The outbox with a real Redis and a real Celery worker process (CI runs these).

Each test starts its own Redis on a free port, so stopping it to simulate an outage never
touches the machine's shared Redis, and a worker process pointed at it and at the test
database, sending email to files in a temporary folder.

Skipped without REDIS_URL (a plain `make test`), without `redis-server` on the PATH, and on
SQLite: the worker is another process and cannot see an in-memory test database.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from coproduce.celery import app as celery_app
from coproduce.tasks import ping
from participation.models import Invitation, OutboxMessage, OutboxStatus
from participation.services.invitations import invite
from participation.tasks import relay_outbox, send_reminders
from projects.models import Choice, Gate, Role
from projects.services import gates
from tests.gate_helpers import open_gate
from tests.processes import REDIS_SERVER, PrivateRedis, database_url, wait_until
from tests.worker import celery_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL; CI sets it"),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server on the PATH"),
]


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a PostgreSQL test database")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def forget_connections() -> None:
    """The app caches its broker pools and result backend; drop them to use new URLs."""
    app: Any = celery_app  # these caches are private, so the type stubs do not know them
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker(redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """Point this process's Celery app at the private Redis, and stop running tasks eagerly."""
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "result_backend": celery_app.conf.result_backend,
    }
    celery_app.conf.update(
        broker_url=redis.url,
        result_backend=redis.url.replace("/0", "/1"),
        task_always_eager=False,
    )
    forget_connections()
    try:
        yield redis
    finally:
        celery_app.conf.update(**saved, task_always_eager=True)
        forget_connections()


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    path = tmp_path / "emails"
    path.mkdir()
    return path


@pytest.fixture
def worker(broker: PrivateRedis, outbox_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(
        REDIS_URL=broker.url,
        DATABASE_URL=database_url(),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox_dir),
    )
    with celery_worker(**env) as proc:
        assert ping.delay("ready?").get(timeout=60) == "ready?"
        yield proc


def status_of(invitation: Invitation) -> str:
    return str(OutboxMessage.objects.get(invitation=invitation).status)


def emails(folder: Path) -> list[str]:
    """What was written. A batch opens the file backend's connection, which makes an empty
    file even when it sends nothing (a message someone else already sent)."""
    return [path.read_text() for path in sorted(folder.iterdir()) if path.stat().st_size]


def subjects(folder: Path, start: str) -> list[str]:
    return [
        line
        for text in emails(folder)
        for line in text.splitlines()
        if line.startswith(f"Subject: {start}")
    ]


def settle() -> None:
    """Wait until the single worker has finished everything queued before this call."""
    assert ping.delay("done?").get(timeout=60) == "done?"


def test_an_invitation_is_delivered_by_the_worker_to_the_file_backend(
    project, practitioner, worker, outbox_dir
):
    # The project is made before the worker starts, so the surveys its making asks for are
    # sent in-process and cleared by the fixture, not by the worker into `outbox_dir`.
    invitation = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email="sam@ex.org"
    ).invitation
    # The worker writes the email, then commits the row as sent: wait for the commit, after
    # which the file is complete.
    wait_until(lambda: status_of(invitation) == OutboxStatus.SENT, what="the invitation email")
    [text] = emails(outbox_dir)
    assert "To: sam@ex.org" in text
    assert "/invitations/" in text


def test_the_reminder_sweep_run_twice_through_the_worker_sends_each_reminder_once(
    project, practitioner, expert, worker, outbox_dir
):
    gate = open_gate(project, practitioner, expert, window_hours=72)
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    now = timezone.now()
    # Thirty hours into a 72-hour vote: inside the 48-hour reminder window.
    Gate.objects.filter(pk=gate.pk).update(
        opened_at=now - timedelta(hours=30), closes_at=now + timedelta(hours=42)
    )
    send_reminders.delay()
    send_reminders.delay()
    settle()
    assert len(subjects(outbox_dir, "Reminder: vote by")) == 2
    send_reminders.delay()
    settle()
    assert len(subjects(outbox_dir, "Reminder: vote by")) == 2


def test_with_redis_down_an_invitation_is_still_made_and_goes_out_when_redis_is_back(
    project, practitioner, worker, broker, outbox_dir
):
    broker.stop()
    started = time.monotonic()
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email="ali@ex.org"
    ).invitation
    # Connection refused is immediate and publishing retries once; a hang would take minutes.
    assert time.monotonic() - started < 20, "the request must not hang on a dead broker"
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert status_of(invitation) == OutboxStatus.PENDING
    assert emails(outbox_dir) == []

    broker.start()
    relay_outbox.delay()  # what beat does every minute
    wait_until(
        lambda: status_of(invitation) == OutboxStatus.SENT,
        timeout=90,
        what="the delayed invitation email",
    )
    [text] = emails(outbox_dir)
    assert "To: ali@ex.org" in text
