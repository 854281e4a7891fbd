"""Asking members to answer the evaluation surveys: when a stage ends, on joining and at the
close; never commissioners, never someone who said no; once, whatever is sent twice; one
reminder, once, after SURVEY_REMINDER_DAYS, and none once answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from evaluation.models import Moment, SurveyRequest
from evaluation.services.answers import save_answers
from evaluation.services.requests import ask, asked_people
from participation.models import MessageKind, OutboxMessage, OutboxStatus, Purpose
from participation.services import outbox
from participation.services.consent import decide
from participation.services.reminders import queue_due_reminders
from projects import services, signals
from projects.models import Choice, Membership, Project, Role, Stage
from projects.services import gates
from projects.services.projects import change_stage
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db

ASK_BUDGET = 10  # instruments, people, requests held, insert, requests made, choices,
# the outbox's check, savepoint, insert, release


def end_stage(project: Project, to: Stage = Stage.DELIVERY) -> None:
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        change_stage(project=locked, to=to, actor=None, reason="both groups agreed.")
    project.refresh_from_db()


def requested(**filters):
    return sorted(
        SurveyRequest.objects.filter(**filters).values_list(
            "instrument__key", "moment", "stage", "user__email"
        )
    )


def asked_emails(kind=MessageKind.SURVEY_REQUEST, **filters):
    return sorted(
        OutboxMessage.objects.filter(kind=kind, **filters).values_list("user__email", flat=True)
    )


VOTERS = [
    "expert2@example.org",
    "expert@example.org",
    "practitioner2@example.org",
    "practitioner@example.org",
]


def test_when_a_vote_moves_the_project_on_both_groups_are_asked_about_the_stage_that_ended(
    instruments, project, practitioner, expert, expert2, practitioner2, mailoutbox
):
    gate = open_gate(project, practitioner, expert)
    for voter in (practitioner, expert, expert2, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    project.refresh_from_db()
    assert project.stage == Stage.DELIVERY
    assert requested(moment=Moment.STAGE_END) == [
        ("stage-check", "stage_end", "design", email) for email in VOTERS
    ]
    stage_end = SurveyRequest.objects.filter(moment=Moment.STAGE_END)
    occasions = [f"survey:{pk}" for pk in stage_end.values_list("pk", flat=True)]
    assert asked_emails(occasion__in=occasions) == VOTERS
    outbox.relay_due()
    survey_mail = [
        m for m in mailoutbox if m.subject == "A few questions about Housing First in Lambeth"
    ]
    assert sorted(m.to[0] for m in survey_mail) == VOTERS
    body = " ".join(next(m.body for m in survey_mail if "Design stage" in m.body).split())
    assert "The Design stage of Housing First in Lambeth has ended." in body
    assert "never your name, unless you choose to give it with a comment" in body
    assert "/surveys/stage-check/stage_end/design/" in body


def test_the_commissioner_is_never_asked(instruments, project, commissioner):
    end_stage(project)
    end_stage(project, Stage.COMMISSIONING)
    assert not SurveyRequest.objects.filter(user=commissioner).exists()
    assert not OutboxMessage.objects.filter(
        user=commissioner, kind=MessageKind.SURVEY_REQUEST
    ).exists()


def test_joining_asks_the_impact_survey_about_the_stage_the_project_is_in(
    instruments, project, join
):
    end_stage(project)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE, email="new@example.org")
    assert requested(user=newcomer) == [("impact", "joining", "delivery", "new@example.org")]
    assert asked_emails(user=newcomer) == ["new@example.org"]


def test_a_commissioner_joining_is_not_asked(instruments, project, join):
    newcomer = join(project, Role.COMMISSIONER, email="funder@example.org")
    assert not SurveyRequest.objects.filter(user=newcomer).exists()


def test_coming_back_after_leaving_is_not_asked_the_joining_survey_again(
    instruments, project, join, practitioner
):
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE, email="back@example.org")
    services.leave_project(membership=Membership.objects.get(project=project, user=newcomer))
    end_stage(project)
    services.add_member(
        project=project, user=newcomer, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner
    )
    assert requested(user=newcomer, moment=Moment.JOINING) == [
        ("impact", "joining", "design", "back@example.org")
    ]


def test_starting_a_project_asks_its_first_co_lead_on_joining(instruments, practitioner):
    started = services.create_project(
        creator=practitioner,
        title="Advice line",
        summary="A phone line run with the people who call it.",
        creator_role=Role.PRACTITIONER,
    )
    assert requested(project=started) == [
        ("impact", "joining", "design", "practitioner@example.org")
    ]


def test_closing_asks_about_the_last_stage_and_what_taking_part_changed(instruments, project):
    for stage in (Stage.DELIVERY, Stage.COMMISSIONING, Stage.EVALUATION, Stage.CLOSED):
        end_stage(project, stage)
    assert requested(moment=Moment.CLOSING) == [
        ("impact", "closing", "closed", email) for email in VOTERS
    ]
    assert [s for (_k, _m, s, _e) in requested(moment=Moment.STAGE_END)] == sorted(
        ["design", "delivery", "commissioning", "evaluation"] * 4
    )


def test_someone_who_said_no_to_surveys_is_not_asked(instruments, project, expert2):
    decide(user=expert2, choices={Purpose.SURVEYS: False})
    end_stage(project)
    assert not SurveyRequest.objects.filter(user=expert2, moment=Moment.STAGE_END).exists()
    assert requested(moment=Moment.STAGE_END) == [
        ("stage-check", "stage_end", "design", email) for email in VOTERS if "expert2" not in email
    ]


def test_someone_who_said_no_first_is_not_asked_on_joining(
    instruments, project, join, user_factory
):
    """The first answer on the consent page is "no": it must count (it once left no row)."""
    person = user_factory(email="quiet@example.org")
    decide(user=person, choices={Purpose.SURVEYS: False})
    services.add_member(
        project=project, user=person, role=Role.PRACTITIONER, actor=project.created_by
    )
    assert not SurveyRequest.objects.filter(user=person).exists()


def test_a_stage_change_signalled_twice_asks_each_person_once(instruments, project):
    end_stage(project)
    with transaction.atomic():
        signals.stage_changed.send(
            sender=Project, project=project, from_stage=Stage.DESIGN, to_stage=Stage.DELIVERY
        )
    assert len(requested(moment=Moment.STAGE_END)) == 4
    assert asked_emails() == VOTERS


def test_asking_again_for_the_same_moment_makes_no_request_and_no_message(instruments, project):
    end_stage(project)
    before = OutboxMessage.objects.count()
    with transaction.atomic():
        again = ask(
            project=project,
            moment=Moment.STAGE_END,
            stage=Stage.DESIGN,
            people=asked_people(project),
        )
    assert again == []  # nothing made now
    assert SurveyRequest.objects.filter(moment=Moment.STAGE_END).count() == 4
    assert OutboxMessage.objects.count() == before


def test_asking_again_hands_the_outbox_no_message_at_all(instruments, project, join, monkeypatch):
    end_stage(project)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE)
    handed: list[list[OutboxMessage]] = []
    real_queue = outbox.queue

    def spy(messages):
        handed.append(list(messages))
        return real_queue(handed[-1])

    monkeypatch.setattr(outbox, "queue", spy)
    with transaction.atomic():
        made = ask(
            project=project,
            moment=Moment.STAGE_END,
            stage=Stage.DESIGN,
            people=asked_people(project),
        )
    # Only the newcomer's request is new: only theirs is returned and only theirs asks, not
    # left for the outbox's own key to catch the four asked before.
    assert [request.user for request in made] == [newcomer]
    assert {message.user_id for batch in handed for message in batch} == {newcomer.pk}
    assert {message.occasion for batch in handed for message in batch} == {f"survey:{made[0].pk}"}
    handed.clear()
    with transaction.atomic():
        again = ask(
            project=project,
            moment=Moment.STAGE_END,
            stage=Stage.DESIGN,
            people=asked_people(project),
        )
    assert again == []
    assert not [message for batch in handed for message in batch]


@pytest.mark.parametrize("size", [3, 30])
def test_asking_takes_the_same_number_of_queries_at_any_size(
    instruments, project_factory, join, size, django_assert_num_queries
):
    started = project_factory(title="Budget")
    for n in range(size):
        join(started, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
    people = asked_people(started)
    # Measured: 10 at both sizes, SQLite and PostgreSQL; three when everyone was asked already.
    with transaction.atomic(), django_assert_num_queries(ASK_BUDGET):
        made = ask(project=started, moment=Moment.STAGE_END, stage=Stage.DESIGN, people=people)
    assert len(made) == size + 1  # and the co-lead who started it
    with transaction.atomic(), django_assert_num_queries(3):
        again = ask(project=started, moment=Moment.STAGE_END, stage=Stage.DESIGN, people=people)
    assert again == []


def test_text_messages_go_to_those_who_chose_them(instruments, project, expert2):
    from participation.models import ChannelChoice, NotificationPreference

    expert2.phone = "+447700900123"
    expert2.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=expert2, channel=ChannelChoice.SMS)
    end_stage(project)
    request = SurveyRequest.objects.get(user=expert2, moment=Moment.STAGE_END)
    channels = set(
        OutboxMessage.objects.filter(occasion=f"survey:{request.pk}").values_list(
            "channel", flat=True
        )
    )
    assert channels == {"sms"}


# --- The one reminder -----------------------------------------------------------------------


def reminders_to():
    return asked_emails(kind=MessageKind.SURVEY_REMINDER)


def test_one_reminder_goes_seven_days_after_the_request_and_never_twice(instruments, project):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end_stage(project)
    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        queue_due_reminders()
        assert reminders_to() == []
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        queue_due_reminders()
    assert reminders_to() == VOTERS
    assert SurveyRequest.objects.filter(reminded_at__isnull=True).count() == 0
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert [m for m in queue_due_reminders() if m.kind == MessageKind.SURVEY_REMINDER] == []
    assert reminders_to() == VOTERS


def test_an_answered_survey_is_not_reminded(instruments, project, expert2):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end_stage(project)
    request = SurveyRequest.objects.select_related("instrument").get(
        user=expert2, moment=Moment.STAGE_END
    )
    save_answers(
        membership=Membership.objects.get(project=project, user=expert2),
        instrument=request.instrument,
        moment=request.moment,
        stage=request.stage,
        answers={"rung": 6},
        named=False,
    )
    request.refresh_from_db()
    assert request.is_answered
    with time_machine.travel(start + timedelta(days=8), tick=False):
        queue_due_reminders()
    reminded = set(
        OutboxMessage.objects.filter(kind=MessageKind.SURVEY_REMINDER).values_list(
            "data__request", flat=True
        )
    )
    assert request.pk not in reminded
    assert len(reminded) == 3


def test_a_reminder_queued_before_the_answer_is_skipped_when_sent(
    instruments, project, expert2, mailoutbox
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end_stage(project)
    with time_machine.travel(start + timedelta(days=8), tick=False):
        queue_due_reminders()
    request = SurveyRequest.objects.select_related("instrument").get(
        user=expert2, moment=Moment.STAGE_END
    )
    save_answers(
        membership=Membership.objects.get(project=project, user=expert2),
        instrument=request.instrument,
        moment=request.moment,
        stage=request.stage,
        answers={"rung": 6},
        named=False,
    )
    message = OutboxMessage.objects.get(
        kind=MessageKind.SURVEY_REMINDER, occasion=f"survey:{request.pk}:reminder"
    )
    outbox.deliver(message.pk, now=start + timedelta(days=9))
    message.refresh_from_db()
    assert message.status == OutboxStatus.SKIPPED


def test_someone_who_says_no_after_being_asked_is_not_reminded(instruments, project, expert2):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end_stage(project)
        decide(user=expert2, choices={Purpose.SURVEYS: False})
    with time_machine.travel(start + timedelta(days=8), tick=False):
        queue_due_reminders()
    assert "expert2@example.org" not in reminders_to()


def test_the_reminder_says_it_is_the_only_one(instruments, project, expert2, mailoutbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        end_stage(project)
    with time_machine.travel(start + timedelta(days=8), tick=False):
        queued = queue_due_reminders()
        outbox.deliver_many(m.pk for m in queued if m.user_id == expert2.pk)
    subjects = {m.subject for m in mailoutbox}
    assert "Reminder: a few questions about Housing First in Lambeth" in subjects
    body = next(m.body for m in mailoutbox if m.subject.startswith("Reminder: a few"))
    assert "This is the only reminder we send." in body


@pytest.mark.parametrize("size", [3, 30])
def test_the_survey_reminders_take_the_same_number_of_queries_at_any_size(
    instruments, project_factory, join, size, django_assert_max_num_queries
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        started = project_factory(title="Budget")
        for n in range(size):
            join(started, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
        end_stage(started)
    due = SurveyRequest.objects.count()
    # Measured: 13 at both sizes, the other reminder sweeps included.
    with (
        time_machine.travel(start + timedelta(days=8), tick=False),
        django_assert_max_num_queries(13),
    ):
        queued = queue_due_reminders()
    assert len([m for m in queued if m.kind == MessageKind.SURVEY_REMINDER]) == due
