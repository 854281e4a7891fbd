"""Ideas and comments: who may add and answer them, and that they count as taking part."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Contribution, ContributionResponse
from projects.models import Event, EventKind, Project, Stage
from projects.services import gates

pytestmark = pytest.mark.django_db


def list_url(project: Project) -> str:
    return reverse("contributions:list", kwargs={"slug": project.slug})


def test_the_ideas_page_follows_the_access_trio(client: Client, project, outsider, expert2):
    assert client.get(list_url(project)).status_code == 302
    client.force_login(outsider)
    assert client.get(list_url(project)).status_code == 404
    client.force_login(expert2)
    assert client.get(list_url(project)).status_code == 200


def test_a_member_adds_an_idea_that_counts_as_taking_part_in_the_stage(
    client: Client, project, practitioner, expert2
):
    client.force_login(expert2)
    response = client.post(list_url(project), {"kind": "idea", "body": "Open on Sundays."})
    assert response.status_code == 302
    idea = Contribution.objects.get()
    assert (idea.author, idea.stage) == (expert2, Stage.DESIGN)
    assert Event.objects.filter(kind=EventKind.CONTRIBUTION_ADDED, actor=expert2).exists()
    gate = gates.draft_gate(project=project, actor=practitioner, proposal="p", what_changes="w")
    assert gates.open_gate(gate=gate, actor=practitioner).is_open


def test_an_empty_idea_is_refused_with_a_message_and_nothing_saved(
    client: Client, project, expert2
):
    client.force_login(expert2)
    response = client.post(list_url(project), {"kind": "idea", "body": ""})
    assert response.status_code == 200
    assert "Write what you want to say." in response.content.decode()
    assert not Contribution.objects.exists()


def test_only_co_leads_record_what_was_done(
    client: Client, project, practitioner, expert2, outsider
):
    idea = Contribution.objects.create(project=project, author=expert2, stage="design", body="x")
    url = reverse("contributions:respond", kwargs={"slug": project.slug, "pk": idea.pk})
    events = Event.objects.count()
    anonymous = client.post(url, {"outcome": "done", "body": "Done"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    for person, status in [(outsider, 404), (expert2, 403)]:
        client.force_login(person)
        assert client.post(url, {"outcome": "done", "body": "Done"}).status_code == status
    # The refusal names who answers ideas, not who opens decisions (the same permission).
    refused = client.post(url, {"outcome": "done", "body": "Done"}).content.decode()
    assert "Only the project&#x27;s co-leads answer ideas and comments." in refused
    assert not ContributionResponse.objects.exists()
    assert Event.objects.count() == events
    client.force_login(practitioner)
    assert (
        client.post(url, {"outcome": "done", "body": "We now open on Sundays."}).status_code == 302
    )
    idea.refresh_from_db()
    assert idea.response.body == "We now open on Sundays."
    page = client.get(list_url(project)).content.decode()
    assert "We now open on Sundays." in page


def test_nobody_can_add_to_a_closed_project(client: Client, project, expert2):
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    client.force_login(expert2)
    assert client.get(list_url(project)).status_code == 200
    assert client.post(list_url(project), {"kind": "idea", "body": "Late"}).status_code == 403
    assert not Contribution.objects.exists()


def test_the_ideas_page_runs_a_fixed_number_of_queries(
    client: Client, project, practitioner, join, django_assert_max_num_queries
):
    client.force_login(practitioner)
    # Two of these count, per stage and group, how many things people said have a response.
    with django_assert_max_num_queries(10):
        client.get(list_url(project))
    for n in range(25):
        author = join(project, "expert_by_experience")
        Contribution.objects.create(project=project, author=author, stage="design", body=f"{n}")
    with django_assert_max_num_queries(10):
        client.get(list_url(project))


def test_resubmitting_the_same_idea_records_it_once(client: Client, project, expert2):
    client.force_login(expert2)
    data = {"kind": "idea", "body": "Open on Sundays."}
    client.post(list_url(project), data)
    again = client.post(list_url(project), data, follow=True)
    assert again.status_code == 200
    assert Contribution.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.CONTRIBUTION_ADDED).count() == 1


def test_the_same_words_a_week_later_are_a_new_contribution(client: Client, project, expert2):
    client.force_login(expert2)
    data = {"kind": "comment", "body": "I still think we should open on Sundays."}
    client.post(list_url(project), data)
    with time_machine.travel(timezone.now() + timedelta(days=7)):
        client.post(list_url(project), data)
    assert Contribution.objects.count() == 2


def test_the_same_words_as_another_kind_or_by_someone_else_are_their_own_contribution(
    client: Client, project, expert, expert2
):
    client.force_login(expert2)
    client.post(list_url(project), {"kind": "idea", "body": "Open on Sundays."})
    client.post(list_url(project), {"kind": "comment", "body": "Open on Sundays."})
    client.force_login(expert)
    client.post(list_url(project), {"kind": "idea", "body": "Open on Sundays."})
    assert Contribution.objects.count() == 3


def test_a_response_resubmitted_unchanged_records_and_logs_nothing(
    client: Client, project, practitioner, expert2
):
    idea = Contribution.objects.create(
        project=project, author=expert2, stage=Stage.DESIGN, body="Open on Sundays."
    )
    client.force_login(practitioner)
    url = reverse("contributions:respond", kwargs={"slug": project.slug, "pk": idea.pk})
    client.post(url, {"outcome": "done", "body": "We will, from May."})
    first = ContributionResponse.objects.get()
    client.post(url, {"outcome": "done", "body": "We will, from May."})
    assert ContributionResponse.objects.get().at == first.at
    assert Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).count() == 1
    client.post(url, {"outcome": "done", "body": "We will, from June."})
    assert ContributionResponse.objects.get().body == "We will, from June."
    assert Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).count() == 2
