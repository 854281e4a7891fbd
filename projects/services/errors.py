"""How a change to a project is refused: `ProjectError`, in words for the person who asked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Project


class ProjectError(Exception):
    """A change that was refused; str(error) is safe to show to the person who asked."""


def refuse_if_closed(project: Project) -> None:
    if project.is_closed:
        raise ProjectError(_("This project is closed, so it can no longer be changed."))
