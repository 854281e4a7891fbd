"""An invitation belongs to one person and one project: joining closes the person's other
invitations, another member cannot use it up, and the admin cannot make or move one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Invitation, InvitationState, MessageKind, OutboxMessage
from participation.services.invitations import InvitationError, invite, resend
from participation.services.joining import accept
from participation.services.reminders import queue_due_reminders
from participation.tokens import invitation_token
from projects import services
from projects.models import Membership, Role

pytestmark = pytest.mark.django_db


def invite_to(project, inviter, **address):
    return invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=inviter, **address
    ).invitation


def link(invitation):
    return reverse("participation:accept", args=[invitation_token(invitation)])


def test_joining_by_one_invitation_closes_the_other_invitation_to_the_same_person(
    project, practitioner, user_factory
):
    by_email = invite_to(project, practitioner, email="maya@example.org")
    by_phone = invite_to(project, practitioner, phone="07700 900 123")
    maya = user_factory(email="maya@example.org", phone="+447700900123", phone_verified=True)
    accept(invitation=by_email, user=maya)
    by_phone.refresh_from_db()
    assert by_phone.state() == InvitationState.ACCEPTED and by_phone.accepted_by == maya
    with pytest.raises(InvitationError, match="already been accepted"):
        resend(invitation=by_phone, actor=practitioner)
    later = timezone.now() + timedelta(days=4)
    assert not [m for m in queue_due_reminders(now=later) if f":{by_phone.pk}:" in m.occasion]


def test_a_number_a_member_only_typed_does_not_claim_the_invitation_texted_to_it(
    client: Client, project, practitioner, user_factory, expert2
):
    """The reported fault: typing someone else's number on the messages page closed their
    invitation as joined by the member who typed it, and stopped new ones being sent."""
    by_phone = invite_to(project, practitioner, phone="07700 900 123")
    client.force_login(expert2)
    client.post(reverse("participation:preferences"), {"channel": "both", "phone": "07700 900123"})

    by_phone.refresh_from_db()
    assert by_phone.state() == InvitationState.PENDING
    again = invite_to(project, practitioner, phone="07700 900 123")
    assert again == by_phone and again.state() == InvitationState.PENDING


def test_a_member_whose_number_is_checked_has_the_text_invitation_there_closed(
    project, practitioner, user_factory
):
    from allauth.account.adapter import get_adapter

    by_email = invite_to(project, practitioner, email="maya@example.org")
    by_phone = invite_to(project, practitioner, phone="07700 900 123")
    maya = user_factory(email="maya@example.org", phone="+447700900123")
    accept(invitation=by_email, user=maya)
    by_phone.refresh_from_db()
    assert by_phone.state() == InvitationState.PENDING  # the number is not checked yet

    get_adapter().set_phone_verified(maya, "+447700900123")

    by_phone.refresh_from_db()
    assert by_phone.state() == InvitationState.ACCEPTED and by_phone.accepted_by == maya


def test_a_member_who_verifies_another_email_address_has_the_invitation_there_closed(
    project, practitioner, user_factory
):
    from allauth.account.signals import email_confirmed

    maya = user_factory(email="maya@example.org")
    services.add_member(project=project, user=maya, role=Role.PRACTITIONER, actor=practitioner)
    work = invite_to(project, practitioner, email="maya@work.example.org")
    address = EmailAddress.objects.create(user=maya, email="maya@work.example.org", verified=True)

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    work.refresh_from_db()
    assert work.state() == InvitationState.ACCEPTED


def test_a_number_the_link_proves_closes_the_invitation_to_that_number(
    project, practitioner, user_factory
):
    by_phone = invite_to(project, practitioner, phone="07700 900 123")
    by_email = invite_to(project, practitioner, email="maya@example.org")
    maya = user_factory(email="maya@example.org", phone="")
    accept(invitation=by_phone, user=maya, signed_up=True)
    by_email.refresh_from_db()
    assert by_email.state() == InvitationState.ACCEPTED


def test_someone_added_another_way_has_their_invitations_closed_by_any_verified_address(
    project, practitioner, user_factory
):
    maya = user_factory(email="maya@example.org")
    EmailAddress.objects.create(user=maya, email="Maya@Work.example", verified=True)
    EmailAddress.objects.create(user=maya, email="unproven@example.org", verified=False)
    at_work = invite_to(project, practitioner, email="maya@work.example")
    unproven = invite_to(project, practitioner, email="unproven@example.org")
    services.add_member(project=project, user=maya, role=Role.PRACTITIONER, actor=practitioner)
    at_work.refresh_from_db()
    unproven.refresh_from_db()
    assert (at_work.state(), at_work.accepted_by) == (InvitationState.ACCEPTED, maya)
    assert unproven.state() == InvitationState.PENDING


def test_a_resend_to_someone_who_became_a_member_closes_it_instead(
    project, practitioner, user_factory
):
    invitation = invite_to(project, practitioner, email="maya@work.example")
    maya = user_factory(email="maya@example.org")
    services.add_member(project=project, user=maya, role=Role.PRACTITIONER, actor=practitioner)
    # The address is verified only after she joined, so joining could not close it.
    EmailAddress.objects.create(user=maya, email="maya@work.example", verified=True)
    with pytest.raises(InvitationError, match="already a member"):
        resend(invitation=invitation, actor=practitioner)
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.ACCEPTED
    # The invitation; Maya's impact survey on joining is not about the invitation.
    assert OutboxMessage.objects.exclude(kind=MessageKind.SURVEY_REQUEST).count() == 1


def test_an_existing_member_cannot_use_up_someone_elses_invitation(
    project, practitioner, expert2, user_factory
):
    invitation = invite_to(project, practitioner, email="maya@example.org")
    with pytest.raises(InvitationError, match="already a member"):
        accept(invitation=invitation, user=expert2)
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.PENDING
    maya = user_factory(email="maya@example.org")
    accept(invitation=invitation, user=maya)
    assert Membership.objects.active().filter(project=project, user=maya).exists()


def test_the_link_page_tells_an_existing_member_and_offers_no_join_button(
    client: Client, project, practitioner, expert2
):
    invitation = invite_to(project, practitioner, email="maya@example.org")
    client.force_login(expert2)
    page = client.get(link(invitation)).content.decode()
    assert "already a member of this project" in page
    assert "Join the project" not in page and "Join as" not in page
    response = client.post(link(invitation), {"confirm_account": "on"})
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert Invitation.objects.get().state() == InvitationState.PENDING


def test_pressing_join_again_after_joining_goes_to_the_project(
    client: Client, project, practitioner, user_factory
):
    invitation = invite_to(project, practitioner, email="maya@example.org")
    client.force_login(user_factory(email="maya@example.org"))
    url = link(invitation)
    assert client.post(url)["Location"] == project.get_absolute_url()
    again = client.post(url)
    assert again.status_code == 302 and again["Location"] == project.get_absolute_url()


# --- The admin ---------------------------------------------------------------------------------


def test_the_invitation_admin_is_read_only(admin_site: Client, project, practitioner):
    invitation = invite_to(project, practitioner, email="maya@example.org")
    change = reverse("admin:participation_invitation_change", args=[invitation.pk])
    assert admin_site.get(reverse("admin:participation_invitation_changelist")).status_code == 200
    assert admin_site.get(change).status_code == 200
    assert admin_site.get(reverse("admin:participation_invitation_add")).status_code == 403
    other = services.create_project(
        creator=practitioner, title="Other", summary="s", creator_role=Role.PRACTITIONER
    )
    response = admin_site.post(change, {"project": other.pk, "role": Role.COMMISSIONER})
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert (invitation.project, invitation.role) == (project, Role.EXPERT_BY_EXPERIENCE)
    delete = reverse("admin:participation_invitation_delete", args=[invitation.pk])
    assert admin_site.post(delete, {"post": "yes"}).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()
