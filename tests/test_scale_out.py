"""The site scaled out as a partnership that outgrows one machine runs it: two gunicorn web
processes and two Celery workers (two pool processes each) against the same PostgreSQL and
Redis, with one beat, all with production settings and the file email backend.

Skipped without REDIS_URL (a plain `make test`); CI sets it.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.models import MessageKind, OutboxMessage, OutboxStatus
from participation.services import outbox
from projects.models import Choice, Event, EventKind, Gate, Role, Vote
from tests.concurrency import race
from tests.gate_helpers import open_gate
from tests.processes import (
    Browser,
    Gunicorn,
    celery_beat,
    celery_worker,
    database_url,
    production_environment,
    running,
    send_task,
    signed_in_session,
    wait_until,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL; CI sets it"),
]

VOTERS = 12
INVITED = 6


def emails_by_recipient_and_subject(folder: Path) -> Counter[tuple[str, str]]:
    """(To, Subject) of every email the file backend wrote; a file may hold a whole batch."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in folder.glob("*.log"):
        # The backend writes each message's headers, then a line of 79 dashes.
        for message in path.read_text().split("-" * 79):
            headers = dict(
                line.split(": ", 1) for line in message.strip().splitlines() if ": " in line
            )
            if "To" in headers:
                counts[(headers["To"], headers.get("Subject", ""))] += 1
    return counts


@pytest.mark.usefixtures("static_files")
def test_two_web_processes_and_two_workers_count_each_vote_once_and_send_each_message_once(
    redis, mail, tmp_path, monkeypatch, project, practitioner, expert, join
):
    """The same vote posted to both web processes at once is one vote and one history entry;
    the same invitation posted to both is one invitation; the reminder sweep and the relay
    run many times at once on both workers, and beat on top, and every message goes out
    exactly once: one email per recipient and subject, as many as the outbox marks sent."""
    # What this test process queues waits in the outbox for the workers (it has none).
    monkeypatch.setattr(outbox, "kick", lambda ids: None)
    voters = [join(project, Role.EXPERT_BY_EXPERIENCE) for _ in range(VOTERS // 2)]
    voters += [join(project, Role.PRACTITIONER) for _ in range(VOTERS // 2)]
    gate = open_gate(project, practitioner, expert, window_hours=72)
    env = production_environment(database=database_url(), redis=redis.url, mail=mail)
    webs = [Gunicorn(env), Gunicorn(env)]
    workers = [celery_worker(env), celery_worker(env)]
    beat = celery_beat(env, tmp_path / "beat-schedule")
    gate_page = gate.get_absolute_url()
    vote_url = reverse("projects:gate_vote", args=[project.slug, gate.pk])
    invite_url = reverse("participation:invitations", args=[project.slug])

    with running(*webs, *workers, beat):
        # Each member's browser posts one vote form to both web processes at the same instant.
        for voter in voters:
            browser = Browser(signed_in_session(voter))
            form = browser.form(webs[0].url + gate_page) | {"choice": Choice.APPROVE}
            answers = race([partial(browser.post, web.url + vote_url, form) for web in webs])
            assert [a.status_code for a in answers] == [302, 302], answers
        # A co-lead's invitation form, sent to both web processes at once, for each person.
        lead = Browser(signed_in_session(practitioner))
        for n in range(INVITED):
            form = lead.form(webs[1].url + invite_url)
            form |= {"email": f"new{n}@ex.org", "role": Role.PRACTITIONER}
            answers = race([partial(lead.post, web.url + invite_url, form) for web in webs])
            assert [a.status_code for a in answers] == [302, 302], answers
        # Thirty hours into the vote: the 48-hour reminder is due for those yet to vote.
        now = timezone.now()
        Gate.objects.filter(pk=gate.pk).update(
            opened_at=now - timedelta(hours=30), closes_at=now + timedelta(hours=42)
        )
        # Sweeps and relays overlapping on both workers, as a slow beat tick or a retry makes.
        for _ in range(4):
            send_task(redis.url, "participation.tasks.send_reminders")
            send_task(redis.url, "participation.tasks.relay_outbox")
        wait_until(
            lambda: not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists(),
            timeout=90,
            what="every message to be sent",
        )
        wait_until(lambda: _settled(mail), timeout=30, what="the last email to be written")

    for voter in voters:
        assert Vote.objects.filter(gate=gate, voter=voter).count() == 1
        assert Event.objects.filter(kind=EventKind.VOTE_CAST, actor=voter).count() == 1
    assert not Event.objects.filter(kind=EventKind.VOTE_CHANGED).exists()

    emails = emails_by_recipient_and_subject(mail)
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT, channel="email")
    assert set(emails.values()) == {1}, [e for e, n in emails.items() if n > 1]
    assert sum(emails.values()) == sent.count()
    invitations = sent.filter(kind=MessageKind.INVITATION)
    assert sorted(invitations.values_list("address", flat=True)) == sorted(
        f"new{n}@ex.org" for n in range(INVITED)
    )
    reminded = sent.filter(kind=MessageKind.VOTING_CLOSING).values_list("address", flat=True)
    assert sorted(reminded) == sorted({a for a in reminded}), "a reminder went twice"
    assert reminded, "no reminder was due; the test proves nothing about the sweep"


def _settled(folder: Path) -> bool:
    """Every sent email row has its email on disk (the worker commits after writing)."""
    written = sum(emails_by_recipient_and_subject(folder).values())
    return (
        written == OutboxMessage.objects.filter(status=OutboxStatus.SENT, channel="email").count()
    )
