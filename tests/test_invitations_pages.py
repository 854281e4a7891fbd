"""Invitation pages: co-leads invite and follow up; invitees accept, sign up or are told why not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from participation.models import Invitation, InvitationState, NotificationPreference
from participation.selectors.invitations import PAGE_SIZE
from participation.services.invitations import invite, revoke
from participation.services.joining import accept
from participation.tokens import invitation_token
from projects.models import Membership, Role

pytestmark = pytest.mark.django_db


def list_url(project):
    return reverse("participation:invitations", args=[project.slug])


def link(invitation):
    return reverse("participation:accept", args=[invitation_token(invitation)])


def invite_maya(project, inviter, email="maya@example.org", **extra):
    return invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=inviter, email=email, **extra
    ).invitation


# --- Co-lead pages ----------------------------------------------------------------------------


def test_the_invitations_page_is_for_co_leads(client: Client, project, outsider, expert2, expert):
    invitation = invite_maya(project, expert)
    pages = [
        ("get", list_url(project)),
        ("post", reverse("participation:invitation_resend", args=[project.slug, invitation.pk])),
        ("post", reverse("participation:invitation_revoke", args=[project.slug, invitation.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for person, status in [(outsider, 404), (expert2, 403)]:
        client.force_login(person)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == status, (person, url)
    client.force_login(expert)
    assert client.get(list_url(project)).status_code == 200
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.state()) == (1, InvitationState.PENDING)


def test_a_co_lead_invites_by_email_and_sees_the_invitation_waiting(
    client: Client, project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            list_url(project),
            {"name": "Maya", "email": "maya@example.org", "role": "expert_by_experience"},
            follow=True,
        )
    html = response.content.decode()
    assert "Invitation sent to Maya." in html
    assert "Waiting for a reply" in html
    assert mailoutbox[0].to == ["maya@example.org"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "practitioner"}, "Give an email address or a mobile number, or both."),
        ({"email": "nope", "role": "practitioner"}, "Enter a full email address"),
        ({"phone": "12", "role": "practitioner"}, "not a phone number we can text"),
        ({"email": "a@example.org"}, "Choose the role they will have."),
        ({"email": "expert2@example.org", "role": "practitioner"}, "already a member"),
    ],
)
def test_bad_invitations_get_a_plain_message_and_change_nothing(
    client: Client, project, practitioner, data, message
):
    client.force_login(practitioner)
    response = client.post(list_url(project), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_co_lead_can_withdraw_and_resend(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    client.force_login(practitioner)
    client.post(reverse("participation:invitation_revoke", args=[project.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.REVOKED
    response = client.post(
        reverse("participation:invitation_resend", args=[project.slug, invitation.pk]), follow=True
    )
    assert "had already been invited. We sent the invitation again" in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.state(), invitation.send_count) == (InvitationState.PENDING, 2)


def test_another_projects_invitation_cannot_be_touched(client: Client, project, practitioner):
    from projects import services

    other = services.create_project(
        creator=practitioner, title="Other", summary="s", creator_role=Role.PRACTITIONER
    )
    invitation = invite_maya(other, practitioner)
    client.force_login(practitioner)
    url = reverse("participation:invitation_revoke", args=[project.slug, invitation.pk])
    assert client.post(url).status_code == 404


def test_co_leads_see_every_invitations_status(client: Client, project, practitioner, user_factory):
    accept(invitation=invite_maya(project, practitioner, "a@example.org"), user=user_factory())
    revoke(invitation=invite_maya(project, practitioner, "b@example.org"))
    with time_machine.travel("2020-01-01"):
        invite_maya(project, practitioner, "c@example.org")
    invite_maya(project, practitioner, "d@example.org")
    client.force_login(practitioner)
    html = client.get(list_url(project)).content.decode()
    for label in ("Accepted", "Withdrawn", "Expired", "Waiting for a reply"):
        assert label in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_invitations_page_makes_a_fixed_number_of_queries(
    client: Client, project, practitioner, user_factory, count, django_assert_max_num_queries
):
    for n in range(count):
        invitation = invite_maya(project, practitioner, f"person{n}@example.org")
        if n % 2:
            accept(invitation=invitation, user=user_factory())
    client.force_login(practitioner)
    with django_assert_max_num_queries(8):  # measured: 8 at both sizes
        response = client.get(list_url(project))
    assert response.content.decode().count('<li class="card">') == min(count, PAGE_SIZE)


def test_invitations_come_a_page_at_a_time_unanswered_first(
    client: Client, project, practitioner, user_factory
):
    waiting = invite_maya(project, practitioner, "waiting@example.org")
    for n in range(PAGE_SIZE):
        accept(
            invitation=invite_maya(project, practitioner, f"in{n}@example.org"), user=user_factory()
        )
    with time_machine.travel("2020-01-01"):
        invite_maya(project, practitioner, "expired@example.org")
    client.force_login(practitioner)

    first = client.get(list_url(project)).content.decode()
    # The two not accepted lead the first page, whatever order they were sent in.
    assert "waiting@example.org" in first and "expired@example.org" in first
    assert first.count('<li class="card">') == PAGE_SIZE
    assert (
        f"{PAGE_SIZE + 2} invitations: 1 waiting for a reply, 1 expired, {PAGE_SIZE} accepted, "
        "0 withdrawn." in first
    )
    assert 'href="?page=2" rel="next">More invitations</a>' in first
    second = client.get(list_url(project), {"page": 2}).content.decode()
    assert second.count('<li class="card">') == 2
    assert 'rel="prev">Previous invitations</a>' in second
    assert waiting.contact not in second


# --- Accepting ------------------------------------------------------------------------------


def test_opening_the_link_changes_nothing(client: Client, project, practitioner, expert2):
    invitation = invite_maya(project, practitioner)
    client.get(link(invitation))
    client.force_login(expert2)
    client.get(link(invitation))
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.PENDING


def test_someone_with_an_account_is_asked_to_sign_in(
    client: Client, project, practitioner, user_factory
):
    user_factory(email="maya@example.org")
    html = client.get(link(invite_maya(project, practitioner))).content.decode()
    assert "You already have an account with this email address" in html
    assert "/accounts/login/?next=%2Finvitations%2F" in html


def test_a_signed_in_invitee_joins_with_one_button(
    client: Client, project, practitioner, user_factory
):
    maya = user_factory(email="maya@example.org")
    invitation = invite_maya(project, practitioner)
    client.force_login(maya)
    assert "Join the project" in client.get(link(invitation)).content.decode()
    response = client.post(link(invitation))
    assert response["Location"] == project.get_absolute_url()
    assert Membership.objects.filter(project=project, user=maya).exists()
    assert client.get(link(invitation))["Location"] == project.get_absolute_url()


def test_someone_signed_in_with_another_email_is_asked_which_account_joins(
    client: Client, project, practitioner, outsider
):
    invitation = invite_maya(project, practitioner)
    client.force_login(outsider)
    html = client.get(link(invitation)).content.decode()
    assert "Which account should join?" in html
    assert "Join as outsider@example.org" in html
    assert "Sign out and use another account" in html
    response = client.post(link(invitation))
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    client.post(link(invitation), {"confirm_account": "on"})
    assert Membership.objects.filter(project=project, user=outsider).exists()


def test_a_used_link_says_so(client: Client, project, practitioner, user_factory):
    invitation = invite_maya(project, practitioner)
    url = link(invitation)
    accept(invitation=invitation, user=user_factory())
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    assert "sign in" in response.content.decode()


def test_an_expired_link_says_so_and_who_to_ask(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        response = client.get(link(invitation))
        assert response.status_code == 410
        html = response.content.decode()
        assert "This invitation has expired" in html
        assert "Ask Pat, or anyone who runs the project, to send it again." in html
        assert client.post(link(invitation)).status_code == 410


def test_a_withdrawn_link_says_so(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    url = link(invitation)
    revoke(invitation=invitation)
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


def test_an_unknown_or_replaced_link_says_so(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    old = link(invitation)
    revoke(invitation=invitation)
    invite_maya(project, practitioner)  # withdrawn, then sent again: a new link replaces it
    for url in (old, reverse("participation:accept", args=["made-up"])):
        response = client.get(url)
        assert response.status_code == 404
        assert "We do not recognise this link" in response.content.decode()


def test_someone_who_joins_from_a_forwarded_link_does_not_take_on_the_invited_number(
    client: Client, project, practitioner, outsider
):
    invitation = invite_maya(project, practitioner, phone="07700 900123")
    client.force_login(outsider)
    client.post(link(invitation), {"confirm_account": "on"})
    assert Membership.objects.filter(project=project, user=outsider).exists()
    outsider.refresh_from_db()
    assert outsider.phone == ""
    assert not NotificationPreference.objects.filter(user=outsider).exists()


def test_someone_joining_from_a_forwarded_text_keeps_their_own_choices(
    client: Client, project, practitioner, outsider
):
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700 900123"
    ).invitation
    client.force_login(outsider)
    client.post(link(invitation), {"confirm_account": "on"})
    outsider.refresh_from_db()
    assert outsider.phone == ""
    assert not NotificationPreference.objects.filter(user=outsider).exists()


def test_the_invitee_joining_with_the_invited_address_keeps_the_invited_number(
    client: Client, project, practitioner, user_factory
):
    maya = user_factory(email="maya@example.org", phone="")
    invitation = invite_maya(project, practitioner, phone="07700 900123")
    client.force_login(maya)
    client.post(link(invitation))
    maya.refresh_from_db()
    assert maya.phone == "+447700900123"


def test_an_email_address_too_long_to_store_gets_a_plain_message(
    client: Client, project, practitioner
):
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 308 characters
    client.force_login(practitioner)
    response = client.post(list_url(project), {"email": long_email, "role": "practitioner"})
    assert response.status_code == 200
    assert "This email address is too long" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_over_long_email_address_on_the_invite_form_gets_the_length_message(
    client, project, practitioner
):
    client.force_login(practitioner)
    address = "a" * 60 + "@" + ("b" * 60 + ".") * 3 + "example.org"
    response = client.post(
        reverse("participation:invitations", args=[project.slug]),
        {"email": address, "role": "practitioner"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This email address is too long" in page
    assert 'maxlength="254"' not in page
