"""The project pages: who gets in, and what each page changes.

Personas (tests/conftest.py): practitioner and expert co-lead `project`; expert2,
practitioner2 and commissioner are plain members; outsider belongs to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects import services
from projects.models import Event, EventKind, Membership, Project, Role, Stage

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    """One project view: how to call it, who may, and who is refused."""

    url_name: str
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    on_member: bool = False  # the address names practitioner2's membership
    allowed: str = "expert2"  # a member who may use it
    ok: int = 200  # what they get back
    refused: str | None = None  # a member whose role lacks the permission (403)

    def url(self, project: Project, people: dict[str, Any]) -> str:
        args: list[object] = [project.slug]
        if self.on_member:
            args.append(Membership.objects.get(project=project, user=people["practitioner2"]).pk)
        return reverse(f"projects:{self.url_name}", args=args)


PAGES = {
    "project page": Page("detail"),
    "members": Page("members"),
    "history": Page("history"),
    "settings": Page("settings", allowed="expert", refused="expert2"),
    "change role": Page(
        "member_role",
        "post",
        {"role": Role.EXPERT_BY_EXPERIENCE},
        on_member=True,
        allowed="expert",
        ok=302,
        refused="expert2",
    ),
    "co-lead": Page(
        "member_co_lead",
        "post",
        {"is_co_lead": "true"},
        on_member=True,
        allowed="expert",
        ok=302,
        refused="commissioner",
    ),
    "remove member": Page("member_remove", on_member=True, allowed="expert", refused="expert2"),
    "leave": Page("leave"),
}


@pytest.fixture
def people(practitioner, expert, expert2, practitioner2, commissioner, outsider):
    return {
        "practitioner": practitioner,
        "expert": expert,
        "expert2": expert2,
        "practitioner2": practitioner2,
        "commissioner": commissioner,
        "outsider": outsider,
    }


def call(client: Client, page: Page, url: str):
    return getattr(client, page.method)(url, page.data)


# --- Who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, project, people, page: Page):
    response = call(client, page, page.url(project, people))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_outsiders_get_not_found(client: Client, project, people, page: Page):
    client.force_login(people["outsider"])
    assert call(client, page, page.url(project, people)).status_code == 404


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_missing_project_looks_the_same_as_one_you_are_not_in(
    client: Client, project, people, page: Page
):
    client.force_login(people["expert"])
    url = page.url(project, people).replace(project.slug, "no-such-project", 1)
    assert call(client, page, url).status_code == 404


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_members_with_the_right_get_in(client: Client, project, people, page: Page):
    client.force_login(people[page.allowed])
    assert call(client, page, page.url(project, people)).status_code == page.ok


@pytest.mark.parametrize(
    "page", [p for p in PAGES.values() if p.refused], ids=[k for k, p in PAGES.items() if p.refused]
)
def test_members_without_the_right_are_refused(client: Client, project, people, page: Page):
    client.force_login(people[page.refused])
    before = list(Event.objects.values_list("pk", flat=True))
    assert call(client, page, page.url(project, people)).status_code == 403
    assert list(Event.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("url_name", ["dashboard", "projects:new"])
def test_signed_in_pages_outside_a_project_need_sign_in(client: Client, outsider, url_name):
    assert client.get(reverse(url_name)).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse(url_name)).status_code == 200


def test_member_actions_do_nothing_on_a_get_request(client: Client, project, people):
    client.force_login(people["expert"])
    url = PAGES["change role"].url(project, people)
    roles = list(project.memberships.values_list("user_id", "role"))
    response = client.get(url, {"role": "commissioner"})
    assert response.status_code == 302
    assert list(project.memberships.values_list("user_id", "role")) == roles


def test_a_membership_from_another_project_is_not_found(client: Client, project, expert, outsider):
    other = services.create_project(
        creator=outsider, title="Other", summary="s", creator_role=Role.PRACTITIONER
    )
    theirs = Membership.objects.get(project=other, user=outsider)
    client.force_login(expert)
    url = reverse("projects:member_remove", args=[project.slug, theirs.pk])
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert Membership.objects.get(pk=theirs.pk).is_active


# --- Starting a project ---------------------------------------------------------------------


NEW_PROJECT = {
    "title": "Peer support on the ward",
    "summary": "Plan peer support with people who have stayed on the ward.",
    "role": Role.EXPERT_BY_EXPERIENCE,
    "decision_rule": "consent",
    "quorum": "0.6",
    "min_votes_per_bloc": "3",
    "voting_window_hours": "96",
}


def test_starting_a_project_makes_me_its_co_lead_in_the_role_i_chose(client: Client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("projects:new"), NEW_PROJECT)
    project = Project.objects.get(title="Peer support on the ward")
    assert response["Location"] == project.get_absolute_url()
    membership = Membership.objects.get(project=project, user=outsider)
    assert membership.role == Role.EXPERT_BY_EXPERIENCE
    assert membership.is_co_lead
    assert set(outsider.groups.values_list("name", flat=True)) == {
        f"project-{project.pk}-expert_by_experience",
        f"project-{project.pk}-co_lead",
    }
    assert (project.decision_rule, project.quorum, project.min_votes_per_bloc) == (
        "consent",
        Decimal("0.60"),
        3,
    )
    assert project.voting_window_hours == 96
    assert client.get(project.get_absolute_url()).status_code == 200


def test_a_new_project_with_mistakes_is_not_started_and_each_mistake_is_explained(
    client: Client, outsider
):
    client.force_login(outsider)
    response = client.post(
        reverse("projects:new"), {**NEW_PROJECT, "title": "", "role": "", "quorum": "2"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a title for the project." in html
    assert "Choose your role in this project." in html
    assert "The quorum must be a number from 0 to 1" in html
    assert not Project.objects.exists()


def test_an_unverified_account_cannot_start_a_project(client: Client, user_factory):
    person = user_factory(verified=False)
    client.force_login(person)
    response = client.post(reverse("projects:new"), NEW_PROJECT)
    assert "Confirm your email address" in response.content.decode()
    assert not Project.objects.exists()


# --- Settings -------------------------------------------------------------------------------


def settings_data(project: Project, **changes: str) -> dict[str, str]:
    data = {
        "title": project.title,
        "summary": project.summary,
        "decision_rule": project.decision_rule,
        "quorum": str(project.quorum),
        "min_votes_per_bloc": str(project.min_votes_per_bloc),
        "voting_window_hours": str(project.voting_window_hours),
    }
    return {**data, **changes}


def test_a_co_lead_changes_the_settings_and_the_change_is_logged(client: Client, project, expert):
    client.force_login(expert)
    response = client.post(
        reverse("projects:settings", args=[project.slug]),
        settings_data(project, quorum="0.75", signoff_every_gate="on"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.quorum == Decimal("0.75")
    assert project.signoff_every_gate
    event = project.events.first()
    assert event is not None
    assert (event.kind, event.actor) == (EventKind.SETTINGS_CHANGED, expert)
    assert "quorum" in event.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quorum": "1.5"}, "The quorum must be a number from 0 to 1"),
        ({"voting_window_hours": "12"}, "Voting must stay open for at least 24 hours"),
        ({"min_votes_per_bloc": "0"}, "The minimum number of votes must be from 1 to 50"),
        ({"title": ""}, "Enter a title for the project."),
    ],
)
def test_settings_with_a_mistake_are_refused_with_a_plain_message_and_nothing_changes(
    client: Client, project, expert, changes, message
):
    client.force_login(expert)
    events = project.events.count()
    response = client.post(
        reverse("projects:settings", args=[project.slug]),
        # Each case also carries valid changes, to show that none of them is saved either.
        settings_data(project, **{"title": "A new title", "quorum": "0.9", **changes}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.title, fresh.quorum, fresh.voting_window_hours) == (
        project.title,
        project.quorum,
        project.voting_window_hours,
    )
    assert project.events.count() == events


# --- Members --------------------------------------------------------------------------------


def membership(project: Project, user) -> Membership:
    return Membership.objects.get(project=project, user=user)


def members_url(project: Project, name: str, target: Membership) -> str:
    return reverse(f"projects:{name}", args=[project.slug, target.pk])


def test_a_co_lead_changes_a_members_role(client: Client, project, expert, practitioner2):
    client.force_login(expert)
    target = membership(project, practitioner2)
    response = client.post(
        members_url(project, "member_role", target),
        {"role": Role.EXPERT_BY_EXPERIENCE},
        follow=True,
    )
    assert "Petra&#x27;s role is now Expert by experience." in response.content.decode()
    assert membership(project, practitioner2).role == Role.EXPERT_BY_EXPERIENCE


def test_an_unknown_role_is_refused_and_nothing_changes(
    client: Client, project, expert, practitioner2
):
    client.force_login(expert)
    target = membership(project, practitioner2)
    response = client.post(
        members_url(project, "member_role", target), {"role": "boss"}, follow=True
    )
    assert "Choose a role from the list." in response.content.decode()
    assert membership(project, practitioner2).role == Role.PRACTITIONER


def test_a_co_lead_makes_someone_a_co_lead_and_takes_it_back(
    client: Client, project, expert, expert2
):
    client.force_login(expert)
    target = membership(project, expert2)
    client.post(members_url(project, "member_co_lead", target), {"is_co_lead": "true"})
    assert membership(project, expert2).is_co_lead
    client.post(members_url(project, "member_co_lead", target), {"is_co_lead": "false"})
    assert not membership(project, expert2).is_co_lead


def test_a_co_lead_request_without_a_clear_answer_changes_nothing(client: Client, project, expert):
    client.force_login(expert)
    target = membership(project, expert)
    client.post(members_url(project, "member_co_lead", target), {})
    assert membership(project, expert).is_co_lead


def test_removing_a_member_asks_for_confirmation_first(
    client: Client, project, expert, practitioner2
):
    client.force_login(expert)
    url = members_url(project, "member_remove", membership(project, practitioner2))
    response = client.post(url)
    assert response.status_code == 200
    assert "Yes, remove Petra" in response.content.decode()
    assert membership(project, practitioner2).is_active

    response = client.post(url, {"confirm": "yes"})
    assert response["Location"] == reverse("projects:members", args=[project.slug])
    assert not membership(project, practitioner2).is_active
    assert project.events.filter(kind=EventKind.MEMBER_REMOVED, actor=expert).exists()


def test_a_member_leaves_after_confirming(client: Client, project, expert2):
    client.force_login(expert2)
    url = reverse("projects:leave", args=[project.slug])
    assert "Yes, leave this project" in client.post(url).content.decode()
    assert membership(project, expert2).is_active

    response = client.post(url, {"confirm": "yes"})
    assert response["Location"] == reverse("dashboard")
    assert not membership(project, expert2).is_active
    assert client.get(project.get_absolute_url()).status_code == 404


@pytest.fixture
def sole_co_lead(project, practitioner, expert):
    """Leave `practitioner` as the project's only co-lead."""
    services.set_co_lead(membership=membership(project, expert), is_co_lead=False, actor=expert)
    return practitioner


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("member_co_lead", {"is_co_lead": "false"}),
        ("member_remove", {"confirm": "yes"}),
    ],
)
def test_the_last_co_lead_cannot_be_removed_through_the_page(
    client: Client, project, sole_co_lead, url_name, data
):
    client.force_login(sole_co_lead)
    events = project.events.count()
    url = members_url(project, url_name, membership(project, sole_co_lead))
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "Pat is the only co-lead. Make someone else a co-lead first" in html
    # Refused by the service with an error, or explained before any button is offered.
    assert 'class="message message-error"' in html or "Yes, remove" not in html
    target = membership(project, sole_co_lead)
    assert target.is_active
    assert target.is_co_lead
    assert project.events.count() == events


def test_the_last_co_lead_cannot_leave(client: Client, project, sole_co_lead):
    client.force_login(sole_co_lead)
    url = reverse("projects:leave", args=[project.slug])
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "Pat is the only co-lead" in response.content.decode()
    assert membership(project, sole_co_lead).is_active


def test_each_member_button_names_the_person_for_screen_readers(client: Client, project, expert):
    client.force_login(expert)
    html = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    assert '<label for="member-' in html
    assert 'Change role <span class="visually-hidden">for Petra</span>' in html
    assert 'Make <span class="visually-hidden">Petra</span> co-lead' in html
    assert 'Remove <span class="visually-hidden">Petra from the project</span>' in html


def test_co_leads_are_offered_only_changes_the_rules_allow(
    client: Client, project, practitioner, expert, commissioner
):
    client.force_login(practitioner)
    html = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    # A commissioner signs off what co-leads propose, so cannot become one...
    assert 'Make <span class="visually-hidden">Cam</span> co-lead' not in html
    # ...and a co-lead cannot be made a commissioner while they are a co-lead.
    expert_form = html.split(f'id="member-{project.memberships.get(user=expert).pk}-role"')[1]
    expert_choices = expert_form.split("</select>")[0]
    assert 'value="commissioner"' not in expert_choices
    assert 'value="practitioner"' in expert_choices
    cam_form = html.split(f'id="member-{project.memberships.get(user=commissioner).pk}-role"')[1]
    assert 'value="commissioner" selected' in cam_form.split("</select>")[0]


def test_plain_members_see_the_list_but_no_management_forms(client: Client, project, expert2):
    client.force_login(expert2)
    html = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    assert "Petra" in html
    assert "Change role" not in html
    assert "Leave this project" in html


# --- Closed projects ------------------------------------------------------------------------


@pytest.fixture
def closed(project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    project.refresh_from_db()
    return project


def test_a_closed_project_shows_no_forms_that_would_be_refused(client: Client, closed, expert):
    client.force_login(expert)
    members = client.get(reverse("projects:members", args=[closed.slug])).content.decode()
    detail = client.get(closed.get_absolute_url()).content.decode()
    assert "<form" not in members.split("<main", 1)[1].split("</main>")[0]
    assert "This project is closed" in detail
    assert reverse("projects:settings", args=[closed.slug]) not in detail


@pytest.mark.parametrize("url_name", ["settings", "leave"])
def test_a_closed_project_refuses_changes(client: Client, closed, expert, url_name):
    client.force_login(expert)
    assert client.get(reverse(f"projects:{url_name}", args=[closed.slug])).status_code == 403


# --- Project page and history ---------------------------------------------------------------


def test_project_page_marks_the_current_stage_and_groups_members_by_bloc(
    client: Client, project, expert2
):
    client.force_login(expert2)
    html = client.get(project.get_absolute_url()).content.decode()
    assert html.count('aria-current="step"') == 1
    assert '<li aria-current="step">\n      Design' in html
    lived, learned, commissioners = (
        html.index("Experts by experience"),
        html.index("Practitioners"),
        html.index("Commissioners"),
    )
    assert lived < html.index("Erin") < learned < html.index("Petra") < commissioners
    assert html.index("Cam") > commissioners
    assert project.summary in html


def test_history_lists_events_newest_first_with_when_and_who(client: Client, project, expert):
    services.update_settings(project=project, actor=expert, changes={"quorum": Decimal("0.6")})
    client.force_login(expert)
    html = client.get(reverse("projects:history", args=[project.slug])).content.decode()
    assert html.index("Settings changed") < html.index("Project started")
    assert "<time datetime=" in html
    assert "by Erin" in html


def test_history_shows_fifty_events_a_page(client: Client, project, expert, join):
    for _ in range(50):
        join(project, Role.EXPERT_BY_EXPERIENCE)
    client.force_login(expert)
    url = reverse("projects:history", args=[project.slug])
    first = client.get(url).content.decode()
    assert first.count("<li>\n        <p><strong>") == 50
    assert "Older events" in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Project started" in second
    assert "Newer events" in second


def test_pressing_remove_twice_says_the_person_is_gone_not_page_not_found(
    client: Client, project, practitioner, practitioner2
):
    client.force_login(practitioner)
    url = members_url(project, "member_remove", membership(project, practitioner2))
    client.post(url, {"confirm": "yes"})
    again = client.post(url, {"confirm": "yes"}, follow=True)
    assert again.status_code == 200
    assert "Petra is no longer a member." in again.content.decode()
    assert Event.objects.filter(kind=EventKind.MEMBER_REMOVED).count() == 1


def test_pressing_leave_twice_goes_to_the_dashboard_both_times(client: Client, project, expert2):
    client.force_login(expert2)
    url = reverse("projects:leave", args=[project.slug])
    first = client.post(url, {"confirm": "yes"})
    again = client.post(url, {"confirm": "yes"})
    assert first["Location"] == again["Location"] == reverse("dashboard")
    assert Event.objects.filter(kind=EventKind.MEMBER_LEFT).count() == 1
