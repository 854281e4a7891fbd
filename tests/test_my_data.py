"""My page, download my data, and delete my account: the person's record is theirs to see,
take away and erase, while the project's decisions and figures stay as they were."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from participation.models import (
    AccessNeeds,
    Activity,
    Adjustment,
    Answer,
    Attendance,
    Consent,
    Contribution,
    Expense,
    InboundText,
    Invitation,
    InvolvementPayment,
    NotificationPreference,
    PaymentPolicy,
    Presence,
    Purpose,
    Reply,
)
from participation.services.erasure import ErasureRefused, erase_account
from participation.services.my_data import person_record
from projects import services
from projects.models import Gate, Membership, Project, Role, Stage
from projects.services import gates
from tests.error_pattern import assert_error_page
from tests.gate_helpers import objection_after_close, open_gate

pytestmark = pytest.mark.django_db

PHONE = "+447700900123"


def _record_for(project: Any, person: Any, lead: Any, n: int = 1) -> None:
    """`n` of each kind of record about `person` in `project`."""
    policy = PaymentPolicy.objects.filter(project=project).first() or PaymentPolicy.objects.create(
        project=project, starts_on=date(2026, 1, 1), hourly_rate=Decimal(20), created_by=lead
    )
    for i in range(n):
        activity = Activity.objects.create(
            project=project,
            kind="meeting",
            stage=project.stage,
            title=f"Planning meeting {i}",
            starts_at=timezone.now() + timedelta(days=(i % 2) * 20 - 10),
            duration_minutes=60,
            place="Town hall",
            created_by=lead,
        )
        Reply.objects.create(activity=activity, user=person, answer=Answer.COMING)
        Attendance.objects.create(
            activity=activity, user=person, presence=Presence.ATTENDED, recorded_by=lead
        )
        Adjustment.objects.create(activity=activity, user=person, need="A quiet room, please.")
        Contribution.objects.create(
            project=project, author=person, stage=project.stage, body="Open on Saturdays."
        )
        InvolvementPayment.objects.create(
            project=project,
            member=person,
            policy=policy,
            session_on=date(2026, 5, 1),
            minutes_paid=60,
            amount=Decimal("20.00"),
            due_on=date(2026, 5, 15),
        )
        Expense.objects.create(
            project=project,
            member=person,
            spent_on=date(2026, 5, 1),
            category="travel",
            amount=Decimal("4.50"),
            description="Bus fare to the town hall.",
        )


@pytest.fixture
def eli(project: Any, expert2: Any, practitioner: Any) -> Any:
    """expert2 (Eli) with a phone, an allauth address, access needs, consent and a record."""
    expert2.phone, expert2.phone_verified = PHONE, True
    expert2.save()
    Consent.objects.create(user=expert2, purpose=Purpose.ACCESS_NEEDS, given=True)
    AccessNeeds.objects.create(user=expert2, easy_read=True, anything_else="I use a wheelchair.")
    NotificationPreference.objects.create(user=expert2, channel="sms")
    Invitation.objects.create(
        project=project,
        role=Role.EXPERT_BY_EXPERIENCE,
        name="Eli",
        email=expert2.email,
        invited_by=practitioner,
        token_nonce="n",
        token_hash="h-eli",
        expires_at=timezone.now() + timedelta(days=7),
    )
    _record_for(project, expert2, practitioner)
    return expert2


def _figures() -> dict[str, Any]:
    return {
        "gates": list(Gate.objects.order_by("pk").values_list("results", "passed", "electorate")),
        "votes": list(Gate.objects.annotate(n=Count("votes")).values_list("pk", "n")),
        "attended": Attendance.objects.filter(presence=Presence.ATTENDED).count(),
        "paid": InvolvementPayment.objects.aggregate(total=Sum("amount"))["total"],
        "expenses": Expense.objects.aggregate(total=Sum("amount"))["total"],
    }


def _text_columns_holding(needles: list[str]) -> list[str]:
    """Every text column of every model, searched for each needle as a whole word (any case):
    "model.field: value"."""
    patterns = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in needles]
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            for value in model._base_manager.values_list(field.attname, flat=True):
                text = json.dumps(value) if isinstance(field, models.JSONField) else str(value)
                for pattern in patterns:
                    if pattern.search(text):
                        found.append(f"{model._meta.label}.{field.name}: {text[:80]}")
    return found


def test_deleting_an_account_keeps_every_figure_and_leaves_no_trace_of_the_person(
    client, project, eli, expert, practitioner, practitioner2
):
    gate = open_gate(project, practitioner, expert)
    objection_after_close(gate, [expert, practitioner, practitioner2], eli)
    before = _figures()
    needles = ["Eli", "expert2@example.org", PHONE]
    assert _text_columns_holding(needles), "the test's person should be on record before"

    client.force_login(eli)
    response = client.post(reverse("my:delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert _figures() == before
    assert _text_columns_holding(needles) == []
    eli.refresh_from_db()
    assert not eli.is_active and not eli.has_usable_password()
    assert not AccessNeeds.objects.filter(user=eli).exists()
    assert Consent.objects.filter(user=eli).exists(), "the dated consent record stays"
    assert not Membership.objects.active().filter(user=eli).exists()
    assert Contribution.objects.get(author=eli).body == "Removed at the person's request."
    for page in ("projects:members", "projects:history"):
        client.force_login(practitioner)
        html = client.get(reverse(page, args=[project.slug])).content.decode()
        assert "Eli" not in html and "expert2@" not in html


def test_a_deleted_account_cannot_sign_in_and_a_second_press_changes_nothing(client, eli):
    client.force_login(eli)
    client.post(reverse("my:delete"), {"confirm": "on"})
    assert client.get(reverse("my:page")).status_code == 302  # signed out
    eli.refresh_from_db()
    assert erase_account(user=eli) is False


def test_deleting_needs_the_box_ticked_and_says_so_in_the_error_pattern(client, eli):
    client.force_login(eli)
    response = client.post(reverse("my:delete"), {})
    assert_error_page(response, field_id="id_confirm")
    eli.refresh_from_db()
    assert eli.is_active and eli.display_name == "Eli"


def test_the_only_co_lead_is_asked_to_hand_over_first_on_its_members_page(client, practitioner2):
    services.create_project(
        creator=practitioner2, title="Night shelter", summary="s", creator_role=Role.PRACTITIONER
    )
    client.force_login(practitioner2)
    page = client.get(reverse("my:delete")).content.decode()
    assert "only co-lead of Night shelter" in page and 'name="confirm"' not in page
    project = Membership.objects.get(user=practitioner2).project
    assert f'href="{reverse("projects:members", args=[project.slug])}"' in page
    with pytest.raises(ErasureRefused):
        erase_account(user=practitioner2)
    practitioner2.refresh_from_db()
    assert practitioner2.is_active


def test_someone_in_a_closed_project_can_still_delete_their_account(client, practitioner2):
    project = services.create_project(
        creator=practitioner2, title="Winter outreach", summary="s", creator_role=Role.PRACTITIONER
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    client.force_login(practitioner2)
    assert "only co-lead" not in client.get(reverse("my:delete")).content.decode()
    response = client.post(reverse("my:delete"), {"confirm": "on"})
    assert response.status_code == 302
    practitioner2.refresh_from_db()
    assert not practitioner2.is_active and practitioner2.display_name == ""


def _evaluated(project: Any, person: Any) -> None:
    """The person was asked how the design stage went, and answered; they recorded a finding
    and saved a version of the team's summary."""
    from django.db import transaction

    from coproduce.models import User
    from evaluation.models import Instrument, Moment
    from evaluation.services.answers import save_answers
    from evaluation.services.requests import ask

    with transaction.atomic():
        ask(
            project=project,
            moment=Moment.STAGE_END,
            stage="design",
            people=User.objects.filter(pk=person.pk),
        )
    save_answers(
        membership=project.memberships.get(user=person),
        instrument=Instrument.objects.get(key="stage-check"),
        moment=Moment.STAGE_END,
        stage="design",
        answers={"rung": 5, "comment": "Good stage."},
        named=False,
    )
    from evaluation.services.report import add_finding, save_summary

    add_finding(project=project, author=person, title="Evenings", found="Asked.", method="Talks")
    save_summary(project=project, author=person, based_on=0, parts={"aim": "A housing service."})


def test_my_data_holds_every_kind_of_record_and_nobody_elses_details(
    client, instruments, project, eli, expert, practitioner, practitioner2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], eli)
    gates.respond_to_objection(
        objection=objection, actor=practitioner, body="We costed it again.", outcome="done"
    )
    _evaluated(project, eli)
    InboundText.objects.create(
        provider="fake", message_id="SM1", sender="+447700900123", user=eli, body="What time?"
    )
    client.force_login(eli)
    response = client.get(reverse("my:json"))

    assert response["Content-Disposition"].startswith("attachment;")
    record = json.loads(response.content)
    assert record == json.loads(json.dumps(person_record(eli)))
    for kind, rows in record.items():
        assert rows, f"{kind} is empty"
    assert record["votes"][0]["reason"] == "Cost"
    text = response.content.decode()
    for other in ("Pat", "practitioner@example.org", "Erin", "expert@example.org", "Petra"):
        assert other not in text


def test_my_data_as_tables_is_a_zip_with_one_csv_per_kind(client, eli):
    client.force_login(eli)
    response = client.get(reverse("my:csv"))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert set(names) == {f"{kind}.csv" for kind in person_record(eli)}


def test_a_note_a_spreadsheet_would_run_is_written_as_text_in_my_tables(client, project, eli):
    Expense.objects.create(
        project=project,
        member=eli,
        spent_on=date(2026, 6, 1),
        category="travel",
        amount=Decimal(2),
        description="=HYPERLINK(1)",
    )
    client.force_login(eli)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("my:csv")).content))
    expenses = archive.read("expenses.csv").decode()
    assert "'=HYPERLINK(1)" in expenses and ",=HYPERLINK" not in expenses


def test_my_pages_are_only_for_the_signed_in_person(client):
    for name in ("my:page", "my:json", "my:csv", "my:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("n", [1, 15])
def test_my_page_keeps_its_query_budget_at_any_size(
    client, project, expert2, practitioner, n, django_assert_max_num_queries
):
    _record_for(project, expert2, practitioner, n=n)
    client.force_login(expert2)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("my:page"))
    html = response.content.decode()
    assert "Planning meeting 0" in html and "Open on Saturdays." in html and "£20.00" in html
