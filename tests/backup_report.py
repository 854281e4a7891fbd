"""What a backup must bring back, read from whichever database the process is connected to.

The restore test (tests/test_backup_restore.py) runs `report()` in the test database and, through
`manage.py shell`, in the database restored from its dump, and compares the two.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from projects.models import Gate, GateStatus
from projects.models.gate import QUORUM_UNREACHABLE
from projects.services.closing import tally


def _outcome_agrees(gate: Gate) -> bool:
    """The stored outcome is what the pure rule gives for the stored votes. A vote closed early
    because a group could no longer reach its quorum is stored as such, and did not pass."""
    decision = tally(gate)
    if gate.reason == QUORUM_UNREACHABLE:
        return gate.passed is False and not decision.passed
    return (gate.passed, gate.reason) == (decision.passed, decision.reason.value)


def report() -> dict[str, Any]:
    """Rows per model (every model, by label), each closed decision's stored outcome by id, and
    the ids of closed decisions whose stored outcome the votes do not give."""
    closed = Gate.objects.filter(status=GateStatus.CLOSED).order_by("pk")
    return {
        "rows": {model._meta.label: model._base_manager.count() for model in apps.get_models()},
        "outcomes": {str(gate.pk): [gate.passed, gate.reason] for gate in closed},
        "disagreeing": [gate.pk for gate in closed if not _outcome_agrees(gate)],
    }
