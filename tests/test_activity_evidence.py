"""Attendance is evidence: the lived-participation check counts it, and the sign-off page
shows who took part in each activity of the stage, by group."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.services import activities
from projects.models import Choice, Gate, Project
from projects.selectors import gates as gate_reading
from projects.services import gates
from projects.services.guards import check_guards

pytestmark = pytest.mark.django_db


def held_yesterday(project: Project, lead, title: str = "Design workshop"):
    return activities.plan_activity(
        project=project,
        actor=lead,
        kind="workshop",
        title=title,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=120,
        place="Brixton Library",
    )


def lived_check(gate: Gate) -> bool:
    return next(g.passed for g in check_guards(gate) if g.code == "lived_participation")


def draft(project: Project, lead) -> Gate:
    return gates.draft_gate(project=project, actor=lead, proposal="Move on", what_changes="More")


def test_an_expert_by_experience_who_attended_counts_as_taking_part_in_the_stage(
    project, practitioner, expert2
):
    workshop = held_yesterday(project, practitioner)
    activities.record_attendance(
        activity=workshop, actor=practitioner, presence={expert2.pk: "attended"}
    )
    gate = draft(project, practitioner)
    assert lived_check(gate)
    assert gates.open_gate(gate=gate, actor=practitioner).is_open


def test_being_recorded_absent_is_not_taking_part(project, practitioner, expert2, expert):
    workshop = held_yesterday(project, practitioner)
    activities.record_attendance(
        activity=workshop, actor=practitioner, presence={expert2.pk: "absent"}
    )
    assert not lived_check(draft(project, practitioner))


def test_attendance_at_an_activity_after_the_proposal_does_not_count_for_it(
    project, practitioner, expert2
):
    gate = draft(project, practitioner)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        later = activities.plan_activity(
            project=project,
            actor=practitioner,
            kind="meeting",
            title="After the proposal",
            starts_at=timezone.now() - timedelta(hours=1),
            duration_minutes=60,
            place="Online",
        )
        activities.record_attendance(
            activity=later, actor=practitioner, presence={expert2.pk: "attended"}
        )
        assert not lived_check(gate)


def test_the_evidence_pack_shows_attendance_per_group_for_each_activity_of_the_stage(
    client: Client, project, practitioner, practitioner2, expert, expert2, commissioner
):
    workshop = held_yesterday(project, practitioner)
    activities.record_attendance(
        activity=workshop,
        actor=practitioner,
        presence={
            expert.pk: "attended",
            expert2.pk: "attended",
            practitioner.pk: "attended",
            practitioner2.pk: "absent",
            commissioner.pk: "attended",
        },
    )
    gate = draft(project, practitioner)
    gates.open_gate(gate=gate, actor=practitioner)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    Gate.objects.filter(pk=gate.pk).update(signoff_required=True)
    gate = Gate.objects.get(pk=gate.pk)
    [row] = gate_reading.evidence_pack(gate).activities
    assert (row.title, row.lived, row.learned, row.others) == ("Design workshop", 2, 1, 1)
    client.force_login(commissioner)
    page = client.get(
        reverse("projects:gate_signoff", kwargs={"slug": project.slug, "pk": gate.pk})
    ).content.decode()
    assert "Who took part in each activity" in page
    assert "Design workshop" in page


def test_who_took_part_is_read_one_row_per_person_not_per_idea(project, expert2, practitioner):
    """The model's default ordering must not join the DISTINCT (it made one row per idea)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participation.evidence import stage_contributors
    from participation.models import Contribution

    for author in (expert2, expert2, expert2, practitioner):
        Contribution.objects.create(project=project, author=author, stage=project.stage, body="x")
    with CaptureQueriesContext(connection) as queries:
        people = stage_contributors(project, project.stage, timezone.now() + timedelta(days=1))
    assert people == {expert2.pk, practitioner.pk}
    (sql,) = [query["sql"] for query in queries]
    assert "created_at" not in sql.split("FROM")[0]
    assert "ORDER BY" not in sql
