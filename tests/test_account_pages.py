"""allauth's pages and emails in the site's plain words, with the one error pattern; signing in
by an emailed code comes first, and the code is six digits that work for a stated time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIBRARY_WORDS = ("Sign In", "Sign Up", "Remember Me", "Password (again)", "Hello from")


def html_of(response) -> str:
    return str(response.content.decode())


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1).strip()


def assert_error_pattern(html: str, *, field_id: str, message: str) -> None:
    """The title starts "Error:", the summary takes focus and links the message to its field,
    and the field says the same next to it."""
    assert title_of(html).startswith("Error:")
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "autofocus" in summary
    assert f'<a href="#{field_id}">{message}</a>' in summary
    assert f'id="{field_id}_error"' in html
    field = re.search(rf"<input[^>]*id=\"{field_id}\"[^>]*>", html)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert f"{field_id}_error" in field.group(0)


def email_code(message: mail.EmailMessage) -> str:
    match = re.search(r"^\s*(\d{3} \d{3})\s*$", str(message.body), re.MULTILINE)
    assert match, message.body
    return match.group(1)


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_request_login_code", "Get a code to sign in"),
        ("account_reset_password", "Forgot your password?"),
    ],
)
def test_sign_in_pages_speak_plainly(client: Client, url_name: str, heading: str):
    html = html_of(client.get(reverse(url_name)))
    assert title_of(html) == f"{heading} · coproduce"
    assert f"<h1>{heading}</h1>" in html
    for words in LIBRARY_WORDS:
        assert words not in html
    # Labels carry no colon and inputs no placeholder.
    assert not re.search(r"<label[^>]*>[^<]*:</label>", html)
    assert "placeholder=" not in html


def test_the_sign_in_page_offers_an_emailed_code_before_the_password(client: Client):
    html = html_of(client.get(reverse("account_login") + "?next=/projects/"))
    code_link = html.index("Email me a code to sign in")
    assert code_link < html.index('name="password"')
    assert 'href="/accounts/login/code/?next=%2Fprojects%2F"' in html
    assert "Keep me signed in on this device" in html


def test_a_wrong_password_shows_the_error_pattern_and_keeps_the_address(client: Client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    html = html_of(response)
    assert response.status_code == 200
    assert_error_pattern(
        html,
        field_id="id_password",
        message="The email address or password is not right. Check them and try again, "
        "or ask for a code by email instead.",
    )
    assert f'value="{user.email}"' in html


def test_an_empty_sign_in_says_what_to_enter(client: Client):
    html = html_of(client.post(reverse("account_login"), {}))
    assert_error_pattern(html, field_id="id_login", message="Enter your email address")
    assert_error_pattern(html, field_id="id_password", message="Enter your password")
    assert "This field is required." not in html


def test_sign_up_with_a_mistyped_address_shows_the_error_pattern_and_keeps_what_was_typed(
    client: Client,
):
    response = client.post(
        reverse("account_signup"),
        {"email": "nia@", "display_name": "Nia", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = html_of(response)
    assert_error_pattern(
        html, field_id="id_email", message="Enter a full email address, like name@example.org."
    )
    assert 'value="nia@"' in html
    assert 'value="Nia"' in html
    assert not User.objects.exists()


def test_sign_up_with_a_taken_address_reveals_nothing_and_emails_the_owner_plainly(
    client: Client, user
):
    response = client.post(
        reverse("account_signup"),
        {"email": user.email, "display_name": "Nia", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert "<h1>Check your email</h1>" in html_of(response)
    (message,) = mail.outbox
    assert message.subject == "You already have a coproduce account"
    assert "/accounts/login/code/" in str(message.body)
    assert "If this was not you, you can ignore this email." in str(message.body)


def test_the_password_rules_describe_the_new_password_field(client: Client, user):
    html = html_of(client.get(reverse("account_signup")))
    field = re.search(r'<input[^>]*name="password1"[^>]*>', html)
    assert field and 'aria-describedby="id_password1_helptext"' in field.group(0)
    rules = html.split('id="id_password1_helptext"')[1].split("</div>")[0]
    assert "at least 8 characters" in rules

    client.force_login(user)
    html = html_of(client.get(reverse("account_change_password")))
    field = re.search(r'<input[^>]*name="password1"[^>]*>', html)
    assert field and 'aria-describedby="id_password1_helptext"' in field.group(0)


def test_the_sign_in_code_is_six_digits_and_its_email_says_how_long_it_works(
    client: Client, user, settings
):
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    (message,) = mail.outbox
    code = email_code(message)
    assert re.fullmatch(r"\d{3} \d{3}", code)
    assert message.subject == "Your code to sign in to coproduce"
    assert "It works for 10 minutes." in str(message.body)
    assert "did not initiate" not in str(message.body)
    assert "Hello from" not in str(message.body)
    # The HTML part shows the same code, large.
    assert isinstance(message, mail.EmailMultiAlternatives)
    html_part = message.alternatives[0][0]
    assert code in str(html_part) and "font-size: 36px" in str(html_part)

    page = html_of(client.get(response["Location"]))
    assert "The code works for 10 minutes." in page
    field = re.search(r'<input[^>]*name="code"[^>]*>', page)
    assert field
    assert 'inputmode="numeric"' in field.group(0)
    assert 'autocomplete="one-time-code"' in field.group(0)


def test_an_address_gets_at_most_a_days_worth_of_codes_so_six_digits_cannot_be_guessed(
    client: Client, user
):
    with time_machine.travel("2030-01-01 08:00", tick=False) as clock:
        for _minute in range(30):
            client.post(reverse("account_request_login_code"), {"email": user.email})
            client.logout()  # a fresh start, as another browser would be
            clock.shift(timedelta(minutes=2))
        assert len(mail.outbox) == 20
        refused = html_of(client.post(reverse("account_request_login_code"), {"email": user.email}))
        assert "try again tomorrow" in refused


def test_the_code_signs_in_typed_with_or_without_its_space(client: Client, user):
    for typed in (str.strip, lambda code: code.replace(" ", "")):
        client.logout()
        mail.outbox.clear()
        response = client.post(reverse("account_request_login_code"), {"email": user.email})
        response = client.post(response["Location"], {"code": typed(email_code(mail.outbox[0]))})
        assert response.status_code == 302
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_shows_the_error_pattern(client: Client, user):
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    html = html_of(client.post(response["Location"], {"code": "000"}))
    assert_error_pattern(
        html,
        field_id="id_code",
        message="That code is not right. Check the email and type the code again.",
    )


def test_emails_about_account_changes_say_what_to_do_if_it_was_not_you(
    client: Client, expert, settings
):
    settings.SITE_URL = "https://coproduce.example.org"
    client.force_login(expert)
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password-9",
            "password2": "a-new-long-password-9",
        },
    )
    (message,) = mail.outbox
    assert message.subject == "Your password on coproduce has changed"
    body = str(message.body)
    assert "If this was not you, someone else may be using your account." in body
    assert f"{settings.SITE_URL}/accounts/password/reset/" in body
    assert "You are receiving this mail" not in body


def test_two_step_sign_in_uses_the_error_pattern(client: Client, staff):
    TOTP.activate(staff, generate_totp_secret())
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    html = html_of(client.get(reverse("mfa_authenticate")))
    assert "<h1>Enter the code from your app</h1>" in html
    html = html_of(client.post(reverse("mfa_authenticate"), {"code": ""}))
    assert_error_pattern(
        html, field_id="id_code", message="Enter the code from your app or a recovery code"
    )
    html = html_of(client.post(reverse("mfa_authenticate"), {"code": "123456"}))
    assert_error_pattern(
        html,
        field_id="id_code",
        message="That code is not right. Type the code your app shows now, or a recovery code.",
    )


def test_a_mobile_number_typed_on_the_password_form_is_pointed_to_a_texted_code(
    client: Client,
) -> None:
    response = client.post(
        reverse("account_login"), {"login": "07700 900123", "password": "blue kettle"}
    )
    page = response.content.decode()
    assert "This is a mobile number. To sign in with it, choose Text me a code." in page
    assert "Enter a full email address" not in page


@pytest.mark.parametrize(
    ("url_name", "link"),
    [
        ("account_email", "Email addresses"),
        ("account_change_password", "Password"),
        ("participation:preferences", "Messages we send you"),
        ("access:mine", "Your access needs"),
        ("consent:mine", "What you agree to"),
    ],
)
def test_the_account_menu_marks_the_page_you_are_on(client: Client, expert, url_name, link):
    client.force_login(expert)
    html = client.get(reverse(url_name)).content.decode()
    marked = re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', html)
    assert marked == [link]
