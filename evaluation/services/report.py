"""Writing the team's part of the evaluation report: the summary, and peer research findings.

The summary is written together, so two people may edit it at once. Each save names the
version it was made from (`based_on`); a save made from a version that is no longer the
latest is refused with `SummaryChanged`, which carries the latest version, and the page gives
back everything the person typed: nothing anyone wrote is lost or overwritten unseen. The
same save sent twice (a double tap) records one version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from coproduce import dates, limits
from coproduce.models import User
from participation.models import Activity, unquotable_ids
from projects.models import Project
from projects.services import ProjectError
from projects.services.errors import refuse_if_closed

from ..models.report import FINDING, METHOD, SUMMARY_PART, Finding, SummaryVersion, TeamSummary
from ..selectors.report import saved_by


class SummaryChanged(ProjectError):
    """Someone saved the summary after the version this save was made from."""

    def __init__(self, latest: SummaryVersion) -> None:
        self.latest = latest
        self.saver = _saver(latest)
        super().__init__(
            _(
                "%(name)s saved a new version of the summary (version %(number)d, %(when)s) "
                "while you were writing, so yours was not saved yet. Nothing is lost: the "
                "form now holds their changes and yours. Where you both changed the same "
                "part, yours is kept and theirs is shown with it. Check the form, then save "
                "again."
            )
            % {
                "name": _saver(latest),
                "number": latest.number,
                "when": dates.moment(latest.saved_at),
            }
        )


def _saver(version: SummaryVersion) -> str:
    """Who saved `version`, as the report names them (`selectors.report.saved_by`), to begin
    a sentence."""
    people = {version.author_id} if version.author_id is not None else set()
    return capfirst(saved_by(version.author, unquotable_ids(people)))


@dataclass(frozen=True)
class Merged:
    """A refused save's parts, brought up to the latest version: `parts` (SummaryVersion.PARTS
    -> text) hold the writer's own changes and, where they changed nothing, the latest text;
    `both_changed` names the parts both the writer and the latest version changed (there the
    writer's words are kept, and `theirs` holds the latest text to read beside them)."""

    parts: dict[str, str]
    both_changed: tuple[str, ...]
    theirs: dict[str, str]


def merge_with_latest(
    *, project: Project, based_on: int, parts: Mapping[str, str], latest: SummaryVersion
) -> Merged:
    """Three-way merge of a refused save (started from version `based_on`, 0 for none) with
    `latest`, part by part, so that saving the result never drops what the other person
    wrote in a part the writer left alone (one query)."""
    base: dict[str, str] = {name: "" for name in SummaryVersion.PARTS}
    if based_on:
        started = SummaryVersion.objects.filter(summary__project=project, number=based_on).first()
        if started is not None:
            base = started.parts()
    newest = latest.parts()
    merged: dict[str, str] = {}
    both: list[str] = []
    for name in SummaryVersion.PARTS:
        mine = (parts.get(name) or "").strip()
        if mine == base[name] or mine == newest[name]:
            merged[name] = newest[name]  # unchanged by the writer, or changed the same way
        elif newest[name] == base[name]:
            merged[name] = mine  # only the writer changed it
        else:
            merged[name] = mine
            both.append(name)
    return Merged(parts=merged, both_changed=tuple(both), theirs=newest)


def save_summary(
    *, project: Project, author: User, based_on: int, parts: Mapping[str, str]
) -> SummaryVersion:
    """Save the summary's parts (`SummaryVersion.PARTS` -> text) as its next version.

    `based_on` is the number of the version the person started from (0 for none). Raises
    `SummaryChanged` when a later version was saved meanwhile, and ProjectError for text over
    its limit, an empty summary, or a closed project. The same parts sent again return the
    latest version unchanged.
    """
    texts = {name: (parts.get(name) or "").strip() for name in SummaryVersion.PARTS}
    for text in texts.values():
        limits.refuse_too_long(text, limit=SUMMARY_PART, error=ProjectError)
    if not any(texts.values()):
        raise ProjectError(_("Write at least one part of the summary before saving."))
    try:
        with transaction.atomic():
            refuse_if_closed(project)
            summary, _created = TeamSummary.objects.get_or_create(project=project)
            summary = TeamSummary.objects.select_for_update().get(pk=summary.pk)
            latest = summary.versions.select_related("author").first()
            if latest is not None and latest.parts() == texts:
                return latest  # sent twice, or the same words: nothing new to keep
            if summary.version != based_on and latest is not None:
                raise SummaryChanged(latest)
            version = SummaryVersion.objects.create(
                summary=summary, number=summary.version + 1, author=author, **texts
            )
            summary.version = version.number
            summary.save(update_fields=["version"])
            return version
    except IntegrityError:
        # Two first saves at the same moment: both found no summary; the other one won.
        latest = SummaryVersion.objects.filter(summary__project=project).first()
        if latest is None:
            raise
        if latest.parts() == texts:
            return latest
        raise SummaryChanged(latest) from None


@transaction.atomic
def add_finding(
    *,
    project: Project,
    author: User,
    title: str,
    found: str,
    method: str,
    activity: Activity | None = None,
    named: bool = False,
) -> Finding:
    """Record a finding from an evaluation activity the author led.

    `named`: the author asks for their name to be shown with it. Showing it is quoting them,
    so the report shows it only while they have not said no to being quoted (the site's one
    rule); ticking the box never changes what they agreed to. The same finding sent twice
    within a minute returns the first.
    Raises ProjectError for empty or over-long text, an activity of another project, or a
    closed project.
    """
    title, found, method = title.strip(), found.strip(), method.strip()
    limits.refuse_too_long(title, limit=limits.PROJECT_TITLE, error=ProjectError)
    limits.refuse_not_one_line(title, error=ProjectError)
    limits.refuse_too_long(found, limit=FINDING, error=ProjectError)
    limits.refuse_too_long(method, limit=METHOD, error=ProjectError)
    limits.refuse_not_one_line(method, error=ProjectError)
    if not (title and found and method):
        raise ProjectError(_("Give the finding a title, say what was found and how."))
    if activity is not None and activity.project_id != project.pk:
        raise ProjectError(_("Choose an activity of this project."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    refuse_if_closed(project)
    same = Finding.objects.filter(
        project=project,
        author=author,
        title=title,
        found=found,
        created_at__gte=timezone.now() - limits.RESUBMIT_WINDOW,
    ).first()
    if same is not None:
        return same
    return Finding.objects.create(
        project=project,
        author=author,
        title=title,
        found=found,
        method=method,
        activity=activity,
        named=named,
    )


@transaction.atomic
def withdraw_finding(*, finding: Finding, user: User) -> None:
    """Delete a finding at its author's request: the report no longer shows it anywhere.
    Raises ProjectError for anyone but its author, or in a closed project. Withdrawing one
    already gone (a double tap) does nothing."""
    if finding.author_id != user.pk:
        raise ProjectError(_("Only the person who recorded a finding can withdraw it."))
    refuse_if_closed(finding.project)
    Finding.objects.filter(pk=finding.pk).delete()
