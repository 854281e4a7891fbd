"""The data set the authorisation crawl runs over, and the arguments each URL pattern takes.

`seed(people)` builds on the browser catalogue's realistic projects (tests/browser/catalogue.py:
both groups and a commissioner in every project, decisions open, closed, waiting for sign-off,
refused, withdrawn and drafted, ideas with responses, invitations, activities, money, surveys
and an evaluation report) and adds what the catalogue does not need: an objection on the open
vote whose words must stay hidden until it closes, a request recorded with help and a text the
co-leads must look at. It returns a `Seeded`: the people, the open vote and the keyword
arguments of every named URL that takes any.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.http import int_to_base36
from guardian.shortcuts import assign_perm

from coproduce.api.tokens import make_token
from coproduce.models import ApiToken
from evaluation.models import Finding, Instrument, Moment
from evaluation.services.answers import save_answers
from participation.models import (
    Activity,
    Adjustment,
    Answer,
    Contribution,
    HelpKind,
    InboundText,
    Invitation,
    InvolvementPayment,
    NotificationPreference,
    PaymentPolicy,
    TextOutcome,
    WebhookEvent,
)
from participation.services.activities import reply
from participation.services.assistance import Details, record_with_help
from participation.services.payments import claim_expense
from participation.services.webhooks import add_webhook, send_test
from participation.tokens import invitation_token, unsubscribe_token
from projects.models import Choice, Gate, GateStatus, Membership, Project, Stage, Vote
from projects.services import gates
from projects.services.record import check_record
from tests.browser import catalogue
from tests.factories import UserFactory

# The first bytes of a JPEG photo, enough for the receipt check.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100

# What the objection on the open vote says: no page may show it until voting closes.
HIDDEN_REASON = "Secret-ballot-words: the van should not stop outside the hostel."


@dataclass(frozen=True)
class Seeded:
    people: dict[str, Any]
    project: Project
    open_vote: Gate
    arguments: dict[str, dict[str, Any]]


def personas() -> dict[str, Any]:
    """The personas of tests/conftest.py in its shared `project`, made without its
    function-scoped fixtures so that one data set can serve a whole test module, plus
    `practitioner3` (a third voter the catalogue adds) and the two kinds of staff."""
    people: dict[str, Any] = {
        name: UserFactory(email=f"{name}@example.org", display_name=display_name)
        for name, display_name in (
            ("expert", "Erin"),
            ("expert2", "Eli"),
            ("practitioner", "Pat"),
            ("practitioner2", "Petra"),
            ("practitioner3", "Priya"),
            ("commissioner", "Cam"),
            ("outsider", "Olu"),
        )
    }
    people["staff"] = UserFactory(email="staff@example.org", display_name="Stevie", is_staff=True)
    people["superuser"] = UserFactory(
        email="superuser@example.org", display_name="Sam", is_staff=True, is_superuser=True
    )
    for person in ("staff", "superuser"):
        # Staff must use two-factor sign-in before any page but their account's.
        Authenticator.objects.create(
            user=people[person], type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
    project = catalogue.team("Housing First in Lambeth", people)
    people["project"] = project
    return people


def seed(people: dict[str, Any]) -> Seeded:
    """Fill the database for the crawl; `people` as `personas()` makes them."""
    catalogue.seed(people)
    housing = Project.objects.get(pk=people["project"].pk)
    open_vote = Gate.objects.get(project=housing, status=GateStatus.OPEN)
    gates.cast_vote(
        gate=open_vote, voter=people["practitioner3"], choice=Choice.OBJECT, reason=HIDDEN_REASON
    )
    open_vote.refresh_from_db()
    assert open_vote.status == GateStatus.OPEN, "the objection must leave the vote open"
    # The practitioner has answered how the design stage went; the expert has not yet.
    save_answers(
        membership=housing.memberships.get(user=people["practitioner2"]),
        instrument=Instrument.objects.get(key="stage-check"),
        moment=Moment.STAGE_END,
        stage=Stage.DESIGN,
        answers={"rung": 5, "equality": 4},
        named=True,
    )
    helped = record_with_help(
        project=housing,
        helper=people["practitioner2"],
        member=people["expert2"],
        details=Details(kind=HelpKind.IDEA, contribution_kind="idea", body="Evening drop-ins"),
    )
    text = InboundText.objects.create(
        provider="fake",
        message_id="SM-crawl",
        sender="07700900999",
        body="what time is the meeting",
        outcome=TextOutcome.NOT_UNDERSTOOD,
    )
    text.projects.add(housing)
    receipt = claim_expense(
        project=housing,
        member=people["expert2"],
        spent_on=timezone.localdate(),
        category="travel",
        amount=Decimal("4.50"),
        receipt=SimpleUploadedFile("bus.jpg", JPEG, content_type="image/jpeg"),
    )
    hook, _added = add_webhook(
        project=housing,
        actor=people["practitioner"],
        url="https://hooks.example.org/crawl",
        events=list(WebhookEvent.values),
    )
    send_test(webhook=hook)  # a delivery in its log (never sent: this data is never committed)
    _rows_for_every_admin_page(people, housing)
    return Seeded(
        people=people,
        project=housing,
        open_vote=open_vote,
        arguments=_arguments(people, housing, open_vote, helped.pk, text.pk, receipt.pk, hook.pk),
    )


def _rows_for_every_admin_page(people: dict[str, Any], housing: Project) -> None:
    """A row in each table the admin lists that the catalogue leaves empty, so that every
    admin object page is crawled on a real object."""
    Group.objects.create(name="Crawl")
    NotificationPreference.objects.create(user=people["expert2"], channel="email")
    workshop = Activity.objects.get(project=housing, title="Designing the evening drop-in")
    reply(activity=workshop, user=people["expert2"], answer=Answer.COMING)
    check_record(project=housing)  # the admin's page of each project's last record check
    make_token(user=people["practitioner2"], name="Crawl", days=30)
    # On the superuser, whom the crawl never signs in as: the project's own access check
    # reads group permissions only.
    assign_perm("view_project", people["superuser"], housing)


def _arguments(
    people: dict[str, Any],
    housing: Project,
    open_vote: Gate,
    help_pk: int,
    text_pk: int,
    receipt_pk: int,
    webhook_pk: int,
) -> dict[str, dict[str, Any]]:
    """Real ids for every URL that takes arguments: each project page in Housing First unless
    only another catalogue project has the thing (a draft decision, one waiting for sign-off)."""
    h = housing.slug
    draft = Gate.objects.get(status=GateStatus.DRAFT)
    waiting = Gate.objects.get(
        status=GateStatus.CLOSED, passed=True, signoff_required=True, signoff__isnull=True
    )
    objection = Vote.objects.get(
        gate__project=housing, choice=Choice.OBJECT, gate__status=GateStatus.CLOSED
    )
    workshop = Activity.objects.get(project=housing, title="Designing the evening drop-in")
    adjustment = Adjustment.objects.get(activity=workshop)
    invitation = Invitation.objects.filter(project=housing, revoked_at__isnull=True).first()
    assert invitation is not None
    waiting_invite = Invitation.objects.get(email=catalogue.LONG_EMAIL)
    unconfirmed = EmailAddress.objects.get(verified=False)
    expert2 = people["expert2"]
    member = Membership.objects.get(project=housing, user=people["practitioner2"])
    idea = Contribution.objects.filter(project=housing, kind="idea").first()
    assert idea is not None
    on = {"slug": h}
    survey = {
        **on,
        "key": "stage-check",
        "moment": Moment.STAGE_END.value,
        "stage": Stage.DESIGN.value,
    }
    token = invitation_token(waiting_invite)
    arguments: dict[str, dict[str, Any]] = {
        "projects:detail": on,
        "projects:members": on,
        "projects:member_role": {**on, "pk": member.pk},
        "projects:member_co_lead": {**on, "pk": member.pk},
        "projects:member_remove": {**on, "pk": member.pk},
        "projects:leave": on,
        "projects:settings": on,
        "projects:history": on,
        "projects:history_csv": on,
        "projects:gates": on,
        "projects:gate_new": on,
        "projects:gate": {**on, "pk": open_vote.pk},
        "projects:gate_easy_read": {**on, "pk": open_vote.pk},
        "projects:gate_edit": {"slug": draft.project.slug, "pk": draft.pk},
        "projects:gate_withdraw": {"slug": draft.project.slug, "pk": draft.pk},
        "projects:gate_open": {"slug": draft.project.slug, "pk": draft.pk},
        "projects:gate_vote": {**on, "pk": open_vote.pk},
        "projects:gate_vote_withdraw": {**on, "pk": open_vote.pk},
        "projects:gate_signoff": {"slug": waiting.project.slug, "pk": waiting.pk},
        "projects:objection_respond": {**on, "pk": objection.gate_id, "vote_pk": objection.pk},
        "contributions:list": on,
        "contributions:respond": {**on, "pk": idea.pk},
        "activities:list": on,
        "activities:new": on,
        "activities:detail": {**on, "pk": workshop.pk},
        "activities:edit": {**on, "pk": workshop.pk},
        "activities:cancel": {**on, "pk": workshop.pk},
        "activities:reply": {**on, "pk": workshop.pk},
        "activities:adjustment": {**on, "pk": workshop.pk},
        "activities:provided": {**on, "pk": workshop.pk, "adjustment": adjustment.pk},
        "activities:attendance": {**on, "pk": workshop.pk},
        "activities:ics": {**on, "pk": workshop.pk},
        "assistance:record": on,
        "assistance:confirm": {**on, "pk": help_pk},
        "assistance:resend": {**on, "pk": help_pk},
        "assistance:cancel": {**on, "pk": help_pk},
        "payments:policy": on,
        "payments:policy_withdraw": {**on, "pk": _first(PaymentPolicy, project=housing)},
        "payments:list": on,
        "payments:record": {**on, "pk": _first(InvolvementPayment, project=housing)},
        "payments:expenses": on,
        "payments:decide": {**on, "pk": receipt_pk},
        "payments:receipt": {**on, "pk": receipt_pk},
        "payments:export": on,
        "text_inbox:list": on,
        "text_inbox:dealt_with": {**on, "pk": text_pk},
        "surveys:answer": survey,
        "surveys:saved": survey,
        "reports:report": on,
        "reports:save_summary": on,
        "reports:add_finding": on,
        "reports:withdraw_finding": {**on, "pk": _first(Finding, project=housing)},
        "reports:table_csv": {**on, "key": "attendance"},
        "reports:flags_csv": on,
        "reports:report_pdf": on,
        "participation:invitations": on,
        "participation:bulk_invite": on,
        "participation:invitation_resend": {**on, "pk": invitation.pk},
        "participation:invitation_revoke": {**on, "pk": invitation.pk},
        "participation:accept": {"token": token},
        "participation:join": {"token": token},
        "participation:unsubscribe": {"token": unsubscribe_token(expert2.pk, "decisions")},
        "access:summary": on,
        "api_token_revoke": {"pk": _first(ApiToken, user=people["practitioner2"])},
        "api:project": on,
        "api:members": on,
        "api:decisions": on,
        "api:decision": {**on, "pk": open_vote.pk},
        "api:activities": on,
        "api:indicators": on,
        "api:events": on,
        "api:flags": on,
        "webhooks:list": on,
        **{
            f"webhooks:{name}": {**on, "pk": webhook_pk}
            for name in ("detail", "events", "switch", "secret", "copied", "ping", "delete")
        },
        "account_confirm_email": {"key": EmailConfirmationHMAC(unconfirmed).key},
        "account_reset_password_from_key": {
            "uidb36": int_to_base36(expert2.pk),
            "key": default_token_generator.make_token(expert2),
        },
    }
    arguments.update(_admin_arguments(people))
    return arguments


def _first(model: Any, **lookups: Any) -> int:
    found = model.objects.filter(**lookups).order_by("pk").first()
    assert found is not None, f"the crawl's data set has no {model.__name__} for {lookups}"
    return int(found.pk)


def _admin_arguments(people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The admin's object pages, each on the first row of its model (or a missing id, which
    the admin answers as it answers any id once the staff check has passed)."""
    from django.contrib import admin

    arguments: dict[str, dict[str, Any]] = {}
    for model in admin.site._registry:
        rows = model._default_manager.order_by("pk")
        if model is Group:
            # The admin lists site-wide groups only; each project's role groups have their own.
            rows = rows.filter(project_role__isnull=True)
        row = rows.first()
        object_id = str(row.pk) if row is not None else "0"
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for view in ("change", "delete", "history"):
            arguments[f"{prefix}_{view}"] = {"object_id": object_id}
    user_type = ContentType.objects.get_for_model(apps.get_model("coproduce", "User"))
    arguments["admin:auth_user_password_change"] = {"id": str(people["expert2"].pk)}
    arguments["admin:view_on_site"] = {
        "content_type_id": str(user_type.pk),
        "object_id": str(people["expert2"].pk),
    }
    arguments["admin:app_list"] = {"app_label": "projects"}
    # django-guardian's pages for the permissions on one project.
    project = {"object_pk": str(people["project"].pk)}
    arguments["admin:projects_project_permissions"] = project
    arguments["admin:projects_project_permissions_manage_user"] = {
        **project,
        "user_id": str(people["expert2"].pk),
    }
    group = Group.objects.order_by("pk").first()
    assert group is not None
    arguments["admin:projects_project_permissions_manage_group"] = {
        **project,
        "group_id": str(group.pk),
    }
    return arguments
