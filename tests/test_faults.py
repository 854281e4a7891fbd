"""Faults with the real services, as a deployment meets them: Redis stopped, a Celery worker
killed in the middle of sending, PostgreSQL restarted under load.

Every server a test breaks is its own (tests/processes.py): a private Redis and a private
PostgreSQL cluster on free ports, never the machine's shared ones. The processes run with
production settings (DEBUG off, gunicorn, prefork workers, file email).

Skipped without REDIS_URL (a plain `make test`); CI sets it, and there a server these tests
need but cannot start is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from participation.models import OutboxMessage, OutboxStatus
from participation.services import outbox
from participation.services.invitations import invite
from projects.models import Role
from tests.processes import (
    POSTGRES_BIN,
    Browser,
    Gunicorn,
    PrivatePostgres,
    celery_worker,
    database_url,
    messages_to,
    production_environment,
    running,
    send_task,
    signed_in_session,
    wait_until,
)

IN_CI = bool(os.environ.get("REDIS_URL"))
pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not IN_CI, reason="needs REDIS_URL; CI sets it"),
]
ERROR_PAGE = "Something went wrong"


@pytest.fixture
def quiet_kicks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages this test process writes wait in the outbox for a worker (it has none)."""
    monkeypatch.setattr(outbox, "kick", lambda ids: None)


def invited(project: Any, practitioner: Any, email: str) -> OutboxMessage:
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email=email
    ).invitation
    return OutboxMessage.objects.get(invitation=invitation)


@pytest.mark.usefixtures("static_files")
def test_with_redis_stopped_pages_load_and_messages_wait_then_go_out_once(
    redis, mail, project, practitioner, expert
):
    """Redis stops under a running site: signed-in pages still load (sessions come from the
    database), an invitation sent meanwhile is saved and waits in the outbox, and once Redis
    is back the relay sends it, once."""
    env = production_environment(database=database_url(), redis=redis.url, mail=mail)
    web = Gunicorn(env)
    browser = Browser(signed_in_session(expert))
    pages = [reverse("dashboard"), project.get_absolute_url(), reverse("account_login"), "/"]
    with running(web):
        assert [browser.get(web.url + page).status_code for page in pages] == [200] * 4
        redis.stop()
        assert [browser.get(web.url + page).status_code for page in pages] == [200] * 4
        url = web.url + reverse("participation:invitations", args=[project.slug])
        data = browser.form(url) | {"email": "rae@ex.org", "role": Role.PRACTITIONER}
        assert browser.post(url, data).status_code == 302
        message = OutboxMessage.objects.get(invitation__email="rae@ex.org")
        assert message.status == OutboxStatus.PENDING
        assert messages_to(mail) == {}

        redis.start()
        with running(celery_worker(env)):
            send_task(redis.url, "participation.tasks.relay_outbox")  # what beat does
            wait_until(
                lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
                timeout=60,
                what="the invitation after Redis came back",
            )
            send_task(redis.url, "participation.tasks.relay_outbox")
            time.sleep(2)
    assert messages_to(mail) == {"rae@ex.org": 1}


@pytest.mark.parametrize("killed", ["pool-process", "whole-worker"])
def test_a_worker_killed_in_the_middle_of_sending_sends_the_message_once(
    killed, redis, mail, quiet_kicks, project, practitioner
):
    """SIGKILL while the mail server is still taking the message: the row lock dies with the
    worker's connection and nothing was committed, so the message is sent once by the task
    handed back to the pool (reject on worker lost) or by the next relay run on another
    worker; the task redelivered later finds it sent and leaves it."""
    message = invited(project, practitioner, "ola@ex.org")
    env = production_environment(database=database_url(), redis=redis.url, mail=mail)
    slow = celery_worker(
        {
            **env,
            "EMAIL_BACKEND": "tests.slow_mail.SlowFileBackend",
            "SLOW_MAIL_SECONDS": "30",
        },
        concurrency=1,
    )
    with running(slow):
        send_task(redis.url, "participation.tasks.relay_outbox")
        wait_until((mail / "sending").exists, timeout=60, what="the worker to start sending")
        sender = int((mail / "sending").read_text())
        assert sender in slow.children()
        if killed == "pool-process":
            os.kill(sender, signal.SIGKILL)
        else:
            assert slow.process is not None
            os.killpg(slow.process.pid, signal.SIGKILL)
            slow.process.wait(timeout=10)
            slow.process = None
        assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PENDING
        assert messages_to(mail) == {}
        with running(celery_worker(env)):
            send_task(redis.url, "participation.tasks.relay_outbox")
            wait_until(
                lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
                timeout=60,
                what="the message after the kill",
            )
            send_task(redis.url, "participation.tasks.deliver_messages", [message.pk])
            send_task(redis.url, "participation.tasks.relay_outbox")
            time.sleep(2)
    assert messages_to(mail) == {"ola@ex.org": 1}


@pytest.fixture
def cluster() -> Iterator[PrivatePostgres]:
    if POSTGRES_BIN is None:
        pytest.fail("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    # Its own folder in /tmp: as root the cluster runs as `postgres`, who cannot enter
    # pytest's private temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="coproduce-pg-"))
    server = PrivatePostgres(folder)
    try:
        server.create()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.usefixtures("static_files")
def test_postgresql_restarted_under_load_gives_the_error_page_then_recovers_unaided(
    cluster, redis, mail, project, expert
):
    """Four clients load signed-in pages while PostgreSQL stops for longer than the pool's
    wait and starts again: each answer is the page or the site's own error page (500, never a
    traceback), and every request sent once the database is back succeeds, with the same web
    processes (the pool checks each connection before handing it out)."""
    session = signed_in_session(expert)
    cluster.copy_from(database_url())
    env = production_environment(database=cluster.url, redis=redis.url, mail=mail)
    web = Gunicorn(env)
    page = web.url + project.get_absolute_url()
    answers: list[tuple[float, float, int, str]] = []
    stop = threading.Event()

    def load() -> None:
        browser = Browser(session)
        while not stop.is_set():
            sent = time.monotonic()
            response = browser.get(page)
            answers.append((sent, time.monotonic(), response.status_code, response.text))

    with running(web):
        assert Browser(session).get(page).status_code == 200
        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        try:
            time.sleep(1)
            cluster.stop()
            time.sleep(11)
            cluster.start()
            back = time.monotonic()
            time.sleep(4)
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
        # A quick restart while nobody is asking: the pools still hold connections to the old
        # server, and not one request after it must fail on one of them.
        browser = Browser(session)
        assert {browser.get(page).status_code for _ in range(8)} == {200}
        cluster.stop()
        cluster.start()
        quick = [browser.get(page).status_code for _ in range(8)]

    failed = [(s, code, text) for _, s, code, text in answers if code != 200]
    assert failed, "no request fell in the outage; the test proves nothing"
    for _, code, text in failed:
        assert code == 500, code
        assert ERROR_PAGE in text and "Traceback" not in text, text[:500]
    after = [code for sent, _, code, _ in answers if sent > back]
    assert after and set(after) == {200}, after
    assert quick == [200] * 8
