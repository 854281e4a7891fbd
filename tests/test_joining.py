"""Joining from an invitation with only a name, and signing in with a code by text message."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from participation.models import ChannelChoice, NotificationPreference
from participation.services.invitations import invite
from participation.services.joining import join_with_new_account
from participation.services.preferences import PreferenceError, update_preferences
from participation.tokens import invitation_token
from projects.models import Membership, Role
from tests.factories import PASSWORD
from tests.participation_fixtures import use_locmem_sms

pytestmark = pytest.mark.django_db

CODE = re.compile(r"code is (\d+)\.")


def invitation_page(invitation):
    return reverse("participation:accept", args=[invitation_token(invitation)])


def join_page(invitation):
    return reverse("participation:join", args=[invitation_token(invitation)])


def invite_maya(project, inviter, **contact):
    contact = contact or {"email": "maya@example.org"}
    return invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=inviter, name="Maya", **contact
    ).invitation


# --- The join page ----------------------------------------------------------------------------


def test_the_invitation_page_leads_a_new_person_to_the_join_page(
    client: Client, project, practitioner
):
    invitation = invite_maya(project, practitioner)
    page = client.get(invitation_page(invitation)).content.decode()
    assert f'href="{join_page(invitation)}"' in page
    assert "Join Housing First in Lambeth" in page


def test_the_join_page_names_the_project_and_the_inviter_and_fills_in_the_name(
    client: Client, project, practitioner
):
    page = client.get(join_page(invite_maya(project, practitioner))).content.decode()
    assert "<h1>Join Housing First in Lambeth</h1>" in page
    assert "Pat invited you to join Housing First in Lambeth." in page
    assert 'value="Maya"' in page
    assert "maya@example.org" in page
    # The password rules are the password box's description, so screen readers read them.
    assert re.search(r'aria-describedby="id_password_helptext"', page)
    assert "at least 8 characters" in page


def test_joining_without_a_password_lands_in_the_project_as_a_member(
    client: Client, project, practitioner, mailoutbox
):
    invitation = invite_maya(project, practitioner)
    mailoutbox.clear()
    response = client.post(join_page(invitation), {"name": "Maya Jones", "password": ""})
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    maya = User.objects.get(email="maya@example.org")
    assert maya.display_name == "Maya Jones"
    assert not maya.has_usable_password()
    address = EmailAddress.objects.get(user=maya)
    assert address.verified and address.primary
    assert Membership.objects.get(project=project, user=maya).role == Role.EXPERT_BY_EXPERIENCE
    assert not mailoutbox  # nothing to confirm: the link proved the address
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert "Welcome to Housing First in Lambeth." in page.content.decode()


def test_joining_with_a_password_lets_them_sign_in_with_it(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    client.post(join_page(invitation), {"name": "Maya", "password": PASSWORD})
    client.logout()
    assert client.login(email="maya@example.org", password=PASSWORD)


def test_a_double_tap_makes_one_account_and_one_membership(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    data = {"name": "Maya", "password": ""}
    client.post(join_page(invitation), data)
    again = client.post(join_page(invitation), data, follow=True)
    assert again.redirect_chain[-1][0] == project.get_absolute_url()
    other_tab = Client().post(join_page(invitation), data, follow=True)
    assert "This invitation has already been used" in other_tab.content.decode()
    assert User.objects.filter(email="maya@example.org").count() == 1
    assert Membership.objects.filter(project=project, user__email="maya@example.org").count() == 1


def test_an_empty_name_comes_back_with_the_one_error_pattern_and_never_shows_the_password(
    client: Client, project, practitioner
):
    invitation = invite_maya(project, practitioner)
    response = client.post(join_page(invitation), {"name": " ", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Join Housing First in Lambeth" in page
    assert 'href="#id_name">Enter your name.</a>' in page
    # A password is never written into the page (a shared computer, the browser's cache):
    # the box is empty, and its description says to type it again.
    assert PASSWORD not in page
    field = re.search(r'<input[^>]*name="password"[^>]*>', page)
    assert field and "value=" not in field.group(0)
    hint = page.split('id="id_password_helptext"')[1].split("</div>")[0]
    assert "Type it again" in hint and "at least 8 characters" in hint
    assert not User.objects.filter(email="maya@example.org").exists()


def test_a_page_that_comes_back_without_a_password_typed_does_not_ask_for_it_again(
    client: Client, project, practitioner
):
    page = client.post(
        join_page(invite_maya(project, practitioner)), {"name": " ", "password": ""}
    ).content.decode()
    assert "Type it again" not in page


def test_a_weak_password_is_refused_in_plain_words_and_nothing_is_made(
    client: Client, project, practitioner
):
    response = client.post(
        join_page(invite_maya(project, practitioner)), {"name": "Maya", "password": "12345678"}
    )
    assert response.status_code == 200
    assert "This password is only numbers. Add some letters." in response.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()


def test_someone_with_an_account_is_sent_to_sign_in_not_to_the_join_page(
    client: Client, project, practitioner, user_factory
):
    user_factory(email="maya@example.org")
    invitation = invite_maya(project, practitioner)
    response = client.post(join_page(invitation), {"name": "Maya"})
    assert response["Location"] == invitation_page(invitation)
    assert Membership.objects.filter(project=project).count() == project.memberships.count()
    assert "Sign in to join" in client.get(invitation_page(invitation)).content.decode()


def test_an_expired_or_used_invitation_gets_a_plain_page(client: Client, project, practitioner):
    invitation = invite_maya(project, practitioner)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        response = client.get(join_page(invitation), follow=True)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert client.get(reverse("participation:join", args=["nonsense"])).status_code == 404


# --- By phone -----------------------------------------------------------------------------------


def test_someone_invited_by_text_joins_with_their_number_and_no_email(
    client: Client, project, practitioner, settings
):
    use_locmem_sms(settings)
    invitation = invite_maya(project, practitioner, phone="07700 900123")
    page = client.get(join_page(invitation)).content.decode()
    assert "07700 900123" in page
    response = client.post(join_page(invitation), {"name": "Maya"})
    assert response["Location"] == project.get_absolute_url()
    maya = User.objects.get(phone="+447700900123")
    assert maya.email is None and maya.phone_verified
    assert Membership.objects.filter(project=project, user=maya).exists()
    assert NotificationPreference.objects.get(user=maya).channel == ChannelChoice.SMS
    assert client.get(project.get_absolute_url()).status_code == 200


def test_signing_in_by_text_sends_one_digit_code_and_signs_in(
    client: Client, project, practitioner, settings
):
    texts = use_locmem_sms(settings)
    client.post(join_page(invite_maya(project, practitioner, phone="07700900123")), {"name": "M"})
    client.logout()
    texts.clear()
    response = client.post(reverse("account_request_login_code_by_text"), {"phone": "07700 900123"})
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    [text] = texts
    assert text.to == "+447700900123"
    assert "It works for 15 minutes." in text.body
    match = CODE.search(text.body)
    assert match and len(match.group(1)) == 6
    form = client.get(reverse("account_confirm_login_code")).content.decode()
    assert 'inputmode="numeric"' in form and 'autocomplete="one-time-code"' in form
    response = client.post(reverse("account_confirm_login_code"), {"code": match.group(1)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_unknown_number_gets_the_same_answer_and_no_text(client: Client, settings):
    texts = use_locmem_sms(settings)
    response = client.post(reverse("account_request_login_code_by_text"), {"phone": "07700900999"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    assert texts == []
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "07700 900999" in page


def test_a_number_nobody_checked_does_not_sign_in(client: Client, user_factory, settings):
    texts = use_locmem_sms(settings)
    user_factory(email="sam@example.org", phone="+447700900123")
    client.post(reverse("account_request_login_code_by_text"), {"phone": "07700900123"})
    assert texts == []


def test_a_number_that_is_not_a_mobile_number_is_refused_in_plain_words(client: Client):
    response = client.post(reverse("account_request_login_code_by_text"), {"phone": "07700 9OO123"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "has letters in it" in page
    assert "<title>Error:" in page


def test_an_invitation_still_opens_its_join_page_on_an_invitation_only_site(
    client: Client, project, practitioner, settings
):
    settings.ACCOUNT_ALLOW_SIGNUP = False
    assert "signup_closed" in str(client.get(reverse("account_signup")).templates[0].name)
    response = client.post(join_page(invite_maya(project, practitioner)), {"name": "Maya"})
    assert response["Location"] == project.get_absolute_url()


def test_someone_who_signs_in_by_phone_cannot_swap_their_number_and_lock_themselves_out(
    project, practitioner
):
    invitation = invite_maya(project, practitioner, phone="07700900123")
    ali = join_with_new_account(invitation=invitation, name="Ali")
    with pytest.raises(PreferenceError):
        update_preferences(user=ali, channel="sms", phone="07700900456", topics=[])
    ali.refresh_from_db()
    assert (ali.phone, ali.phone_verified) == ("+447700900123", True)


def test_a_new_number_typed_for_texts_is_not_checked_so_it_cannot_sign_in(expert):
    expert.phone, expert.phone_verified = "+447700900123", True
    expert.save()
    update_preferences(user=expert, channel="sms", phone="07700900456", topics=[])
    expert.refresh_from_db()
    assert (expert.phone, expert.phone_verified) == ("+447700900456", False)


def test_the_sign_in_page_offers_a_texted_code_to_people_who_joined_by_phone(client: Client):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_request_login_code_by_text")}">Text me a code</a>' in page


def test_a_number_gets_at_most_a_days_worth_of_codes_so_six_digits_cannot_be_guessed(
    client: Client, project, practitioner, settings
):
    # Each code allows 3 tries. Without a daily cap, asking for 3 codes a minute all day
    # would allow about 13,000 guesses at a six-digit code: a 1 in 77 chance of getting in.
    texts = use_locmem_sms(settings)
    join_with_new_account(
        invitation=invite_maya(project, practitioner, phone="07700900123"), name="Maya"
    )
    texts.clear()
    text_me = reverse("account_request_login_code_by_text")
    with time_machine.travel("2030-01-01 08:00", tick=False) as clock:
        for _minute in range(30):
            client.post(text_me, {"phone": "07700900123"})
            client.logout()  # a fresh start, as another browser would be
            clock.shift(timedelta(minutes=2))
        assert len(texts) == 20
        refused = client.post(text_me, {"phone": "07700900123"})
        assert "try again tomorrow" in refused.content.decode()
        clock.shift(timedelta(days=1))
        client.post(text_me, {"phone": "07700900123"})
    assert len(texts) == 21


def test_someone_who_signs_in_by_phone_joins_another_project_from_a_text_with_one_button(
    client: Client, project, practitioner, project_factory
):
    maya = join_with_new_account(
        invitation=invite_maya(project, practitioner, phone="07700900123"), name="Maya"
    )
    other = project_factory(created_by=practitioner, title="Food Bank Together")
    invitation = invite_maya(other, practitioner, phone="07700 900123")
    client.force_login(maya)
    page = client.get(invitation_page(invitation)).content.decode()
    assert "Join the project" in page
    assert "Which account should join?" not in page and "None" not in page
    response = client.post(invitation_page(invitation))
    assert response["Location"] == other.get_absolute_url()
    assert Membership.objects.filter(project=other, user=maya).exists()


def test_someone_with_an_account_at_the_texted_number_is_told_so_in_those_words(
    client: Client, project, practitioner, project_factory
):
    join_with_new_account(
        invitation=invite_maya(project, practitioner, phone="07700900123"), name="Maya"
    )
    other = project_factory(created_by=practitioner)
    page = client.get(
        invitation_page(invite_maya(other, practitioner, phone="07700900123"))
    ).content.decode()
    assert "You already have an account with this mobile number." in page
    assert "email address" not in page


def test_a_refused_join_is_shown_in_the_one_error_summary(
    client: Client, project, practitioner, outsider
):
    invitation = invite_maya(project, practitioner)
    client.force_login(outsider)
    page = client.post(invitation_page(invitation)).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert "autofocus" in summary and "Choose which account should join." in summary
    assert page.count("Choose which account should join.") == 1


def test_signing_in_by_text_from_an_invitation_comes_back_to_it(
    client: Client, project, practitioner, project_factory, settings
):
    texts = use_locmem_sms(settings)
    join_with_new_account(
        invitation=invite_maya(project, practitioner, phone="07700900123"), name="Maya"
    )
    invitation = invite_maya(
        project_factory(created_by=practitioner), practitioner, phone="07700900123"
    )
    page = client.get(invitation_page(invitation)).content.decode()
    text_me = reverse("account_request_login_code_by_text")
    assert f'href="{text_me}?next=%2Finvitations%2F' in page
    # The sign-in page's "Text me a code" keeps where the person was going, too.
    login = client.get(reverse("account_login"), {"next": invitation_page(invitation)})
    assert f'href="{text_me}?next=%2Finvitations%2F' in login.content.decode()
    texts.clear()
    response = client.post(
        f"{text_me}?next={invitation_page(invitation)}", {"phone": "07700900123"}
    )
    match = CODE.search(texts[0].body)
    assert match
    response = client.post(response["Location"], {"code": match.group(1)})
    assert response["Location"] == invitation_page(invitation)
    # Somewhere else is no place to be sent.
    login = client.get(reverse("account_login"), {"next": "https://evil.example.org/"})
    assert "evil.example.org" not in login.content.decode()


def test_an_account_made_on_the_sign_up_page_at_the_same_moment_sends_the_joiner_to_sign_in(
    client: Client, project, practitioner, user_factory, monkeypatch
):
    invitation = invite_maya(project, practitioner)
    user_factory(email="maya@example.org")
    # The sign-up page made the account after the join page looked.
    monkeypatch.setattr("participation.services.joining.has_account", lambda invitation: False)
    response = client.post(join_page(invitation), {"name": "Maya"})
    assert response["Location"] == invitation_page(invitation)
    assert User.objects.filter(email="maya@example.org").count() == 1
    assert not Membership.objects.filter(project=project, user__email="maya@example.org").exists()


def test_the_code_page_after_a_texted_code_speaks_of_the_text_message_not_an_email(
    client: Client, project, practitioner, settings
):
    use_locmem_sms(settings)
    client.post(join_page(invite_maya(project, practitioner, phone="07700900123")), {"name": "M"})
    client.logout()
    response = client.post(
        reverse("account_request_login_code_by_text"), {"phone": "07700 900123"}, follow=True
    )
    page = response.content.decode()
    assert "We have texted a code to 07700 900123." in page
    assert "The code from the text message" in page
    assert "The code works for 15 minutes." in page
    assert "email" not in page.split('<main id="main"')[1].split("</main>")[0]
    wrong = client.post(reverse("account_confirm_login_code"), {"code": "000000"})
    assert "That code is not right. Check the text message and type the code again." in (
        wrong.content.decode()
    )
    empty = client.post(reverse("account_confirm_login_code"), {"code": ""})
    assert "Enter the code from the text message" in empty.content.decode()


def test_the_code_page_after_an_emailed_code_still_speaks_of_the_email(client: Client, expert):
    response = client.post(
        reverse("account_request_login_code"), {"email": expert.email}, follow=True
    )
    page = response.content.decode()
    assert f"We have emailed a code to {expert.email}." in page
    assert "The code from the email" in page
    wrong = client.post(reverse("account_confirm_login_code"), {"code": "000000"})
    assert "Check the email and type the code again." in wrong.content.decode()


def test_someone_who_typed_the_wrong_number_can_start_again_from_the_code_page(
    client: Client, settings
):
    use_locmem_sms(settings)
    client.post(reverse("account_request_login_code_by_text"), {"phone": "07700 900999"})
    # While a code is waiting, every sign-in page leads to the code page.
    assert client.get(reverse("account_request_login_code_by_text"))["Location"].startswith(
        reverse("account_confirm_login_code")
    )
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "Typed the wrong number?" in page
    assert ">Start again</button>" in page
    again = client.post(
        reverse("account_logout"), {"next": reverse("account_request_login_code_by_text")}
    )
    assert f'value="{reverse("account_request_login_code_by_text")}"' in page
    assert again["Location"] == reverse("account_request_login_code_by_text")
    assert client.get(again["Location"]).status_code == 200


def test_someone_who_typed_the_wrong_email_address_can_start_again_from_the_code_page(
    client: Client,
):
    client.post(reverse("account_request_login_code"), {"email": "maya@exmaple.org"})
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "Typed the wrong email address?" in page
    assert f'value="{reverse("account_request_login_code")}"' in page


def test_someone_invited_only_by_text_is_not_asked_for_a_password_they_could_not_sign_in_with(
    client: Client, project, practitioner, settings
):
    use_locmem_sms(settings)
    invitation = invite_maya(project, practitioner, phone="07700 900123")
    page = client.get(join_page(invitation)).content.decode()
    assert 'name="password"' not in page
    # A password typed anyway (an old form, a crafted post) is not kept.
    response = client.post(join_page(invitation), {"name": "Maya", "password": "blue kettle"})
    assert response["Location"] == project.get_absolute_url()
    assert not User.objects.get(phone="+447700900123").has_usable_password()


def test_the_join_page_refuses_a_password_like_the_name_typed_with_it(
    client: Client, project, practitioner
):
    invitation = invite_maya(project, practitioner)
    response = client.post(join_page(invitation), {"name": "Pat Okafor", "password": "patokafor"})
    assert "This password is too like your name." in response.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()


def test_someone_who_joined_by_text_is_not_led_to_a_password_they_cannot_use(
    client: Client, project, practitioner
):
    maya = join_with_new_account(
        invitation=invite_maya(project, practitioner, phone="07700900123"), name="Maya"
    )
    client.force_login(maya)
    page = client.get(reverse("account_set_password")).content.decode()
    assert "A password only works with an email address." in page
    assert 'name="password1"' not in page
    response = client.post(
        reverse("account_set_password"), {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "add an email address first" in response.content.decode()
    maya.refresh_from_db()
    assert not maya.has_usable_password()
