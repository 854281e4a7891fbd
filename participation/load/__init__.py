"""Benchmark participation for `seed_load`: what members said and the answers, invitations,
activities with replies and attendance, and payments for taking part (see `projects.load`).

Text messages, help requests and the outbox are left out: a benchmark of the pages does not
need them, and the outbox would only send to made-up people.
"""

from __future__ import annotations

from typing import Any

from coproduce.load import People
from coproduce.loading import PERSONAS, Plan
from projects.load import Loaded
from projects.load.shape import History
from projects.models import Event
from projects.services.history import seal_in_bulk

from .said import load_contributions, load_invitations
from .taking_part import Made, load_activities, load_money

__all__ = ["Made", "load"]


def load(plan: Plan, *, people: People, projects: Loaded, **_made: Any) -> Made:
    history = History()
    load_contributions(plan, projects.projects, history)
    load_invitations(plan, projects.projects, history, PERSONAS["colead"])
    made = load_activities(plan, projects.projects, history)
    load_money(plan, projects.projects, made)
    plan.save(Event, seal_in_bulk(history.events), "history")
    return made
