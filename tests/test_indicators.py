"""Each indicator on a hand-built data set equals the figure worked out by hand (the working
is written beside each expectation), the small-numbers rule, and query counts that do not
grow with the number of projects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation import flags, indicators
from evaluation.indicators.base import Indicator
from evaluation.models import Moment
from participation.models import (
    Adjustment,
    Attendance,
    ContributionKind,
    ContributionResponse,
    InvolvementPayment,
    PaymentStatus,
    overdue_rule,
)
from projects.models import Choice, Gate, GateStatus, ObjectionResponse, Role, Stage, Vote
from projects.services import guards
from tests.evaluation_data import (
    activity,
    answer_impact,
    answer_stage_check,
    attended,
    closed,
    members,
    payment,
    said,
)

pytestmark = pytest.mark.django_db


def indicator(project, key: str) -> Indicator:
    found = {i.key: i for i in indicators.for_projects([project])[project.pk]}
    return found[key]


def row(found: Indicator, label: str) -> tuple:
    return next(r for r in found.table.rows if r[0] == label)


def test_share_of_attendance_by_experts_by_experience(project, expert, expert2, practitioner):
    first, second = activity(project, Stage.DESIGN), activity(project, Stage.DELIVERY)
    attended(first, expert, expert2, practitioner)
    attended(second, expert, practitioner)
    found = indicator(project, "attendance")
    # Design: 2 of 3 = 66.7% -> 67; Delivery: 1 of 2 = 50%; overall 3 of 5 = 60%.
    assert row(found, "Design")[1:] == (2, 3, 67)
    assert row(found, "Delivery")[1:] == (1, 2, 50)
    assert found.headline is not None and found.headline.value == 60


def test_turnout_per_group_at_each_decision(project):
    closed(project, lived=(2, 3, 2), learned=(4, 4, 2))
    closed(project, lived=(3, 4, 2), learned=(1, 4, 2), passed=False)
    found = indicator(project, "turnout")
    # First: lived 2 of 3 = 66.7% -> 67; learned 4 of 4 = 100. Second: 3 of 4 = 75; 1 of 4 = 25.
    assert [r[1:] for r in found.table.rows] == [(2, 3, 67, 4, 4, 100), (3, 4, 75, 1, 4, 25)]
    # Headline: lived over both, (2 + 3) / (3 + 4) = 5/7 = 71.4% -> 71.
    assert found.headline is not None and found.headline.value == 71
    assert "71%" in found.summary and "62%" in found.summary  # learned (4+1)/8 = 62.5 -> 62


def test_involvement_counts_experts_who_took_part_before_the_proposal(
    project, practitioner, expert, expert2, join
):
    before = activity(project, Stage.DESIGN, starts_at=timezone.now() - timedelta(days=5))
    attended(before, expert, practitioner)  # the practitioner is not counted
    Gate.objects.create(
        project=project,
        from_stage=Stage.DESIGN,
        to_stage=Stage.DELIVERY,
        proposal="Move on.",
        what_changes="More hours.",
        created_at=timezone.now() - timedelta(days=2),
    )
    said(project, expert2, Stage.DESIGN)  # written after the proposal: not before it
    late = join(project, Role.EXPERT_BY_EXPERIENCE)
    said(project, late, Stage.DELIVERY)  # delivery has no proposal: counts so far
    found = indicator(project, "involvement")
    # Design: only `expert` (attended 5 days ago; proposal 2 days ago) -> 1.
    assert row(found, "Design")[2] == 1
    assert row(found, "Delivery")[1:] == ("No proposal yet", 1)
    # One stage with a proposal, and experts by experience took part before it: 1 of 1.
    assert found.headline is not None and found.headline.value == 1
    assert found.headline.text == "1 of 1 stage"


def _lived_guard(project, gate):
    return next(r for r in guards.check_guards(gate) if r.code == "lived_participation")


def test_a_cancelled_activity_is_no_taking_part_for_the_indicator_nor_the_gate_guard(
    project, expert
):
    meeting = activity(project, Stage.DESIGN, starts_at=timezone.now() - timedelta(days=5))
    attended(meeting, expert)  # recorded, but the activity was cancelled: it did not happen
    meeting.cancelled_at = timezone.now() - timedelta(days=6)
    meeting.save(update_fields=["cancelled_at"])
    gate = Gate.objects.create(
        project=project,
        from_stage=Stage.DESIGN,
        to_stage=Stage.DELIVERY,
        proposal="Move on.",
        what_changes="More hours.",
        created_at=timezone.now() - timedelta(days=2),
    )
    assert row(indicator(project, "involvement"), "Design")[2] == 0
    assert not _lived_guard(project, gate).passed
    assert list(Attendance.objects.took_part()) == []

    # The same meeting going ahead counts for both.
    meeting.cancelled_at = None
    meeting.save(update_fields=["cancelled_at"])
    assert row(indicator(project, "involvement"), "Design")[2] == 1
    assert _lived_guard(project, gate).passed


def test_the_proposal_time_in_queries_is_the_one_the_gate_gives(project):
    written = timezone.now() - timedelta(days=3)
    plain, revised = (
        Gate.objects.create(
            project=project,
            from_stage=Stage.DESIGN,
            to_stage=Stage.DELIVERY,
            proposal="Move on.",
            what_changes="More hours.",
            created_at=written,
            revised_at=revised_at,
            status=status,  # one draft at a time: the first was withdrawn
        )
        for revised_at, status in (
            (None, GateStatus.WITHDRAWN),
            (written + timedelta(days=1), GateStatus.DRAFT),
        )
    )
    found = dict(Gate.objects.with_proposed_at().values_list("pk", F("proposed")))
    assert found == {plain.pk: plain.proposed_at, revised.pk: revised.proposed_at}
    assert found[revised.pk] == written + timedelta(days=1)


def test_contributions_by_group_and_share_answered(project, practitioner, expert, expert2):
    first = said(project, expert)
    said(project, expert2)
    said(project, expert2, kind=ContributionKind.COMMENT)
    answered = said(project, practitioner)
    for contribution in (first, answered):
        ContributionResponse.objects.create(
            contribution=contribution, body="We did it.", responder=practitioner
        )
    found = indicator(project, "contributions")
    # Experts by experience: 3 said, 1 answered = 33.3% -> 33. Practitioners: 1 of 1 = 100.
    assert row(found, "Design")[1:] == (3, 33, 1, 100)
    assert row(found, "Delivery")[1:] == (0, None, 0, None)
    assert found.headline is not None and found.headline.value == 33


def test_objections_raised_and_answered(project, practitioner, expert, practitioner2):
    gate = closed(project, lived=(2, 2, 2), learned=(2, 2, 2))
    objection = Vote.objects.create(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Cost")
    ObjectionResponse.objects.create(objection=objection, body="Costed.", responder=practitioner)
    said(project, practitioner2, kind=ContributionKind.OBJECTION)  # no response
    said(project, practitioner2, kind=ContributionKind.IDEA)  # not an objection
    found = indicator(project, "objections")
    # Design: 1 by an expert by experience, 1 by a practitioner; 2 raised, 1 answered = 50%.
    assert row(found, "Design")[1:] == (1, 1, 2, 1, 50)
    assert found.headline is not None and found.headline.value == 50


def test_days_from_activity_to_payment(project, expert, expert2):
    today = timezone.localdate()
    meeting = activity(project, Stage.DESIGN)
    first, second = attended(meeting, expert, expert2)
    payment(
        project,
        expert,
        session_on=today - timedelta(days=20),
        paid_on=today - timedelta(days=10),
        attendance=first,
    )
    payment(
        project,
        expert2,
        session_on=today - timedelta(days=20),
        paid_on=today - timedelta(days=16),
        attendance=second,
    )
    payment(
        project, expert, session_on=today - timedelta(days=40), due_on=today - timedelta(days=1)
    )
    payment(
        project, expert2, session_on=today - timedelta(days=2), due_on=today + timedelta(days=5)
    )
    found = indicator(project, "payment-days")
    # Design: waits of 10 and 4 days -> average (10 + 4) / 2 = 7.0, longest 10.
    assert row(found, "Design")[1:] == (2, 7.0, 10, 0, 0)
    # The two entered by hand: none paid, both still due, one overdue (due yesterday).
    assert row(found, "Entered by hand, not tied to an activity")[1:] == (0, None, None, 2, 1)
    assert found.headline is not None and found.headline.value == 7.0


def test_the_indicator_and_the_flag_count_overdue_payments_by_one_rule(project, expert):
    today = timezone.localdate()
    payment(project, expert, session_on=today - timedelta(days=30), due_on=today)  # due today
    payment(project, expert, session_on=today - timedelta(days=31), due_on=today - timedelta(1))
    payment(project, expert, session_on=today - timedelta(days=40), due_on=today - timedelta(9))
    declined = payment(
        project, expert, session_on=today - timedelta(days=50), due_on=today - timedelta(20)
    )
    declined.status = PaymentStatus.DECLINED
    declined.save(update_fields=["status"])
    rule = InvolvementPayment.objects.filter(overdue_rule(today)).count()
    assert rule == 2  # due yesterday and 9 days ago; not today's, not the declined one
    shown = row(indicator(project, "payment-days"), "Entered by hand, not tied to an activity")
    [flag] = [f for f in flags.for_projects([project])[project.pk] if f.key == "overdue-payments"]
    assert shown[5] == rule and flag.explanation.startswith(f"{rule} payments")


def test_adjustments_asked_for_and_provided(project, expert, expert2, practitioner2):
    meeting = activity(project, Stage.DESIGN)
    Adjustment.objects.create(activity=meeting, user=expert, need="Large print", provided=True)
    Adjustment.objects.create(activity=meeting, user=expert2, need="A break", provided=False)
    Adjustment.objects.create(activity=meeting, user=practitioner2, need="Step-free access")
    found = indicator(project, "adjustments")
    # 3 asked for, 1 provided, 1 not, 1 not recorded; 1 of 3 = 33.3% -> 33.
    assert row(found, "Design")[1:] == (3, 1, 1, 1, 33)
    assert found.headline is not None and found.headline.value == 33


def test_ladder_gap_and_principles_per_group(
    project, expert, expert2, practitioner, practitioner2, join
):
    third_expert = join(project, Role.EXPERT_BY_EXPERIENCE)
    third_practitioner = join(project, Role.PRACTITIONER)
    for member, rung, equality in ((expert, 3, 2), (expert2, 3, 3), (third_expert, 4, 4)):
        answer_stage_check(project, member, Stage.DESIGN, rung=rung, equality=equality)
    for member in (practitioner, practitioner2, third_practitioner):
        answer_stage_check(project, member, Stage.DESIGN, rung=5, equality=5)
    ladder = indicator(project, "ladder")
    # Experts by experience (3 + 3 + 4) / 3 = 3.33 -> 3.3; practitioners 5.0;
    # gap 5 - 10/3 = 1.666... -> 1.67.
    assert row(ladder, "Design")[1:] == (3.3, 5.0, 1.67)
    assert len(ladder.table.rows) == 1  # only Design has answers
    assert ladder.headline is not None and ladder.headline.value == 1.67
    principles = indicator(project, "principles")
    # Equality: (2 + 3 + 4) / 3 = 3.0 and 5.0; the other principles 3.0 (the default) and 3.0.
    assert row(principles, "Design: equality")[1:] == (3.0, 5.0)
    assert row(principles, "Design: reciprocity")[1:] == (3.0, 3.0)
    assert len(principles.table.rows) == 4  # only Design has answers
    assert principles.headline is not None and principles.headline.value == 3.0


def test_change_in_impact_from_joining_to_close(project, expert, expert2, join):
    third = join(project, Role.EXPERT_BY_EXPERIENCE)
    for member, confidence in ((expert, 2), (expert2, 2), (third, 3)):
        answer_impact(
            project,
            member,
            Moment.JOINING,
            compassion=3,
            understanding=3,
            confidence=confidence,
            drive=2,
        )
    for member in (expert, expert2, third):
        answer_impact(
            project, member, Moment.CLOSING, compassion=3, understanding=4, confidence=4, drive=4
        )
    found = indicator(project, "impact")
    # Confidence: joining (2 + 2 + 3) / 3 = 2.33 -> 2.3; close 4.0; change 4 - 7/3 = 1.67 -> 1.7.
    assert row(found, "Confidence")[1:4] == (2.3, 4.0, 1.7)
    # Practitioners did not answer: hidden.
    assert row(found, "Confidence")[4:] == (None, None, None)
    # Headline: changes 0.0, 1.0, 1.7, 2.0 -> 4.7 / 4 = 1.175 -> 1.2.
    assert found.headline is not None and found.headline.value == 1.2


def test_the_change_in_impact_compares_the_same_people_on_joining_and_at_the_close(
    project, expert, expert2, join
):
    # Three experts by experience answer only on joining (all 1s), three others only at the
    # close (all 5s): the averages show, 1.0 and 5.0, but nobody answered both times.
    early = [expert, expert2, join(project, Role.EXPERT_BY_EXPERIENCE)]
    late = members(join, project, Role.EXPERT_BY_EXPERIENCE, 3)
    ones = {"compassion": 1, "understanding": 1, "confidence": 1, "drive": 1}
    fives = {"compassion": 5, "understanding": 5, "confidence": 5, "drive": 5}
    for member in early:
        answer_impact(project, member, Moment.JOINING, **ones)
    for member in late:
        answer_impact(project, member, Moment.CLOSING, **fives)
    found = indicator(project, "impact")
    assert row(found, "Confidence")[1:4] == (1.0, 5.0, None)  # not +4.0: no pairs
    assert found.headline is not None and found.headline.value is None
    assert "Change for experts by experience who answered both times" in found.table.columns

    # Two of the early ones answer at the close too (confidence 2 and 4): 2 pairs, hidden.
    first, second, third = early
    answer_impact(project, first, Moment.CLOSING, **{**ones, "confidence": 2})
    answer_impact(project, second, Moment.CLOSING, **{**ones, "confidence": 4})
    # Close over all 5 who answered then: (5 + 5 + 5 + 2 + 4) / 5 = 4.2.
    assert row(indicator(project, "impact"), "Confidence")[1:4] == (1.0, 4.2, None)

    # The third makes 3 pairs: confidence 1 -> 2, 1 -> 4, 1 -> 3: changes +1, +3, +2, so
    # (2 + 4 + 3) / 3 - (1 + 1 + 1) / 3 = 3.0 - 1.0 = +2.0. Compassion: 1 -> 1 three times, 0.0.
    answer_impact(project, third, Moment.CLOSING, **{**ones, "confidence": 3})
    found = indicator(project, "impact")
    # Close over all 6: (5 * 3 + 2 + 4 + 3) / 6 = 24 / 6 = 4.0.
    assert row(found, "Confidence")[1:4] == (1.0, 4.0, 2.0)
    assert row(found, "Compassion")[1:4] == (1.0, 3.0, 0.0)  # (15 + 3) / 6 = 3.0
    # Headline: changes 0.0, 0.0, 2.0, 0.0 -> 2.0 / 4 = 0.5.
    assert found.headline is not None and found.headline.value == 0.5


def test_an_answer_in_another_group_is_no_pair(project, expert, expert2, join):
    # Three answered on joining as practitioners and at the close as experts by experience
    # (they changed role): neither group has a pair.
    people = [expert, expert2, join(project, Role.EXPERT_BY_EXPERIENCE)]
    for member in people:
        answer_impact(
            project,
            member,
            Moment.JOINING,
            compassion=1,
            understanding=1,
            confidence=1,
            drive=1,
            group=Role.PRACTITIONER,
        )
        answer_impact(
            project, member, Moment.CLOSING, compassion=5, understanding=5, confidence=5, drive=5
        )
    found = indicator(project, "impact")
    assert row(found, "Confidence")[1:] == (None, 5.0, None, 1.0, None, None)


def test_the_impact_headline_says_the_change_comes_at_the_close_until_the_project_closes(
    project, expert, expert2, join
):
    for member in (expert, expert2, join(project, Role.EXPERT_BY_EXPERIENCE)):
        answer_impact(
            project, member, Moment.JOINING, compassion=3, understanding=3, confidence=3, drive=3
        )
    found = indicator(project, "impact")
    assert found.headline is not None and found.headline.text == "Not closed yet"
    assert "shows when the project closes" in found.summary

    project.stage = Stage.CLOSED
    project.save(update_fields=["stage"])
    found = indicator(project, "impact")
    assert found.headline is not None and found.headline.text == "Not enough answers"


def test_a_figure_of_one_is_written_in_the_singular(project, expert):
    meeting = activity(project, Stage.DESIGN)
    Adjustment.objects.create(activity=meeting, user=expert, need="Large print", provided=True)
    found = indicator(project, "adjustments")
    assert found.summary == "1 of the 1 adjustment asked for was provided."


def test_an_adjustment_for_a_meeting_still_to_come_is_not_counted_yet(project, expert):
    coming = activity(project, Stage.DESIGN, starts_at=timezone.now() + timedelta(days=7))
    Adjustment.objects.create(activity=coming, user=expert, need="Captions")
    found = indicator(project, "adjustments")
    assert row(found, "Design")[1:] == (0, 0, 0, 0, None)
    assert found.summary == "Nobody has asked for an adjustment yet."


def test_no_indicator_has_two_columns_of_the_same_name(project):
    """A column's name is what a screen reader reads before each figure on a phone, and a
    spreadsheet's heading: two of the same name cannot be told apart."""
    for found in indicators.for_projects([project])[project.pk]:
        assert len(set(found.table.columns)) == len(found.table.columns), found.key


# --- The small-numbers rule ----------------------------------------------------------------


def test_a_group_with_two_answers_shows_no_figure_and_three_shows_one(
    project, expert, expert2, join
):
    for member in (expert, expert2):
        answer_stage_check(project, member, Stage.DESIGN, rung=2)
        answer_impact(
            project, member, Moment.JOINING, compassion=1, understanding=1, confidence=1, drive=1
        )
    ladder = indicator(project, "ladder")
    assert row(ladder, "Design")[1] is None
    assert ladder.table.blank == "Fewer than 3 answered"
    assert row(indicator(project, "principles"), "Design: equality")[1] is None
    impact = indicator(project, "impact")
    assert row(impact, "Compassion")[1] is None and impact.table.blank == "Fewer than 3 answered"

    third = join(project, Role.EXPERT_BY_EXPERIENCE)
    answer_stage_check(project, third, Stage.DESIGN, rung=5)
    answer_impact(
        project, third, Moment.JOINING, compassion=4, understanding=1, confidence=1, drive=1
    )
    # (2 + 2 + 5) / 3 = 3.0 and (1 + 1 + 4) / 3 = 2.0
    assert row(indicator(project, "ladder"), "Design")[1] == 3.0
    assert row(indicator(project, "impact"), "Compassion")[1] == 2.0


# --- Query counts ---------------------------------------------------------------------------


def _busy_project(project_factory, join):
    project = project_factory()
    lead = project.created_by
    experts = members(join, project, Role.EXPERT_BY_EXPERIENCE, 3)
    meeting = activity(project)
    attended(meeting, lead, *experts)
    said(project, experts[0])
    closed(project, lived=(2, 3, 2), learned=(1, 1, 1))
    Adjustment.objects.create(activity=meeting, user=experts[0], need="Large print")
    today = timezone.localdate()
    payment(project, experts[0], session_on=today - timedelta(days=9), paid_on=today)
    for member in experts:
        answer_stage_check(project, member, rung=4)
        answer_impact(
            project, member, Moment.JOINING, compassion=3, understanding=3, confidence=3, drive=3
        )
    return project


def test_indicators_cost_the_same_queries_for_one_project_and_for_ten(project_factory, join):
    one = [_busy_project(project_factory, join)]
    ten = one + [_busy_project(project_factory, join) for _ in range(9)]
    counts = []
    for projects in (one, ten):
        with CaptureQueriesContext(connection) as queries:
            found = indicators.for_projects(projects)
        counts.append(len(queries))
        assert all(len(found[p.pk]) == len(indicators.SOURCES) for p in projects)
    # Measured: 13 (one query per indicator, two for involvement, contributions, objections).
    assert counts == [13, 13]
