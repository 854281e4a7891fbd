"""Shared steps for gate tests: bring a project to the point where a gate may open."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from participation.models import Contribution
from projects.models import Choice, Gate, GateStatus, Project, Stage, Vote
from projects.services import closing as gate_closing
from projects.services import gates


def lived_take_part(project: Project, expert: Any) -> None:
    Contribution.objects.create(
        project=project, author=expert, stage=project.stage, body="We need evening drop-ins."
    )


def open_gate(project: Project, lead: Any, expert: Any, **kwargs: Any) -> Gate:
    """Record lived participation, draft a proposal and open voting on it."""
    lived_take_part(project, expert)
    gate = gates.draft_gate(
        project=project,
        actor=lead,
        proposal="Move to delivery with evening drop-ins.",
        what_changes="The service opens three evenings a week.",
    )
    return gates.open_gate(gate=gate, actor=lead, **kwargs)


def deadline(gate: Gate) -> datetime:
    assert gate.closes_at is not None, "the gate has not opened"
    return gate.closes_at


def objection_after_close(gate: Gate, approvers: list[Any], objector: Any) -> Vote:
    """Everyone in `approvers` approves and `objector` objects last, which closes the vote;
    returns the objection, waiting for a response."""
    for voter in approvers:
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    return gates.cast_vote(gate=gate, voter=objector, choice=Choice.OBJECT, reason="Cost")


def made_open_gate(project: Project, **fields: Any) -> Gate:
    """An open gate made directly, with the electorate the gate services would fix."""
    now = timezone.now()
    fields.setdefault("electorate", gate_closing.electorate_now(project.pk))
    return Gate.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.DELIVERY,
        proposal="Move on to delivery with the design we agreed.",
        what_changes="The service opens to its first ten tenants.",
        status=GateStatus.OPEN,
        opened_at=now,
        closes_at=now + timedelta(hours=72),
        **fields,
    )


def closed_gate(project: Project, *, passed: bool, signoff_required: bool = False) -> Gate:
    """A gate closed directly with this result, as if its vote had ended."""
    gate = made_open_gate(project, signoff_required=signoff_required)
    Gate.objects.filter(pk=gate.pk).update(
        status=GateStatus.CLOSED, closed_at=timezone.now(), passed=passed
    )
    gate.refresh_from_db()
    return gate
