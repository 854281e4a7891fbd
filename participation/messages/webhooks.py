"""What a webhook delivery says, and how it is signed.

The facts of an event are taken when it happens and kept on its outbox row (`facts_*`), so
every attempt sends the same body, byte for byte: a receiver that saw a delivery time out and
then arrive again can compare the two, and no retry reports a later state (a stage the project
reached since) as if it were part of the event.

Only ids and public facts: stages, statuses, times, and after voting closes the number of
votes of each kind in each group. Never a name, an email address, how anyone voted, or words a
person wrote (a proposal, an objection, a commissioner's reasons): the receiving organisation
reads those on the site or through the API, where the site's own rules decide who sees what.

The signature: HMAC-SHA256 with the webhook's secret over `<timestamp>.<body>`, sent as
`X-Coproduce-Signature: sha256=<hex>` with the timestamp in `X-Coproduce-Timestamp` (the README
shows a receiver checking it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from coproduce.site import absolute_url
from projects.models import Gate, Project, SignOff, Stage

from ..models import PING, OutboxMessage, Webhook, WebhookEvent

USER_AGENT = "coproduce-webhooks/1"

# The figures of each group kept on a closed gate (`Gate.results`) that a payload may carry:
# counts and thresholds only, whatever else the results come to hold.
GROUP_FIGURES = (
    "electorate",
    "votes_cast",
    "approvals",
    "objections",
    "abstentions",
    "quorum_needed",
    "quorum_met",
    "approval_share",
)
RESULT_FIGURES = ("rule", "weighted_score", "closed_early", "quorum_unreachable")


def moment(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC, e.g. "2026-05-09T10:00:00+00:00"."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def _project(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "slug": project.slug,
        "title": project.title,
        # As the row stands in this transaction: a gate's project, loaded before the change
        # that moved the stage on, would report the stage it has just left.
        "stage": Project.objects.filter(pk=project.pk).values_list("stage", flat=True).first()
        or project.stage,
        "url": absolute_url(project.get_absolute_url()),
    }


def _results(results: dict[str, Any]) -> dict[str, Any]:
    figures = {key: results.get(key) for key in RESULT_FIGURES}
    for group in ("lived", "learned"):
        counts = results.get(group) or {}
        figures[group] = {key: counts.get(key) for key in GROUP_FIGURES}
    return figures


def _decision(gate: Gate) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "id": gate.pk,
        "from_stage": gate.from_stage,
        "to_stage": gate.to_stage,
        "status": gate.status,
        "outcome": gate.outcome.value,
        "signoff_required": gate.signoff_required,
        "opened_at": moment(gate.opened_at),
        "closes_at": moment(gate.closes_at),
        "closed_at": moment(gate.closed_at),
        "url": absolute_url(gate.get_absolute_url()),
    }
    if gate.is_closed:
        # How each group voted in total is public once voting closes; never before.
        facts["passed"] = gate.passed
        facts["reason"] = gate.reason
        facts["results"] = _results(gate.results)
    return facts


def _event(event: str, occurred_at: datetime | None, project: Project) -> dict[str, Any]:
    return {
        "event": event,
        "occurred_at": moment(occurred_at or timezone.now()),
        "project": _project(project),
    }


def facts_voting_opened(gate: Gate) -> dict[str, Any]:
    return {
        **_event(WebhookEvent.VOTING_OPENED, gate.opened_at, gate.project),
        "decision": _decision(gate),
    }


def facts_decision_made(gate: Gate) -> dict[str, Any]:
    return {
        **_event(WebhookEvent.DECISION_MADE, gate.closed_at, gate.project),
        "decision": _decision(gate),
    }


def facts_signoff_recorded(gate: Gate, signoff: SignOff) -> dict[str, Any]:
    # Whether the commissioner was assured, and when; not who they are or their reasons.
    return {
        **_event(WebhookEvent.SIGNOFF_RECORDED, signoff.at, gate.project),
        "decision": _decision(gate),
        "sign_off": {"assured": signoff.assured, "at": moment(signoff.at)},
    }


def facts_stage_changed(project: Project, from_stage: str, to_stage: str) -> dict[str, Any]:
    return {
        **_event(WebhookEvent.STAGE_CHANGED, None, project),
        "stage": {"from": Stage(from_stage).value, "to": Stage(to_stage).value},
    }


def facts_ping(webhook: Webhook) -> dict[str, Any]:
    return {**_event(PING, None, webhook.project), "webhook": {"id": webhook.pk}}


def body(message: OutboxMessage) -> bytes:
    """The JSON sent for this delivery: its id and the facts kept when the event happened.

    Keys sorted, so the same row always gives the same bytes (PostgreSQL does not keep the
    order of a JSON object's keys)."""
    document = {"id": message.pk, **message.data}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed with `secret`, of `<timestamp>.<payload>`."""
    signed = f"{timestamp}.".encode() + payload
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(message: OutboxMessage, secret: str, payload: bytes, timestamp: int) -> dict[str, str]:
    """The request's headers. The delivery id stays the same on every attempt, so a receiver
    can drop a delivery it has already had; the timestamp and signature are new each time."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Coproduce-Event": str(message.data.get("event", "")),
        "X-Coproduce-Delivery": str(message.pk),
        "X-Coproduce-Timestamp": str(timestamp),
        "X-Coproduce-Signature": signature(secret, timestamp, payload),
    }
