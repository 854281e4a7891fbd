"""Figures from questionnaires, and the small-numbers rule every one of them obeys.

A group's average is shown only when at least MIN_ANSWERS (3) of that group answered the
question, so that nobody who knows how the others answered can work out one person's answer.
Every survey figure on every page, download and PDF comes through `averages` and `Mean`,
so the rule lives here and nowhere else: a hidden figure is None, and the table's `blank`
(`FEWER_THAN`) says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import MIN_ANSWERS, ItemAnswer, Moment
from projects.models import Project, Role

# The two groups whose answers are compared, in the order tables show them.
GROUPS: tuple[tuple[str, StrPromise], ...] = (
    (Role.EXPERT_BY_EXPERIENCE, gettext_lazy("Experts by experience")),
    (Role.PRACTITIONER, gettext_lazy("Practitioners")),
)

# The built-in questionnaires and their items (migration 0002_built_in_instruments).
STAGE_CHECK = "stage-check"
RUNG = "rung"
PRINCIPLES: tuple[tuple[str, StrPromise], ...] = (
    ("equality", gettext_lazy("Equality")),
    ("diversity", gettext_lazy("Diversity")),
    ("accessibility", gettext_lazy("Accessibility")),
    ("reciprocity", gettext_lazy("Reciprocity")),
)
IMPACT = "impact"
IMPACT_ITEMS: tuple[tuple[str, StrPromise], ...] = (
    ("compassion", gettext_lazy("Compassion")),
    ("understanding", gettext_lazy("Understanding")),
    ("confidence", gettext_lazy("Confidence")),
    ("drive", gettext_lazy("Drive and energy")),
)


def fewer_than() -> str:
    """What a hidden survey figure means, under every table that can hide one."""
    return _("Fewer than %(count)d answered") % {"count": MIN_ANSWERS}


@dataclass(frozen=True)
class Mean:
    """A group's average answer to one question, and how many answered it."""

    total: int  # the answers added up
    answers: int

    @property
    def shown(self) -> bool:
        """The small-numbers rule: at least MIN_ANSWERS answers."""
        return self.answers >= MIN_ANSWERS

    @property
    def value(self) -> float | None:
        """The exact average, or None when too few answered for it to be shown."""
        return self.total / self.answers if self.shown else None

    @property
    def cell(self) -> float | None:
        """The average to one decimal place, as tables show it, or None."""
        value = self.value
        return None if value is None else round(value, 1)


NOBODY = Mean(total=0, answers=0)

# (project id, moment, stage or "" when not split by stage, group, item key)
MeanKey = tuple[int, str, str, str, str]


def averages(
    projects: Sequence[Project],
    instrument: str,
    moments: Iterable[Moment],
    *,
    by_stage: bool,
) -> dict[MeanKey, Mean]:
    """Each group's answers to each scale question of `instrument` (by its key) at these
    moments, added up and counted, per project, moment and (when `by_stage`) the stage the
    answers are about: one aggregate query. Missing keys mean nobody answered (`NOBODY`)."""
    stage = ("response__stage",) if by_stage else ()
    rows = (
        ItemAnswer.objects.filter(
            response__project__in=[project.pk for project in projects],
            response__instrument__key=instrument,
            response__moment__in=list(moments),
            value__isnull=False,
        )
        .order_by()
        .values_list(
            "response__project_id", "response__moment", *stage, "response__group", "item__key"
        )
        .annotate(total=Sum("value"), answers=Count("pk"))
    )
    found: dict[MeanKey, Mean] = {}
    for row in rows:
        if by_stage:
            project_id, moment, stage_value, group, item, total, answers = row
        else:
            project_id, moment, group, item, total, answers = row
            stage_value = ""
        found[(project_id, moment, stage_value, group, item)] = Mean(int(total), answers)
    return found


@dataclass(frozen=True)
class Change:
    """How one group's answers to one question moved from a first moment to a second (on
    joining to the close), over the people of the group who answered it at both: the pairs.
    People who answered only once are left out, so the change is never two different sets of
    people compared. The small-numbers rule applies to the pairs."""

    first: Mean  # the pairs' answers at the first moment
    second: Mean  # the same people's answers at the second
    pairs: int  # people who answered at both moments

    @property
    def shown(self) -> bool:
        """The small-numbers rule: at least MIN_ANSWERS people answered both times."""
        return self.pairs >= MIN_ANSWERS

    @property
    def value(self) -> float | None:
        """The pairs' average at the second moment less their average at the first (for
        one answer each, the average of each person's change), or None when hidden."""
        if not self.shown or not self.first.answers or not self.second.answers:
            return None
        return self.second.total / self.second.answers - self.first.total / self.first.answers

    @property
    def cell(self) -> float | None:
        """The change to one decimal place, as tables show it, or None."""
        value = self.value
        return None if value is None else round(value, 1)


NO_PAIRS = Change(first=NOBODY, second=NOBODY, pairs=0)

# (project id, group, item key)
ChangeKey = tuple[int, str, str]


def averages_and_changes(
    projects: Sequence[Project], instrument: str, first: Moment, second: Moment
) -> tuple[dict[MeanKey, Mean], dict[ChangeKey, Change]]:
    """Each group's answers to each scale question of `instrument` at `first` and at
    `second` (as `averages` with by_stage=False: everyone who answered each time), and the
    change from one to the other over the people who answered at both (`Change`): one
    aggregate query. A pair is the same person, in the same group, answering the same
    question at the other moment (an answer whose respondent was deleted pairs with none)."""
    other_moment = ItemAnswer.objects.filter(
        response__project=OuterRef("response__project"),
        response__instrument=OuterRef("response__instrument"),
        response__respondent=OuterRef("response__respondent"),
        response__group=OuterRef("response__group"),
        response__moment__in=[first, second],
        item=OuterRef("item"),
        value__isnull=False,
    ).exclude(response__moment=OuterRef("response__moment"))
    paired = Q(Exists(other_moment))
    rows = (
        ItemAnswer.objects.filter(
            response__project__in=[project.pk for project in projects],
            response__instrument__key=instrument,
            response__moment__in=[first, second],
            value__isnull=False,
        )
        .order_by()
        .values_list("response__project_id", "response__moment", "response__group", "item__key")
        .annotate(
            total=Sum("value"),
            answers=Count("pk"),
            paired_total=Sum("value", filter=paired),
            paired_answers=Count("pk", filter=paired),
            people=Count("response__respondent", filter=paired, distinct=True),
        )
    )
    means: dict[MeanKey, Mean] = {}
    halves: dict[tuple[ChangeKey, str], tuple[Mean, int]] = {}
    for project_id, moment, group, item, total, answers, p_total, p_answers, people in rows:
        means[(project_id, moment, "", group, item)] = Mean(int(total), answers)
        halves[((project_id, group, item), moment)] = (Mean(int(p_total or 0), p_answers), people)
    changes: dict[ChangeKey, Change] = {}
    for key in {key for key, _moment in halves}:
        before, _people = halves.get((key, first), (NOBODY, 0))
        after, people = halves.get((key, second), (NOBODY, 0))
        changes[key] = Change(first=before, second=after, pairs=people)
    return means, changes


def stage_checks(projects: Sequence[Project]) -> dict[MeanKey, Mean]:
    """Answers to the stage co-production check, by project, stage, group and question."""
    return averages(projects, STAGE_CHECK, (Moment.STAGE_END,), by_stage=True)


def gap(first: Mean, second: Mean) -> float | None:
    """How far apart two groups' averages are (always 0 or more), or None when either is
    hidden by the small-numbers rule."""
    if first.value is None or second.value is None:
        return None
    return abs(first.value - second.value)
