"""Demo projects: one in each stage, the same people in each (see coproduce.demo)."""

from __future__ import annotations

from typing import Any

from coproduce.models import User

from . import services
from .models import Project, Role, Stage

DEMO_PROJECTS: list[tuple[str, str, Stage]] = [
    (
        "demo-night-shelter",
        "Night shelter redesign",
        Stage.DESIGN,
    ),
    ("demo-peer-mentoring", "Peer mentoring for people leaving prison", Stage.DELIVERY),
    ("demo-recovery-cafe", "Recovery café commissioning", Stage.COMMISSIONING),
    ("demo-hospital-discharge", "Homeless hospital discharge review", Stage.EVALUATION),
    ("demo-winter-outreach", "Winter outreach pilot", Stage.CLOSED),
]

# Demo content is stored in the database like anything members write, so, like the titles
# above, it is not translated.
SUMMARY = (
    "People who have used the service and people who run it decide together how it should work."
)


def _members(people: dict[str, User]) -> list[tuple[User, Role, bool]]:
    return [
        (people["expert1"], Role.EXPERT_BY_EXPERIENCE, True),
        (people["expert2"], Role.EXPERT_BY_EXPERIENCE, False),
        (people["expert3"], Role.EXPERT_BY_EXPERIENCE, False),
        (people["practitioner2"], Role.PRACTITIONER, False),
        # A third practitioner, so that both groups reach the 3 survey answers whose figures
        # are shown (evaluation.demo).
        (people["practitioner3"], Role.PRACTITIONER, False),
        (people["commissioner1"], Role.COMMISSIONER, False),
    ]


def seed(people: dict[str, User], **_others: Any) -> dict[str, Project]:
    """Create the demo projects if missing; running again changes nothing."""
    lead = people["practitioner1"]
    projects: dict[str, Project] = {}
    for slug, title, stage in DEMO_PROJECTS:
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            project = services.create_project(
                creator=lead, title=title, summary=SUMMARY, creator_role=Role.PRACTITIONER
            )
            Project.objects.filter(pk=project.pk).update(slug=slug)
            project.slug = slug
            for user, role, co_lead in _members(people):
                services.add_member(
                    project=project, user=user, role=role, actor=lead, is_co_lead=co_lead
                )
            if stage != Stage.DESIGN:
                services.change_stage(
                    project=project, to=stage, actor=lead, reason="the demo starts here."
                )
        projects[slug] = project
    return projects
