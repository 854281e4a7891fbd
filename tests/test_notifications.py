"""Gate notifications, each member's choices, and the one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from participation.models import NotificationPreference, OutboxMessage, OutboxStatus, Topic
from participation.tasks import relay_outbox
from participation.tokens import unsubscribe_token
from projects import services
from projects.models import Choice
from projects.services import gates
from tests.gate_helpers import open_gate
from tests.participation_fixtures import use_locmem_sms

pytestmark = pytest.mark.django_db


def recipients(kind):
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("user__email", flat=True))


def all_approve(gate, *voters):
    for voter in voters:
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)


@pytest.fixture
def voters(practitioner, expert, expert2, practitioner2):
    return [practitioner, expert, expert2, practitioner2]


def test_opening_a_gate_tells_each_voting_member_once_but_not_the_co_lead_who_opened_it(
    project, practitioner, expert, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_gate(project, practitioner, expert)
    assert recipients("voting_opened") == [
        "expert2@example.org",
        "expert@example.org",
        "practitioner2@example.org",
    ]
    assert len(mailoutbox) == 3
    email = mailoutbox[0]
    assert email.subject == "Voting is open: should Housing First in Lambeth move to Delivery?"
    assert "/gates/" in email.body


def test_a_closed_gate_tells_every_member_and_a_passed_one_asks_commissioners_to_sign_off(
    project, practitioner, expert, voters, commissioner, mailoutbox
):
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    gate = open_gate(project, practitioner, expert)
    all_approve(gate, *voters)
    assert len(recipients("decision_made")) == 5
    assert recipients("signoff_requested") == [commissioner.email]
    relay_outbox.delay()
    assert {email.subject for email in mailoutbox} == {
        "Decision made: Housing First in Lambeth",
        "Please sign off: Housing First in Lambeth",
    }
    gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Genuine.")
    # Everyone but the commissioner who signed off: they are not told of their own sign-off.
    assert recipients("signoff_recorded") == sorted(voter.email for voter in voters)
    relay_outbox.delay()
    assert mailoutbox[-1].subject == "Sign-off recorded: Housing First in Lambeth"
    assert "is assured that the decision" in mailoutbox[-1].body
    assert commissioner.email not in {
        address
        for email in mailoutbox
        if "Sign-off recorded" in email.subject
        for address in email.to
    }


def test_notifications_roll_back_with_the_gate_change(project, practitioner, expert, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the gate change fails after the signal")

    monkeypatch.setattr(gates, "log_event", fail)
    with pytest.raises(RuntimeError):
        open_gate(project, practitioner, expert)
    assert not OutboxMessage.objects.exists()


def test_emails_carry_one_click_unsubscribe_headers(
    project, practitioner, expert, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_gate(project, practitioner, expert)
    email = mailoutbox[0]
    found = re.search(r"<(http[^>]+)>", email.extra_headers["List-Unsubscribe"])
    assert found
    link = found.group(1)
    assert "/notifications/unsubscribe/" in link
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in email.body


def test_one_click_unsubscribe_switches_off_that_topic_only(client: Client, expert2):
    url = reverse("participation:unsubscribe", args=[unsubscribe_token(expert2.pk, "decisions")])
    # RFC 8058: the mail program POSTs this body, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    choice = NotificationPreference.objects.get(user=expert2)
    assert not choice.decisions
    assert choice.voting_opened and choice.voting_reminders


def test_the_unsubscribe_link_asks_before_changing_anything(client: Client, expert2):
    url = reverse(
        "participation:unsubscribe", args=[unsubscribe_token(expert2.pk, Topic.VOTING_OPENED)]
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, stop these messages" in page.content.decode()
    assert not NotificationPreference.objects.exists()
    done = client.post(url)
    assert "you will not get these messages any more" in done.content.decode()
    assert not NotificationPreference.objects.get(user=expert2).voting_opened


def test_an_altered_unsubscribe_link_changes_nothing(client: Client, expert2):
    token = unsubscribe_token(expert2.pk, "decisions")
    response = client.post(reverse("participation:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_topic_switched_off_after_queueing_is_not_sent(
    project, practitioner, expert, expert2, mailoutbox
):
    open_gate(project, practitioner, expert)
    NotificationPreference.objects.create(user=expert2, voting_opened=False)
    relay_outbox.delay()
    assert expert2.email not in {email.to[0] for email in mailoutbox}
    skipped = OutboxMessage.objects.get(user=expert2)
    assert skipped.status == OutboxStatus.SKIPPED


def test_members_who_chose_text_messages_get_texts(
    project, practitioner, expert, expert2, settings, mailoutbox, django_capture_on_commit_callbacks
):
    texts = use_locmem_sms(settings)
    expert2.phone = "07700900123"
    expert2.save()
    NotificationPreference.objects.create(user=expert2, channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        open_gate(project, practitioner, expert)
    assert [t.to for t in texts] == ["07700900123"]
    assert "voting is open" in texts[0].body
    assert expert2.email not in {email.to[0] for email in mailoutbox}


def test_without_a_number_a_text_message_choice_falls_back_to_email(
    project, practitioner, expert, expert2, settings, mailoutbox, django_capture_on_commit_callbacks
):
    texts = use_locmem_sms(settings)
    NotificationPreference.objects.create(user=expert2, channel="both")
    with django_capture_on_commit_callbacks(execute=True):
        open_gate(project, practitioner, expert)
    assert texts == []
    assert expert2.email in {email.to[0] for email in mailoutbox}


# --- The preferences page -------------------------------------------------------------------


def test_preferences_need_sign_in(client: Client):
    response = client.get(reverse("participation:preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_chooses_text_messages_and_fewer_topics(client: Client, expert2):
    client.force_login(expert2)
    assert client.get(reverse("participation:preferences")).status_code == 200
    response = client.post(
        reverse("participation:preferences"),
        {"channel": "both", "phone": "07700 900123", "voting_reminders": "on", "decisions": "on"},
    )
    assert response.status_code == 302
    choice = NotificationPreference.objects.get(user=expert2)
    assert choice.channel == "both"
    assert (choice.voting_opened, choice.voting_reminders, choice.decisions) == (False, True, True)
    expert2.refresh_from_db()
    assert expert2.phone == "+447700900123"


def test_text_messages_without_a_number_are_refused_with_a_clear_message(client: Client, expert2):
    client.force_login(expert2)
    response = client.post(reverse("participation:preferences"), {"channel": "sms", "phone": ""})
    assert response.status_code == 200
    assert "Add your mobile number to get text messages." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_same_choices_sent_again_change_nothing(client: Client, expert2):
    client.force_login(expert2)
    choices = {"channel": "both", "phone": "07700 900123", "decisions": "on"}
    client.post(reverse("participation:preferences"), choices)
    first = NotificationPreference.objects.get(user=expert2).updated_at
    with time_machine.travel(first + timedelta(minutes=5)):
        assert client.post(reverse("participation:preferences"), choices).status_code == 302
    assert NotificationPreference.objects.get(user=expert2).updated_at == first


def test_another_commissioner_hears_of_a_sign_off_by_the_name_of_who_gave_it(
    project, practitioner, expert, voters, commissioner, join, mailoutbox
):
    other = join(project, "commissioner", email="second-commissioner@example.org")
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    gate = open_gate(project, practitioner, expert)
    all_approve(gate, *voters)
    gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Genuine.")
    assert other.email in recipients("signoff_recorded")
    assert commissioner.email not in recipients("signoff_recorded")
    relay_outbox.delay()
    told = [email for email in mailoutbox if email.to == [other.email]][-1]
    assert f"{commissioner}, a commissioner, is assured" in told.body
