"""A reason or an idea must say something: "." or an emoji alone is refused, by the website, by
text and with help alike, like an empty box. And the history never tells the person helping
whether the member had already voted."""

from __future__ import annotations

from typing import Any

import pytest

from participation.services.contributions import add_contribution
from projects.models import Choice, Event, EventKind
from projects.services import ProjectError, gates
from projects.services.gates import GateError, Help
from tests.gate_helpers import closed_gate, open_gate

pytestmark = pytest.mark.django_db

NOTHING = [".", " ... ", "\U0001f621", "?!"]


@pytest.mark.parametrize("reason", NOTHING)
def test_an_objection_needs_a_reason_with_words(
    project: Any, practitioner: Any, expert: Any, expert2: Any, reason: str
) -> None:
    gate = open_gate(project, practitioner, expert)
    with pytest.raises(GateError):
        gates.cast_vote(gate=gate, voter=expert2, choice=Choice.OBJECT, reason=reason)


@pytest.mark.parametrize("reason", NOTHING)
def test_the_vote_form_says_why_a_reason_without_words_is_refused(
    client: Any, project: Any, practitioner: Any, expert: Any, expert2: Any, reason: str
) -> None:
    gate = open_gate(project, practitioner, expert)
    client.force_login(expert2)
    response = client.post(
        f"{gate.get_absolute_url()}vote/", {"choice": Choice.OBJECT, "reason": reason}
    )
    assert "Say why you object" in response.content.decode()
    assert not gate.votes.exists()


@pytest.mark.parametrize("body", NOTHING)
def test_an_idea_needs_words(project: Any, expert2: Any, body: str) -> None:
    with pytest.raises(ProjectError):
        add_contribution(project=project, author=expert2, kind="idea", body=body)


@pytest.mark.parametrize("reasons", NOTHING)
def test_sign_off_reasons_need_words(project: Any, commissioner: Any, reasons: str) -> None:
    gate = closed_gate(project, passed=True, signoff_required=True)
    with pytest.raises(GateError):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons=reasons)


def test_the_history_reads_the_same_whether_or_not_the_member_had_voted(
    project: Any, practitioner: Any, practitioner2: Any, expert: Any, expert2: Any
) -> None:
    gate = open_gate(project, practitioner, expert)
    helped = Help(helper=practitioner2, confirmed=True)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE, helped=helped)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.ABSTAIN)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.APPROVE, helped=helped)
    first, changed = Event.objects.filter(data__helper=practitioner2.pk).order_by("pk")
    assert first.kind == changed.kind == EventKind.VOTE_CAST
    assert first.summary.replace(str(expert), "X") == changed.summary.replace(str(expert2), "X")
