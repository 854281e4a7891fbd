"""The state in which each form of the site is live, for tests/test_hostile_input.py: each
scene makes what its endpoint needs in the shared project (tests/conftest.py) and returns the
endpoint's URL arguments."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.api.tokens import make_token
from coproduce.sms import FakeInbound
from evaluation.services.report import add_finding
from participation.models import HelpKind, InboundText, TextOutcome, WebhookEvent
from participation.services import activities, assistance, invitations
from participation.services.payments import claim_expense, set_policy
from participation.services.webhooks import add_webhook
from participation.tokens import invitation_token, unsubscribe_token
from projects.models import Choice, Membership, Project, Role, Stage
from projects.services import gates
from projects.services.projects import change_stage
from tests.evaluation_data import payment, said
from tests.evaluation_helpers import plan
from tests.factories import PASSWORD
from tests.gate_helpers import lived_take_part, objection_after_close, open_gate


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


def own_token(w: World) -> dict[str, Any]:
    token, _key = make_token(user=w.expert2, name="Old report", days=30)
    return {"pk": token.pk}


def webhook(w: World) -> dict[str, Any]:
    """A webhook the co-lead practitioner added: its secret is still shown to them."""
    hook, _added = add_webhook(
        project=w.project,
        actor=w.practitioner,
        url="https://hooks.example.org/in",
        events=[WebhookEvent.DECISION_MADE],
    )
    return {**w.slug, "pk": hook.pk}


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


def reset_link_opened(w: World) -> dict[str, Any]:
    """The link from a password reset email was opened: allauth keeps its key in the session
    and shows the form at the same address with "set-password" in place of the key."""
    uidb36 = user_pk_to_url_str(w.expert2)
    key = default_token_generator.make_token(w.expert2)
    w.client.get(reverse("account_reset_password_from_key", args=[uidb36, key]))
    return {"uidb36": uidb36, "key": "set-password"}


def signed(body: bytes) -> dict[str, str]:
    return {FakeInbound.header: FakeInbound.sign(body)}
