"""The dashboard and the project pages: what they show, and query budgets that do not grow.

Each budget is checked at a small and a large size with the same number: a page whose query
count grows with the data (an N+1) fails at the large size.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Activity
from projects import services
from projects.models import Choice, Gate, Role, Stage, Vote
from projects.selectors.projects import NEEDS_SHOWN, PROJECTS_PAGE_SIZE
from tests.gate_helpers import closed_gate
from tests.gate_helpers import made_open_gate as open_gate

pytestmark = pytest.mark.django_db

DASHBOARD_BUDGET = 9  # session, user, memberships, votes, sign-offs, drafts, next activities,
# surveys waiting, and whether the person commissions a project (the link to their portfolio)
DETAIL_BUDGET = 16  # session, user, membership, the groups' grants, gates, my vote, members,
# the two counts of responses per stage and group (objections, contributions), and for a
# co-lead the tokenism flags: one query per flag source (6, evaluation.flags.SOURCES), and the
# count of texts to look at
MEMBERS_BUDGET = 6  # session, user, membership, the groups' grants, members
HISTORY_BUDGET = 6  # session, user, membership, the groups' grants, count, one page


def gate_link(gate: Gate) -> str:
    return reverse("projects:gate", kwargs={"slug": gate.project.slug, "pk": gate.pk})


# --- What the dashboard shows ---------------------------------------------------------------


def test_dashboard_lists_each_project_with_my_role_and_its_stage(client: Client, project, expert2):
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert project.title in html
    assert project.get_absolute_url() in html
    assert "Expert by experience" in html
    assert "Design" in html
    assert reverse("projects:new") in html


def test_dashboard_explains_what_to_do_when_i_am_in_no_project(client: Client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("dashboard")).content.decode()
    assert "You are not part of any project yet" in html
    assert "Start a project" in html


def test_dashboard_leaves_out_projects_i_have_left(client: Client, project, expert2):
    services.leave_project(membership=expert2.memberships.get(project=project))
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert project.title not in html


def test_dashboard_shows_a_vote_waiting_for_me_with_its_deadline(client: Client, project, expert2):
    gate = open_gate(project)
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "You have 1 decision to vote on" in html
    assert "Housing First in Lambeth: is it time to move on to Delivery?" in html
    assert f'datetime="{timezone.localtime(gate.closes_at).isoformat()}"' in html
    assert f'href="{gate_link(gate)}"' in html


def test_my_projects_starts_with_every_vote_waiting_across_projects_before_the_projects(
    client: Client, project, expert2, project_factory
):
    other = project_factory(title="Advice line")
    services.add_member(
        project=other, user=expert2, role=Role.EXPERT_BY_EXPERIENCE, actor=other.created_by
    )
    first, second = open_gate(project), open_gate(other)
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    summary = html.index("You have 2 decisions to vote on")
    assert summary < html.index(f'href="{gate_link(first)}"') < html.index('class="card"')
    assert summary < html.index(f'href="{gate_link(second)}"') < html.index('class="card"')
    assert "Advice line: is it time to move on to Delivery?" in html


def test_dashboard_hides_the_vote_once_i_have_voted(client: Client, project, expert2):
    gate = open_gate(project)
    Vote.objects.create(gate=gate, voter=expert2, choice=Choice.APPROVE)
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "to vote on" not in html
    assert "Nothing needs you right now" in html


def test_dashboard_does_not_ask_someone_who_joined_after_voting_opened_to_vote(
    client: Client, project, join
):
    open_gate(project)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE)
    client.force_login(newcomer)
    html = client.get(reverse("dashboard")).content.decode()
    assert "to vote on" not in html
    assert "Nothing needs you right now" in html


def test_dashboard_never_asks_a_commissioner_to_vote(client: Client, project, commissioner):
    open_gate(project)
    client.force_login(commissioner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "to vote on" not in html


def test_dashboard_asks_a_commissioner_to_sign_off_a_passed_gate(
    client: Client, project, commissioner, expert2
):
    gate = closed_gate(project, passed=True, signoff_required=True)
    client.force_login(commissioner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "You have 1 decision to sign off" in html
    signoff = reverse("projects:gate_signoff", kwargs={"slug": project.slug, "pk": gate.pk})
    assert f'href="{signoff}"' in html
    client.force_login(expert2)
    assert "sign off" not in client.get(reverse("dashboard")).content.decode()


def test_dashboard_shows_a_co_lead_the_proposal_they_can_open_for_votes(
    client: Client, project, expert, expert2
):
    gate = Gate.objects.create(
        project=project, from_stage=Stage.DESIGN, to_stage=Stage.DELIVERY, proposal="Move on."
    )
    client.force_login(expert)  # a co-lead
    html = client.get(reverse("dashboard")).content.decode()
    assert "You have 1 proposal to open for votes" in html
    assert f'href="{gate_link(gate)}"' in html
    client.force_login(expert2)  # not a co-lead
    html = client.get(reverse("dashboard")).content.decode()
    assert "to open for votes" not in html
    assert "Nothing needs you right now" in html


# --- The project page's call to vote --------------------------------------------------------


def test_project_page_has_a_vote_now_button_while_i_can_still_vote(
    client: Client, project, expert2
):
    gate = open_gate(project)
    client.force_login(expert2)
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'<a class="button" href="{gate_link(gate)}">Vote now</a>' in html
    assert "Voting is open: move to Delivery?" in html
    assert html.index("Vote now") < html.index(project.summary) < html.index('id="stages-heading"')


def test_project_page_offers_to_change_my_vote_once_i_have_voted(client: Client, project, expert2):
    gate = open_gate(project)
    Vote.objects.create(gate=gate, voter=expert2, choice=Choice.APPROVE)
    client.force_login(expert2)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Vote now" not in html
    assert "You have voted." in html
    assert f'href="{gate_link(gate)}">Change my vote</a>' in html


@pytest.mark.parametrize("who", ["commissioner", "newcomer"])
def test_project_page_links_to_an_open_vote_without_asking_those_who_cannot_vote(
    client: Client, project, commissioner, join, who
):
    gate = open_gate(project)
    person = commissioner if who == "commissioner" else join(project, Role.PRACTITIONER)
    client.force_login(person)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Vote now" not in html and "Change my vote" not in html
    assert f'href="{gate_link(gate)}">Read the proposal' in html


def test_project_page_has_no_call_to_vote_when_no_vote_is_open(client: Client, project, expert2):
    closed_gate(project, passed=False)
    client.force_login(expert2)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Voting is open" not in html and "Vote now" not in html


# --- Query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 33])
def test_dashboard_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, user_factory, project_factory, size
):
    me = user_factory(display_name="Mo")
    lead = user_factory(display_name="Lee")
    for n in range(size):
        # Rotate roles so the vote, sign-off and draft lists all have something in them.
        p = project_factory(created_by=lead)
        if n % 3 == 0:
            services.add_member(project=p, user=me, role=Role.COMMISSIONER, actor=lead)
            closed_gate(p, passed=True, signoff_required=True)
        elif n % 3 == 1:
            services.add_member(project=p, user=me, role=Role.PRACTITIONER, actor=lead)
            open_gate(p)
        else:
            services.add_member(
                project=p, user=me, role=Role.PRACTITIONER, actor=lead, is_co_lead=True
            )
            Gate.objects.create(
                project=p, from_stage=p.stage, to_stage=Stage.DELIVERY, proposal="Move on."
            )
        Activity.objects.create(
            project=p,
            kind="meeting",
            stage=p.stage,
            title=f"Meeting {n}",
            starts_at=timezone.now() + timedelta(days=n + 1),
            duration_minutes=60,
            place="Library",
        )
    client.force_login(me)
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = client.get(reverse("dashboard"))
    html = response.content.decode()
    # One page of projects at most, and at most NEEDS_SHOWN of each waiting list.
    assert html.count('class="card"') == min(size, PROJECTS_PAGE_SIZE)
    rotation = [n % 3 for n in range(size)]
    signoffs, votes, drafts = (min(rotation.count(n), NEEDS_SHOWN) for n in range(3))
    assert html.count(": sign off the move to") == signoffs
    assert html.count("You can vote until") == votes
    assert html.count(": is it time to move on to Delivery?") == votes + drafts


def _project_with(size: int, join, project_factory, *, gates: int = 0):
    project = project_factory(title="Budget")
    lead = project.created_by
    for n in range(size - 1):
        join(project, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
    for _ in range(gates):
        closed_gate(project, passed=False)
    return project, lead


@pytest.mark.parametrize("size", [3, 30])
def test_project_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    project, lead = _project_with(size, join, project_factory, gates=size // 3)
    open_gate(project)  # the lead may vote on it: the page reads their own vote too
    client.force_login(lead)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(reverse("projects:detail", args=[project.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_members_page_runs_a_fixed_number_of_queries_even_with_a_form_per_member(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    project, lead = _project_with(size, join, project_factory)
    client.force_login(lead)
    with django_assert_max_num_queries(MEMBERS_BUDGET):
        response = client.get(reverse("projects:members", args=[project.slug]))
    assert response.content.decode().count("Change role") == size


@pytest.mark.parametrize("size", [3, 60])
def test_history_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    # Every join writes an event, so 60 members means more than one page of history.
    project, lead = _project_with(size, join, project_factory)
    client.force_login(lead)
    with django_assert_max_num_queries(HISTORY_BUDGET):
        response = client.get(reverse("projects:history", args=[project.slug]))
    assert response.status_code == 200


def test_my_projects_come_a_page_at_a_time_those_that_need_me_first(
    client: Client, user_factory, project_factory
):
    me, lead = user_factory(display_name="Mo"), user_factory(display_name="Lee")
    quiet = []
    for n in range(PROJECTS_PAGE_SIZE + 4):
        project = project_factory(created_by=lead, title=f"A quiet project {n:02d}")
        services.add_member(project=project, user=me, role=Role.PRACTITIONER, actor=lead)
        quiet.append(project)
    busy = project_factory(created_by=lead, title="Zebra crossing")
    services.add_member(project=busy, user=me, role=Role.PRACTITIONER, actor=lead)
    open_gate(busy)
    client.force_login(me)

    first = client.get(reverse("dashboard")).content.decode()
    # "Zebra" sorts last by title, but it needs a vote, so it leads the first page.
    assert first.index("Zebra crossing</a></h3>") < first.index("A quiet project 00</a></h3>")
    assert first.count("Needs you</p>") == 1
    assert f"You are in {len(quiet) + 1} projects. Those that need you come first." in first
    assert 'href="?page=2" rel="next">More projects</a>' in first
    assert "Page 1 of 2" in first

    second = client.get(reverse("dashboard"), {"page": 2}).content.decode()
    assert second.count('class="card"') == len(quiet) + 1 - PROJECTS_PAGE_SIZE
    assert "A quiet project 23" in second
    assert 'rel="prev">Previous projects</a>' in second
    # A page number that does not exist, or is not a number, shows the nearest page.
    assert client.get(reverse("dashboard"), {"page": "99"}).status_code == 200
    assert "Page 1 of 2" in client.get(reverse("dashboard"), {"page": "x"}).content.decode()


def test_a_long_list_of_votes_shows_the_first_ones_and_says_how_many_more(
    client: Client, user_factory, project_factory
):
    me, lead = user_factory(display_name="Mo"), user_factory(display_name="Lee")
    for _ in range(NEEDS_SHOWN + 2):
        project = project_factory(created_by=lead)
        services.add_member(project=project, user=me, role=Role.PRACTITIONER, actor=lead)
        open_gate(project)
    client.force_login(me)
    html = client.get(reverse("dashboard")).content.decode()
    assert f"You have {NEEDS_SHOWN + 2} decisions to vote on" in html
    assert html.count("You can vote until") == NEEDS_SHOWN
    assert "And 2 more, in the projects marked “Needs you”" in html


def test_a_long_list_is_cut_in_the_database_and_still_says_how_many_more(project_factory):
    # 119 surveys waiting for one expert were all loaded to show 10 (11 ms of My projects).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import Project
    from projects.selectors.projects import Shown

    for n in range(NEEDS_SHOWN + 3):
        project_factory(title=f"Project {n:02d}")
    with CaptureQueriesContext(connection) as queries:
        shown = Shown.first_of(Project.objects.order_by("title"))
    assert len(queries) == 1 and "LIMIT 10" in queries[0]["sql"]
    assert [p.title for p in shown.items] == [f"Project {n:02d}" for n in range(NEEDS_SHOWN)]
    assert (shown.more, shown.total) == (3, NEEDS_SHOWN + 3)
    nothing = Shown.first_of(Project.objects.none())
    assert (nothing.items, nothing.more) == ([], 0)
