"""The demo's survey answers: both groups in every project, the small-numbers project, the
project whose groups rate a stage a full rung apart, consent, and running twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from evaluation.models import MIN_ANSWERS, ItemAnswer, Moment, SurveyResponse
from participation.models import Consent, Purpose
from projects.models import Project, Role, Stage

pytestmark = pytest.mark.django_db

LIVED, LEARNED = Role.EXPERT_BY_EXPERIENCE.value, Role.PRACTITIONER.value


def seed() -> None:
    call_command("seed_demo", "--not-production", stdout=StringIO())


def answers_per_group(project: Project, moment: str, stage: str) -> dict[str, int]:
    return dict(
        SurveyResponse.objects.filter(project=project, moment=moment, stage=stage)
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )


def mean_rungs(project: Project, stage: str) -> dict[str, float]:
    return dict(
        ItemAnswer.objects.filter(
            response__project=project,
            response__moment=Moment.STAGE_END,
            response__stage=stage,
            item__key="rung",
        )
        .values_list("response__group")
        .annotate(mean=Avg("value"))
        .values_list("response__group", "mean")
    )


def ended_stages(project: Project) -> list[Stage]:
    order = list(Stage)
    return order[: order.index(Stage(project.stage))]


def test_every_demo_project_has_answers_from_both_groups_at_every_moment():
    seed()
    projects = list(Project.objects.filter(slug__startswith="demo-"))
    assert len(projects) == 5
    for project in projects:
        joining = answers_per_group(project, Moment.JOINING, Stage.DESIGN)
        assert joining[LEARNED] == MIN_ANSWERS, project
        assert joining[LIVED] >= 2, project
        for stage in ended_stages(project):
            checks = answers_per_group(project, Moment.STAGE_END, stage)
            assert set(checks) == {LIVED, LEARNED}, (project, stage)
        closing = answers_per_group(project, Moment.CLOSING, Stage.CLOSED)
        assert bool(closing) == project.is_closed, project
    closed = Project.objects.get(stage=Stage.CLOSED)
    assert answers_per_group(closed, Moment.CLOSING, Stage.CLOSED) == {LIVED: 3, LEARNED: 3}
    # A few comments, some with the person's name.
    comments = ItemAnswer.objects.filter(item__key="comment").exclude(text="")
    assert comments.count() >= 4
    assert comments.filter(response__named=True).exists()
    assert comments.filter(response__named=False).exists()
    # Answers vary from person to person.
    assert ItemAnswer.objects.filter(item__key="confidence").values("value").distinct().count() > 2


def test_one_demo_project_has_too_few_answers_from_experts_by_experience_to_show():
    seed()
    small = Project.objects.get(slug="demo-peer-mentoring")
    for moment, stage in ((Moment.JOINING, Stage.DESIGN), (Moment.STAGE_END, Stage.DESIGN)):
        assert answers_per_group(small, moment, stage) == {LIVED: 2, LEARNED: MIN_ANSWERS}
    for other in Project.objects.filter(slug__startswith="demo-").exclude(pk=small.pk):
        assert answers_per_group(other, Moment.JOINING, Stage.DESIGN)[LIVED] == MIN_ANSWERS


def test_in_one_demo_project_the_groups_rate_a_stage_a_full_rung_apart_and_nowhere_else():
    seed()
    apart = []
    for project in Project.objects.filter(slug__startswith="demo-"):
        for stage in ended_stages(project):
            means = mean_rungs(project, stage)
            if abs(means[LIVED] - means[LEARNED]) >= 1:
                apart.append((project.slug, stage))
    assert apart == [("demo-recovery-cafe", Stage.DELIVERY)]


def test_a_demo_person_who_answered_has_no_survey_waiting_and_one_who_did_not_has(instruments):
    """The demo's answers mark what each person was asked as answered; the third expert by
    experience of the small project, who did not answer, still has their surveys waiting.
    (`instruments`: members are asked on joining only when the questionnaires are there, as
    the migration makes sure outside tests.)"""
    from evaluation.models import SurveyRequest

    seed()
    waiting = SurveyRequest.objects.waiting()
    assert SurveyRequest.objects.exclude(answered_at=None).exists()
    assert {(r.user.email, r.project.slug) for r in waiting.select_related("user", "project")} == {
        ("expert3@example.org", "demo-peer-mentoring")
    }


def test_running_the_demo_twice_adds_no_answers():
    seed()
    responses, answers = SurveyResponse.objects.count(), ItemAnswer.objects.count()
    consents = Consent.objects.count()
    assert responses > 0
    seed()
    assert SurveyResponse.objects.count() == responses
    assert ItemAnswer.objects.count() == answers
    assert Consent.objects.count() == consents


def test_a_demo_person_who_withdrew_survey_consent_gets_no_answers():
    expert3 = User.objects.create(email="expert3@example.org")
    Consent.objects.create(user=expert3, purpose=Purpose.SURVEYS, given=False)
    seed()
    assert not SurveyResponse.objects.filter(respondent=expert3).exists()
    # Everyone who answered agreed to evaluation surveys.
    for person in User.objects.filter(survey_responses__isnull=False).distinct():
        assert Consent.objects.current(person.pk)[Purpose.SURVEYS] is True


def test_the_demo_commissioner_sees_every_demo_project_in_the_portfolio(client: Client):
    seed()
    client.force_login(User.objects.get(email="commissioner1@example.org"))
    html = client.get(reverse("portfolio:portfolio")).content.decode()
    for project in Project.objects.filter(slug__startswith="demo-"):
        assert f'href="{project.get_absolute_url()}"' in html
    # The recovery café's decision waits for commissioner1's sign-off.
    assert "0 signed off, 1 to go (1 waiting now)" in html
