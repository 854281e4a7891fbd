"""Panels participation adds to project pages (registered with `projects.panels` in
ParticipationConfig.ready()).

Texts the service could not act on: co-leads, who manage members, see how many are waiting on
the project overview, with a link to read them. Nobody else does, and nothing shows when none
are waiting.
"""

from __future__ import annotations

from projects.panels import Panel
from projects.permissions import MANAGE_MEMBERS, ProjectAccess

from .selectors import text_inbox

TEXTS_TEMPLATE = "participation/text_inbox/_panel.html"


def texts_on_overview(access: ProjectAccess) -> Panel | None:
    if not access.can(MANAGE_MEMBERS):
        return None
    count = text_inbox.count_to_look_at(access.project)
    if not count:
        return None
    return Panel(TEXTS_TEMPLATE, {"count": count, "slug": access.project.slug})
