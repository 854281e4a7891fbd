"""The "Record with help" pages, how records made with help show, and taking back a vote."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Contribution, HelpKind, HelpRequest, HelpStatus
from participation.services import activities
from participation.services.assistance import Details, code_for, confirm, record_with_help
from projects.models import Choice, Event, EventKind, Gate, Project, Vote
from projects.services import gates
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def record_url(project: Project) -> str:
    return reverse("assistance:record", kwargs={"slug": project.slug})


def confirm_url(made: HelpRequest, name: str = "confirm") -> str:
    return reverse(f"assistance:{name}", kwargs={"slug": made.project.slug, "pk": made.pk})


@pytest.fixture
def gate(project: Project, practitioner: Any, expert: Any) -> Gate:
    return open_gate(project, practitioner, expert)


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def vote(gate: Gate) -> Details:
    return Details(kind=HelpKind.VOTE, gate=gate, choice=Choice.OBJECT, reason="Too far")


def vote_form(member: Any, **extra: Any) -> dict[str, Any]:
    return {
        "member": member.pk,
        "kind": "vote",
        "choice": "object",
        "reason": "Too far from the bus",
        "asked": "on",
        **extra,
    }


# --- Who sees the pages ------------------------------------------------------------------------


def test_outsiders_get_404_and_members_who_may_not_help_get_403(
    client, project, outsider, commissioner, expert2, practitioner2, expert
):
    assert signed_in(client, outsider).get(record_url(project)).status_code == 404
    assert signed_in(client, commissioner).get(record_url(project)).status_code == 403
    assert signed_in(client, expert2).get(record_url(project)).status_code == 403
    assert signed_in(client, practitioner2).get(record_url(project)).status_code == 200
    assert signed_in(client, expert).get(record_url(project)).status_code == 200


def test_the_project_menu_links_to_it_only_for_those_who_may_help(
    client, project, practitioner2, expert2
):
    link = f'href="{record_url(project)}"'
    overview = reverse("projects:detail", kwargs={"slug": project.slug})
    assert link in signed_in(client, practitioner2).get(overview).content.decode()
    assert link not in signed_in(client, expert2).get(overview).content.decode()


def test_a_commissioner_posting_the_form_is_refused_and_nothing_is_recorded(
    client, project, gate, commissioner, expert2
):
    response = signed_in(client, commissioner).post(record_url(project), vote_form(expert2))
    assert response.status_code == 403
    assert not HelpRequest.objects.exists()


def test_the_member_list_holds_only_this_projects_experts_by_experience(
    client,
    project,
    practitioner2,
    expert,
    expert2,
    practitioner,
    commissioner,
    join,
    project_factory,
):
    elsewhere = join(project_factory(), "expert_by_experience", display_name="Zed")
    page = signed_in(client, practitioner2).get(record_url(project)).content.decode()
    options = set(
        re.findall(r'<option value="(\d+)"', page.split('name="member"')[1].split("</select>")[0])
    )
    assert options == {str(expert.pk), str(expert2.pk)}
    assert str(elsewhere.pk) not in options


# --- The flow ----------------------------------------------------------------------------------


def test_recording_a_vote_leads_to_the_code_page_and_the_code_makes_it_count(
    client, project, gate, practitioner2, expert2
):
    signed_in(client, practitioner2)
    response = client.post(record_url(project), vote_form(expert2))
    made = HelpRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == confirm_url(made)

    page = client.get(confirm_url(made)).content.decode()
    assert f"Ask {expert2} for the code" in page
    assert 'label for="id_code"' in page
    assert not Vote.objects.filter(voter=expert2).exists()

    response = client.post(confirm_url(made), {"code": code_for(made)})
    assert response.status_code == 302
    assert Vote.objects.get(voter=expert2).confirmed is True
    # Once confirmed, the page no longer asks for the code.
    done = client.get(confirm_url(made)).content.decode()
    assert f"<h1>Recorded for {expert2}, confirmed</h1>" in done
    assert "for the code" not in done.split("<h1>", 1)[1].split("</h1>")[0]


def test_the_form_says_what_is_missing_in_the_one_error_pattern(
    client, project, gate, practitioner2, expert2
):
    response = signed_in(client, practitioner2).post(
        record_url(project), {"member": expert2.pk, "kind": "vote", "choice": "object"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Write why they object, in their words." in page
    assert 'href="#id_reason"' in page
    assert "Tick the box" in page
    assert not HelpRequest.objects.exists()


def test_a_wrong_code_is_shown_on_the_code_box(client, project, gate, practitioner2, expert2):
    made = record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=Details(kind=HelpKind.IDEA, contribution_kind="idea", body="Evening drop-ins"),
    )
    wrong = "000000" if code_for(made) != "000000" else "111111"
    response = signed_in(client, practitioner2).post(confirm_url(made), {"code": wrong})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "4 tries left" in page
    assert 'href="#id_code"' in page
    assert not Contribution.objects.filter(author=expert2).exists()


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "", "١٢٣٤٥٦"])
def test_something_that_is_not_a_six_number_code_uses_no_try(
    client, project, gate, practitioner2, expert2, typed
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    response = signed_in(client, practitioner2).post(confirm_url(made), {"code": typed})
    page = response.content.decode()
    assert "<title>Error:" in page
    assert ("The code is 6 numbers" in page) or ("Type the code they read to you" in page)
    made.refresh_from_db()
    assert (made.failed_attempts, made.status) == (0, HelpStatus.WAITING)


def test_a_code_typed_with_spaces_is_read(client, project, gate, practitioner2, expert2):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    code = code_for(made)
    signed_in(client, practitioner2).post(confirm_url(made), {"code": f" {code[:3]} {code[3:]} "})
    made.refresh_from_db()
    assert made.status == HelpStatus.CONFIRMED


def test_only_the_chosen_kind_is_read_and_checked(client, project, gate, practitioner2, expert2):
    # An idea, with a half-filled vote part and a stale activity left on the page.
    response = signed_in(client, practitioner2).post(
        record_url(project),
        {
            "member": expert2.pk,
            "kind": "idea",
            "contribution_kind": "idea",
            "body": "Evening drop-ins, please",
            "choice": "not-a-choice",
            "activity": "999999",
            "answer": "perhaps",
            "asked": "on",
        },
    )
    assert response.status_code == 302
    made = HelpRequest.objects.get()
    assert (made.kind, made.gate, made.choice, made.activity) == (HelpKind.IDEA, None, "", None)


def test_the_code_page_says_how_the_member_answers_and_how_often_it_is_sent(
    client, project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    page = signed_in(client, practitioner2).get(confirm_url(made)).content.decode()
    assert "they do not reply to the message" in page
    assert f"<h1>Ask {expert2} for the code</h1>" in page
    assert "sent 1 time of the 3" in page
    client.post(confirm_url(made, "resend"))
    assert "sent 2 times of the 3" in client.get(confirm_url(made)).content.decode()


def test_sending_the_form_twice_makes_one_record(client, project, gate, practitioner2, expert2):
    signed_in(client, practitioner2)
    client.post(record_url(project), vote_form(expert2))
    client.post(record_url(project), vote_form(expert2))
    assert HelpRequest.objects.count() == 1


def test_resend_and_cancel_from_the_code_page(client, project, gate, practitioner2, expert2):
    signed_in(client, practitioner2)
    client.post(record_url(project), vote_form(expert2))
    made = HelpRequest.objects.get()

    assert client.post(confirm_url(made, "resend")).status_code == 302
    made.refresh_from_db()
    assert made.sends == 2

    assert client.post(confirm_url(made, "cancel")).status_code == 302
    again = client.post(confirm_url(made, "cancel"), follow=True)  # a double tap
    page = again.content.decode()
    # Said truthfully, as a notice: there is nothing to fix.
    assert "already cancelled, so nothing was changed" in page
    assert "<title>Error:" not in page
    made.refresh_from_db()
    assert made.status == HelpStatus.CANCELLED
    assert not Vote.objects.filter(voter=expert2).exists()


def test_no_phone_or_email_records_at_once_and_says_so(
    client, project, gate, practitioner2, expert2
):
    expert2.email = None
    expert2.save(update_fields=["email"])
    response = signed_in(client, practitioner2).post(
        record_url(project), vote_form(expert2), follow=True
    )
    assert "not confirmed" in response.content.decode()
    assert Vote.objects.get(voter=expert2).confirmed is False


# --- The helper never learns the member's vote -------------------------------------------------


def test_another_helper_cannot_open_someone_elses_record(
    client, project, gate, practitioner, practitioner2, expert2
):
    signed_in(client, practitioner2).post(record_url(project), vote_form(expert2))
    made = HelpRequest.objects.get()
    signed_in(client, practitioner)
    assert client.get(confirm_url(made)).status_code == 404
    assert client.post(confirm_url(made), {"code": code_for(made)}).status_code == 404
    assert client.post(confirm_url(made, "cancel")).status_code == 404


def test_the_helpers_pages_are_the_same_whether_or_not_the_member_voted(
    client, project, gate, practitioner2, expert2
):
    signed_in(client, practitioner2)

    def pages() -> list[str]:
        record = client.get(record_url(project)).content.decode()
        client.post(record_url(project), vote_form(expert2))
        made = HelpRequest.objects.filter(status=HelpStatus.WAITING).get()
        confirm = client.get(confirm_url(made)).content.decode()
        client.post(confirm_url(made, "cancel"))
        client.get(record_url(project))  # reads the "cancelled" message
        return [
            CSRF.sub("", page).replace(f"/help/{made.pk}/", "/help/N/")
            for page in (record, confirm)
        ]

    with time_machine.travel(timezone.now(), tick=False):
        before = pages()
        gates.cast_vote(gate=gate, voter=expert2, choice=Choice.ABSTAIN, reason="My secret worry")
        after = pages()

    for one, other in zip(before, after, strict=True):
        assert one.splitlines() == other.splitlines()
    assert all("My secret worry" not in page for page in after)


# --- How records made with help show ----------------------------------------------------------


def test_ideas_made_with_help_are_marked_with_the_helper_and_not_confirmed(
    client, project, practitioner2, expert2
):
    expert2.email = None
    expert2.save(update_fields=["email"])
    record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=Details(kind=HelpKind.IDEA, contribution_kind="idea", body="Evening drop-ins"),
    )
    page = (
        signed_in(client, expert2)
        .get(reverse("contributions:list", kwargs={"slug": project.slug}))
        .content.decode()
    )
    assert f"With help from {practitioner2}" in page
    assert "not confirmed" in page


def test_objections_and_results_show_votes_made_with_help(
    client, project, gate, practitioner, practitioner2, expert, expert2
):
    made = record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=Details(kind=HelpKind.VOTE, gate=gate, choice=Choice.OBJECT, reason="Too far"),
    )
    confirm(request=made, helper=practitioner2, code=code_for(made))
    for voter in (practitioner, practitioner2, expert):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gate.refresh_from_db()
    assert gate.is_closed

    page = signed_in(client, expert).get(gate.get_absolute_url()).content.decode()
    assert f"With help from {practitioner2}" in page
    assert "1 was recorded with help (1 of them confirmed by the member)" in page


def test_activity_replies_made_with_help_are_marked(
    client, project, practitioner, practitioner2, expert2
):
    expert2.email = None
    expert2.save(update_fields=["email"])
    activity = activities.plan_activity(
        project=project,
        actor=practitioner,
        kind="workshop",
        title="Planning the drop-in",
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=90,
        place="Brixton Library",
    )
    record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=Details(kind=HelpKind.REPLY, activity=activity, answer="coming"),
    )
    address = activity.get_absolute_url()
    lead_page = signed_in(client, practitioner).get(address).content.decode()
    assert f"With help from {practitioner2}" in lead_page
    member_page = signed_in(client, expert2).get(address).content.decode()
    # One sentence about their own reply, not "your reply ... With help from ...".
    assert (
        f"Your reply, “I am coming”, was recorded with help from {practitioner2}, "
        "<strong>not confirmed</strong>." in member_page
    )
    assert "With help from" not in member_page


# --- Taking back a vote ------------------------------------------------------------------------


def test_a_member_takes_back_their_own_vote_and_a_second_tap_is_harmless(
    client, project, gate, expert2
):
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.APPROVE)
    signed_in(client, expert2)
    withdraw = reverse("projects:gate_vote_withdraw", kwargs={"slug": project.slug, "pk": gate.pk})
    assert "Take back my vote" in client.get(gate.get_absolute_url()).content.decode()

    assert client.post(withdraw).status_code == 302
    assert client.post(withdraw).status_code == 302

    assert not Vote.objects.filter(voter=expert2).exists()
    assert Event.objects.filter(kind=EventKind.VOTE_WITHDRAWN).count() == 1
    assert "Take back my vote" not in client.get(gate.get_absolute_url()).content.decode()


def test_a_member_takes_back_a_vote_recorded_for_them_with_help(
    client, project, gate, practitioner2, expert2
):
    expert2.email = None
    expert2.save(update_fields=["email"])
    record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=Details(kind=HelpKind.VOTE, gate=gate, choice=Choice.OBJECT, reason="Too far"),
    )
    signed_in(client, expert2)
    page = client.get(gate.get_absolute_url()).content.decode()
    assert (
        f"Your vote was recorded with help from {practitioner2}, <strong>not confirmed</strong>."
        in page
    )
    assert "With help from" not in page
    client.post(
        reverse("projects:gate_vote_withdraw", kwargs={"slug": project.slug, "pk": gate.pk})
    )
    assert not Vote.objects.filter(voter=expert2).exists()


def test_a_commissioner_cannot_take_back_votes(client, project, gate, commissioner):
    withdraw = reverse("projects:gate_vote_withdraw", kwargs={"slug": project.slug, "pk": gate.pk})
    assert signed_in(client, commissioner).post(withdraw).status_code == 403


# --- Query budget ------------------------------------------------------------------------------


def test_the_record_page_runs_a_fixed_number_of_queries(
    client, project, gate, practitioner2, join, django_assert_max_num_queries
):
    def add_waiting(n: int) -> None:
        for i in range(n):
            member = join(project, "expert_by_experience")
            record_with_help(
                project=project,
                helper=practitioner2,
                member=member,
                details=Details(kind=HelpKind.IDEA, contribution_kind="idea", body=f"Idea {i}"),
            )

    signed_in(client, practitioner2)
    add_waiting(1)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(record_url(project)).status_code == 200
    add_waiting(15)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(record_url(project)).status_code == 200


# Measured: 11 with one waiting record and with sixteen (members and records are read in one
# query each, not one per row).
BUDGET = 11
