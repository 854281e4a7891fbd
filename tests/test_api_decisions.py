"""What the API says about a decision, and when: while voting is open only who has voted per
group, never which way, how many chose what, the reasons or who objected; once it closes the
figures per group, the objections with their reasons and responses, then the sign-off. Names
only of people who agreed to share them; words only of people who agreed to be quoted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from participation.models import Purpose
from participation.services.consent import decide
from projects.models import Choice, Gate, GateStatus, Project, ResponseOutcome, Role, Vote
from projects.services import gates
from tests.api_helpers import EVENT_FIELDS, arguments, bearer, endpoints, path_of, walk
from tests.gate_helpers import closed_gate, open_gate

pytestmark = pytest.mark.django_db

ELI_SAYS = "Eli-words: the drop-in is two buses away from the hostel."
PRIYA_SAYS = "Priya-words: the evening shift has no cover."
# Figures and words that would give a vote's direction away.
DIRECTION_KEYS = {"approvals", "abstentions", "approval_share", "objector", "reason"}
# Descriptions of the API rather than its contents.
NOT_DATA = {"api:schema", "api:docs"}


@pytest.fixture
def voting(project: Project, practitioner, expert, expert2, practitioner2, commissioner, join):
    """An open decision that needs a sign-off, with three voters in each group. Five have
    voted: two objected with reasons, Eli (who shares their name) and Priya (who asked not to
    be quoted). Pat, the lead, has not voted yet, so voting stays open."""
    expert3 = join(project, Role.EXPERT_BY_EXPERIENCE, display_name="Ezra")
    practitioner3 = join(project, Role.PRACTITIONER, display_name="Priya")
    project.signoff_every_gate = True
    project.save(update_fields=["signoff_every_gate"])
    decide(user=expert2, choices={Purpose.NAME_SHARED: True})
    decide(user=practitioner3, choices={Purpose.QUOTING: False})
    gate = open_gate(project, practitioner, expert)
    people = {
        "lead": practitioner,
        "expert": expert,
        "expert2": expert2,
        "expert3": expert3,
        "practitioner2": practitioner2,
        "practitioner3": practitioner3,
        "commissioner": commissioner,
    }
    return gate, people


def cast_votes(gate: Gate, people: dict[str, Any]) -> None:
    for name in ("expert", "expert3", "practitioner2"):
        gates.cast_vote(gate=gate, voter=people[name], choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=people["expert2"], choice=Choice.OBJECT, reason=ELI_SAYS)
    gates.cast_vote(
        gate=gate, voter=people["practitioner3"], choice=Choice.OBJECT, reason=PRIYA_SAYS
    )


def everything(client: Client, headers: dict[str, str], project: Project, gate: Gate) -> dict:
    """Every answer of every endpoint this reader may read, every page of every list."""
    filled = arguments(project, gate)
    found = {}
    for pattern in endpoints():
        if pattern.name in NOT_DATA:
            continue
        path = path_of(pattern.name, filled)
        if client.get(path, headers=headers).status_code == 200:
            found[pattern.name] = walk(client, path, headers, page_size=2)
    return found


def keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for inner in value.values() for key in keys_in(inner)}
    if isinstance(value, list):
        return {key for inner in value for key in keys_in(inner)}
    return set()


def decision(client: Client, headers: dict[str, str], project: Project, gate: Gate) -> dict:
    response = client.get(path_of("api:decision", arguments(project, gate)), headers=headers)
    assert response.status_code == 200
    shown: dict[str, Any] = response.json()
    return shown


@pytest.mark.parametrize("reader", ["lead", "expert2", "practitioner3", "commissioner"])
def test_while_voting_is_open_no_answer_shows_which_way_anyone_voted(
    client: Client, project: Project, voting, reader: str
) -> None:
    """Every endpoint, every page, read before anyone voted and after five did: the only
    changes are the turnout and the log's new entries (ids and groups, never choices)."""
    gate, people = voting
    headers = bearer(people[reader])
    before = everything(client, headers, project, gate)
    cast_votes(gate, people)
    gate.refresh_from_db()
    assert gate.status == GateStatus.OPEN
    after = everything(client, headers, project, gate)

    assert set(after) == set(before)
    assert {name for name in after if after[name] != before[name]} == {
        "api:decisions",
        "api:decision",
        "api:events",
    }
    text = str(after)
    for words in (ELI_SAYS, PRIYA_SAYS, "Eli-words", "Priya-words"):
        assert words not in text
    assert keys_in(after) & DIRECTION_KEYS == set()
    for voter in ("Erin", "Ezra", "Petra", "Priya", "Pat"):
        assert f"'{voter}'" not in text
    # Eli agreed to share their name, which the members list gives, and nothing else does.
    assert "'Eli'" not in str(
        {name: found for name, found in after.items() if name != "api:members"}
    )

    shown = decision(client, headers, project, gate)
    assert shown["status"] == "open" and shown["outcome"] == "open"
    assert shown["turnout"] == {
        "lived": {"voted": 3, "electorate": 3},
        "learned": {"voted": 2, "electorate": 3},
    }
    assert (shown["results"], shown["objections"], shown["sign_off"]) == (None, [], None)
    assert [row for page in after["api:decisions"] for row in page["results"]] == [shown]
    new_entries = [
        row for page in after["api:events"] for row in page["results"] if row["kind"] == "vote_cast"
    ]
    assert len(new_entries) == 5
    assert {tuple(sorted(entry)) for entry in new_entries} == {tuple(sorted(EVENT_FIELDS))}


def test_once_voting_closes_the_figures_objections_responses_and_sign_off_appear(
    client: Client, project: Project, voting
) -> None:
    gate, people = voting
    cast_votes(gate, people)
    headers = bearer(people["expert3"])
    # The lead's vote is the last one: voting closes early, as nobody is left to vote.
    gates.cast_vote(gate=gate, voter=people["lead"], choice=Choice.APPROVE)
    gate.refresh_from_db()
    assert gate.status == GateStatus.CLOSED

    shown = decision(client, headers, project, gate)
    assert shown["turnout"] is None
    assert shown["outcome"] == "awaiting_signoff"
    assert shown["outcome_text"].startswith("Passed")
    results = shown["results"]
    for group in ("lived", "learned"):
        figures = {key: results[group][key] for key in ("electorate", "votes_cast", "approvals")}
        assert figures == {"electorate": 3, "votes_cast": 3, "approvals": 2}
        assert results[group]["objections"] == 1
    objections = {row["group"]: row for row in shown["objections"]}
    assert objections["lived"]["objector"] == "Eli"
    assert objections["lived"]["reason"] == ELI_SAYS
    assert objections["lived"]["response"] is None
    # Priya asked not to be quoted and never agreed to share her name.
    assert objections["learned"]["objector"] is None
    assert objections["learned"]["reason"] is None
    assert PRIYA_SAYS not in str(shown)
    assert shown["sign_off"] is None

    eli = Vote.objects.get(gate=gate, voter=people["expert2"])
    gates.respond_to_objection(
        objection=eli,
        actor=people["lead"],
        body="A minibus runs from the hostel on drop-in evenings.",
        outcome=ResponseOutcome.DONE,
    )
    response = {row["group"]: row for row in decision(client, headers, project, gate)["objections"]}
    assert (
        response["lived"]["response"]["body"]
        == "A minibus runs from the hostel on drop-in evenings."
    )
    assert response["lived"]["response"]["outcome"] == "done"

    decide(user=people["commissioner"], choices={Purpose.NAME_SHARED: True})
    gates.record_signoff(
        gate=gate,
        commissioner=people["commissioner"],
        assured=True,
        reasons="Both groups shaped the proposal at every meeting.",
    )
    signed = decision(client, headers, project, gate)
    assert signed["outcome"] == "passed"
    assert {key: signed["sign_off"][key] for key in ("assured", "reasons", "commissioner")} == {
        "assured": True,
        "reasons": "Both groups shaped the proposal at every meeting.",
        "commissioner": "Cam",
    }


def test_a_commissioner_who_did_not_agree_to_share_their_name_signs_off_unnamed(
    client: Client, project: Project, commissioner, expert2
) -> None:
    gate = closed_gate(project, passed=True, signoff_required=True)
    gates.record_signoff(
        gate=gate, commissioner=commissioner, assured=False, reasons="The experts joined late."
    )
    shown = decision(client, bearer(expert2), project, gate)
    assert shown["sign_off"]["commissioner"] is None
    assert shown["sign_off"]["reasons"] == "The experts joined late."
    assert shown["outcome"] == "not_assured"


def test_members_are_named_only_when_they_agreed_and_until_they_take_it_back(
    client: Client, project: Project, expert, expert2, practitioner
) -> None:
    headers = bearer(expert)
    path = path_of("api:members", arguments(project, closed_gate(project, passed=False)))

    def names() -> dict[str, str | None]:
        found = client.get(path, headers=headers).json()["results"]
        return {row["role"] + str(row["id"]): row["name"] for row in found}

    assert set(names().values()) == {None}
    decide(user=expert2, choices={Purpose.NAME_SHARED: True})
    decide(user=practitioner, choices={Purpose.NAME_SHARED: False})
    assert sorted(name for name in names().values() if name) == ["Eli"]
    decide(user=expert2, choices={Purpose.NAME_SHARED: False})
    assert set(names().values()) == {None}
