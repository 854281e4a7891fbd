"""Webhooks: the co-leads' changes to a project's webhooks, and the events sent to them.

`queue_event` is called by the receivers of the gate and stage signals, inside the transaction
of the change: one outbox row per webhook that asks for the event, with the event's facts.
The row's key (kind, occasion, "webhook:<pk>", channel) makes each event go once to each
webhook, even when a signal fires twice or a service runs again.

The co-leads' changes are atomic, locked and logged in the project's history (never with the
whole address, whose path may hold a key of the receiving system; its host only). Each is safe
to send twice: the same address again adds nothing, the same events or the same on/off change
nothing, a second "make a new secret" with the number of the secret already replaced makes no
third one, and a test event goes at most once a minute. A closed project's webhooks cannot be
changed: like the rest of the project they are a record by then, and nothing more is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.models import User
from projects.models import EventKind, Project
from projects.services import ProjectError, log_event
from projects.services.errors import refuse_if_closed

from ..messages import http_post
from ..messages.webhooks import facts_ping
from ..models import (
    WEBHOOKS_PER_PROJECT,
    Channel,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from ..models.webhooks import new_secret
from . import outbox


def _queue(hooks: list[Webhook], *, occasion: str, data: dict[str, Any]) -> list[OutboxMessage]:
    """One outbox row for each of `hooks` on `occasion`, with its WebhookDelivery; only the
    rows that are new, kicked after the commit."""
    fresh = outbox.queue(
        OutboxMessage(
            kind=MessageKind.WEBHOOK,
            occasion=occasion,
            recipient=hook.recipient,
            channel=Channel.WEBHOOK,
            project_id=hook.project_id,
            data=data,
        )
        for hook in hooks
    )
    by_recipient = {hook.recipient: hook for hook in hooks}
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(message=message, webhook=by_recipient[message.recipient])
        for message in fresh
    )
    outbox.send_after_commit(fresh)
    return fresh


def queue_event(
    *, project: Project, event: str, occasion: str, facts: Callable[[], dict[str, Any]]
) -> list[OutboxMessage]:
    """Queue `event` for every webhook of `project` that is on and asks for it; call inside
    the transaction of the change. `facts` makes the payload, only when a webhook wants it.
    Returns the rows that are new (none when this occasion was queued before)."""
    hooks = [hook for hook in Webhook.objects.active().filter(project=project) if hook.wants(event)]
    if not hooks:
        return []
    return _queue(hooks, occasion=occasion, data=facts())


def _events(chosen: Iterable[str]) -> list[str]:
    """The events asked for, in the order of WebhookEvent; refuses none or an unknown one."""
    wanted = set(chosen)
    if not wanted or wanted - set(WebhookEvent.values):
        raise ProjectError(_("Choose at least one event from the list."))
    return [event for event in WebhookEvent.values if event in wanted]


def _log(webhook: Webhook, actor: User, change: str, summary: str) -> None:
    log_event(
        project=webhook.project,
        kind=EventKind.WEBHOOK_CHANGED,
        actor=actor,
        summary=summary,
        data={"webhook": webhook.pk, "change": change, "host": webhook.host},
    )


def _locked(webhook: Webhook) -> Webhook:
    """The webhook's row, locked until the transaction ends; refused in a closed project."""
    locked = (
        Webhook.objects.select_for_update(of=("self",)).select_related("project").get(pk=webhook.pk)
    )
    refuse_if_closed(locked.project)
    return locked


@transaction.atomic
def add_webhook(
    *, project: Project, actor: User, url: str, events: Iterable[str]
) -> tuple[Webhook, bool]:
    """Add a webhook sending `events` to `url`, with a new secret shown to `actor` until they
    say they have copied it. Returns (webhook, True); when the project already has a webhook
    to `url` (the form sent twice), (that webhook, False) and nothing changes.

    Raises ProjectError when the address is not allowed (participation/messages/http_post.py),
    no event is chosen, the project has WEBHOOKS_PER_PROJECT already, or it is closed."""
    refuse_if_closed(project)
    url = url.strip()
    # Two requests adding at once take turns, so the second finds the first's webhook.
    project = Project.objects.select_for_update().get(pk=project.pk)
    refuse_if_closed(project)
    url = http_post.normalised(url)
    existing = Webhook.objects.filter(project=project, url=url).first()
    if existing is not None:
        return existing, False
    problem = http_post.url_problem(url)
    if problem:
        raise ProjectError(problem)
    chosen = _events(events)
    if Webhook.objects.filter(project=project).count() >= WEBHOOKS_PER_PROJECT:
        raise ProjectError(
            _("A project can have at most %(n)s webhooks. Delete one you no longer use first.")
            % {"n": WEBHOOKS_PER_PROJECT}
        )
    webhook = Webhook.objects.create(
        project=project, url=url, events=chosen, created_by=actor, secret_shown_to=actor
    )
    _log(
        webhook,
        actor,
        "added",
        _("Webhook added: %(events)s will be sent to %(host)s.")
        % {"events": ", ".join(webhook.event_labels()).lower(), "host": webhook.label},
    )
    return webhook, True


@transaction.atomic
def change_events(*, webhook: Webhook, actor: User, events: Iterable[str]) -> bool:
    """Send these events from now on. Returns False when they are the ones already chosen."""
    webhook = _locked(webhook)
    chosen = _events(events)
    if chosen == webhook.events:
        return False
    webhook.events = chosen
    webhook.save(update_fields=["events"])
    _log(
        webhook,
        actor,
        "events",
        _("Webhook to %(host)s now sends: %(events)s.")
        % {"host": webhook.label, "events": ", ".join(webhook.event_labels()).lower()},
    )
    return True


@transaction.atomic
def switch(*, webhook: Webhook, actor: User, active: bool) -> bool:
    """Turn the webhook on or off. Turning it off also cancels its deliveries still waiting to
    be tried again, at once, so turning it back on never sends them, whenever that is. Returns
    False when it was already so."""
    webhook = _locked(webhook)
    if webhook.active == active:
        return False
    webhook.active = active
    webhook.save(update_fields=["active"])
    if not active:
        OutboxMessage.objects.filter(
            recipient=webhook.recipient, channel=Channel.WEBHOOK, status=OutboxStatus.PENDING
        ).update(status=OutboxStatus.SKIPPED)
    summary = (
        _("Webhook to %(host)s turned on.") if active else _("Webhook to %(host)s turned off.")
    )
    _log(webhook, actor, "on" if active else "off", summary % {"host": webhook.label})
    return True


@transaction.atomic
def make_new_secret(*, webhook: Webhook, actor: User, replacing: int) -> bool:
    """Replace secret number `replacing` with a new one, shown to `actor` until they have
    copied it. Deliveries from now on, retries included, are signed with the new secret.
    Returns False, changing nothing, when that secret was replaced already (a double tap)."""
    webhook = _locked(webhook)
    if webhook.secret_version != replacing:
        return False
    webhook.secret = new_secret()
    webhook.secret_version += 1
    webhook.secret_made_at = timezone.now()
    webhook.secret_shown_to = actor
    webhook.save(update_fields=["secret", "secret_version", "secret_made_at", "secret_shown_to"])
    _log(
        webhook,
        actor,
        "secret",
        _("Webhook to %(host)s has a new secret.") % {"host": webhook.label},
    )
    return True


@transaction.atomic
def secret_copied(*, webhook: Webhook, actor: User) -> bool:
    """`actor` has copied the secret: it is never shown again. Returns False when it was not
    being shown to them."""
    webhook = _locked(webhook)
    if webhook.secret_shown_to_id != actor.pk:
        return False
    webhook.secret_shown_to = None
    webhook.save(update_fields=["secret_shown_to"])
    return True


@transaction.atomic
def delete_webhook(*, webhook: Webhook, actor: User) -> None:
    """Delete the webhook with its delivery log; what is still waiting is not sent."""
    webhook = _locked(webhook)
    _log(webhook, actor, "deleted", _("Webhook to %(host)s deleted.") % {"host": webhook.label})
    OutboxMessage.objects.filter(webhook_delivery__webhook=webhook).delete()
    webhook.delete()


@transaction.atomic
def send_test(*, webhook: Webhook, now: datetime | None = None) -> bool:
    """Queue a `ping` event to the webhook. At most one a minute: returns False when one was
    queued in this minute already (a double tap). Refused while the webhook is off."""
    webhook = _locked(webhook)
    if not webhook.active:
        raise ProjectError(_("Turn the webhook on before you send a test event."))
    minute = int((now or timezone.now()).timestamp()) // 60
    return bool(_queue([webhook], occasion=f"ping:{minute}", data=facts_ping(webhook)))
