"""Invitations: the token, single use, expiry, withdrawing, resending, and the command line."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from participation import tokens
from participation.models import Invitation, InvitationState, OutboxMessage
from participation.services.invitations import InvitationError, invite, resend, revoke
from participation.services.joining import accept
from projects.models import Event, EventKind, Membership, Role
from tests.participation_fixtures import token_in, use_locmem_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(settings):
    return use_locmem_sms(settings)


def invite_maya(project, practitioner, **extra):
    return invite(
        project=project,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=practitioner,
        email="Maya@Example.org",
        name="Maya",
        message="We would love your view.",
        **extra,
    ).invitation


def test_the_token_is_stored_only_as_a_hash_and_never_in_the_outbox(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_maya(project, practitioner)
    token = token_in(mailoutbox[0].body)
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert token not in str(stored)
    assert stored["token_hash"] == tokens.hash_token(token)
    assert all(token not in str(row) for row in OutboxMessage.objects.values())


def test_the_token_is_long_random_and_different_for_each_invitation(project, practitioner):
    first = invite_maya(project, practitioner)
    second = invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email="b@ex.org")
    one, two = tokens.invitation_token(first), tokens.invitation_token(second.invitation)
    assert len(one) >= 43 and one != two


def test_an_invitation_is_single_use(project, practitioner, user_factory):
    invitation = invite_maya(project, practitioner)
    maya = user_factory(email="maya@example.org")
    accept(invitation=invitation, user=maya)
    assert Membership.objects.get(project=project, user=maya).role == Role.EXPERT_BY_EXPERIENCE
    someone = user_factory()
    with pytest.raises(InvitationError, match="already been used") as refused:
        accept(invitation=invitation, user=someone)
    assert refused.value.state == InvitationState.ACCEPTED
    assert not Membership.objects.filter(user=someone).exists()


def test_an_invitation_expires_after_fourteen_days(project, practitioner, user_factory):
    invitation = invite_maya(project, practitioner)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        with pytest.raises(InvitationError, match="expired"):
            accept(invitation=invitation, user=user_factory())
        assert Invitation.objects.get(pk=invitation.pk).state() == InvitationState.EXPIRED


def test_the_expiry_is_a_setting(project, practitioner, settings):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitation = invite_maya(project, practitioner)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=3)


def test_a_withdrawn_invitation_cannot_be_accepted(project, practitioner, user_factory):
    invitation = revoke(invitation=invite_maya(project, practitioner))
    assert invitation.state() == InvitationState.REVOKED
    with pytest.raises(InvitationError, match="withdrawn"):
        accept(invitation=invitation, user=user_factory())


def test_resending_a_withdrawn_invitation_renews_it_and_kills_the_old_link(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_maya(project, practitioner)
    revoke(invitation=invitation)
    with time_machine.travel(timezone.now() + timedelta(days=13)):
        with django_capture_on_commit_callbacks(execute=True):
            sent = resend(invitation=invitation, actor=practitioner)
        assert sent.renewed and sent.invitation.pk == invitation.pk
        renewed = Invitation.objects.get(pk=invitation.pk)
        assert renewed.send_count == 2
        assert renewed.expires_at > timezone.now() + timedelta(days=13)
    assert Invitation.objects.count() == 1
    old, new = token_in(mailoutbox[0].body), token_in(mailoutbox[1].body)
    assert old != new
    assert renewed.token_hash == tokens.hash_token(new) != tokens.hash_token(old)


def test_inviting_the_same_address_again_resends_instead_of_duplicating(
    project, practitioner, expert, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite_maya(project, practitioner)
    revoke(invitation=first)
    with django_capture_on_commit_callbacks(execute=True):
        again = invite(
            project=project, role=Role.PRACTITIONER, inviter=expert, email="maya@example.org"
        )
    assert again.renewed and again.invitation.pk == first.pk
    assert again.invitation.role == Role.PRACTITIONER
    assert again.invitation.state() == InvitationState.PENDING  # withdrawing is undone
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 2


def test_a_current_member_cannot_be_invited(project, practitioner, expert2):
    with pytest.raises(InvitationError, match="already a member"):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email=expert2.email)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "phone", "message"),
    [
        ("", "", "email address or a mobile number"),
        ("not-an-email", "", "not a full email address"),
        ("", "12", "not a phone number"),
    ],
)
def test_bad_contact_details_are_refused_and_change_nothing(
    project, practitioner, email, phone, message
):
    with pytest.raises(InvitationError, match=message):
        invite(
            project=project, role=Role.PRACTITIONER, inviter=practitioner, email=email, phone=phone
        )
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_event_log_records_each_send_without_contact_details(project, practitioner):
    invitation = invite_maya(project, practitioner)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        resend(invitation=invitation, actor=practitioner)
    events = Event.objects.filter(kind=EventKind.INVITATION_SENT)
    assert events.count() == 2
    assert all("maya" not in event.summary.lower() for event in events)


def test_a_phone_invitation_is_texted_and_its_number_kept_on_acceptance(
    project, practitioner, user_factory, sms, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(
            project=project,
            role=Role.EXPERT_BY_EXPERIENCE,
            inviter=practitioner,
            phone="07700 900 123",
        ).invitation
    assert invitation.phone == "+447700900123"
    assert not mailoutbox
    assert [text.to for text in sms] == ["+447700900123"]
    assert "/invitations/" in sms[0].body
    person = user_factory(phone="")
    accept(invitation=invitation, user=person, signed_up=True)
    person.refresh_from_db()
    assert person.phone == "+447700900123"
    assert person.notification_preference.channel == "sms"


def test_invite_command_invites_once_and_a_later_run_resends_the_same_link(
    project, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    command = ["invite", project.slug, "sam@example.org", "--role", "practitioner"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*command, stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*command, stdout=out)
    later = time_machine.travel(timezone.now() + timedelta(hours=1))
    with later, django_capture_on_commit_callbacks(execute=True):
        call_command(*command, stdout=out)
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().send_count == 2
    assert len(mailoutbox) == 2
    assert token_in(mailoutbox[0].body) == token_in(mailoutbox[1].body)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Invited sam@example.org")
    assert lines[1].startswith("Not sent again (it went less than a minute ago) to sam@")
    assert lines[2].startswith("Sent the invitation again, with the same link, to sam@")


def test_invite_command_explains_what_is_wrong(project, expert):
    with pytest.raises(CommandError, match="no project called"):
        call_command("invite", "nope", "sam@example.org", "--role", "practitioner")
    with pytest.raises(CommandError, match="already a member"):
        call_command("invite", project.slug, expert.email, "--role", "practitioner")
    assert not Invitation.objects.exists()


def test_an_email_and_a_number_on_two_different_invitations_are_not_merged(project, practitioner):
    invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email="a@example.org")
    invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123")
    with pytest.raises(InvitationError, match="two different invitations"):
        invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email="a@example.org",
            phone="07700900123",
        )
    assert Invitation.objects.count() == 2


def test_nobody_joins_a_closed_project(project, practitioner, user_factory):
    invitation = invite_maya(project, practitioner)
    project.stage = "closed"
    project.save()
    with pytest.raises(InvitationError, match="closed"):
        accept(invitation=invitation, user=user_factory())
    with pytest.raises(InvitationError, match="closed"):
        resend(invitation=invitation, actor=practitioner)


# --- Phone numbers in one form --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "+44 7700 900123",
        "0044 7700 900123",
        "+44 (0)7700 900123",
        "07700-900-123",
        "٠٧٧٠٠٩٠٠١٢٣",  # the same digits in Arabic-Indic script
    ],
)
def test_a_number_typed_any_usual_way_renews_the_one_invitation_to_it(project, practitioner, typed):
    first = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123"
    ).invitation
    again = invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone=typed)
    assert again.renewed and again.invitation.pk == first.pk
    assert Invitation.objects.get().phone == "+447700900123"


def test_a_member_whose_checked_number_is_written_another_way_is_not_invited_again(
    project, practitioner, expert2
):
    expert2.phone, expert2.phone_verified = "+447700900123", True
    expert2.save(update_fields=["phone", "phone_verified"])
    with pytest.raises(InvitationError, match="already a member"):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123")
    assert not Invitation.objects.exists()


def test_a_number_a_member_only_typed_does_not_stop_its_owner_being_invited(
    project, practitioner, expert2
):
    from participation.services.preferences import update_preferences

    update_preferences(user=expert2, channel="sms", phone="+44 7700 900123", topics=[])
    sent = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123"
    )
    assert sent.invitation.phone == "+447700900123"
    assert sent.invitation.state() == InvitationState.PENDING


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("07700 90012", "is not a phone number we can text,"),
        ("077009001234567", "is not a phone number we can text,"),
        ("12", "is not a phone number we can text,"),
        ("+44 7700 900123 ext. 4", "has letters in it. Write the number in digits,"),
        ("call me", "has letters in it. Write the number in digits,"),
    ],
)
def test_a_number_that_cannot_be_a_mobile_is_refused_in_plain_english(
    project, practitioner, typed, problem
):
    with pytest.raises(InvitationError) as refused:
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone=typed)
    assert str(refused.value) == f"“{typed}” {problem} like 07400 123456."
    assert not Invitation.objects.exists()


def test_a_number_without_a_country_code_is_read_in_the_default_region(
    project, practitioner, settings
):
    settings.PHONE_DEFAULT_REGION = "IE"
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="085 123 4567"
    ).invitation
    assert invitation.phone == "+353851234567"


def test_an_unknown_default_region_fails_the_system_check(settings):
    from django.core import checks

    assert not [e for e in checks.run_checks() if e.id == "participation.E001"]
    settings.PHONE_DEFAULT_REGION = "UK"  # the country code is GB
    [error] = [e for e in checks.run_checks() if e.id == "participation.E001"]
    assert "'UK'" in error.msg


# --- Lengths the database can keep ------------------------------------------------------------


def test_an_email_address_too_long_to_store_is_refused_in_plain_english(project, practitioner):
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 308 characters
    with pytest.raises(InvitationError, match="This email address is too long"):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email=long_email)
    assert not Invitation.objects.exists()


def test_a_name_too_long_to_store_is_refused_in_plain_english(project, practitioner):
    with pytest.raises(InvitationError, match=r"Write at most 80 characters; you wrote 81\."):
        invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email="sam@example.org",
            name="S" * 81,
        )
    assert not Invitation.objects.exists()


# --- Links after the secret key changes ----------------------------------------------------


def test_the_text_message_says_the_link_works_until_the_expiry_day(
    project, practitioner, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123")
    assert "To join, open this link until " in sms[0].body
    assert "before" not in sms[0].body


def test_reminders_after_a_key_rotation_carry_the_link_already_sent_while_the_old_key_is_kept(
    project, practitioner, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from participation.services.joining import find
    from participation.services.reminders import queue_due_reminders
    from participation.tasks import relay_outbox

    old_key = settings.SECRET_KEY
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_maya(project, practitioner)
    sent_link = token_in(mailoutbox[0].body)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old_key]
    with time_machine.travel(invitation.sent_at + timedelta(days=3, minutes=1)):
        queue_due_reminders()
        relay_outbox.delay()
    assert mailoutbox[-1].subject.startswith("Reminder")
    assert token_in(mailoutbox[-1].body) == sent_link
    assert find(sent_link) == invitation


def test_a_message_whose_link_no_key_can_rebuild_is_recorded_as_failed_not_sent(
    project, practitioner, settings, mailoutbox
):
    from participation.models import OutboxStatus
    from participation.tasks import relay_outbox

    invite_maya(project, practitioner)  # queued, not sent yet
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, []
    relay_outbox.delay()
    assert not mailoutbox
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert "SECRET_KEY_FALLBACKS" in message.last_error
    assert "Send the invitation again" in message.last_error
