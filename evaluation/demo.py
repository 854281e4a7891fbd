"""Demo survey answers, so the evaluation report, the flags and the commissioner's portfolio
show real figures.

Every demo project gets the impact survey on joining from both groups, a stage co-production
check from both groups for each stage it has finished, and (the closed project) the impact
survey at the close. The answers vary from person to person, and a few have a comment, some
with the person's name. Two projects are there to show a rule:

- *Peer mentoring for people leaving prison*: only 2 experts by experience answered, fewer
  than MIN_ANSWERS, so their group's figures are not shown (the small-numbers rule);
- *Recovery café commissioning*: the groups rate the delivery stage more than a full rung
  apart on the ladder of co-production (a tokenism flag).

A person who withdrew their consent to evaluation surveys is left out; the others are recorded
as having given it, as a member does before answering. Running again adds nothing.
"""

from __future__ import annotations

from itertools import cycle
from typing import Any

from coproduce.models import User
from participation.models import Consent, Purpose
from participation.services.consent import decide
from projects.models import Membership, Project, Role, Stage

from .instruments import ensure_built_in
from .models import Instrument, ItemAnswer, Moment, SurveyRequest, SurveyResponse

STAGE_CHECK, IMPACT = "stage-check", "impact"
SMALL_PROJECT = "demo-peer-mentoring"  # only 2 experts by experience answer
GAP_PROJECT = "demo-recovery-cafe"  # the groups a full rung apart on the delivery stage
SMALL_GROUP = 2

# slug -> {ended stage: (rungs given by experts by experience, by practitioners)}, one rung
# per person in email order (1 coercion ... 5 engagement, 6 co-design, 7 co-production).
RUNGS: dict[str, dict[Stage, tuple[tuple[int, ...], tuple[int, ...]]]] = {
    "demo-peer-mentoring": {Stage.DESIGN: ((5, 6, 5), (5, 5, 6))},
    "demo-recovery-cafe": {
        Stage.DESIGN: ((6, 5, 6), (6, 6, 5)),
        # 3.7 against 5.3: practitioners saw co-design where experts by experience were told.
        Stage.DELIVERY: ((4, 3, 4), (5, 6, 5)),
    },
    "demo-hospital-discharge": {
        Stage.DESIGN: ((5, 6, 5), (6, 5, 6)),
        Stage.DELIVERY: ((6, 6, 5), (6, 6, 6)),
        Stage.COMMISSIONING: ((4, 5, 5), (5, 5, 5)),
    },
    "demo-winter-outreach": {
        Stage.DESIGN: ((6, 7, 6), (7, 6, 6)),
        Stage.DELIVERY: ((7, 6, 7), (7, 7, 6)),
        Stage.COMMISSIONING: ((6, 6, 5), (6, 5, 6)),
        Stage.EVALUATION: ((7, 7, 6), (6, 7, 7)),
    },
}

# How each principle (equality, diversity, accessibility, reciprocity) sits against the rung,
# person by person, so the four ratings differ from each other and from person to person.
PRINCIPLE_SHIFTS = ((0, -1, 1, 0), (-1, 0, 0, 1), (1, 0, -1, -1))

# Impact on joining and at the close (compassion, understanding, confidence, drive), by group
# and person: people join unsure and leave more confident.
IMPACT_SCORES: dict[Moment, dict[str, tuple[tuple[int, int, int, int], ...]]] = {
    Moment.JOINING: {
        Role.EXPERT_BY_EXPERIENCE: ((3, 2, 2, 3), (4, 3, 2, 2), (3, 3, 1, 2)),
        Role.PRACTITIONER: ((4, 3, 3, 3), (3, 3, 4, 2), (4, 2, 3, 3)),
    },
    Moment.CLOSING: {
        Role.EXPERT_BY_EXPERIENCE: ((4, 4, 4, 5), (5, 4, 3, 4), (4, 4, 4, 4)),
        Role.PRACTITIONER: ((5, 4, 4, 4), (4, 5, 4, 4), (5, 4, 4, 3)),
    },
}

# (slug, moment, stage, email) -> (comment, may the team see the name with it?)
COMMENTS: dict[tuple[str, str, str, str], tuple[str, bool]] = {
    ("demo-recovery-cafe", Moment.STAGE_END, Stage.DELIVERY, "expert1@example.org"): (
        "We were told what had been decided. Nobody asked us before the contract was written.",
        True,
    ),
    ("demo-recovery-cafe", Moment.STAGE_END, Stage.DELIVERY, "expert2@example.org"): (
        "The meetings were at nine in the morning, which is hard for a lot of us.",
        False,
    ),
    ("demo-hospital-discharge", Moment.STAGE_END, Stage.DESIGN, "practitioner2@example.org"): (
        "The ward visits with Sam and Jo changed how we wrote the discharge checklist.",
        True,
    ),
    ("demo-winter-outreach", Moment.STAGE_END, Stage.EVALUATION, "expert3@example.org"): (
        "I led two of the peer interviews. It felt like our project, not theirs.",
        True,
    ),
    ("demo-winter-outreach", Moment.CLOSING, Stage.CLOSED, "expert1@example.org"): (
        "I speak up in meetings now. A year ago I would not have come in the room.",
        False,
    ),
    ("demo-night-shelter", Moment.JOINING, Stage.DESIGN, "expert2@example.org"): (
        "I want the shelter to be somewhere people actually want to stay.",
        False,
    ),
}


def seed(people: dict[str, User], *, projects: dict[str, Project], **_others: Any) -> None:
    ensure_built_in()
    instruments = {
        i.key: i
        for i in Instrument.objects.filter(key__in=[STAGE_CHECK, IMPACT]).prefetch_related("items")
    }
    for slug, project in projects.items():
        respondents = _respondents(project)
        _answer_impact(project, instruments[IMPACT], respondents, Moment.JOINING, Stage.DESIGN)
        for stage, (lived, learned) in RUNGS.get(slug, {}).items():
            rungs: dict[str, tuple[int, ...]] = {
                Role.EXPERT_BY_EXPERIENCE: lived,
                Role.PRACTITIONER: learned,
            }
            for role, members in respondents.items():
                for index, (person, rung) in enumerate(zip(members, cycle(rungs[role]))):
                    _answer_stage_check(
                        project, instruments[STAGE_CHECK], person, role, stage, rung, index
                    )
        if project.is_closed:
            _answer_impact(project, instruments[IMPACT], respondents, Moment.CLOSING, Stage.CLOSED)


def _respondents(project: Project) -> dict[str, list[User]]:
    """{role: members who answer} for both groups, by email; the small project's experts by
    experience stop at two. Gives surveys consent to those who never decided about it and
    leaves out anyone who withdrew it."""
    found: dict[str, list[User]] = {Role.EXPERT_BY_EXPERIENCE: [], Role.PRACTITIONER: []}
    for membership in (
        Membership.objects.taking_part()
        .filter(project=project, role__in=list(found))
        .select_related("user")
        .order_by("user__email")
    ):
        person = membership.user
        decided = Consent.objects.current(person.pk).get(Purpose.SURVEYS)
        if decided is False:
            continue
        if decided is None:
            decide(user=person, choices={Purpose.SURVEYS: True})
        found[membership.role].append(person)
    if project.slug == SMALL_PROJECT:
        found[Role.EXPERT_BY_EXPERIENCE] = found[Role.EXPERT_BY_EXPERIENCE][:SMALL_GROUP]
    return found


def _answer_stage_check(
    project: Project,
    instrument: Instrument,
    person: User,
    role: str,
    stage: Stage,
    rung: int,
    index: int,
) -> None:
    shifts = PRINCIPLE_SHIFTS[index % len(PRINCIPLE_SHIFTS)]
    # A rung of 7 (co-production) goes with ratings of about 5, a rung of 3 with about 1.
    ratings = [min(5, max(1, rung - 2 + shift)) for shift in shifts]
    values = dict(
        zip(
            ("rung", "equality", "diversity", "accessibility", "reciprocity"),
            [rung, *ratings],
            strict=True,
        )
    )
    _answer(project, instrument, person, role, Moment.STAGE_END, stage, values)


def _answer_impact(
    project: Project,
    instrument: Instrument,
    respondents: dict[str, list[User]],
    moment: Moment,
    stage: Stage,
) -> None:
    for role, members in respondents.items():
        for person, scores in zip(members, cycle(IMPACT_SCORES[moment][role])):
            values = dict(
                zip(("compassion", "understanding", "confidence", "drive"), scores, strict=True)
            )
            _answer(project, instrument, person, role, moment, stage, values)


def _answer(
    project: Project,
    instrument: Instrument,
    person: User,
    role: str,
    moment: Moment,
    stage: Stage,
    values: dict[str, int],
) -> None:
    """One person's answers at one moment, unless they have answered already."""
    comment, named = COMMENTS.get((project.slug, moment, stage, str(person.email)), ("", False))
    response, created = SurveyResponse.objects.get_or_create(
        instrument=instrument,
        project=project,
        moment=moment,
        stage=stage,
        respondent=person,
        defaults={"group": role, "named": named},
    )
    if not created:
        return
    # The person was asked (on joining, or when a stage ended): they have now answered.
    SurveyRequest.objects.mark_answered(
        instrument=instrument,
        project_id=project.pk,
        moment=moment,
        stage=stage,
        user_id=person.pk,
        at=response.submitted_at,
    )
    answers = []
    for item in instrument.items.all():
        if item.key in values:
            answers.append(ItemAnswer(response=response, item=item, value=values[item.key]))
        elif item.key == "comment" and comment:
            answers.append(ItemAnswer(response=response, item=item, text=comment))
    ItemAnswer.objects.bulk_create(answers)
