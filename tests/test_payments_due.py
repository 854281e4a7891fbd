"""Involvement payments due from attendance, and the co-leads' Payments page.

Personas (tests/conftest.py): practitioner and expert (Erin) co-lead; expert2 (Eli) and
practitioner2 are members; commissioner and outsider see nobody's money.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from participation.models import InvolvementPayment, PaymentStatus, Presence
from participation.services import activities, payments
from projects.models import Project
from projects.services import ProjectError
from tests.error_pattern import assert_error_page

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 6, 15)
TERMS: dict[str, Any] = {
    "hourly_rate": D("20.00"),
    "half_day_rate": None,
    "full_day_rate": None,
    "pays_preparation": False,
    "pays_follow_up": False,
    "days_to_pay": 14,
    "methods": ["bank_transfer", "voucher"],
    "source": "NIHR payment guidance",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 6, 15, 16, 0, tzinfo=timezone.get_current_timezone())):
        yield


def policy(project: Project, actor: Any, starts_on: date = date(2026, 1, 1), **changes: Any):
    return payments.set_policy(
        project=project, actor=actor, starts_on=starts_on, **{**TERMS, **changes}
    )


def session(project: Project, actor: Any, on: date, **extra: Any):
    starts = datetime(on.year, on.month, on.day, 14, 0, tzinfo=timezone.get_current_timezone())
    fields = {
        "kind": "workshop",
        "title": f"Workshop on {on}",
        "starts_at": starts,
        "duration_minutes": 90,
        "preparation_minutes": 30,
        "place": "Brixton Library",
        **extra,
    }
    return activities.plan_activity(project=project, actor=actor, **fields)


def took_part(activity, actor, *people, presence=Presence.ATTENDED):
    return activities.record_attendance(
        activity=activity, actor=actor, presence={p.pk: presence for p in people}
    )


def url(name: str, project: Project, **kwargs: Any) -> str:
    return reverse(f"payments:{name}", kwargs={"slug": project.slug, **kwargs})


# Payments made from attendance


def test_taking_part_makes_a_payment_for_experts_by_experience_only(
    project, practitioner, expert2, practitioner2
):
    policy(project, practitioner)
    activity = session(project, practitioner, date(2026, 6, 1))
    took_part(activity, practitioner, expert2, practitioner2)
    payment = InvolvementPayment.objects.get()
    assert payment.attendance is not None
    assert (payment.member, payment.attendance.activity, payment.amount) == (
        expert2,
        activity,
        D("30.00"),
    )
    assert (payment.session_on, payment.due_on, payment.status) == (
        date(2026, 6, 1),
        date(2026, 6, 15),
        PaymentStatus.DUE,
    )


def test_payments_from_attendance_honour_a_rate_change_between_two_activities(
    project, practitioner, expert2
):
    policy(project, practitioner, date(2026, 1, 1))
    policy(project, practitioner, TODAY, hourly_rate=D("25.00"))
    before = session(project, practitioner, date(2026, 6, 14))
    after = session(project, practitioner, TODAY, title="Second workshop")
    took_part(before, practitioner, expert2)
    took_part(after, practitioner, expert2)
    amounts = dict(InvolvementPayment.objects.values_list("session_on", "amount"))
    assert amounts == {date(2026, 6, 14): D("30.00"), TODAY: D("37.50")}


@pytest.mark.parametrize(
    ("paid", "minutes", "amount"), [(False, 90, D("30.00")), (True, 150, D("50.00"))]
)
def test_preparation_and_follow_up_are_paid_only_when_the_policy_pays_them(
    project, practitioner, expert2, paid, minutes, amount
):
    policy(project, practitioner, pays_preparation=paid, pays_follow_up=paid)
    activity = session(project, practitioner, date(2026, 6, 1), follow_up_minutes=30)
    took_part(activity, practitioner, expert2)
    payment = InvolvementPayment.objects.get()
    assert (payment.minutes_paid, payment.amount) == (minutes, amount)


def test_attendance_recorded_twice_makes_one_payment(project, practitioner, expert2):
    policy(project, practitioner)
    activity = session(project, practitioner, date(2026, 6, 1))
    took_part(activity, practitioner, expert2)
    took_part(activity, practitioner, expert2)
    payments.work_out_payments(project=project)
    assert InvolvementPayment.objects.count() == 1


def test_no_policy_means_no_payment_until_one_is_set(client, project, practitioner, expert2):
    activity = session(project, practitioner, date(2026, 6, 1))
    took_part(activity, practitioner, expert2)
    assert not InvolvementPayment.objects.exists()
    client.force_login(practitioner)
    page = client.get(
        reverse("activities:attendance", kwargs={"slug": project.slug, "pk": activity.pk})
    )
    assert "Set a payment policy to work out what is owed." in page.content.decode()
    policy(project, practitioner, date(2026, 5, 1))
    assert InvolvementPayment.objects.get().amount == D("30.00")
    page = client.get(
        reverse("activities:attendance", kwargs={"slug": project.slug, "pk": activity.pk})
    )
    assert "Set a payment policy" not in page.content.decode()


def test_changing_to_did_not_take_part_withdraws_a_payment_still_due_but_never_a_paid_one(
    project, practitioner, expert, expert2, join
):
    expert3 = join(project, "expert_by_experience", display_name="Ezra")
    policy(project, practitioner)
    activity = session(project, practitioner, date(2026, 6, 1))
    took_part(activity, practitioner, expert2, expert3)
    paid = InvolvementPayment.objects.get(member=expert3)
    payments.record_payment(
        payment=paid,
        actor=expert,
        method="bank_transfer",
        status="paid",
        paid_on=TODAY,
        benefits_advice_offered=True,
    )
    took_part(activity, practitioner, expert2, expert3, presence=Presence.ABSENT)
    assert list(InvolvementPayment.objects.values_list("member_id", "status")) == [
        (expert3.pk, PaymentStatus.PAID)
    ]


# Recording how a payment is made


def _one_payment(project, practitioner, member, on=date(2026, 6, 1)) -> InvolvementPayment:
    policy(project, practitioner)
    took_part(session(project, practitioner, on), practitioner, member)
    return InvolvementPayment.objects.get(member=member, session_on=on)


def test_a_declined_payment_is_declined_both_ways_and_never_overdue(project, practitioner, expert2):
    payment = _one_payment(project, practitioner, expert2, on=date(2026, 5, 1))
    assert list(InvolvementPayment.objects.overdue(TODAY)) == [payment]
    payments.record_payment(
        payment=payment,
        actor=practitioner,
        method="declined",
        status="due",
        paid_on=None,
        benefits_advice_offered=True,
    )
    payment.refresh_from_db()
    assert (payment.status, payment.method) == (PaymentStatus.DECLINED, "declined")
    assert not InvolvementPayment.objects.overdue(TODAY).exists()
    with pytest.raises(ProjectError, match="Declined for both"):
        payments.record_payment(
            payment=payment,
            actor=practitioner,
            method="voucher",
            status="declined",
            paid_on=None,
            benefits_advice_offered=True,
        )


def test_a_donated_payment_is_paid_with_its_date(project, practitioner, expert2):
    payment = _one_payment(project, practitioner, expert2)
    with pytest.raises(ProjectError, match="date it was paid"):
        payments.record_payment(
            payment=payment,
            actor=practitioner,
            method="donated",
            status="paid",
            paid_on=None,
            benefits_advice_offered=False,
        )
    payments.record_payment(
        payment=payment,
        actor=practitioner,
        method="donated",
        status="paid",
        paid_on=TODAY,
        benefits_advice_offered=False,
    )
    payment.refresh_from_db()
    assert (payment.status, payment.method, payment.paid_on) == ("paid", "donated", TODAY)


def test_a_co_lead_cannot_record_their_own_payment(project, practitioner, expert):
    payment = _one_payment(project, practitioner, expert)
    with pytest.raises(ProjectError, match="Another co-lead"):
        payments.record_payment(
            payment=payment,
            actor=expert,
            method="cash",
            status="paid",
            paid_on=TODAY,
            benefits_advice_offered=False,
        )


# The Payments page


def test_the_payments_page_follows_the_access_trio(
    client, project, practitioner, expert2, outsider, commissioner
):
    payment = _one_payment(project, practitioner, expert2)
    post = {"method": "cash", "status": "paid", "paid_on": "15/6/2026"}
    assert client.get(url("list", project)).status_code == 302
    for person, status in [(outsider, 404), (expert2, 403), (commissioner, 403)]:
        client.force_login(person)
        assert client.get(url("list", project)).status_code == status
        assert client.post(url("record", project, pk=payment.pk), post).status_code == status
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE
    client.force_login(practitioner)
    page = client.get(url("list", project)).content.decode()
    assert "£30.00" in page and "Eli" in page and "count as income for benefits" in page


def test_a_co_lead_records_a_payment_and_a_double_tap_changes_nothing_more(
    client, project, practitioner, expert2
):
    payment = _one_payment(project, practitioner, expert2)
    client.force_login(practitioner)
    post = {
        "method": "voucher",
        "status": "paid",
        "paid_on": "14/6/2026",
        "benefits_advice_offered": "on",
    }
    for _ in range(2):
        assert client.post(url("record", project, pk=payment.pk), post).status_code == 302
    payment.refresh_from_db()
    assert (payment.method, payment.status, payment.paid_on, payment.benefits_advice_offered) == (
        "voucher",
        "paid",
        date(2026, 6, 14),
        True,
    )


def test_a_payment_marked_paid_without_a_date_comes_back_with_a_plain_message(
    client, project, practitioner, expert2
):
    payment = _one_payment(project, practitioner, expert2)
    client.force_login(practitioner)
    response = client.post(
        url("record", project, pk=payment.pk), {"method": "cash", "status": "paid"}
    )
    assert_error_page(response, field_id=f"pay-{payment.pk}-paid_on")
    assert "Enter the date it was paid" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE


def test_overdue_payments_are_counted_per_person(client, project, practitioner, expert2):
    _one_payment(project, practitioner, expert2, on=date(2026, 5, 1))
    _one_payment(project, practitioner, expert2, on=date(2026, 6, 10))
    client.force_login(practitioner)
    page = client.get(url("list", project)).content.decode()
    assert "1 payment is overdue." in page
    assert "£60.00 (2 payments)" in page


def test_members_see_their_own_payments_on_the_expenses_page(
    client, project, practitioner, expert2, practitioner2, join
):
    other = join(project, "expert_by_experience", display_name="Ezra")
    policy(project, practitioner)
    activity = session(project, practitioner, date(2026, 6, 1), title="Reading the plan")
    took_part(activity, practitioner, expert2)
    client.force_login(expert2)
    page = client.get(url("expenses", project)).content.decode()
    assert "Your payments for taking part" in page and "Reading the plan" in page
    client.force_login(other)
    assert (
        "Your payments for taking part" not in client.get(url("expenses", project)).content.decode()
    )


def test_the_finance_export_lists_involvement_payments_with_money_as_text(
    client, project, practitioner, expert2
):
    _one_payment(project, practitioner, expert2)
    client.force_login(practitioner)
    rows = list(csv.DictReader(io.StringIO(client.get(url("export", project)).content.decode())))
    assert [(r["type"], r["person"], r["amount"], r["status"], r["due by"]) for r in rows] == [
        ("payment", "Eli", "30.00", "due", "2026-06-15")
    ]
    assert rows[0]["activity"] == "Workshop on 2026-06-01"


@pytest.mark.parametrize("n", [2, 25])
def test_the_payments_page_keeps_its_query_budget(
    client, project, practitioner, expert2, join, n, django_assert_max_num_queries
):
    members = [expert2, *(join(project, "expert_by_experience") for _ in range(2))]
    policy(project, practitioner)
    for i in range(n):
        activity = session(project, practitioner, TODAY - timedelta(days=i + 1), title=f"W{i}")
        took_part(activity, practitioner, members[i % len(members)])
    client.force_login(practitioner)
    with django_assert_max_num_queries(8):  # measured: 8 at both sizes
        response = client.get(url("list", project))
    assert response.content.decode().count("Save payment") == min(n, 30)


def test_a_date_paid_in_the_future_is_refused_at_its_date_box(
    client, project, practitioner, expert2
):
    payment = _one_payment(project, practitioner, expert2)
    client.force_login(practitioner)
    response = client.post(
        url("record", project, pk=payment.pk),
        {"method": "cash", "status": "paid", "paid_on": "2026-12-01"},
    )
    html = assert_error_page(response, field_id=f"pay-{payment.pk}-paid_on")
    assert "The date it was paid cannot be in the future." in html
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE


def test_a_date_paid_on_a_payment_not_marked_paid_is_questioned_not_dropped(
    client, project, practitioner, expert2
):
    payment = _one_payment(project, practitioner, expert2)
    client.force_login(practitioner)
    response = client.post(
        url("record", project, pk=payment.pk), {"status": "due", "paid_on": "2026-06-01"}
    )
    assert_error_page(response, field_id=f"pay-{payment.pk}-paid_on")
    assert "Choose Paid, or leave the date paid empty." in response.content.decode()
