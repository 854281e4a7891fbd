"""Participation evidence for the gate guards (registered in ParticipationConfig.ready)."""

from __future__ import annotations

from datetime import datetime

from projects.models import Project

from .models import Contribution


def stage_contributors(project: Project, stage: str, before: datetime) -> set[int]:
    """Members who added an idea, comment or objection in `stage` before `before`."""
    return set(
        Contribution.objects.filter(project=project, stage=stage, created_at__lt=before)
        .values_list("author_id", flat=True)
        .distinct()
    )
