"""Every change to projects, memberships and stage gates: atomic, logged, keeping guardian in step.

- `projects`: start a project, change its settings, move it to another stage.
- `memberships`: join, change role, co-lead, remove, leave; the membership lock.
- `gates`: propose, open and vote on a stage gate, sign it off.
- `closing`: tally and close a gate, and react when a voter stops voting.
- `guards`: the checks shown before a vote opens.
- `errors` (`ProjectError`, a refusal in plain words) and `history` (`log_event`): shared by all.

The project and membership services are re-exported here, so a caller that uses both writes
`services.create_project(...)` and `services.add_member(...)`.
"""

from .errors import ProjectError
from .history import log_event
from .memberships import (
    add_member,
    change_role,
    last_co_lead_refusal,
    leave_project,
    removal_refusal,
    remove_member,
    set_co_lead,
)
from .projects import change_stage, create_project, update_settings

__all__ = [
    "ProjectError",
    "add_member",
    "change_role",
    "change_stage",
    "create_project",
    "last_co_lead_refusal",
    "leave_project",
    "log_event",
    "removal_refusal",
    "remove_member",
    "set_co_lead",
    "update_settings",
]
