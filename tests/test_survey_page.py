"""The survey page: who may answer, which surveys apply, the error pattern, answering again,
the name beside a comment, the dashboard's list, erasure and "my data", and query budgets."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluation.models import ItemAnswer, Moment, SurveyRequest, SurveyResponse
from evaluation.services.answers import save_answers
from participation.models import Purpose
from participation.services.consent import decide
from participation.services.erasure import REMOVED, erase_account
from projects.models import Membership, Project, Role, Stage
from projects.services.projects import change_stage
from tests.error_pattern import assert_error_page, summary_of

pytestmark = pytest.mark.django_db

# Measured: 11 and 26 at both sizes.
SURVEY_BUDGET = 10  # session, user, membership, the groups' grants, instrument, items,
# request, the person's set of answers and its answers, consent
SAVE_BUDGET = 26  # the same, then the lock, finding or making the set (with its savepoint),
# the answers held, one insert per question answered (6), marking the request answered


def end_stage(project: Project, to: Stage = Stage.DELIVERY) -> None:
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        change_stage(project=locked, to=to, actor=None, reason="both groups agreed.")
    project.refresh_from_db()


def url(project, key="stage-check", moment="stage_end", stage="design", *, saved=False):
    name = "surveys:saved" if saved else "surveys:answer"
    return reverse(
        name, kwargs={"slug": project.slug, "key": key, "moment": moment, "stage": stage}
    )


@pytest.fixture
def ended(instruments, project):
    """The project's design stage has ended: both groups were asked about it."""
    end_stage(project)
    return project


FULL = {
    "rung": "6",
    "equality": "4",
    "diversity": "3",
    "accessibility": "5",
    "reciprocity": "2",
    "comment": "More evening meetings, please.",
}


def answers_of(user):
    response = SurveyResponse.objects.get(respondent=user)
    return {a.item.key: a.value or a.text for a in response.answers.select_related("item")}


# --- Who may answer -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["expert", "expert2", "practitioner", "practitioner2"])
def test_both_groups_see_the_ladder_with_each_rung_explained(client, ended, persona, request):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(url(ended)).content.decode()
    assert "How well did we work together in this stage?" in html
    assert "About the Design stage of Housing First in Lambeth, which has ended." in html
    assert 'type="radio" name="rung" value="7"' in html
    assert "Co-production" in html
    assert "People were asked what they thought, but had no real power to change things." in html
    assert 'aria-describedby="id_rung_3_hint"' in html
    assert '<textarea name="comment"' in html
    assert 'name="named"' in html and "checked" not in html.split('name="named"')[1][:60]


def test_a_commissioner_may_not_answer(client, ended, commissioner):
    client.force_login(commissioner)
    assert client.get(url(ended)).status_code == 403
    assert client.post(url(ended), FULL).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_an_outsider_is_told_nothing(client, ended, outsider):
    client.force_login(outsider)
    assert client.get(url(ended)).status_code == 404
    assert client.post(url(ended), FULL).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, ended):
    response = client.get(url(ended))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(url(ended, saved=True)).status_code == 302


def test_someone_who_left_may_no_longer_answer(client, ended, expert2):
    from projects.services import leave_project

    leave_project(membership=Membership.objects.get(project=ended, user=expert2))
    client.force_login(expert2)
    assert client.get(url(ended)).status_code == 404


@pytest.mark.parametrize(
    "args",
    [
        ("stage-check", "stage_end", "delivery"),  # the stage the project is in has not ended
        ("stage-check", "joining", "design"),  # not a moment this questionnaire is asked
        ("impact", "closing", "closed"),  # the project has not closed
        ("impact", "joining", "delivery"),  # never asked on joining in that stage
        ("no-such-thing", "stage_end", "design"),
        ("stage-check", "whenever", "design"),
        ("stage-check", "stage_end", "nowhere"),
    ],
)
def test_a_survey_that_does_not_apply_is_not_found(client, ended, expert2, args):
    client.force_login(expert2)
    assert client.get(url(ended, *args)).status_code == 404


def test_the_end_of_a_stage_can_be_answered_without_a_request_by_someone_who_was_there(
    client, ended, expert2
):
    """Someone who was a member when the stage ended, but whose request is missing (they
    had said no to surveys then), can still say how the stage went."""
    SurveyRequest.objects.filter(user=expert2).delete()
    client.force_login(expert2)
    assert client.get(url(ended)).status_code == 200
    assert client.post(url(ended), FULL).status_code == 302
    assert answers_of(expert2)["rung"] == 6


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.EXPERT_BY_EXPERIENCE])
def test_someone_who_joined_after_a_stage_ended_may_not_answer_about_it(client, ended, join, role):
    newcomer = join(ended, role)
    client.force_login(newcomer)
    assert client.get(url(ended)).status_code == 404
    assert client.post(url(ended), FULL).status_code == 404
    assert client.get(url(ended, saved=True)).status_code == 404
    assert not SurveyResponse.objects.exists()
    # Their own joining survey is still theirs to answer.
    assert client.get(url(ended, "impact", "joining", "delivery")).status_code == 200


def test_someone_who_joined_after_the_close_may_not_answer_the_closing_survey(
    client, instruments, project, join
):
    newcomer = join(project, Role.PRACTITIONER)
    SurveyRequest.objects.filter(user=newcomer).delete()
    end_stage(project, Stage.CLOSED)
    SurveyRequest.objects.filter(user=newcomer).delete()
    # The site offers no way to join a closed project: the membership is dated after the
    # close directly, as if it had.
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() + timedelta(days=1))
    client.force_login(newcomer)
    closing = url(project, "impact", "closing", "closed")
    assert client.get(closing).status_code == 404
    assert client.post(closing, {"confidence": "2"}).status_code == 404
    assert not SurveyResponse.objects.filter(respondent=newcomer).exists()


def test_the_joining_survey_is_open_to_those_asked_it(client, ended, join, expert2):
    newcomer = join(ended, Role.EXPERT_BY_EXPERIENCE)
    client.force_login(newcomer)
    response = client.post(
        url(ended, "impact", "joining", "delivery"), {"confidence": "2", "drive": "4"}
    )
    assert response.status_code == 302
    assert answers_of(newcomer) == {"confidence": 2, "drive": 4}
    client.force_login(expert2)  # joined before, and was not asked on joining in this stage
    assert client.get(url(ended, "impact", "joining", "delivery")).status_code == 404


def test_the_closing_survey_is_answered_after_the_project_closed(
    client, instruments, project, expert
):
    for stage in (Stage.DELIVERY, Stage.COMMISSIONING, Stage.EVALUATION, Stage.CLOSED):
        end_stage(project, stage)
    client.force_login(expert)
    page = client.get(url(project, "impact", "closing", "closed")).content.decode()
    assert "you can still say how taking part went for you" in page
    assert "nothing can be changed" not in page  # the page takes the answers all the same
    response = client.post(url(project, "impact", "closing", "closed"), {"confidence": "5"})
    assert response.status_code == 302
    assert SurveyRequest.objects.get(user=expert, moment=Moment.CLOSING).is_answered


def test_a_commissioner_is_told_why_they_do_not_answer_surveys(client, ended, commissioner):
    client.force_login(commissioner)
    response = client.get(url(ended))
    assert response.status_code == 403
    html = response.content.decode()
    assert "commissioners read the figures in the evaluation report" in html
    assert "only co-leads manage members" not in html


# --- Saving, and answering again --------------------------------------------------------------


def test_saving_keeps_the_answers_as_the_persons_group_and_marks_the_request_answered(
    client, ended, expert2
):
    client.force_login(expert2)
    response = client.post(url(ended), FULL)
    assert response["Location"] == url(ended, saved=True)
    page = client.get(url(ended, saved=True)).content.decode()
    assert "You answered “How well did we work together in this stage?”. About the" in page
    saved = SurveyResponse.objects.get(respondent=expert2)
    assert (saved.group, saved.named, saved.moment, saved.stage) == (
        Role.EXPERT_BY_EXPERIENCE,
        False,
        "stage_end",
        "design",
    )
    assert answers_of(expert2) == {
        "rung": 6,
        "equality": 4,
        "diversity": 3,
        "accessibility": 5,
        "reciprocity": 2,
        "comment": "More evening meetings, please.",
    }
    assert SurveyRequest.objects.get(user=expert2, moment=Moment.STAGE_END).is_answered
    page = client.get(response["Location"]).content.decode()
    assert "Thank you. Your answers are saved." in page
    assert "without your name" in page


def test_answering_again_changes_the_one_set_and_a_skipped_question_loses_its_answer(
    client, ended, expert2
):
    client.force_login(expert2)
    client.post(url(ended), FULL)
    first = SurveyResponse.objects.get(respondent=expert2)
    page = client.get(url(ended)).content.decode()
    assert 'name="rung" value="6" id="id_rung_5" checked' in page
    assert "Your answers are filled in below." in page
    client.post(url(ended), {"rung": "3", "comment": "Changed my mind.", "named": "on"})
    assert SurveyResponse.objects.filter(respondent=expert2).count() == 1
    again = SurveyResponse.objects.get(respondent=expert2)
    assert again.pk == first.pk and again.submitted_at == first.submitted_at
    assert again.changed_at > first.changed_at
    assert again.named is True
    assert answers_of(expert2) == {"rung": 3, "comment": "Changed my mind."}


def test_an_answer_chosen_by_mistake_can_be_taken_back_on_the_page(client, ended, expert2):
    """Radio buttons cannot be unticked: each question ends with "I would rather not answer
    this", which skips it (and so removes an answer given before)."""
    client.force_login(expert2)
    client.post(url(ended), FULL)
    page = client.get(url(ended)).content.decode()
    assert 'name="equality" value=""' in page and "I would rather not answer this" in page
    client.post(url(ended), {**FULL, "equality": ""})
    assert "equality" not in answers_of(expert2)
    assert answers_of(expert2)["rung"] == 6


def test_choosing_no_answer_for_everything_takes_all_the_answers_back(client, ended, expert2):
    """Someone who answered may take it all back: nothing chosen and no comment deletes
    their set (comment included) and the survey waits again; someone who never answered is
    still told to answer something."""
    client.force_login(expert2)
    client.post(url(ended), FULL)
    blank = {key: "" for key in FULL}
    response = client.post(url(ended), blank)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert not SurveyResponse.objects.filter(respondent=expert2).exists()
    assert not ItemAnswer.objects.filter(text="More evening meetings, please.").exists()
    assert not SurveyRequest.objects.get(user=expert2, moment=Moment.STAGE_END).is_answered
    # Now that nothing is held, an empty form is a mistake again.
    again = client.post(url(ended), blank)
    assert again.status_code == 200 and "Answer at least one question" in again.content.decode()


def test_the_same_answers_sent_twice_change_nothing(ended, expert2):
    membership = Membership.objects.get(project=ended, user=expert2)
    request = SurveyRequest.objects.select_related("instrument").get(
        user=expert2, moment=Moment.STAGE_END
    )

    def save() -> bool:
        return save_answers(
            membership=membership,
            instrument=request.instrument,
            moment="stage_end",
            stage="design",
            answers={"rung": 5},
            named=False,
        )[1]

    changed = save()
    first = SurveyResponse.objects.get(respondent=expert2)
    again = save()
    assert (changed, again) == (True, False)
    assert SurveyResponse.objects.get(respondent=expert2).changed_at == first.changed_at
    assert ItemAnswer.objects.count() == 1


def test_the_name_goes_with_the_comment_only_when_ticked(client, ended, expert2, practitioner2):
    client.force_login(expert2)
    client.post(url(ended), {**FULL, "named": "on"})
    client.force_login(practitioner2)
    client.post(url(ended), FULL)
    named = dict(SurveyResponse.objects.values_list("respondent__email", "named"))
    assert named == {"expert2@example.org": True, "practitioner2@example.org": False}
    page = client.get(url(ended, saved=True)).content.decode()
    assert "without your name" in page


def test_the_saved_page_needs_answers_first(client, ended, expert2):
    client.force_login(expert2)
    assert client.get(url(ended, saved=True)).status_code == 404


# --- Errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", [{}, {"named": "on"}, {"comment": "   "}])
def test_nothing_answered_comes_back_with_the_error_pattern(client, ended, expert2, sent):
    client.force_login(expert2)
    response = client.post(url(ended), sent)
    html = assert_error_page(response, field_id="id_rung_0")
    assert "Answer at least one question, or write a comment, then save." in summary_of(html)
    assert not SurveyResponse.objects.exists()


def test_an_answer_off_the_scale_is_refused_and_the_rest_is_kept(client, ended, expert2):
    client.force_login(expert2)
    response = client.post(url(ended), {**FULL, "equality": "9"})
    html = assert_error_page(response, field_id="id_equality_0", kept="More evening meetings")
    assert (
        "Choose one of the answers to: Were everyone&#x27;s views and skills valued equally?"
        in summary_of(html)
    )
    assert not SurveyResponse.objects.exists()


def test_a_comment_too_long_is_refused_with_its_length(client, ended, expert2):
    client.force_login(expert2)
    response = client.post(url(ended), {**FULL, "comment": "x" * 2001})
    html = assert_error_page(response, field_id="id_comment")
    assert "Write at most 2,000 characters; you wrote 2,001." in summary_of(html)


def test_someone_who_said_no_to_surveys_is_shown_how_to_change_it_and_nothing_is_saved(
    client, ended, expert2
):
    decide(user=expert2, choices={Purpose.SURVEYS: False})
    client.force_login(expert2)
    page = client.get(url(ended)).content.decode()
    assert "You said no to evaluation surveys" in page
    assert reverse("consent:mine") in page
    assert '<form method="post" novalidate>' not in page
    client.post(url(ended), FULL)
    assert not SurveyResponse.objects.exists()


# --- Two taps at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_make_one_set_of_answers(instruments, project, expert2):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks to race on; run with DATABASE_URL for PostgreSQL")
    end_stage(project)
    membership = Membership.objects.select_related("user").get(project=project, user=expert2)
    request = SurveyRequest.objects.select_related("instrument").get(
        user=expert2, moment=Moment.STAGE_END
    )
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def tap(rung: int) -> None:
        try:
            start.wait()
            save_answers(
                membership=membership,
                instrument=request.instrument,
                moment="stage_end",
                stage="design",
                answers={"rung": rung},
                named=False,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(rung,)) for rung in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SurveyResponse.objects.filter(respondent=expert2).count() == 1
    assert ItemAnswer.objects.filter(response__respondent=expert2).count() == 1


# --- The dashboard, erasure and my data ------------------------------------------------------


def test_the_dashboard_lists_surveys_waiting_and_drops_one_once_answered(client, ended, expert2):
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Surveys waiting for you" in html
    assert f'href="{url(ended)}"' in html
    assert "(about the design stage)</a>" in html  # which stage, so two checks differ
    client.post(url(ended), FULL)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Surveys waiting for you" not in html


def test_the_dashboard_shows_no_surveys_to_a_commissioner_or_someone_who_said_no(
    client, ended, commissioner, expert2
):
    client.force_login(commissioner)
    assert "Surveys waiting for you" not in client.get(reverse("dashboard")).content.decode()
    decide(user=expert2, choices={Purpose.SURVEYS: False})
    client.force_login(expert2)
    assert "Surveys waiting for you" not in client.get(reverse("dashboard")).content.decode()


def test_erasing_an_account_keeps_the_figures_unnamed_and_deletes_the_requests(
    client, ended, expert2
):
    client.force_login(expert2)
    client.post(url(ended), {**FULL, "named": "on"})
    erase_account(user=expert2)
    kept = SurveyResponse.objects.get()
    assert (kept.respondent_id, kept.named, kept.group) == (None, False, Role.EXPERT_BY_EXPERIENCE)
    assert kept.answers.count() == 6
    # The comment is the person's own words: removed, like an idea; the figures stay.
    assert not ItemAnswer.objects.filter(text="More evening meetings, please.").exists()
    assert kept.answers.get(item__key="comment").text == str(REMOVED)
    figures = kept.answers.exclude(value=None).order_by("value").values_list("value", flat=True)
    assert list(figures) == [2, 3, 4, 5, 6]
    assert not SurveyRequest.objects.filter(user=expert2).exists()


def test_erasing_an_account_leaves_an_empty_comment_empty_and_others_comments_alone(
    client, ended, expert2, practitioner2
):
    client.force_login(expert2)
    client.post(url(ended), {"rung": "4"})
    client.force_login(practitioner2)
    client.post(url(ended), {**FULL, "comment": "Not theirs to remove."})
    erase_account(user=expert2)
    assert not ItemAnswer.objects.filter(text=str(REMOVED)).exists()
    assert ItemAnswer.objects.filter(text="Not theirs to remove.").exists()


def test_my_data_lists_my_survey_answers_and_requests_and_nobody_elses(
    client, ended, expert2, practitioner2
):
    client.force_login(practitioner2)
    client.post(url(ended), {"rung": "2", "comment": "Not mine to download."})
    client.force_login(expert2)
    client.post(url(ended), FULL)
    record = json.loads(client.get(reverse("my:json")).content)
    answers = {row["question"]: (row["answer"], row["comment"]) for row in record["survey_answers"]}
    assert answers["Which step of the ladder did this stage reach?"] == (6, "")
    assert ("", "Not mine to download.") not in answers.values()
    assert len(record["survey_answers"]) == 6
    assert [row["when"] for row in record["survey_requests"]] == ["stage_end"]


# --- Query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_survey_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, instruments, join, project_factory, size
):
    project = project_factory(title="Budget")
    for n in range(size):
        join(project, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
    end_stage(project)
    lead = project.created_by
    members = list(Membership.objects.filter(project=project).select_related("user"))
    request = (
        SurveyRequest.objects.select_related("instrument").filter(moment=Moment.STAGE_END).first()
    )
    assert request is not None
    for membership in members[:size]:
        save_answers(
            membership=membership,
            instrument=request.instrument,
            moment="stage_end",
            stage="design",
            answers={"rung": 5, "comment": "ok"},
            named=False,
        )
    client.force_login(lead)
    with django_assert_max_num_queries(SURVEY_BUDGET):
        assert client.get(url(project)).status_code == 200
    with django_assert_max_num_queries(SAVE_BUDGET):
        assert client.post(url(project), FULL).status_code == 302


def test_the_pages_state_the_rule_of_3_from_the_one_constant(client, ended, expert2, monkeypatch):
    monkeypatch.setattr("evaluation.views.surveys.MIN_ANSWERS", 5)
    client.force_login(expert2)
    assert "only when at least 5 people in" in client.get(url(ended)).content.decode()
    client.post(url(ended), FULL)
    saved = client.get(url(ended, saved=True)).content.decode()
    assert "only when at least 5 people in" in saved


def test_the_dashboard_lists_the_newest_surveys_and_says_how_many_more_wait(
    client, instruments, project_factory, expert2
):
    from evaluation.selectors.surveys import SURVEYS_SHOWN, waiting_for
    from projects import services

    for _ in range(SURVEYS_SHOWN + 1):
        other = project_factory()
        services.add_member(
            project=other, user=expert2, role=Role.EXPERT_BY_EXPERIENCE, actor=other.created_by
        )
        end_stage(Project.objects.get(pk=other.pk))
    waiting = len(waiting_for(expert2))
    assert waiting > SURVEYS_SHOWN
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    section = html[html.index('id="surveys-waiting"') :].split("</section>")[0]
    assert section.count("<li>") == SURVEYS_SHOWN
    assert f"And {waiting - SURVEYS_SHOWN} more. As you answer these" in section
