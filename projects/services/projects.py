"""Starting a project, changing its settings, and moving it to another stage.

Each function is keyword-only and either does the whole change or nothing. A refused change
raises `ProjectError` carrying a plain-English message for the person who asked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from coproduce import limits
from coproduce.models import User

from .. import signals
from ..models import EventKind, Project, ProjectRoleGroup, Role, Stage
from ..permissions import ROLE_PERMISSIONS
from .errors import ProjectError, refuse_if_closed
from .history import log_event
from .memberships import add_member, refuse_commissioner_co_lead


def _validate(project: Project, *, exclude: list[str] | None = None) -> None:
    """The model's own rules (lengths, a title on one line...), refused as a ProjectError."""
    try:
        project.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ProjectError(" ".join(error.messages)) from None


# Slugs that would be hidden by a fixed route under /projects/.
RESERVED_SLUGS = frozenset({"new"})
# The same project started again by the same person this soon is a double tap or a retry.


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "project"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_with_unique_slug(project: Project) -> None:
    """Save a new project under the first free slug for its title.

    Two people starting projects with the same title at the same moment both see the slug
    free; the database's unique constraint refuses the second insert, which then takes the
    next free slug (after the first commits, on PostgreSQL) instead of failing.
    """
    for _attempt in range(5):
        project.slug = _unique_slug(project.title)
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            if not Project.objects.filter(slug=project.slug).exists():
                raise
        else:
            return
    raise ProjectError(_("Many projects with this title are being started. Please try again."))


@transaction.atomic
def create_project(
    *,
    creator: User,
    title: str,
    summary: str,
    creator_role: Role | str,
    **settings: Any,
) -> Project:
    """Start a project: its role groups and permissions, with the creator as first co-lead.

    The same title and summary from the same person within a minute (a double tap, a retry)
    return the project they just started rather than a second one.
    """
    refuse_commissioner_co_lead(Role(creator_role), True)
    # Locking the creator's row makes their own simultaneous sends wait for each other.
    list(User.objects.select_for_update().filter(pk=creator.pk))
    same = (
        Project.objects.filter(
            created_by=creator,
            title=title,
            summary=summary,
            created_at__gte=timezone.now() - limits.RESUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if same is not None:
        return same
    project = Project(title=title, summary=summary, created_by=creator, **settings)
    _validate(project, exclude=["slug"])
    _save_with_unique_slug(project)
    for key, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.create(name=f"project-{project.pk}-{key}")
        ProjectRoleGroup.objects.create(project=project, key=key, group=group)
        for perm in perms:
            assign_perm(f"projects.{perm}", group, project)
    log_event(
        project=project,
        kind=EventKind.PROJECT_CREATED,
        actor=creator,
        summary=_("%(name)s started the project.") % {"name": creator},
    )
    add_member(project=project, user=creator, role=creator_role, actor=creator, is_co_lead=True)
    return project


@transaction.atomic
def update_settings(*, project: Project, actor: User, changes: dict[str, Any]) -> Project:
    """Apply validated changes to a project's settings and record which fields changed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    refuse_if_closed(project)
    changed = {name: value for name, value in changes.items() if getattr(project, name) != value}
    if not changed:
        return project
    for name, value in changed.items():
        setattr(project, name, value)
    _validate(project)
    project.save(update_fields=list(changed))
    labels = ", ".join(
        str(getattr(Project._meta.get_field(name), "verbose_name", name)) for name in changed
    )
    log_event(
        project=project,
        kind=EventKind.SETTINGS_CHANGED,
        actor=actor,
        summary=_("Changed: %(fields)s.") % {"fields": labels},
        data={"fields": sorted(changed)},
    )
    return project


def change_stage(*, project: Project, to: Stage, actor: User | None, reason: str) -> None:
    """Move a locked project to `to`; callers (the gate services) hold the transaction.

    Sends `signals.stage_changed` inside that transaction, so what later apps queue because a
    stage ended (the evaluation survey requests) commits with the change or not at all."""
    old = project.get_stage_display()
    from_stage = project.stage
    project.stage = to
    project.save(update_fields=["stage"])
    log_event(
        project=project,
        kind=EventKind.STAGE_CHANGED,
        actor=actor,
        summary=_("Stage changed from %(old)s to %(new)s: %(reason)s")
        % {"old": old, "new": to.label, "reason": reason},
        data={"from": str(old), "to": to.value},
    )
    signals.stage_changed.send(sender=Project, project=project, from_stage=from_stage, to_stage=to)
