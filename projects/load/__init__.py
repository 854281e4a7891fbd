"""Benchmark projects for `seed_load`: projects in every stage, their members and role
groups, stage decisions in every state with votes and sign-offs, and the history of it all.

Written in bulk (see `coproduce.loading`), never through the services one row at a time, yet
row for row what the services would have made: permissions work through `access_project`
and every closed decision's stored outcome is what `decide` makes of its stored votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coproduce.load import People
from coproduce.loading import Plan

from ..models import Event
from ..services.history import seal_in_bulk
from .gates import Made, load_gates
from .members import load_projects
from .shape import History, LoadedProject, Member

__all__ = ["Loaded", "LoadedProject", "Member", "load"]


@dataclass(frozen=True)
class Loaded:
    projects: list[LoadedProject]
    gates: list[Made]


def load(plan: Plan, *, people: People, **_made: Any) -> Loaded:
    history = History()
    projects = load_projects(plan, people, history)
    gates = load_gates(plan, projects, history)
    plan.save(Event, seal_in_bulk(history.events), "history")
    return Loaded(projects=projects, gates=gates)
