"""Ideas, comments and concerns, and the responses that close the loop ("you said, we did")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from coproduce import limits
from coproduce.models import User
from projects.models import EventKind, Project
from projects.services import ProjectError, log_event

from .models import Contribution, ContributionKind, ContributionResponse


@transaction.atomic
def add_contribution(
    *, project: Project, author: User, kind: ContributionKind | str, body: str
) -> Contribution:
    """Record an idea, comment or concern against the project's current stage."""
    limits.refuse_too_long(body, limit=limits.CONTRIBUTION, error=ProjectError)
    body = body.strip()
    if not body:
        raise ProjectError(_("Please write something before sending."))
    if project.is_closed:
        raise ProjectError(_("This project is closed, so it can no longer be changed."))
    kind = ContributionKind(kind)
    contribution = Contribution.objects.create(
        project=project, author=author, stage=project.stage, kind=kind, body=body
    )
    log_event(
        project=project,
        kind=EventKind.CONTRIBUTION_ADDED,
        actor=author,
        summary=_("%(name)s added: %(kind)s.") % {"name": author, "kind": kind.label.lower()},
        data={"contribution": contribution.pk},
    )
    return contribution


@transaction.atomic
def respond(*, contribution: Contribution, responder: User, body: str) -> ContributionResponse:
    """Record (or update) what the project did about a contribution."""
    limits.refuse_too_long(body, limit=limits.RESPONSE, error=ProjectError)
    body = body.strip()
    if not body:
        raise ProjectError(_("Please write a response."))
    response, created = ContributionResponse.objects.update_or_create(
        contribution=contribution, defaults={"body": body, "responder": responder}
    )
    log_event(
        project=contribution.project,
        kind=EventKind.RESPONSE_RECORDED,
        actor=responder,
        summary=_("%(name)s responded to %(author)s's %(kind)s.")
        % {
            "name": responder,
            "author": contribution.author,
            "kind": contribution.get_kind_display().lower(),
        },
        data={"contribution": contribution.pk, "updated": not created},
    )
    return response
