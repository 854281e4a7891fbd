"""The loaded projects as plain data, handed from `projects.load` to the apps after it.

Later apps (participation, evaluation) need to know who was in each project when, and when
each stage ran, to make rows that agree with the history: attendance by people who were
members on the day, survey requests for the stages that ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coproduce.models import User

from ..models import BLOC_OF_ROLE, VOTING_ROLES, Bloc, Event, EventKind, Project, Role, Stage

STAGES = list(Stage)


@dataclass
class Member:
    user: User
    role: Role
    is_co_lead: bool
    joined_at: datetime
    left_at: datetime | None = None

    @property
    def bloc(self) -> Bloc:
        return BLOC_OF_ROLE[self.role]

    @property
    def votes(self) -> bool:
        return self.role in VOTING_ROLES

    def member_at(self, moment: datetime) -> bool:
        return self.joined_at <= moment and (self.left_at is None or self.left_at > moment)


@dataclass
class LoadedProject:
    project: Project
    members: list[Member]
    # When each stage the project reached began; the current stage is the last key.
    stage_starts: dict[Stage, datetime]
    # When a stage ended, for every stage the project has left.
    stage_ends: dict[Stage, datetime] = field(default_factory=dict)

    @property
    def co_leads(self) -> list[Member]:
        return [m for m in self.members if m.is_co_lead]

    @property
    def lead(self) -> User:
        """The co-lead who does most of the co-leads' work in the history."""
        return self.co_leads[0].user

    def at(self, moment: datetime, *, role: Role | None = None) -> list[Member]:
        """Members on `moment` (in one role, when given)."""
        return [m for m in self.members if m.member_at(moment) and (role is None or m.role == role)]

    def voters_at(self, moment: datetime) -> list[Member]:
        return [m for m in self.at(moment) if m.votes]

    def stage_at(self, moment: datetime) -> Stage:
        current = STAGES[0]
        for stage, start in self.stage_starts.items():
            if start <= moment:
                current = stage
        return current

    def ended_stages(self) -> list[Stage]:
        return list(self.stage_ends)


@dataclass
class History:
    """The event rows of one app's load, written in one go at its end."""

    events: list[Event] = field(default_factory=list)

    def add(
        self,
        loaded: LoadedProject,
        kind: EventKind,
        at: datetime,
        summary: str,
        *,
        actor: User | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.events.append(
            Event(
                project=loaded.project,
                kind=kind,
                actor=actor,
                stage=loaded.stage_at(at),
                at=at,
                summary=summary[:300],
                data=data or {},
            )
        )
