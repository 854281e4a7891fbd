"""Inviting twice: a double tap, a retry on a slow phone or a second co-lead's invite keeps the
link the person already holds; an identical invite within a minute sends nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Invitation, InvitationState, OutboxMessage
from participation.services import bulk
from participation.services.invitations import SendKind, invite, resend, revoke
from projects.models import Event, EventKind, Role
from tests.participation_fixtures import token_in

pytestmark = pytest.mark.django_db


def invite_maya(project, inviter, **extra):
    return invite(
        project=project,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=inviter,
        email="maya@example.org",
        name="Maya",
        **extra,
    )


def sends(invitation: Invitation) -> int:
    return Event.objects.filter(
        kind=EventKind.INVITATION_SENT, data__invitation=invitation.pk
    ).count()


def test_an_identical_invitation_within_a_minute_sends_nothing_new(project, practitioner):
    first = invite_maya(project, practitioner).invitation
    again = invite_maya(project, practitioner)
    assert again.kind == SendKind.UNCHANGED and again.invitation.pk == first.pk
    assert Invitation.objects.get().send_count == 1
    assert OutboxMessage.objects.count() == 1
    assert sends(first) == 1


def test_inviting_again_while_the_link_works_resends_the_same_link(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite_maya(project, practitioner).invitation
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        with django_capture_on_commit_callbacks(execute=True):
            again = invite_maya(project, practitioner)
        assert again.kind == SendKind.RESENT
        stored = Invitation.objects.get()
        assert stored.expires_at > timezone.now() + timedelta(days=13)
    assert stored.send_count == 2
    assert token_in(mailoutbox[0].body) == token_in(mailoutbox[1].body)
    assert stored.token_hash == first.token_hash


def test_a_changed_invitation_within_a_minute_is_sent_again_with_the_same_link(
    project, practitioner
):
    first = invite_maya(project, practitioner).invitation
    again = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email="maya@example.org"
    )
    assert again.kind == SendKind.RESENT and again.invitation.role == Role.PRACTITIONER
    assert again.invitation.token_hash == first.token_hash
    assert OutboxMessage.objects.count() == 2


def test_an_expired_or_withdrawn_invitation_gets_a_new_link(project, practitioner):
    first = invite_maya(project, practitioner).invitation
    revoke(invitation=first)
    renewed = invite_maya(project, practitioner)
    assert renewed.kind == SendKind.RENEWED
    assert renewed.invitation.token_hash != first.token_hash
    assert renewed.invitation.state() == InvitationState.PENDING
    with time_machine.travel(renewed.invitation.expires_at + timedelta(days=1)):
        again = invite_maya(project, practitioner)
    assert again.kind == SendKind.RENEWED
    assert again.invitation.token_hash != renewed.invitation.token_hash


def test_the_resend_button_keeps_a_working_link_and_extends_it(project, practitioner):
    first = invite_maya(project, practitioner).invitation
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        sent = resend(invitation=first, actor=practitioner)
        assert sent.kind == SendKind.RESENT
        assert sent.invitation.token_hash == first.token_hash
        assert sent.invitation.expires_at > timezone.now() + timedelta(days=13)


def test_the_resend_button_pressed_twice_sends_once(project, practitioner):
    first = invite_maya(project, practitioner).invitation
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert resend(invitation=first, actor=practitioner).kind == SendKind.RESENT
        assert resend(invitation=first, actor=practitioner).kind == SendKind.UNCHANGED
    assert Invitation.objects.get().send_count == 2
    assert OutboxMessage.objects.count() == 2
    assert sends(first) == 2


def test_the_resend_button_gives_a_withdrawn_invitation_a_new_link(project, practitioner):
    first = revoke(invitation=invite_maya(project, practitioner).invitation)
    sent = resend(invitation=first, actor=practitioner)
    assert sent.kind == SendKind.RENEWED and sent.invitation.token_hash != first.token_hash


def test_a_co_lead_who_invites_twice_is_told_plainly_it_was_already_sent(
    client: Client, project, practitioner
):
    client.force_login(practitioner)
    url = reverse("participation:invitations", args=[project.slug])
    data = {"email": "maya@example.org", "role": Role.EXPERT_BY_EXPERIENCE, "name": "Maya"}
    client.post(url, data)
    page = client.post(url, data, follow=True)
    assert "less than a minute ago" in page.content.decode()
    assert OutboxMessage.objects.count() == 1


LIST = "name,email,role\nMaya,maya@example.org,expert\nSam,sam@example.org,practitioner\n"


def test_a_bulk_list_sent_twice_within_a_minute_sends_each_person_once(project, practitioner):
    first = bulk.send(project=project, inviter=practitioner, text=LIST)
    second = bulk.send(project=project, inviter=practitioner, text=LIST)
    assert [row.status for row in first] == [bulk.RowStatus.INVITED] * 2
    assert [row.status for row in second] == [bulk.RowStatus.UNCHANGED] * 2
    assert OutboxMessage.objects.count() == 2
    links = set(Invitation.objects.values_list("token_hash", flat=True))
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        third = bulk.send(project=project, inviter=practitioner, text=LIST)
    assert [row.status for row in third] == [bulk.RowStatus.RESENT] * 2
    assert set(Invitation.objects.values_list("token_hash", flat=True)) == links


def test_a_bulk_list_sent_twice_from_the_page_says_nothing_new_was_sent(
    client: Client, project, practitioner
):
    client.force_login(practitioner)
    url = reverse("participation:bulk_invite", args=[project.slug])
    data = {"csv_text": LIST, "default_role": "", "message": "", "send": "1"}
    client.post(url, data)
    page = client.post(url, data, follow=True).content.decode()
    assert "Nothing new was sent" in page
    assert OutboxMessage.objects.count() == 2
