"""Experts by experience made up under a third of the attendance in a stage."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from evaluation.indicators.attendance import attendance_counts
from evaluation.indicators.base import WORKING_STAGES, Unit, percent, written
from projects.models import Project, Role

from .base import Flag


def under_a_third(lived: int, everyone: int) -> bool:
    """lived / everyone < 1/3, in whole numbers so that exactly a third is not under it."""
    return everyone > 0 and 3 * lived < everyone


def low_attendance_share(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """A flag for each stage with attendance recorded in which experts by experience made
    up under a third of it (one query, shared with the attendance indicator's counting)."""
    counts = attendance_counts(projects)
    found: dict[int, list[Flag]] = {}
    for project in projects:
        for stage in WORKING_STAGES:
            roles = counts[project.pk].get(stage, {})
            lived = roles.get(Role.EXPERT_BY_EXPERIENCE, 0)
            everyone = sum(roles.values())
            if not under_a_third(lived, everyone):
                continue
            found.setdefault(project.pk, []).append(
                Flag(
                    key="low-attendance",
                    title=_("Experts by experience were under a third of those taking part"),
                    explanation=_(
                        "In %(stage)s, experts by experience made up %(lived)d of the "
                        "%(everyone)d attendances recorded (%(share)s), under a third."
                    )
                    % {
                        "stage": stage.label,
                        "lived": lived,
                        "everyone": everyone,
                        "share": written(percent(lived, everyone), Unit.PERCENT),
                    },
                    stage=stage,
                )
            )
    return found
