"""Webhooks: each event of a project reaches a real receiver once, signed so that the README's
check accepts it, retried with backoff when the receiver fails, kept while the broker is down,
and holding no personal data."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import checks
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from participation.messages import http_post
from participation.models import OutboxMessage, OutboxStatus, Webhook, WebhookEvent
from participation.services import outbox
from participation.services import webhooks as webhook_services
from participation.tasks import deliver_messages, relay_outbox
from projects import signals
from projects.models import Choice, Event, EventKind, Gate, Project, Role, Stage
from projects.services import gates
from tests.concurrency import postgresql_only, race
from tests.gate_helpers import open_gate
from tests.webhook_receiver import Receiver, readme_check, running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    with running_receiver(settings) as running:
        yield running


EVERY_EVENT = list(WebhookEvent.values)


def add_hook(project: Project, lead: Any, url: str, events: list[str] | None = None) -> Webhook:
    hook, added = webhook_services.add_webhook(
        project=project, actor=lead, url=url, events=events or EVERY_EVENT
    )
    assert added
    return hook


def deliveries() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="webhook").order_by("pk"))


def opened(project: Project, practitioner: Any, expert: Any, capture: Any) -> Gate:
    """Open a vote, running what waits for the commit (the delivery) as a real request would."""
    with capture(execute=True):
        return open_gate(project, practitioner, expert)


# --- Signed so that a receiver can check it ---------------------------------------------------


def test_a_receiver_checks_each_delivery_with_the_readme_code(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url)
    gate = opened(project, practitioner, expert, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    is_from_coproduce = readme_check()
    assert is_from_coproduce(hook.secret, request.headers, request.body)
    assert request.path == "/coproduce/events?team=7"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Coproduce-Event"] == "voting.opened"
    [delivery] = deliveries()
    assert request.headers["X-Coproduce-Delivery"] == str(delivery.pk)
    document = json.loads(request.body)
    assert document["id"] == delivery.pk
    assert document["event"] == "voting.opened"
    assert document["decision"]["id"] == gate.pk
    assert document["decision"]["status"] == "open"
    assert "results" not in document["decision"]  # nothing of the votes while voting is open
    assert delivery.status == OutboxStatus.SENT
    assert (delivery.webhook_delivery.response_code, delivery.address) == (200, hook.host)
    assert hook.host == urlsplit(receiver.url).netloc == f"127.0.0.1:{urlsplit(receiver.url).port}"


def test_the_check_refuses_another_secret_a_changed_body_and_an_old_request(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url)
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    is_from_coproduce = readme_check()

    assert not is_from_coproduce("not-the-secret", request.headers, request.body)
    assert not is_from_coproduce(hook.secret, request.headers, request.body.replace(b"7", b"8"))
    older = {**request.headers, "X-Coproduce-Timestamp": str(int(timezone.now().timestamp()) - 1)}
    assert not is_from_coproduce(hook.secret, older, request.body)  # the timestamp is signed
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert not is_from_coproduce(hook.secret, request.headers, request.body)  # a replay
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert is_from_coproduce(hook.secret, request.headers, request.body)


def test_a_new_secret_signs_every_delivery_from_then_on(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url)
    old = hook.secret
    assert webhook_services.make_new_secret(webhook=hook, actor=practitioner, replacing=1)
    hook.refresh_from_db()
    assert hook.secret != old and len(hook.secret) >= 43
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    is_from_coproduce = readme_check()
    assert is_from_coproduce(hook.secret, request.headers, request.body)
    assert not is_from_coproduce(old, request.headers, request.body)


# --- Retried after a failed delivery ----------------------------------------------------------


def test_a_failed_delivery_is_retried_with_backoff_and_sends_the_same_bytes(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url)
    receiver.statuses = [500]
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)

    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.webhook_delivery.response_code == 500
    assert delivery.last_error == "The receiver answered 500 Internal Server Error."
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=61)
    assert relay_outbox.delay().get() == 0  # not due yet: nothing is sent early
    assert len(receiver.requests) == 1

    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert relay_outbox.delay().get() == 1
        assert relay_outbox.delay().get() == 0
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Coproduce-Delivery"] == second.headers["X-Coproduce-Delivery"]
    assert first.headers["X-Coproduce-Timestamp"] != second.headers["X-Coproduce-Timestamp"]
    assert readme_check()(hook.secret, second.headers, second.body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert delivery.webhook_delivery.response_code == 200


def test_a_receiver_that_keeps_failing_is_given_up_after_the_last_attempt(
    project, practitioner, expert, receiver: Receiver, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    add_hook(project, practitioner, receiver.url)
    receiver.statuses = [503] * 5
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [delivery] = deliveries()
    later = timezone.now()
    for _ in range(2):
        later += timedelta(hours=5)
        outbox.deliver(delivery.pk, now=later)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (OutboxStatus.FAILED, 3)
    assert len(receiver.requests) == 3
    assert outbox.deliver(delivery.pk, now=later + timedelta(hours=5)).outcome == "untouched"
    assert len(receiver.requests) == 3


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    add_hook(project, practitioner, receiver.url)
    receiver.statuses = [302]
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [delivery] = deliveries()
    assert delivery.status == OutboxStatus.PENDING
    assert delivery.webhook_delivery.response_code == 302
    assert len(receiver.requests) == 1


def test_a_receiver_that_cannot_be_reached_is_retried(project, practitioner, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nobody listens on it once the socket closes
    hook = add_hook(project, practitioner, f"http://127.0.0.1:{port}/")
    assert webhook_services.send_test(webhook=hook)
    [delivery] = deliveries()
    assert outbox.deliver(delivery.pk).outcome == outbox.Outcome.RETRY
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Could not connect")
    assert delivery.webhook_delivery.response_code is None


# --- Never sent twice for one event ----------------------------------------------------------


def test_a_signal_fired_twice_queues_and_sends_one_delivery_per_webhook(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    add_hook(project, practitioner, receiver.url)
    add_hook(project, practitioner, receiver.url.replace("team=7", "team=8"))
    gate = open_gate(project, practitioner, expert)  # no commit here: nothing is sent yet
    assert len(deliveries()) == 2
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        signals.gate_opened.send(sender=Gate, gate=gate, actor=practitioner)
        signals.gate_opened.send(sender=Gate, gate=gate, actor=practitioner)
    assert len(deliveries()) == 2
    relay_outbox.delay().get()  # the voting-opened emails go too
    assert relay_outbox.delay().get() == 0
    assert deliver_messages.delay([d.pk for d in deliveries()] * 2).get() == 0
    assert sorted(r.path for r in receiver.requests) == [
        "/coproduce/events?team=7",
        "/coproduce/events?team=8",
    ]


def test_a_webhook_gets_only_the_events_it_asked_for_and_nothing_while_off(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url, [WebhookEvent.DECISION_MADE])
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    assert deliveries() == []
    webhook_services.change_events(webhook=hook, actor=practitioner, events=EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=False):
        webhook_services.send_test(webhook=hook)
    webhook_services.switch(webhook=hook, actor=practitioner, active=False)
    assert relay_outbox.delay().get() == 0
    [delivery] = deliveries()
    assert delivery.status == OutboxStatus.SKIPPED  # waiting when it was turned off
    assert receiver.requests == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_post_once(
    project, practitioner, receiver: Receiver, django_capture_on_commit_callbacks
):
    hook = add_hook(project, practitioner, receiver.url)
    with mock.patch.object(outbox, "kick"):  # no delivery right after the commit
        webhook_services.send_test(webhook=hook)
    [delivery] = deliveries()
    receiver.delay = 0.5  # the first worker still holds the row when the second arrives
    outcomes = race([lambda: outbox.deliver(delivery.pk), lambda: outbox.relay_due()])
    assert len(receiver.requests) == 1, outcomes
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (OutboxStatus.SENT, 1)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_event_queued_twice_at_once_is_one_delivery(project, practitioner, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    add_hook(project, practitioner, "http://127.0.0.1:9/")

    def queue() -> int:
        with transaction.atomic():
            return len(
                webhook_services.queue_event(
                    project=project,
                    event=WebhookEvent.STAGE_CHANGED,
                    occasion="project:0:stage:design:delivery",
                    facts=lambda: {"event": WebhookEvent.STAGE_CHANGED},
                )
            )

    assert sorted(race([queue, queue])) == [0, 1]
    assert len(deliveries()) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_address_added_twice_at_once_is_one_webhook_and_one_new_secret(
    project, practitioner, expert
):
    def adding(lead: Any) -> Any:
        return lambda: webhook_services.add_webhook(
            project=project, actor=lead, url="https://hooks.example.org/x", events=EVERY_EVENT
        )[1]

    assert sorted(race([adding(practitioner), adding(expert)])) == [False, True]
    hook = Webhook.objects.get()

    def new_secret(lead: Any) -> Any:
        return lambda: webhook_services.make_new_secret(webhook=hook, actor=lead, replacing=1)

    assert sorted(race([new_secret(practitioner), new_secret(expert)])) == [False, True]
    hook.refresh_from_db()
    assert hook.secret_version == 2
    changes = Event.objects.filter(kind=EventKind.WEBHOOK_CHANGED).values_list("data", flat=True)
    assert sorted(change["change"] for change in changes) == ["added", "secret"]


# --- Kept while Redis is down -----------------------------------------------------------------


def test_with_the_broker_down_the_event_waits_in_the_database_and_the_relay_delivers_it(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks, caplog
):
    hook = add_hook(project, practitioner, receiver.url)
    broken = mock.patch.object(
        deliver_messages, "apply_async", side_effect=OperationalError("Connection refused")
    )
    with broken:
        gate = opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    assert gate.is_open  # the change itself succeeded
    assert receiver.requests == []
    [delivery] = deliveries()
    assert delivery.status == OutboxStatus.PENDING
    assert "the outbox relay will send them" in caplog.text

    relay_outbox.delay().get()  # the beat sweep, once Redis is back (the emails go too)
    [request] = receiver.requests
    assert readme_check()(hook.secret, request.headers, request.body)
    assert request.headers["X-Coproduce-Delivery"] == str(delivery.pk)


# --- Ids and public facts only ----------------------------------------------------------------

OBJECTION = "Secret words: the van should not stop outside the hostel"
REASONS = "Assured by the minutes of every meeting, signed by Rosa Quist"


def test_every_event_carries_ids_and_public_facts_and_no_personal_data(
    project,
    practitioner,
    practitioner2,
    expert,
    expert2,
    commissioner,
    join,
    receiver: Receiver,
    django_capture_on_commit_callbacks,
):
    practitioner3 = join(project, Role.PRACTITIONER, email="pri@example.org", display_name="Priya")
    Project.objects.filter(pk=project.pk).update(signoff_every_gate=True)
    project.refresh_from_db()
    hook = add_hook(project, practitioner, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        gate = open_gate(project, practitioner, expert)
        for voter in (expert, expert2, practitioner, practitioner3):
            gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
        gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.OBJECT, reason=OBJECTION)
        gate.refresh_from_db()
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons=REASONS)

    documents = {json.loads(r.body)["event"]: json.loads(r.body) for r in receiver.requests}
    assert sorted(documents) == sorted(EVERY_EVENT)
    is_from_coproduce = readme_check()
    assert all(is_from_coproduce(hook.secret, r.headers, r.body) for r in receiver.requests)

    made = documents["decision.made"]["decision"]
    assert (made["passed"], made["outcome"]) == (True, "awaiting_signoff")
    assert made["results"]["learned"]["objections"] == 1
    assert made["results"]["lived"]["approvals"] == 2
    signed = documents["signoff.recorded"]
    assert signed["sign_off"]["assured"] is True
    assert signed["decision"]["outcome"] == "passed"
    # The sign-off moved the project on: its payload says where the project is now.
    assert signed["project"]["stage"] == Stage.DELIVERY
    assert documents["stage.changed"]["stage"] == {"from": "design", "to": "delivery"}
    assert documents["stage.changed"]["project"]["stage"] == Stage.DELIVERY
    assert documents["voting.opened"]["project"]["id"] == project.pk

    people = [practitioner, practitioner2, practitioner3, expert, expert2, commissioner]
    personal = [p.email for p in people] + [p.display_name for p in people]
    written = [OBJECTION, REASONS, gate.proposal, gate.what_changes, "Rosa"]
    everything = b"".join(r.body + repr(r.headers).encode() for r in receiver.requests).decode()
    found = [words for words in personal + written if words in everything]
    assert not found, f"a payload holds {found}"
    stored = json.dumps([d.data for d in deliveries()])
    assert not [words for words in personal + written if words in stored]


# --- Which addresses a webhook may reach ----------------------------------------------------

REFUSED = [
    "http://hooks.example.org/",  # not https
    "https://user:pass@hooks.example.org/",
    "https://localhost/",
    "https://printer.local/",
    "https://127.0.0.1/",
    "https://10.1.2.3/",
    "https://192.168.0.10:8443/",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[64:ff9b::a00:1]/",
    "https://[2002:a00:1::]/",  # 6to4 around 10.0.0.1
    "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo around 10.0.0.1
    "https://224.0.0.1/",
    "https://0.0.0.0/",
    "https://hooks.example.org:notaport/",
    "ftp://hooks.example.org/",
]


@override_settings(WEBHOOKS_ALLOW_LOCAL=False)
@pytest.mark.parametrize("url", REFUSED)
def test_in_production_a_webhook_cannot_be_aimed_at_a_private_address(url):
    assert http_post.url_problem(url) is not None


@override_settings(WEBHOOKS_ALLOW_LOCAL=False)
def test_in_production_a_public_https_address_is_accepted():
    assert http_post.url_problem("https://hooks.example.org/coproduce?key=1") is None
    assert http_post.url_problem("https://93.184.215.14:8443/") is None


def fake_lookup(*addresses: str) -> Any:
    def lookup(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return mock.patch.object(socket, "getaddrinfo", side_effect=lookup)


@override_settings(WEBHOOKS_ALLOW_LOCAL=False)
def test_a_public_name_that_leads_to_a_private_address_is_refused_when_sending(
    project, practitioner
):
    hook = add_hook(project, practitioner, "https://hooks.example.org/in")
    webhook_services.send_test(webhook=hook)
    [delivery] = deliveries()
    connect = mock.patch.object(socket, "create_connection", side_effect=AssertionError)
    with fake_lookup("93.184.215.14", "10.0.0.5"), connect as connected:
        assert outbox.deliver(delivery.pk).outcome == outbox.Outcome.RETRY
    assert not connected.called
    delivery.refresh_from_db()
    assert "local or private network" in delivery.last_error


@override_settings(WEBHOOKS_ALLOW_LOCAL=False)
def test_the_request_goes_to_the_address_that_was_checked(project, practitioner):
    """A name looked up a second time could answer differently (DNS rebinding): the
    connection is made to the address checked, never to the name."""
    hook = add_hook(project, practitioner, "https://hooks.example.org/in")
    webhook_services.send_test(webhook=hook)
    [delivery] = deliveries()
    refused = ConnectionRefusedError(111, "Connection refused")
    connect = mock.patch.object(socket, "create_connection", side_effect=refused)
    with fake_lookup("93.184.215.14"), connect as connected:
        assert outbox.deliver(delivery.pk).outcome == outbox.Outcome.RETRY
    assert connected.call_args.args[0] == ("93.184.215.14", 443)
    delivery.refresh_from_db()
    assert delivery.last_error == "Could not connect: Connection refused"


@override_settings(DEBUG=False, WEBHOOKS_ALLOW_LOCAL=True)
def test_the_deploy_check_warns_while_webhooks_may_reach_local_addresses():
    warnings = checks.run_checks(include_deployment_checks=True)
    assert "participation.W001" in [warning.id for warning in warnings]
    with override_settings(WEBHOOKS_ALLOW_LOCAL=False):
        warnings = checks.run_checks(include_deployment_checks=True)
        assert "participation.W001" not in [warning.id for warning in warnings]


# --- Found by trying the pages as a co-lead and a receiver would ------------------------------


def test_each_attempt_is_signed_with_the_moment_it_is_sent(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    """A relay batch works out `now` once; a delivery reached after slow receivers ahead of it
    was signed with that older moment, which receivers refuse as stale."""
    hook = add_hook(project, practitioner, receiver.url)
    receiver.statuses = [500]
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [delivery] = deliveries()
    # The batch's `now` is ten minutes away from when the request is really sent.
    later = delivery.next_attempt_at + timedelta(minutes=10)
    outbox.deliver_many([delivery.pk], now=later)
    _failed, sent = receiver.requests
    signed_at = int(sent.headers["X-Coproduce-Timestamp"])
    assert abs(signed_at - time.time()) < 5
    assert readme_check()(hook.secret, sent.headers, sent.body)


def test_turning_a_webhook_off_cancels_its_waiting_deliveries_at_once(
    project, practitioner, expert, receiver: Receiver, django_capture_on_commit_callbacks
):
    """Off and on again before the retry was due used to send it; after it, not: now a delivery
    waiting when the webhook is turned off is cancelled there and then, as the page says."""
    hook = add_hook(project, practitioner, receiver.url)
    receiver.statuses = [500]
    opened(project, practitioner, expert, django_capture_on_commit_callbacks)
    [delivery] = deliveries()
    webhook_services.switch(webhook=hook, actor=practitioner, active=False)
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.SKIPPED
    webhook_services.switch(webhook=hook, actor=practitioner, active=True)
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert relay_outbox.delay().get() == 0
    assert len(receiver.requests) == 1


def test_an_address_differing_only_in_case_or_spaces_is_the_same_webhook(project, practitioner):
    first = add_hook(project, practitioner, " HTTPS://Hooks.Example.org/In?team=A ")
    same, added = webhook_services.add_webhook(
        project=project,
        actor=practitioner,
        url="https://hooks.example.org/In?team=A",
        events=EVERY_EVENT,
    )
    assert (same, added) == (first, False)
    assert first.url == "https://hooks.example.org/In?team=A"  # path and query kept as typed


def test_two_webhooks_to_one_server_are_told_apart_everywhere(project, practitioner):
    one = add_hook(project, practitioner, "https://hooks.example.org:8443/a")
    two = add_hook(project, practitioner, "https://hooks.example.org:8443/b")
    assert one.host == two.host == "hooks.example.org:8443"
    assert one.label != two.label
    assert one.label == f"hooks.example.org:8443, number {one.pk}"
    history = list(
        Event.objects.filter(project=project, kind=EventKind.WEBHOOK_CHANGED).values_list(
            "summary", flat=True
        )
    )
    assert any(one.label in line for line in history)
    assert any(two.label in line for line in history)


def test_a_name_that_cannot_be_found_is_said_in_plain_words(project, practitioner, settings):
    """The log quoted the system's error ("[Errno -2] Name or service not known")."""
    settings.WEBHOOKS_ALLOW_LOCAL = True
    hook = add_hook(project, practitioner, "https://no-such-host.invalid/in")
    assert webhook_services.send_test(webhook=hook)
    [delivery] = deliveries()
    assert outbox.deliver(delivery.pk).outcome == outbox.Outcome.RETRY
    delivery.refresh_from_db()
    assert delivery.last_error == (
        "The name no-such-host.invalid could not be found. Check the address with the people "
        "who run the other system."
    )
