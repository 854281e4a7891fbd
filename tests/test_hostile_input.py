"""Hostile input to every form and POST endpoint of the site (issue 14).

Each endpoint in ENDPOINTS is attacked by the person who may use it, in a project state where
its form is live: its fields are read from the page that holds the form, and hypothesis sends
the valid values with some fields missing, repeated, or replaced by very long strings, markup,
SQL, bad Unicode, control characters or values of the wrong type, plus fields the form does
not have (tests/hostile.py). Every post is judged the same way (`judge`):

- never a server error;
- a refusal (an error page, a 4xx) changes no row of any table and sends nothing;
- a page that comes back without an error has done something (no silent failure);
- a post that is certainly invalid (a required field missing, text where a number, a date or a
  choice goes) changes nothing and says what to fix;
- no post makes anyone staff.

Each example runs inside a savepoint that is rolled back, so every post meets the same state.
The same valid post sent twice records and sends nothing the second time. A POST view with
no entry here fails `test_every_post_endpoint_is_attacked`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from coproduce.models import User
from coproduce.sms import FakeInbound
from evaluation.services.report import add_finding
from participation.models import HelpKind, InboundText, TextOutcome
from participation.services import activities, assistance, invitations
from participation.services.payments import claim_expense, set_policy
from participation.tokens import invitation_token, unsubscribe_token
from projects.models import Choice, Membership, Project, Role, Stage
from projects.services import gates
from projects.services.projects import change_stage
from tests import hostile
from tests.error_pattern import assert_error_page
from tests.evaluation_data import payment, said
from tests.evaluation_helpers import plan
from tests.factories import PASSWORD
from tests.gate_helpers import lived_take_part, objection_after_close, open_gate

pytestmark = pytest.mark.django_db

# Per endpoint; the profile (tests/conftest.py) is larger under CI.
EXAMPLES = max(4, settings.default.max_examples // 10)
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class World:
    """The personas (tests/conftest.py), their shared project and the browser of `who`."""

    people: dict[str, Any]
    project: Project
    client: Client

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def slug(self) -> dict[str, Any]:
        return {"slug": self.project.slug}


Scene = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    who: str | None  # a persona fixture; None: nobody signed in
    scene: Scene = lambda w: w.slug
    page: str = ""  # the URL name of the page that holds the form, if not the endpoint's own
    valid: dict[str, str] = field(default_factory=dict)  # over the page's own defaults
    fields: dict[str, str] | None = None  # when no page holds the form
    twice: bool = True  # the same valid post twice is checked
    header: Callable[[bytes], dict[str, str]] | None = None
    unused: frozenset[str] = frozenset()  # fields the form ignores for the valid post

    def __str__(self) -> str:
        return self.name


# --- Scenes: the state in which each form is live ---------------------------------------------


def member(w: World, who: str = "expert2") -> dict[str, Any]:
    return {**w.slug, "pk": Membership.objects.get(project=w.project, user=w.people[who]).pk}


def lived(w: World) -> dict[str, Any]:
    lived_take_part(w.project, w.expert)
    return w.slug


def draft(w: World) -> dict[str, Any]:
    lived_take_part(w.project, w.expert)
    gate = gates.draft_gate(
        project=w.project,
        actor=w.practitioner,
        proposal="Move to delivery with evening drop-ins.",
        what_changes="The service opens three evenings a week.",
    )
    return {**w.slug, "pk": gate.pk}


def voting(w: World) -> dict[str, Any]:
    return {**w.slug, "pk": open_gate(w.project, w.practitioner, w.expert).pk}


def voted(w: World) -> dict[str, Any]:
    gate = open_gate(w.project, w.practitioner, w.expert)
    gates.cast_vote(gate=gate, voter=w.expert2, choice=Choice.APPROVE)
    return {**w.slug, "pk": gate.pk}


def awaiting_signoff(w: World) -> dict[str, Any]:
    Project.objects.filter(pk=w.project.pk).update(signoff_every_gate=True)
    gate = open_gate(w.project, w.practitioner, w.expert)
    for voter in (w.practitioner, w.practitioner2, w.expert, w.expert2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    return {**w.slug, "pk": gate.pk}


def objection(w: World) -> dict[str, Any]:
    gate = open_gate(w.project, w.practitioner, w.expert)
    vote = objection_after_close(gate, [w.practitioner, w.practitioner2, w.expert], w.expert2)
    return {**w.slug, "pk": gate.pk, "vote_pk": vote.pk}


def idea(w: World) -> dict[str, Any]:
    return {**w.slug, "pk": said(w.project, w.expert2).pk}


def coming_up(w: World) -> dict[str, Any]:
    meeting = plan(w.project, w.practitioner, starts_at=timezone.now() + timedelta(days=7))
    return {**w.slug, "pk": meeting.pk}


def took_place(w: World) -> dict[str, Any]:
    meeting = plan(w.project, w.practitioner, starts_at=timezone.now() - timedelta(days=1))
    return {**w.slug, "pk": meeting.pk}


def adjustment(w: World) -> dict[str, Any]:
    kwargs = coming_up(w)
    asked = activities.ask_for_adjustment(
        activity=w.project.activities.get(pk=kwargs["pk"]), user=w.expert2, need="Large print"
    )
    return {**kwargs, "adjustment": asked.pk}


def help_waiting(w: World) -> dict[str, Any]:
    made = assistance.record_with_help(
        project=w.project,
        helper=w.practitioner,
        member=w.expert2,
        details=assistance.Details(
            kind=HelpKind.IDEA, contribution_kind="idea", body="More evening sessions."
        ),
    )
    return {**w.slug, "pk": made.pk}


def policy_ahead(w: World) -> dict[str, Any]:
    starts = timezone.localdate() + timedelta(days=30)
    policy = set_policy(
        project=w.project,
        actor=w.practitioner,
        starts_on=starts,
        hourly_rate=Decimal(20),
        methods=["bank_transfer"],
    )
    return {**w.slug, "pk": policy.pk}


def payment_due(w: World) -> dict[str, Any]:
    due = payment(w.project, w.expert2, session_on=timezone.localdate() - timedelta(days=7))
    return {**w.slug, "pk": due.pk}


def expense(w: World) -> dict[str, Any]:
    claim = claim_expense(
        project=w.project,
        member=w.expert2,
        spent_on=timezone.localdate() - timedelta(days=1),
        category="travel",
        amount=Decimal("4.50"),
    )
    return {**w.slug, "pk": claim.pk}


def text_to_look_at(w: World) -> dict[str, Any]:
    text = InboundText.objects.create(
        provider="fake",
        message_id="m1",
        sender="+447700900123",
        body="what is this about",
        user=w.expert2,
        outcome=TextOutcome.NOT_UNDERSTOOD,
        reply="Sorry, we did not understand.",
    )
    text.projects.add(w.project)
    return {**w.slug, "pk": text.pk}


def stage_ended(w: World) -> dict[str, Any]:
    from evaluation.instruments import ensure_built_in

    ensure_built_in()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=w.project.pk)
        change_stage(project=locked, to=Stage.DELIVERY, actor=None, reason="both agreed.")
    return {**w.slug, "key": "stage-check", "moment": "stage_end", "stage": "design"}


def finding(w: World) -> dict[str, Any]:
    made = add_finding(
        project=w.project,
        author=w.practitioner,
        title="Evenings suit people in work",
        found="Four of six could not come in the day.",
        method="Six interviews",
    )
    return {**w.slug, "pk": made.pk}


def invitation(w: World) -> dict[str, Any]:
    sent = invitations.invite(
        project=w.project,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=w.practitioner,
        email="newcomer@example.org",
    )
    return {**w.slug, "pk": sent.invitation.pk}


def invitation_link(w: World) -> dict[str, Any]:
    sent = invitations.invite(
        project=w.project,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=w.practitioner,
        email="newcomer@example.org",
    )
    return {"token": invitation_token(sent.invitation)}


def unsubscribe(w: World) -> dict[str, Any]:
    return {"token": unsubscribe_token(w.expert2.pk, "decisions")}


def nobody(w: World) -> dict[str, Any]:
    return {}


def code_asked(w: World) -> dict[str, Any]:
    w.client.post(reverse("account_request_login_code"), {"email": w.expert2.email})
    return {}


def password_given(w: World) -> dict[str, Any]:
    w.client.post(reverse("account_login"), {"login": w.superuser.email, "password": PASSWORD})
    return {}


def confirm_key(w: World) -> dict[str, Any]:
    return {"key": "MQ:1tAbCd:key"}


def no_password(w: World) -> dict[str, Any]:
    w.expert2.set_unusable_password()
    w.expert2.save(update_fields=["password"])
    w.client.force_login(w.expert2)
    return {}


def recently_signed_in(w: World) -> dict[str, Any]:
    """allauth asks for the password again before changing two-step sign-in, unless the person
    signed in a moment ago (as recorded in the session)."""
    session = w.client.session
    session["account_authentication_methods_user"] = str(session["_auth_user_id"])
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session.save()
    return {}


def reset_key(w: World) -> dict[str, Any]:
    return {"uidb36": "1", "key": "set-password"}


def signed(body: bytes) -> dict[str, str]:
    return {"HTTP_X_COPRODUCE_SIGNATURE": FakeInbound.sign(body)}


TOMORROW = (timezone.localdate() + timedelta(days=7)).isoformat()
NEW_PASSWORD = "a-long-new-password-77"
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()

# --- Every POST endpoint, with who may use it and where -----------------------------------------

ENDPOINTS = [
    # projects
    Endpoint(
        "projects:new",
        "practitioner",
        nobody,
        valid={"title": "Night shelter", "summary": "Plan it together.", "role": "practitioner"},
    ),
    Endpoint("projects:settings", "practitioner"),
    Endpoint(
        "projects:member_role", "practitioner", member, "projects:members", {"role": "practitioner"}
    ),
    Endpoint(
        "projects:member_co_lead",
        "practitioner",
        member,
        "projects:members",
        {"is_co_lead": "true"},
    ),
    Endpoint(
        "projects:member_remove",
        "practitioner",
        lambda w: member(w, "practitioner2"),
        valid={"confirm": "on"},
    ),
    Endpoint("projects:leave", "expert2", valid={"confirm": "on"}),
    Endpoint(
        "projects:gate_new",
        "practitioner",
        lived,
        valid={"proposal": "Move to delivery.", "what_changes": "It opens in the evening."},
    ),
    Endpoint(
        "projects:gate_edit", "practitioner", draft, "projects:gate", {"proposal": "Move on now."}
    ),
    Endpoint("projects:gate_withdraw", "practitioner", draft, "projects:gate"),
    Endpoint("projects:gate_open", "practitioner", draft, "projects:gate"),
    Endpoint("projects:gate_vote", "expert2", voting, "projects:gate", {"choice": "approve"}),
    Endpoint("projects:gate_vote_withdraw", "expert2", voted, "projects:gate"),
    Endpoint(
        "projects:gate_signoff",
        "commissioner",
        awaiting_signoff,
        valid={"assured": "yes", "reasons": "Both groups took part at every stage."},
    ),
    Endpoint(
        "projects:objection_respond",
        "practitioner",
        objection,
        "projects:gate",
        {"outcome": "done", "body": "We moved the sessions to the evening."},
    ),
    # ideas and comments
    Endpoint("contributions:list", "expert2", valid={"kind": "idea", "body": "Open on Sundays."}),
    Endpoint(
        "contributions:respond",
        "practitioner",
        idea,
        "contributions:list",
        {"outcome": "done", "body": "We did."},
    ),
    # activities
    Endpoint(
        "activities:new",
        "practitioner",
        valid={
            "kind": "meeting",
            "title": "Planning",
            "day": TOMORROW,
            "time": "18:00",
            "duration_minutes": "90",
            "place": "Brixton Library",
        },
    ),
    Endpoint("activities:edit", "practitioner", coming_up, valid={"title": "Planning again"}),
    Endpoint("activities:cancel", "practitioner", coming_up, valid={"reason": "Snow."}),
    Endpoint("activities:reply", "expert2", coming_up, "activities:detail", {"answer": "coming"}),
    Endpoint(
        "activities:adjustment",
        "expert2",
        coming_up,
        "activities:detail",
        {"need": "Large print, please."},
    ),
    Endpoint(
        "activities:provided", "practitioner", adjustment, "activities:detail", {"provided": "yes"}
    ),
    Endpoint("activities:attendance", "practitioner", took_place),
    # recording with help
    Endpoint(
        "assistance:record",
        "practitioner",
        valid={
            "kind": "idea",
            "contribution_kind": "idea",
            "body": "More evening sessions.",
            "asked": "on",
        },
        # An idea: the fields for a vote or a reply are passed over, whatever they hold.
        unused=frozenset({"activity", "answer", "choice", "reason"}),
    ),
    Endpoint("assistance:confirm", "practitioner", help_waiting, twice=False),
    Endpoint("assistance:resend", "practitioner", help_waiting, "assistance:confirm"),
    Endpoint("assistance:cancel", "practitioner", help_waiting, "assistance:confirm"),
    # payments and expenses
    Endpoint(
        "payments:policy",
        "practitioner",
        valid={"starts_on": TOMORROW, "hourly_rate": "20.00", "methods": "bank_transfer"},
    ),
    Endpoint("payments:policy_withdraw", "practitioner", policy_ahead, "payments:policy"),
    Endpoint(
        "payments:record",
        "practitioner",
        payment_due,
        "payments:list",
        {"status": "paid", "method": "bank_transfer", "paid_on": YESTERDAY},
    ),
    Endpoint(
        "payments:expenses",
        "expert2",
        valid={"spent_on": YESTERDAY, "category": "travel", "amount": "4.50"},
    ),
    Endpoint(
        "payments:decide", "practitioner", expense, "payments:expenses", {"decision": "approve"}
    ),
    Endpoint("text_inbox:dealt_with", "practitioner", text_to_look_at, "text_inbox:list"),
    # evaluation
    Endpoint("surveys:answer", "expert2", stage_ended),
    Endpoint(
        "reports:save_summary",
        "practitioner",
        page="reports:report",
        valid={"summary-aim": "Evening drop-ins.", "summary-based_on": "3"},
    ),
    Endpoint(
        "reports:add_finding",
        "practitioner",
        page="reports:report",
        valid={
            "finding-title": "Evenings suit people in work",
            "finding-found": "Four of six could not come in the day.",
            "finding-method": "Six interviews",
        },
    ),
    Endpoint("reports:withdraw_finding", "practitioner", finding, "reports:report"),
    # invitations, joining and each person's own pages
    Endpoint(
        "participation:invitations",
        "practitioner",
        valid={"name": "Sam", "email": "sam@example.org", "role": "expert_by_experience"},
    ),
    Endpoint(
        "participation:bulk_invite",
        "practitioner",
        valid={"csv_text": "Sam,sam@example.org,,practitioner", "send": "1"},
    ),
    Endpoint(
        "participation:invitation_resend", "practitioner", invitation, "participation:invitations"
    ),
    Endpoint(
        "participation:invitation_revoke", "practitioner", invitation, "participation:invitations"
    ),
    Endpoint(
        "participation:join",
        None,
        invitation_link,
        valid={"name": "Newcomer", "password": NEW_PASSWORD},
    ),
    Endpoint("participation:preferences", "expert2", nobody),
    Endpoint("participation:unsubscribe", None, unsubscribe),
    Endpoint("access:mine", "expert2", nobody, valid={"consent": "on"}),
    Endpoint("consent:mine", "expert2", nobody),
    Endpoint("my:delete", "expert2", nobody, valid={"confirm": "on"}),
    Endpoint(
        "texts:inbound",
        None,
        nobody,
        fields={"id": "text", "from": "tel", "body": "text"},
        valid={"id": "m1", "from": "+447700900123", "body": "YES 4821"},
        header=signed,
    ),
    # signing in and accounts (allauth's views with the site's forms)
    Endpoint("account_request_login_code_by_text", None, nobody, valid={"phone": "07700900123"}),
    Endpoint(
        "account_login", None, nobody, valid={"login": "expert2@example.org", "password": PASSWORD}
    ),
    Endpoint("account_logout", "expert2", nobody),
    Endpoint(
        "account_signup",
        None,
        nobody,
        valid={
            "display_name": "Nia",
            "email": "nia@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    Endpoint("account_reauthenticate", "expert2", nobody, valid={"password": PASSWORD}),
    Endpoint("account_email", "expert2", nobody, valid={"email": "second@example.org"}),
    Endpoint(
        "account_change_password",
        "expert2",
        nobody,
        valid={"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Endpoint(
        "account_set_password",
        "expert2",
        no_password,
        valid={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Endpoint("account_reset_password", None, nobody, valid={"email": "expert2@example.org"}),
    Endpoint("account_request_login_code", None, nobody, valid={"email": "expert2@example.org"}),
    Endpoint("account_confirm_login_code", None, code_asked, twice=False),
    Endpoint("account_confirm_email", None, confirm_key, fields={}, twice=False),
    Endpoint(
        "account_reset_password_from_key",
        None,
        reset_key,
        fields={"password1": "password", "password2": "password"},
        twice=False,
    ),
    Endpoint("mfa_authenticate", None, password_given, twice=False),
    Endpoint("mfa_reauthenticate", "superuser", nobody, twice=False),
    Endpoint("mfa_activate_totp", "expert2", recently_signed_in, twice=False),
    Endpoint("mfa_deactivate_totp", "superuser", recently_signed_in, twice=False),
    Endpoint("mfa_generate_recovery_codes", "superuser", recently_signed_in),
]

PEOPLE = [
    "practitioner",
    "practitioner2",
    "expert",
    "expert2",
    "commissioner",
    "outsider",
    "superuser",
]


@pytest.fixture
def world(request: pytest.FixtureRequest, project: Project) -> World:
    people = {name: request.getfixturevalue(name) for name in PEOPLE}
    # A secret an authenticator app could hold (the shared fixture's is a placeholder).
    Authenticator.objects.filter(user=people["superuser"]).update(
        data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return World(people, project, Client())


# --- Setting up and judging one endpoint --------------------------------------------------------

_PATTERNS = dict(hostile._named(get_resolver().url_patterns))


def _url(name: str, kwargs: dict[str, Any]) -> str:
    keys = _PATTERNS[name].pattern.regex.groupindex
    return reverse(name, kwargs={key: value for key, value in kwargs.items() if key in keys})


@dataclass
class Ready:
    """An endpoint made ready: where to post, the fields of its form and a valid post."""

    url: str
    fields: dict[str, hostile.Field]
    valid: dict[str, list[str]]


def ready(endpoint: Endpoint, w: World) -> Ready:
    if endpoint.who is not None:
        w.client.force_login(w.people[endpoint.who])
    kwargs = endpoint.scene(w)
    url = _url(endpoint.name, kwargs)
    if endpoint.fields is not None:
        fields = {name: hostile.Field(name, kind) for name, kind in endpoint.fields.items()}
    else:
        page = _url(endpoint.page, kwargs) if endpoint.page else url
        response = w.client.get(page)
        assert response.status_code == 200, f"{endpoint}: {page} answered {response.status_code}"
        fields = hostile.forms_on(response.content.decode(), page=page, action=url)
        assert fields or endpoint.name in NO_FIELDS, f"{endpoint}: no form sends to {url}"
    valid = {**hostile.defaults(fields), **{k: [v] for k, v in endpoint.valid.items()}}
    return Ready(url, fields, valid)


# Forms that are only a button: nothing to fill in.
NO_FIELDS = {
    "projects:gate_withdraw",
    "projects:gate_vote_withdraw",
    "assistance:resend",
    "assistance:cancel",
    "payments:policy_withdraw",
    "text_inbox:dealt_with",
    "reports:withdraw_finding",
    "participation:invitation_resend",
    "participation:invitation_revoke",
    "account_logout",
    "participation:unsubscribe",
    "mfa_deactivate_totp",
    "mfa_generate_recovery_codes",
}


def send(endpoint: Endpoint, w: World, url: str, body: bytes) -> HttpResponse:
    extra = endpoint.header(body) if endpoint.header else {}
    response: HttpResponse = w.client.post(
        url, data=body, content_type="application/x-www-form-urlencoded", **extra
    )
    return response


def staff_ids() -> set[int]:
    return set(User.objects.filter(is_staff=True).values_list("pk", flat=True))


def judge(
    endpoint: Endpoint, post: hostile.Post, response: HttpResponse, done: list[str], sent: int
) -> None:
    """The rules every answer to a post keeps (see the module's docstring)."""
    what = f"{endpoint} with {post.why}"
    status = response.status_code
    assert status < 500, f"{what}: server error {status}"
    title = ""
    if status == 200 and b"<title>" in response.content:
        title = response.content.decode().split("<title>")[1].split("</title>")[0]
    refused = title.startswith("Error:") or 400 <= status < 500
    if refused or post.certainly_invalid:
        assert not done, f"{what}: answered {status} {title!r} but changed {done}"
        assert not sent, f"{what}: answered {status} {title!r} but sent {sent} emails"
    if post.certainly_invalid and status == 200:
        assert_error_page(response)
    if status == 200 and not refused and not done:
        assert endpoint.name in ANSWERS_WITH_A_PAGE, f"{what}: page {title!r}, nothing saved"


# Endpoints whose answer to a valid post is a page rather than a redirect.
ANSWERS_WITH_A_PAGE = {
    "participation:bulk_invite",  # the check before sending lists each row
    "participation:unsubscribe",
}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_posts_never_break_anything_nor_change_anything_they_are_refused(
    endpoint: Endpoint, world: World, settings: Any
) -> None:
    settings.SMS_WEBHOOK_SECRET = "hostile-test-secret"
    stage = ready(endpoint, world)
    staff = staff_ids()

    @HOSTILE
    @given(post=hostile.hostile_post(stage.fields, stage.valid, endpoint.unused))
    def attack(post: hostile.Post) -> None:
        emails = len(mail.outbox)
        with transaction.atomic():
            cache.clear()
            before = hostile.snapshot()
            response = send(endpoint, world, stage.url, post.body())
            done = hostile.changes(before, hostile.snapshot())
            judge(endpoint, post, response, done, len(mail.outbox) - emails)
            assert staff_ids() == staff, f"{endpoint} with {post.why} changed who is staff"
            transaction.set_rollback(True)
        del mail.outbox[emails:]

    attack()


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.twice], ids=str)
def test_the_same_valid_post_twice_records_and_sends_nothing_the_second_time(
    endpoint: Endpoint, world: World, settings: Any
) -> None:
    settings.SMS_WEBHOOK_SECRET = "hostile-test-secret"
    stage = ready(endpoint, world)
    body = hostile.encoded([(k, v) for k, values in stage.valid.items() for v in values])
    first = send(endpoint, world, stage.url, body)
    assert first.status_code < 500
    if b"<title>Error:" in first.content:
        html = first.content.decode()
        refused = re.sub(r"<[^>]+>|\s+", " ", html[html.index("error-summary") :][:1500])
        pytest.fail(f"{endpoint}: the valid post {stage.valid} was refused: {refused}")
    after_first, emails = hostile.snapshot(), len(mail.outbox)
    second = send(endpoint, world, stage.url, body)
    assert second.status_code < 500
    now = hostile.counts(hostile.snapshot())
    grown = {
        label: (count, now[label])
        for label, count in hostile.counts(after_first).items()
        if count != now[label]
    }
    assert not grown, f"{endpoint}: the second post changed row counts {grown}"
    assert len(mail.outbox) == emails, f"{endpoint}: the second post sent email again"


def test_every_post_endpoint_is_attacked() -> None:
    missing = hostile.post_views() - {endpoint.name for endpoint in ENDPOINTS}
    assert not missing, f"POST endpoints with no hostile-input test: {sorted(missing)}"
