"""Projects, who is in them, and the guardian groups that give each member their rights.

The rows are the ones `create_project` and `add_member` would make, written in bulk: one
group per role (and one for co-leads) holding ROLE_PERMISSIONS on the project, and each
current member in the groups of their role.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils.text import slugify

from coproduce.load import People
from coproduce.loading import Plan
from coproduce.models import User

from ..models import (
    DecisionRule,
    EventKind,
    Membership,
    Project,
    ProjectGroupObjectPermission,
    ProjectRoleGroup,
    Role,
    Stage,
)
from ..permissions import ROLE_PERMISSIONS
from .shape import STAGES, History, LoadedProject, Member

SERVICES = [
    "Night shelter redesign", "Peer mentoring", "Recovery café", "Hospital discharge review",
    "Winter outreach", "Housing First pilot", "Women's centre", "Drop-in day service",
    "Prison leavers' support", "Mental health crisis line", "Needle exchange review",
    "Supported lodgings", "Food bank referrals", "Street outreach", "Detox aftercare",
]  # fmt: skip
PLACES = [
    "Northfield", "Riverside", "Old Town", "Eastgate", "Hillcrest", "Marsh End", "Brookside",
    "Kingsway", "Southmead", "Westbury", "the city centre", "the county",
]  # fmt: skip
SUMMARY = (
    "People who have used {service} and people who run it decide together how it should work "
    "in {place}."
)

STAGE_WEIGHTS = [
    (Stage.DESIGN, 0.28),
    (Stage.DELIVERY, 0.24),
    (Stage.COMMISSIONING, 0.2),
    (Stage.EVALUATION, 0.16),
    (Stage.CLOSED, 0.12),
]
RULE_WEIGHTS = [
    (DecisionRule.DUAL_KEY, 0.7),
    (DecisionRule.PARITY_WEIGHTED, 0.2),
    (DecisionRule.CONSENT, 0.1),
]
HOME_ROLES = [
    (Role.EXPERT_BY_EXPERIENCE, 0.55),
    (Role.PRACTITIONER, 0.38),
    (Role.COMMISSIONER, 0.07),
]
# Share of all projects each heavy member is in (86 of 1000), and the co-lead's (40 of 1000).
HEAVY_SHARE = 0.086
CO_LEAD_SHARE = 0.04
PERSONA_ROLES = {
    "practitioner": Role.PRACTITIONER,
    "expert": Role.EXPERT_BY_EXPERIENCE,
    "commissioner": Role.COMMISSIONER,
    "colead": Role.PRACTITIONER,
}


class Pools:
    """Who may be picked for each role: everyone has one role they take in every project."""

    def __init__(self, plan: Plan, people: People) -> None:
        self.plan = plan
        self.by_role: dict[Role, list[User]] = {role: [] for role, _weight in HOME_ROLES}
        for user in people.regular:
            self.by_role[plan.pick(HOME_ROLES)].append(user)

    def draw(self, role: Role, count: int, taken: set[str]) -> list[User]:
        """`count` people of `role` not in `taken` (emails), marked taken."""
        found: list[User] = []
        pool = self.by_role[role]
        while len(found) < count:
            user = self.plan.rng.choice(pool)
            if user.email not in taken:
                taken.add(str(user.email))
                found.append(user)
        return found


def _timeline(plan: Plan) -> dict[Stage, datetime]:
    final = plan.pick(STAGE_WEIGHTS)
    reached = STAGES[: STAGES.index(final) + 1]
    start = plan.now - timedelta(days=plan.rng.randint(20, 60))
    starts = {final: start}
    for stage in reversed(reached[:-1]):
        start -= timedelta(days=plan.rng.randint(50, 90), hours=plan.rng.randint(0, 23))
        starts[stage] = start
    return dict(sorted(starts.items(), key=lambda item: STAGES.index(item[0])))


def _project(plan: Plan, index: int, stage: Stage) -> Project:
    service, place = plan.rng.choice(SERVICES), plan.rng.choice(PLACES)
    title = f"{service} in {place}"
    return Project(
        title=title,
        slug=f"{slugify(title)[:70]}-{index + 1}",
        summary=SUMMARY.format(service=service.lower(), place=place),
        stage=stage,
        decision_rule=plan.pick(RULE_WEIGHTS),
        quorum=plan.pick([(Decimal("0.50"), 0.8), (Decimal("0.40"), 0.1), (Decimal("0.60"), 0.1)]),
        min_votes_per_bloc=2,
        voting_window_hours=plan.pick([(72, 0.6), (96, 0.2), (168, 0.2)]),
        signoff_every_gate=plan.chance(0.15),
    )


def _members(
    plan: Plan, pools: Pools, loaded: LoadedProject, personas: dict[str, User], heavy: set[str]
) -> None:
    """Experts by experience, practitioners and commissioners; a co-lead from each voting
    group (the first of the learned group started the project); a few who left."""
    created = loaded.project.created_at
    counts = {
        Role.EXPERT_BY_EXPERIENCE: plan.rng.randint(4, 8),
        Role.PRACTITIONER: plan.rng.randint(3, 6),
        Role.COMMISSIONER: plan.rng.randint(1, 2),
    }
    taken = {str(personas[key].email) for key in heavy}
    chosen: dict[Role, list[User]] = {}
    for role, count in counts.items():
        wanted = [personas[key] for key in sorted(heavy) if PERSONA_ROLES[key] == role]
        others = pools.draw(role, max(count - len(wanted), 1), taken)
        # The first of each voting group co-leads: the persona co-lead where it is a member
        # (it starts the project), never the other personas, who are there as members.
        if "colead" in heavy and role == PERSONA_ROLES["colead"]:
            wanted.sort(key=lambda user: user != personas["colead"])
            chosen[role] = wanted + others
        else:
            chosen[role] = others[:1] + wanted + others[1:]
    latest = plan.now - timedelta(days=1)
    for role, users in chosen.items():
        for position, user in enumerate(users):
            second = position == 1 and user not in personas.values()
            co_lead = role != Role.COMMISSIONER and (position == 0 or (second and plan.chance(0.3)))
            if role == Role.PRACTITIONER and position == 0:
                joined = created
            elif co_lead or role == Role.COMMISSIONER or plan.chance(0.75):
                joined = created + timedelta(hours=plan.rng.randint(1, 72))
            else:
                joined = plan.between(created + timedelta(days=3), latest)
            loaded.members.append(Member(user, role, co_lead, joined))
    for _n in range(plan.rng.randint(0, 2)):
        role = plan.pick([(Role.EXPERT_BY_EXPERIENCE, 0.6), (Role.PRACTITIONER, 0.4)])
        joined = created + timedelta(hours=plan.rng.randint(1, 72))
        left = plan.between(joined + timedelta(days=14), latest)
        (user,) = pools.draw(role, 1, taken)
        loaded.members.append(Member(user, role, False, joined, min(left, latest)))
    loaded.members.sort(key=lambda m: (not m.is_co_lead, m.role != Role.PRACTITIONER))


def load_projects(plan: Plan, people: People, history: History) -> list[LoadedProject]:
    pools = Pools(plan, people)
    count = plan.projects
    heavy_in: dict[str, set[int]] = {
        key: set(plan.rng.sample(range(count), plan.share(count, share)))
        for key, share in (
            ("practitioner", HEAVY_SHARE),
            ("expert", HEAVY_SHARE),
            ("commissioner", HEAVY_SHARE),
            ("colead", CO_LEAD_SHARE),
        )
    }
    loaded_projects: list[LoadedProject] = []
    for index in plan.progress(range(count), "projects and members"):
        starts = _timeline(plan)
        stage = list(starts)[-1]
        project = _project(plan, index, stage)
        project.created_at = next(iter(starts.values()))
        loaded = LoadedProject(project, [], starts)
        heavy = {key for key, indexes in heavy_in.items() if index in indexes}
        _members(plan, pools, loaded, people.personas, heavy)
        project.created_by = loaded.lead
        loaded_projects.append(loaded)
    plan.save(Project, [lp.project for lp in loaded_projects])
    plan.save(
        Membership,
        [
            Membership(
                project=lp.project,
                user=m.user,
                role=m.role,
                is_co_lead=m.is_co_lead,
                joined_at=m.joined_at,
                left_at=m.left_at,
            )
            for lp in loaded_projects
            for m in lp.members
        ],
    )
    _grant(plan, loaded_projects)
    for lp in loaded_projects:
        _log_members(lp, history)
    return loaded_projects


def _grant(plan: Plan, loaded_projects: list[LoadedProject]) -> None:
    """The role groups and their permissions, as `create_project` makes them, and each
    current member in their groups, as `add_member` puts them."""
    perm_ids = dict(
        Permission.objects.filter(
            content_type__app_label="projects", content_type__model="project"
        ).values_list("codename", "pk")
    )
    groups = {
        (lp.project.pk, key): Group(name=f"project-{lp.project.pk}-{key}")
        for lp in loaded_projects
        for key in ROLE_PERMISSIONS
    }
    plan.save(Group, groups.values(), "role groups")
    plan.save(
        ProjectRoleGroup,
        (
            ProjectRoleGroup(project_id=project_id, key=key, group=group)
            for (project_id, key), group in groups.items()
        ),
    )
    plan.save(
        ProjectGroupObjectPermission,
        (
            ProjectGroupObjectPermission(
                group=group, permission_id=perm_ids[perm], content_object_id=project_id
            )
            for (project_id, key), group in groups.items()
            for perm in sorted(ROLE_PERMISSIONS[key])
        ),
        "group permissions",
    )
    in_group = User.groups.through
    plan.save(
        in_group,
        (
            in_group(user_id=m.user.pk, group_id=groups[(lp.project.pk, key)].pk)
            for lp in loaded_projects
            for m in lp.members
            if m.left_at is None
            for key in ([m.role.value, ProjectRoleGroup.CO_LEAD] if m.is_co_lead else [m.role])
        ),
        "members in groups",
    )


def _log_members(lp: LoadedProject, history: History) -> None:
    lead = lp.lead
    history.add(
        lp,
        EventKind.PROJECT_CREATED,
        lp.project.created_at,
        f"{lead} started the project.",
        actor=lead,
    )
    for m in lp.members:
        history.add(
            lp,
            EventKind.MEMBER_JOINED,
            m.joined_at,
            f"{m.user} joined as {m.role.label}{' and co-lead' if m.is_co_lead else ''}.",
            actor=lead,
            data={"user": m.user.pk, "role": m.role.value, "is_co_lead": m.is_co_lead},
        )
        if m.left_at is not None:
            history.add(
                lp,
                EventKind.MEMBER_LEFT,
                m.left_at,
                f"{m.user} left the project.",
                actor=m.user,
                data={"user": m.user.pk},
            )
