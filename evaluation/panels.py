"""The tokenism flags on project pages (registered with `projects.panels` in
EvaluationConfig.ready()).

Who sees them: on the project overview, co-leads only, since they are the ones who can act
on a flag (invite people earlier, answer what was said, pay what is owed), and a flag read
by every member could single out the few experts by experience it counts. In the evidence
pack, whoever may open the pack (commissioners who sign off): the flags are part of the
evidence that co-production was genuine.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from projects.models import Gate, Stage
from projects.panels import Panel
from projects.permissions import ProjectAccess

from . import flags

TEMPLATE = "evaluation/_flags_panel.html"


def _panel(access: ProjectAccess, intro: str) -> Panel:
    """The project's flags, each with its stage's name (one query per flag source)."""
    raised = flags.for_projects([access.project])[access.project.pk]
    return Panel(
        TEMPLATE,
        {
            "intro": intro,
            "flags": [
                {"flag": flag, "stage": Stage(flag.stage).label if flag.stage else ""}
                for flag in raised
            ],
        },
    )


def flags_on_overview(access: ProjectAccess) -> Panel | None:
    """The flags for a co-lead; nothing for other members."""
    if not access.membership.is_co_lead:
        return None
    return _panel(
        access,
        _(
            "Signs from the records that experts by experience may not be shaping the work. "
            "Only co-leads see this, so you can act on it."
        ),
    )


def flags_in_evidence(access: ProjectAccess, gate: Gate) -> Panel:
    """Every flag raised in the project, for the commissioner reviewing `gate`."""
    return _panel(
        access,
        _(
            "Signs from the records, as they stand today, that experts by experience may not "
            "be shaping the work, in this stage and across the project."
        ),
    )
