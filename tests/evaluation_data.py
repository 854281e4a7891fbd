"""Build evaluation test data by hand: survey answers from a member, and the activities,
attendance, contributions and payments the indicators and flags count (plain functions).

Answers are written straight to the tables, as the survey services would store them, so a
test of a figure depends on nothing but the figure.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from evaluation.instruments import ensure_built_in
from evaluation.models import Instrument, ItemAnswer, Moment, SurveyResponse
from participation.models import (
    Activity,
    Attendance,
    Contribution,
    ContributionKind,
    InvolvementPayment,
    PaymentPolicy,
    PaymentStatus,
    Presence,
)
from projects.models import Gate, GateStatus, Membership, Project, Role, Stage


def answer(
    project: Project,
    member: Any,
    *,
    instrument: str,
    moment: Moment,
    stage: str,
    values: dict[str, int],
    comment: str = "",
    group: str | None = None,
) -> SurveyResponse:
    """One member's set of answers: `values` maps item keys to points on the scale. `group`
    defaults to the member's role in the project."""
    ensure_built_in()
    questionnaire = Instrument.objects.get(key=instrument)
    if group is None:
        group = Membership.objects.get(project=project, user=member).role
    response = SurveyResponse.objects.create(
        instrument=questionnaire,
        project=project,
        moment=moment,
        stage=stage,
        respondent=member,
        group=group,
    )
    items = {item.key: item for item in questionnaire.items.all()}
    for key, value in values.items():
        ItemAnswer.objects.create(response=response, item=items[key], value=value)
    if comment:
        ItemAnswer.objects.create(response=response, item=items["comment"], text=comment)
    return response


def answer_stage_check(
    project: Project,
    member: Any,
    stage: str = Stage.DESIGN,
    *,
    rung: int,
    equality: int = 3,
    diversity: int = 3,
    accessibility: int = 3,
    reciprocity: int = 3,
    **extra: Any,
) -> SurveyResponse:
    """A member's stage co-production check for `stage`: the rung (1-7) and the four
    principles (1-5)."""
    return answer(
        project,
        member,
        instrument="stage-check",
        moment=Moment.STAGE_END,
        stage=stage,
        values={
            "rung": rung,
            "equality": equality,
            "diversity": diversity,
            "accessibility": accessibility,
            "reciprocity": reciprocity,
        },
        **extra,
    )


def answer_impact(
    project: Project,
    member: Any,
    moment: Moment,
    *,
    compassion: int,
    understanding: int,
    confidence: int,
    drive: int,
    **extra: Any,
) -> SurveyResponse:
    """A member's impact survey on joining (Moment.JOINING) or at the close (Moment.CLOSING)."""
    return answer(
        project,
        member,
        instrument="impact",
        moment=moment,
        stage=Stage.CLOSED if moment == Moment.CLOSING else project.stage,
        values={
            "compassion": compassion,
            "understanding": understanding,
            "confidence": confidence,
            "drive": drive,
        },
        **extra,
    )


def activity(
    project: Project, stage: str = Stage.DESIGN, *, starts_at: datetime | None = None
) -> Activity:
    """A meeting of `stage` that took place (a day ago unless `starts_at` says otherwise)."""
    return Activity.objects.create(
        project=project,
        kind="meeting",
        stage=stage,
        title="Planning meeting",
        starts_at=starts_at or timezone.now() - timedelta(days=1),
        duration_minutes=60,
        place="Community centre",
    )


def attended(meeting: Activity, *members: Any) -> list[Attendance]:
    """Record each member as having taken part in `meeting`."""
    return [
        Attendance.objects.create(activity=meeting, user=member, presence=Presence.ATTENDED)
        for member in members
    ]


def said(
    project: Project,
    member: Any,
    stage: str = Stage.DESIGN,
    *,
    kind: str = ContributionKind.IDEA,
    at: datetime | None = None,
) -> Contribution:
    return Contribution.objects.create(
        project=project,
        author=member,
        stage=stage,
        kind=kind,
        body="We need evening drop-ins.",
        created_at=at or timezone.now(),
    )


def payment(
    project: Project,
    member: Any,
    *,
    session_on: date,
    due_on: date | None = None,
    paid_on: date | None = None,
    attendance: Attendance | None = None,
) -> InvolvementPayment:
    """A payment for a session: paid on `paid_on`, or still due by `due_on`."""
    policy, _created = PaymentPolicy.objects.get_or_create(
        project=project, starts_on=date(2020, 1, 1), defaults={"hourly_rate": Decimal(20)}
    )
    return InvolvementPayment.objects.create(
        project=project,
        member=member,
        policy=policy,
        attendance=attendance,
        session_on=session_on,
        minutes_paid=60,
        amount=Decimal(20),
        due_on=due_on or session_on + timedelta(days=30),
        status=PaymentStatus.PAID if paid_on else PaymentStatus.DUE,
        paid_on=paid_on,
    )


def members(join: Any, project: Project, role: Role | str, count: int) -> list[Any]:
    """`count` new members of `project` with `role` (`join` is the conftest fixture)."""
    return [join(project, role) for _ in range(count)]


def closed(
    project: Project,
    *,
    lived: tuple[int, int, int],
    learned: tuple[int, int, int],
    passed: bool = True,
) -> Gate:
    """A decision to leave Design whose vote closed now, with the results stored as the gate
    services store them; each group's figures are (votes cast, could vote, quorum needed)."""
    now = timezone.now()
    return Gate.objects.create(
        project=project,
        from_stage=Stage.DESIGN,
        to_stage=Stage.DELIVERY,
        proposal="Move on.",
        what_changes="More hours.",
        status=GateStatus.CLOSED,
        opened_at=now - timedelta(days=3),
        closes_at=now,
        closed_at=now,
        passed=passed,
        reason="passed" if passed else "rejected_by_lived",
        results={
            bloc: {"votes_cast": cast, "electorate": could, "quorum_needed": needed}
            for bloc, (cast, could, needed) in (("lived", lived), ("learned", learned))
        },
    )
