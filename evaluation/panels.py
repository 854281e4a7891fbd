"""The tokenism flags on project pages (registered with `projects.panels` in
EvaluationConfig.ready()).

Who sees them: one rule, `evaluation.flags.visible_to`, used here, on the evaluation report,
its flags CSV and its PDF. Co-leads see them, since they are the ones who can act on a flag;
commissioners see them too, on the overview and in the evidence pack for the gates they sign
off, since the flags are part of the evidence that co-production was genuine. Other members
do not: a flag read by every member could single out the few experts by experience it counts.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from projects.models import Gate
from projects.panels import Panel
from projects.permissions import ProjectAccess

from . import flags

TEMPLATE = "evaluation/_flags_panel.html"


def _panel(access: ProjectAccess, intro: str) -> Panel | None:
    """The project's flags (one query per flag source), or None for a member who does not
    see them."""
    if not flags.visible_to(access):
        return None
    raised = flags.for_projects([access.project])[access.project.pk]
    return Panel(TEMPLATE, {"intro": intro, "flags": raised})


def flags_on_overview(access: ProjectAccess) -> Panel | None:
    """The flags for co-leads and commissioners; nothing for other members."""
    return _panel(
        access,
        _(
            "Signs from the records that experts by experience may not be shaping the work. "
            "Only co-leads and commissioners see this, so that it can be acted on."
        ),
    )


def flags_in_evidence(access: ProjectAccess, gate: Gate) -> Panel | None:
    """Every flag raised in the project, for the commissioner reviewing `gate`."""
    return _panel(
        access,
        _(
            "Signs from the records, as they stand today, that experts by experience may not "
            "be shaping the work, in this stage and across the project."
        ),
    )
