"""Recording a response to something a member said ("you said, we did"): the rules that an
objection's response and a contribution's response share.

Each service that records one locks the item it answers, then calls `record_response`. The same
outcome and words sent again (a double tap, a retry) change nothing, so nothing is logged and
nobody is told twice; a real change makes a new version, which is told once more.
"""

from __future__ import annotations

from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce import limits
from coproduce.models import User

from ..models import CHOSEN_OUTCOMES, EventKind, Project, RecordedResponse, ResponseOutcome
from .errors import ProjectError
from .history import log_event

R = TypeVar("R", bound=RecordedResponse)

CHOOSE_AN_OUTCOME = gettext_lazy("Choose what happened: done, partly done or not done.")


def clean_response(
    *, outcome: ResponseOutcome | str, body: str, error: type[ProjectError] = ProjectError
) -> tuple[ResponseOutcome, str]:
    """The outcome and the trimmed words, checked before anything is locked. Raises `error`
    for words too long or empty, or an outcome that is not one to choose."""
    limits.refuse_too_long(body, limit=limits.RESPONSE, error=error)
    body = body.strip()
    if not limits.has_words(body):
        raise error(_("Please write what you did, or why not."))
    if outcome not in CHOSEN_OUTCOMES:
        raise error(str(CHOOSE_AN_OUTCOME))
    return ResponseOutcome(outcome), body


def record_response(response: R, *, outcome: ResponseOutcome, body: str, responder: User) -> bool:
    """Save `response` (unsaved when new) with this outcome and these words (from
    `clean_response`). Returns whether anything changed: False when the same outcome and words
    were already recorded. A change to a saved response makes its next version."""
    if response.pk is not None:
        if response.outcome == outcome and response.body == body:
            return False
        response.version += 1
    response.outcome, response.body = outcome, body
    response.responder, response.at = responder, timezone.now()
    response.save()
    return True


def outcome_words(outcome: str) -> str:
    """The outcome as the event log and messages say it, e.g. "partly done"."""
    return str(ResponseOutcome(outcome).label).lower()


def log_response(
    *,
    project: Project,
    actor: User,
    response: RecordedResponse,
    item: dict[str, int],
    recorded: str,
    changed: str,
    words: dict[str, object],
) -> None:
    """Log a response just recorded (its first version, summary `recorded`) or changed
    (`changed`); both summaries are filled with `words` and `%(outcome)s`. `item` names what
    was answered, e.g. {"vote": 12}, in the entry's data."""
    first = response.version == 1
    log_event(
        project=project,
        kind=EventKind.RESPONSE_RECORDED,
        actor=actor,
        summary=(recorded if first else changed)
        % {**words, "outcome": outcome_words(response.outcome)},
        data={
            **item,
            "updated": not first,
            "outcome": response.outcome,
            "version": response.version,
        },
    )
