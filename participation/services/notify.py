"""Who gets a message about a change, and by which channels.

Called inside the transaction of the change, so the outbox rows commit with it. The
`*_messages` functions only build the rows, for callers that queue many occasions in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from coproduce.models import User
from projects.models import Project

from ..models import (
    TOPIC_OF_KIND,
    Channel,
    Invitation,
    MessageKind,
    NotificationPreference,
    OutboxMessage,
)
from . import outbox
from .preferences import channels_for, preferences_for


def user_messages(
    *,
    kind: MessageKind,
    occasion: str,
    project: Project,
    users: Iterable[User],
    data: dict[str, Any],
    choices: dict[int, NotificationPreference] | None = None,
) -> list[OutboxMessage]:
    """One unsaved message per person and channel, for those who have not switched it off.
    A caller building many occasions passes everyone's `choices` (from `preferences_for`)
    read once, rather than one query per occasion."""
    people = list(users)
    topic = TOPIC_OF_KIND.get(kind)
    if choices is None:
        choices = preferences_for(user.pk for user in people)
    return [
        OutboxMessage(
            kind=kind,
            occasion=occasion,
            recipient=f"user:{user.pk}",
            channel=channel,
            user=user,
            project=project,
            data=data,
        )
        for user in people
        if topic is None or choices[user.pk].wants(topic)
        for channel in channels_for(user, choices[user.pk])
    ]


def notify_users(
    *,
    kind: MessageKind,
    occasion: str,
    project: Project,
    users: Iterable[User],
    data: dict[str, Any],
) -> list[OutboxMessage]:
    """Queue one message per person and channel, for those who have not switched it off."""
    return outbox.queue(
        user_messages(kind=kind, occasion=occasion, project=project, users=users, data=data)
    )


def invitee_messages(
    *, invitation: Invitation, kind: MessageKind, occasion: str
) -> list[OutboxMessage]:
    """One unsaved message for every way the co-lead gave to reach the invitee."""
    return [
        OutboxMessage(
            kind=kind,
            occasion=occasion,
            recipient=f"invitation:{invitation.pk}",
            channel=channel,
            invitation=invitation,
            project_id=invitation.project_id,
            data={"send": invitation.send_count},
        )
        for channel, address in ((Channel.EMAIL, invitation.email), (Channel.SMS, invitation.phone))
        if address
    ]


def tell_writer(
    *, project: Project, writer: User, responder: User | None, item: tuple[str, int], version: int
) -> None:
    """Queue the message that tells the person who raised an item (`item`: ("contribution",
    pk) or ("vote", pk) for a gate objection) that its response is recorded or changed: once
    per version, by their chosen channels. Not when they wrote the response themselves."""
    if responder is not None and responder.pk == writer.pk:
        return
    name, pk = item
    messages = notify_users(
        kind=MessageKind.RESPONSE_RECORDED,
        occasion=f"response:{name}:{pk}:v{version}",
        project=project,
        users=[writer],
        data={name: pk, "version": version},
    )
    outbox.send_after_commit(messages)
