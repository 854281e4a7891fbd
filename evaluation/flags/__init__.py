"""Tokenism flags: signs, read from the records, that lived experience may not be shaping the
work, each said in a sentence with the figures behind it so a co-lead can act on it.

Each source takes a list of projects and returns the flags raised in each, with a fixed
number of aggregate queries whatever the number of projects (as indicators do). Add a flag by
writing its function and listing it in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from projects.models import Project


@dataclass(frozen=True)
class Flag:
    key: str  # a slug naming the kind of flag, e.g. "late-joiners"
    title: str  # what the flag is, e.g. "Experts by experience joined after the proposal"
    explanation: str  # one sentence with the figures: who, how many, since when
    stage: str = ""  # the stage it is about, when it is about one (a Stage value)


# projects -> {project id: flags raised in that project}; projects with none may be left out.
FlagSource = Callable[[Sequence[Project]], dict[int, list[Flag]]]

SOURCES: list[FlagSource] = []


def for_projects(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """{project id: every flag raised in it, in `SOURCES` order} for these projects; a project
    with no flags maps to an empty list."""
    found: dict[int, list[Flag]] = {project.pk: [] for project in projects}
    if not projects:
        return found
    for source in SOURCES:
        for project_id, flags in source(projects).items():
            found[project_id].extend(flags)
    return found
