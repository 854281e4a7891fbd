"""What members said and who was asked to join: ideas with responses, and invitations that
are waiting, accepted, expired or withdrawn."""

from __future__ import annotations

import base64
from datetime import timedelta

from coproduce.load import FIRST_NAMES
from coproduce.loading import Plan
from projects.load import LoadedProject
from projects.load.shape import History
from projects.models import EventKind, ResponseOutcome, Role, Stage

from ..models import Contribution, ContributionKind, ContributionResponse, Invitation
from ..tokens import hash_token, invitation_token

IDEAS = [
    "Keep the doors open until midnight for people who work late.",
    "Ask people on the waiting list, not only those already in.",
    "Put the timetable on the noticeboard as well as online.",
    "Pay for bus fares up front so nobody is out of pocket.",
    "Have a quiet room for people who find groups hard.",
]
ANSWERS = ["We did this from the next week.", "We tried part of it; the rest costs too much."]
INVITE_DAYS = 14


def load_contributions(
    plan: Plan, projects: list[LoadedProject], history: History
) -> tuple[list[Contribution], list[ContributionResponse]]:
    """Ideas, comments and concerns in each stage a project reached; an expert by experience
    speaks first in each (the gate guard asks for that), and about half get a response."""
    said: list[Contribution] = []
    answers: list[ContributionResponse] = []
    for lp in plan.progress(projects, "ideas and responses"):
        stages = [s for s in lp.stage_starts if s != Stage.CLOSED]
        for stage in stages:
            start = lp.stage_starts[stage]
            end = lp.stage_ends.get(stage, plan.now)
            for n in range(plan.rng.randint(1, 4)):
                at = (
                    start + timedelta(days=plan.rng.randint(1, 3))
                    if n == 0
                    else plan.between(start, end - timedelta(hours=1))
                )
                role = Role.EXPERT_BY_EXPERIENCE if n == 0 else None
                people = [m for m in lp.at(at, role=role) if m.votes]
                if not people:
                    continue
                author = plan.rng.choice(people)
                helped = author.role == Role.EXPERT_BY_EXPERIENCE and plan.chance(0.1)
                said.append(
                    Contribution(
                        project=lp.project,
                        author=author.user,
                        stage=stage,
                        kind=plan.pick(
                            [
                                (ContributionKind.IDEA, 0.6),
                                (ContributionKind.COMMENT, 0.25),
                                (ContributionKind.OBJECTION, 0.15),
                            ]
                        ),
                        body=plan.rng.choice(IDEAS),
                        created_at=at,
                        recorded_by=lp.lead if helped else None,
                        confirmed=True if helped else None,
                    )
                )
                history.add(
                    lp,
                    EventKind.CONTRIBUTION_ADDED,
                    at,
                    f"{author.user} added an idea.",
                    actor=author.user,
                )
                answered = at + timedelta(days=plan.rng.randint(1, 10))
                if answered < plan.now and plan.chance(0.5):
                    answers.append(
                        ContributionResponse(
                            contribution=said[-1],
                            outcome=plan.rng.choice([o for o in ResponseOutcome if o]),
                            body=plan.rng.choice(ANSWERS),
                            responder=lp.lead,
                            at=answered,
                        )
                    )
    plan.save(Contribution, said, "ideas")
    plan.save(ContributionResponse, answers, "responses to ideas")
    return said, answers


def _nonce(plan: Plan) -> str:
    """A nonce like `tokens.new_nonce()` makes, drawn from the plan so a seed repeats it."""
    return base64.urlsafe_b64encode(plan.rng.randbytes(32)).decode().rstrip("=")


def load_invitations(
    plan: Plan, projects: list[LoadedProject], history: History, co_lead_email: str
) -> list[Invitation]:
    """Accepted invitations for the members who joined after the start; waiting ones (more for
    the persona co-lead's projects), expired and withdrawn ones to people who never came."""
    invitations: list[Invitation] = []
    sent_by: list[LoadedProject] = []
    outsider = 0
    for lp in plan.progress(projects, "invitations"):
        created = lp.project.created_at
        for m in lp.members:
            if m.joined_at > created + timedelta(days=3):
                sent = m.joined_at - timedelta(hours=plan.rng.randint(2, 24 * 10))
                invitations.append(
                    Invitation(
                        project=lp.project,
                        role=m.role,
                        name=m.user.display_name,
                        email=m.user.email or "",
                        invited_by=lp.lead,
                        created_at=sent,
                        sent_at=sent,
                        expires_at=sent + timedelta(days=INVITE_DAYS),
                        accepted_at=m.joined_at,
                        accepted_by=m.user,
                    )
                )
        is_open = lp.project.stage != Stage.CLOSED
        waiting = 0
        if is_open:
            heavy = str(lp.lead.email) == co_lead_email
            waiting = plan.pick([(3, 0.3), (4, 0.7)]) if heavy else plan.rng.randint(0, 2)
        states = ["waiting"] * waiting
        states += ["expired"] * plan.pick([(0, 0.7), (1, 0.25), (2, 0.05)])
        states += ["withdrawn"] * (1 if plan.chance(0.05) else 0)
        for state in states:
            outsider += 1
            if state == "waiting":
                sent = plan.now - timedelta(hours=plan.rng.randint(1, 24 * (INVITE_DAYS - 1)))
            else:
                sent = plan.between(created, plan.now - timedelta(days=INVITE_DAYS + 1))
            by_phone = plan.chance(0.15)
            invitations.append(
                Invitation(
                    project=lp.project,
                    role=plan.pick([(Role.EXPERT_BY_EXPERIENCE, 0.6), (Role.PRACTITIONER, 0.4)]),
                    name=f"{plan.rng.choice(FIRST_NAMES)} (invited)",
                    email="" if by_phone else f"invitee-{outsider}@example.org",
                    phone=f"+447700900{outsider % 1000:03d}" if by_phone else "",
                    invited_by=lp.lead,
                    created_at=sent,
                    sent_at=sent,
                    expires_at=sent + timedelta(days=INVITE_DAYS),
                    revoked_at=sent + timedelta(days=2) if state == "withdrawn" else None,
                )
            )
        sent_by.extend([lp] * (len(invitations) - len(sent_by)))
    for invitation in invitations:
        invitation.token_nonce = _nonce(plan)
        invitation.token_hash = hash_token(invitation_token(invitation))
    plan.save(Invitation, invitations)
    for lp, invitation in zip(sent_by, invitations, strict=True):
        history.add(
            lp,
            EventKind.INVITATION_SENT,
            invitation.sent_at,
            f"{lp.lead} invited {invitation.name} as {invitation.role_enum.label}.",
            actor=lp.lead,
            data={"invitation": invitation.pk, "role": invitation.role, "send": 1},
        )
    return invitations
