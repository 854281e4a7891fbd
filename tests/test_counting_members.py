"""One meaning of "member": pages count people as the decision rules do (members whose account
is in use); an account switched off is still listed, marked as such, and never counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from participation.models import MessageKind, OutboxMessage
from participation.services.reminders import queue_due_reminders
from projects import services
from projects.models import Choice, Membership, Project, Role, Stage
from projects.selectors import gates as gate_reading
from projects.services import gates
from tests.gate_helpers import lived_take_part

pytestmark = pytest.mark.django_db


def switch_off(user: User) -> None:
    """What site staff do by unticking "Active" in the admin."""
    User.objects.filter(pk=user.pk).update(is_active=False)


def test_the_project_page_counts_the_people_the_rules_count_and_marks_who_is_switched_off(
    client: Client, project, practitioner, expert, expert2
):
    switch_off(expert2)
    client.force_login(practitioner)
    page = client.get(project.get_absolute_url()).content.decode()

    lived = page.split('id="bloc-lived"')[1].split("</section>")[0]
    assert "(1 person)" in lived
    assert str(expert2) in lived
    assert "account switched off" in lived.split(str(expert2))[1].split("</li>")[0]
    assert "account switched off" not in lived.split(str(expert))[1].split("</li>")[0]


def test_the_refusal_to_open_voting_counts_the_same_and_says_who_is_missing(
    client: Client, project, practitioner, expert, expert2
):
    switch_off(expert2)
    lived_take_part(project, expert)
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
    )
    with pytest.raises(gates.GateError) as refusal:
        gates.open_gate(gate=gate, actor=practitioner)
    message = str(refusal.value)
    assert "Now: 1 expert by experience and 2 practitioners." in message
    assert "1 member is not counted because their account is switched off" in message

    client.force_login(practitioner)
    members = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    card = members.split(f'<h2 id="member-{Membership.objects.get(user=expert2).pk}">')[1]
    assert "account switched off" in card.split("</section>")[0]


def test_the_evidence_pack_counts_only_accounts_in_use_and_marks_the_others(
    client: Client, project, practitioner, practitioner2, expert, expert2, commissioner, join
):
    third = join(project, Role.EXPERT_BY_EXPERIENCE)
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    project.refresh_from_db()
    lived_take_part(project, third)
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Commission it.", what_changes="Funding."
    )
    gate = gates.open_gate(gate=gate, actor=practitioner)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    switch_off(third)

    lived = gate_reading.evidence_pack(gate).blocs[0]
    assert {m.user for m in lived.members} == {expert, expert2, third}
    assert (lived.counted, lived.took_part) == (2, 0)

    client.force_login(commissioner)
    page = client.get(reverse("projects:gate_signoff", args=[project.slug, gate.pk])).content
    text = page.decode()
    assert "0 of 2 members took part" in text
    assert "account switched off" in text.split(str(third))[1].split("</li>")[0]


def test_the_row_rule_and_the_query_rule_agree_on_who_takes_part(project, expert2, commissioner):
    switch_off(expert2)
    services.leave_project(membership=Membership.objects.get(user=commissioner))
    rows = Membership.objects.filter(project=project).select_related("user")
    assert {m.pk for m in rows if m.takes_part} == set(
        Membership.objects.taking_part().filter(project=project).values_list("pk", flat=True)
    )


def test_nobody_whose_account_is_switched_off_is_sent_a_decision_or_asked_to_sign_off(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    lived_take_part(project, expert)
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
    )
    gate = gates.open_gate(gate=gate, actor=practitioner)
    switch_off(commissioner)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)

    told = OutboxMessage.objects.filter(user=commissioner)
    assert not told.filter(kind=MessageKind.DECISION_MADE).exists()
    assert not told.filter(kind=MessageKind.SIGNOFF_REQUESTED).exists()
    gate.refresh_from_db()
    assert gate.closed_at is not None
    with time_machine.travel(gate.closed_at + timedelta(days=2, minutes=1)):
        queue_due_reminders()
    assert not told.filter(kind=MessageKind.SIGNOFF_REMINDER).exists()
