"""Ideas, comments and concerns, and the responses that close the loop ("you said, we did").

Both are safe to send twice (a double tap, a retry on a slow phone): the same words from the
same person, as the same kind, in the same stage, are one contribution; a response sent again
unchanged records and logs nothing. Locking the project (or the contribution) first makes two
simultaneous sends wait for each other rather than both pass the check.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce import limits
from coproduce.models import User
from projects.models import EventKind, Project, ResponseOutcome
from projects.services import ProjectError, log_event
from projects.services.gates import Help
from projects.services.responses import clean_response, log_response, record_response

from ..models import Contribution, ContributionKind, ContributionResponse
from .notify import tell_writer


@transaction.atomic
def add_contribution(
    *,
    project: Project,
    author: User,
    kind: ContributionKind | str,
    body: str,
    helped: Help | None = None,
) -> Contribution:
    """Record an idea, comment or concern against the project's current stage, by the author
    or recorded with help (`helped`). The same one sent again within a minute (a double tap, a
    retry) returns the first; later, the same words are a new contribution ("I still think
    so")."""
    limits.refuse_too_long(body, limit=limits.CONTRIBUTION, error=ProjectError)
    body = body.strip()
    if not limits.has_words(body):
        raise ProjectError(_("Please write something before sending."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_closed:
        raise ProjectError(_("This project is closed, so it can no longer be changed."))
    kind = ContributionKind(kind)
    same = Contribution.objects.filter(
        project=project,
        author=author,
        stage=project.stage,
        kind=kind,
        body=body,
        created_at__gte=timezone.now() - limits.RESUBMIT_WINDOW,
    ).first()
    if same is not None:
        return same
    contribution = Contribution.objects.create(
        project=project,
        author=author,
        stage=project.stage,
        kind=kind,
        body=body,
        recorded_by=helped.helper if helped else None,
        confirmed=helped.confirmed if helped else None,
    )
    words = {"name": author, "kind": kind.label.lower()}
    log_event(
        project=project,
        kind=EventKind.CONTRIBUTION_ADDED,
        actor=author,
        summary=_("%(name)s added: %(kind)s, with help from %(helper)s.")
        % (words | {"helper": helped.helper})
        if helped
        else _("%(name)s added: %(kind)s.") % words,
        data={"contribution": contribution.pk},
    )
    return contribution


@transaction.atomic
def respond(
    *,
    contribution: Contribution,
    responder: User,
    body: str,
    outcome: ResponseOutcome | str,
) -> ContributionResponse:
    """Record (or change) what the project did about a contribution, or why not, and tell the
    person who wrote it (once per version). The same outcome and words again change nothing,
    log nothing and tell nobody. Raises ProjectError for bad input."""
    outcome, body = clean_response(outcome=outcome, body=body)
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("project", "author")
        .get(pk=contribution.pk)
    )
    response = ContributionResponse.objects.filter(contribution=contribution).first()
    if response is None:
        response = ContributionResponse(contribution=contribution)
    if not record_response(response, outcome=outcome, body=body, responder=responder):
        return response
    log_response(
        project=contribution.project,
        actor=responder,
        response=response,
        item={"contribution": contribution.pk},
        recorded=_("%(name)s responded to %(author)s's %(kind)s: %(outcome)s."),
        changed=_("%(name)s changed the response to %(author)s's %(kind)s: %(outcome)s."),
        words={
            "name": responder,
            "author": contribution.author,
            "kind": contribution.get_kind_display().lower(),
        },
    )
    tell_writer(
        project=contribution.project,
        writer=contribution.author,
        responder=responder,
        item=("contribution", contribution.pk),
        version=response.version,
    )
    return response
