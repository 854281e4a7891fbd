"""What the hostile-input tests (tests/test_hostile_input.py) found, each kept as a test.

- A POST with no fields at all came back as if the page had just been opened: forms were bound
  to `request.POST or None`, and an empty QueryDict is false. Nothing was saved and nothing was
  said (a cancellation without a reason was even lost). Every view now binds to `posted()`.
- Removing a member or leaving, sent without the confirmation the button carries, showed the
  page again with no message.
- The second sign-in step, sent without its code field, showed the page again with no message.
- "Send the code again" pressed twice, and "reset my password" asked twice, sent twice.
- On PostgreSQL, a text message with a NUL character was a server error: the SMS webhook is
  the one place where request data reaches the database without a form (whose fields refuse
  NUL); it is now kept as U+FFFD.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.sms import FakeInbound
from participation.models import (
    Activity,
    Consent,
    HelpKind,
    InboundText,
    MessageKind,
    OutboxMessage,
)
from participation.services import assistance
from projects.models import Membership, Project
from tests.error_pattern import assert_error_page
from tests.evaluation_helpers import plan
from tests.factories import PASSWORD
from tests.hostile import encoded

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_no_view_binds_a_form_to_request_post_or_none():
    """`request.POST or None` is None for a POST with no fields: use coproduce.http.posted."""
    binding = re.compile(r"request\.(POST|FILES) or None")
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("coproduce", "projects", "participation", "evaluation")
        for path in (ROOT / app).rglob("*.py")
        if binding.search(path.read_text()) and path != ROOT / "coproduce" / "http.py"
    ]
    assert not offenders


@pytest.mark.parametrize(
    "page",
    [
        lambda p: reverse("projects:settings", args=[p.slug]),
        lambda p: reverse("projects:gate_new", args=[p.slug]),
        lambda p: reverse("activities:new", args=[p.slug]),
        lambda p: reverse("participation:invitations", args=[p.slug]),
        lambda p: reverse("access:mine"),
        lambda p: reverse("projects:new"),
    ],
    ids=["settings", "gate_new", "activity_new", "invitations", "access", "new"],
)
def test_a_form_sent_with_no_fields_at_all_says_what_to_fix(client: Client, project, page):
    client.force_login(project.created_by)
    before = Project.objects.count()
    assert_error_page(client.post(page(project), {}))
    assert Project.objects.count() == before


def test_the_consent_form_sent_with_nothing_chosen_says_nothing_has_changed(
    client: Client, expert2
):
    client.force_login(expert2)
    page = client.post(reverse("consent:mine"), {}, follow=True).content.decode()
    assert "Nothing has changed." in page
    assert not Consent.objects.filter(user=expert2).exists()


def test_cancelling_an_activity_with_no_reason_given_cancels_it(client: Client, project):
    meeting = plan(project, project.created_by, starts_at=timezone.now() + timedelta(days=7))
    client.force_login(project.created_by)
    response = client.post(reverse("activities:cancel", args=[project.slug, meeting.pk]), {})
    assert response.status_code == 302
    assert Activity.objects.get(pk=meeting.pk).is_cancelled


@pytest.mark.parametrize("name", ["member_remove", "leave"])
def test_removing_or_leaving_without_the_confirmation_says_so_and_changes_nothing(
    client: Client, project, expert2, name
):
    kwargs = {"slug": project.slug}
    if name == "member_remove":
        client.force_login(project.created_by)
        kwargs["pk"] = Membership.objects.get(project=project, user=expert2).pk
    else:
        client.force_login(expert2)
    html = assert_error_page(client.post(reverse(f"projects:{name}", kwargs=kwargs), {}))
    assert "Press the button to confirm" in html
    assert Membership.objects.active().filter(project=project, user=expert2).exists()


def test_the_second_sign_in_step_sent_without_a_code_asks_for_it(client: Client, superuser):
    client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    html = assert_error_page(client.post(reverse("mfa_authenticate"), {}))
    assert 'href="#id_code"' in html


def test_send_the_code_again_pressed_twice_sends_it_once_more(
    client: Client, project, practitioner, expert2
):
    made = assistance.record_with_help(
        project=project,
        helper=practitioner,
        member=expert2,
        details=assistance.Details(kind=HelpKind.IDEA, contribution_kind="idea", body="Evenings"),
    )
    client.force_login(practitioner)
    url = reverse("assistance:resend", args=[project.slug, made.pk])
    client.post(url)
    client.post(url)
    made.refresh_from_db()
    assert made.sends == 2
    assert OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).count() == 2


def test_asking_twice_for_a_password_reset_sends_one_email(client: Client, expert2):
    for _ in range(2):
        response = client.post(reverse("account_reset_password"), {"email": expert2.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_a_text_message_with_a_nul_character_is_kept_not_a_server_error(client: Client, settings):
    settings.SMS_WEBHOOK_SECRET = "hostile-test-secret"
    body = encoded([("id", "m\x001"), ("from", "+447700900123"), ("body", "YES\x00 4821")])
    response = client.post(
        reverse("texts:inbound"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={FakeInbound.header: FakeInbound.sign(body)},
    )
    assert response.status_code == 204
    text = InboundText.objects.get()
    assert (text.message_id, text.body) == ("m\ufffd1", "YES\ufffd 4821")
