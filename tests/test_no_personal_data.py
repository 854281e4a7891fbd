"""No personal data in task arguments or in the logs.

A task's arguments sit in Redis, in the worker's log line and in any monitoring tool, none of
which erasure or retention reaches; so every task takes ids (or nothing) and re-reads the rest.
The logs go wherever the operator ships them, so they carry ids and error types, never an
address, a number, a name or the words of a message.
"""

from __future__ import annotations

import importlib
import logging
import typing
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from celery import Task
from django.apps import apps
from django.core import mail

from coproduce.celery import app
from participation.models import OutboxMessage, OutboxStatus
from participation.services import outbox
from participation.services.invitations import invite
from projects.models import Role
from tests.participation_fixtures import use_locmem_sms

# Tasks allowed a text argument, and why it can hold nothing about a person.
TEXT_ARGUMENT_ALLOWED = {
    # An operator's probe that a worker consumes the queue: it echoes what the operator typed.
    "coproduce.tasks.ping",
}
ID_TYPES: set[Any] = {int, list[int]}

NAME, EMAIL, PHONE = "Maya Okafor", "maya.okafor@example.org", "+447700900456"
WORDS = "We would love you to join us on Tuesday"
PERSONAL = (NAME, EMAIL, PHONE, "07700 900456", WORDS)
# The checkout: this site's apps are the packages directly inside it.
ROOT = Path(__file__).resolve().parent.parent


def our_tasks() -> dict[str, Task]:
    """Every Celery task defined by this site's apps (their tasks modules imported first)."""
    ours = [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]
    for name in ours:
        try:
            importlib.import_module(f"{name}.tasks")
        except ModuleNotFoundError:
            continue
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in ours}


def test_every_task_takes_only_ids():
    tasks = our_tasks()
    assert {"participation.tasks.deliver_messages", "projects.tasks.close_due_gates_task"} <= set(
        tasks
    )
    for name, task in tasks.items():
        hints = typing.get_type_hints(task.run)
        hints.pop("return", None)
        if name in TEXT_ARGUMENT_ALLOWED:
            continue
        wrong = {arg: hint for arg, hint in hints.items() if hint not in ID_TYPES}
        assert not wrong, f"{name} takes {wrong}: pass ids and re-read the rest"


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


@pytest.mark.django_db
def test_tasks_sent_while_inviting_by_email_and_text_carry_ids_only(
    project, practitioner, settings, django_capture_on_commit_callbacks
):
    use_locmem_sms(settings)
    published: list[tuple[str, Any, Any]] = []
    original = Task.apply_async

    def record(task: Task, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        published.append((task.name, args, kwargs))
        return original(task, args, kwargs, **options)

    with (
        mock.patch.object(Task, "apply_async", autospec=True, side_effect=record),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invite(
            project=project,
            role=Role.EXPERT_BY_EXPERIENCE,
            inviter=practitioner,
            email=EMAIL,
            phone=PHONE,
            name=NAME,
            message=WORDS,
        )
    assert published, "inviting someone hands its messages to a worker"
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    for name, args, kwargs in published:
        for leaf in _leaves([args or (), kwargs or {}]):
            assert isinstance(leaf, int), f"{name} was sent {leaf!r}"


@pytest.mark.django_db
def test_a_refused_message_is_logged_without_the_address_the_refusal_quotes(
    project, practitioner, settings, caplog
):
    refusal = OSError(f"550 5.1.1 <{EMAIL}>: mailbox of {NAME} unavailable")
    with (
        caplog.at_level(logging.DEBUG),
        mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=refusal),
    ):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email=EMAIL)
        outbox.relay_due()  # the first failure: retried later
        settings.OUTBOX_MAX_ATTEMPTS = 1
        OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.get().created_at)
        outbox.relay_due()  # the last: given up
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED
    assert EMAIL in message.last_error  # kept on the row for staff, until retention blanks it
    logged = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert {"WARNING", "ERROR"} <= {level for level, _ in logged}
    for _level, text in logged:
        assert not any(personal in text for personal in PERSONAL), text
