"""`seed_load`: a large benchmark data set, loaded in bulk, that behaves on the site like data
made through the services."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from coproduce.models import User
from evaluation.models import MIN_ANSWERS, SurveyRequest, SurveyResponse
from participation.models import (
    Activity,
    Attendance,
    Contribution,
    ContributionResponse,
    Expense,
    Invitation,
    InvolvementPayment,
    PaymentPolicy,
    Reply,
)
from projects.decision import BlocBallots, decide
from projects.models import (
    QUORUM_UNREACHABLE,
    Choice,
    Event,
    Gate,
    GateStatus,
    Membership,
    ObjectionResponse,
    Project,
    ProjectGroupObjectPermission,
    ProjectRoleGroup,
    Role,
    SignOff,
    Stage,
    Vote,
    VoteChannel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """As on a developer's machine, where the load runs without --not-production."""
    settings.DEBUG = True


def small_load(**options: int) -> None:
    call_command("seed_load", **{"projects": 6, "users": 80, "seed": 1, "verbosity": 0, **options})


class Rollback(Exception):
    pass


def digest() -> str:
    """The loaded data without primary keys, which differ from one database to the next, and
    with times as offsets from each project's start (the load counts back from now)."""
    start = dict(Project.objects.values_list("pk", "created_at"))

    def since(project_id: int, moment: datetime | None) -> timedelta | None:
        return None if moment is None else moment - start[project_id]

    rows = [
        list(User.objects.order_by("email").values_list("email", "display_name")),
        list(Project.objects.order_by("slug").values_list("slug", "stage", "decision_rule")),
        [
            (slug, email, role, co_lead, since(project_id, left_at))
            for project_id, slug, email, role, co_lead, left_at in Membership.objects.order_by(
                "project__slug", "user__email"
            ).values_list(
                "project_id", "project__slug", "user__email", "role", "is_co_lead", "left_at"
            )
        ],
        list(
            Gate.objects.order_by("project__slug", "created_at").values_list(
                "project__slug", "from_stage", "status", "passed", "reason", "results"
            )
        ),
        list(
            Vote.objects.order_by(
                "gate__project__slug", "gate__created_at", "voter__email"
            ).values_list("voter__email", "choice", "channel", "reason")
        ),
        sorted(
            (slug, kind, str(actor), since(project_id, at))
            for project_id, slug, kind, actor, at in Event.objects.values_list(
                "project_id", "project__slug", "kind", "actor__email", "at"
            )
        ),
        sorted(Attendance.objects.values_list("activity__title", "user__email", "presence")),
        sorted(SurveyResponse.objects.values_list("project__slug", "moment", "stage", "group")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_small_load_makes_every_kind_of_row_quietly_at_verbosity_0(capsys):
    small_load()

    assert User.objects.count() == 80
    assert User.objects.filter(emailaddress__verified=True).count() == 80
    assert Project.objects.count() == 6
    assert ProjectRoleGroup.objects.count() == 6 * 4
    assert ProjectGroupObjectPermission.objects.count() == 6 * 27
    members = Membership.objects.count()
    assert 6 * 9 <= members <= 6 * 20
    assert Membership.objects.filter(left_at__isnull=False).exists()
    assert Membership.objects.filter(is_co_lead=True, role=Role.EXPERT_BY_EXPERIENCE).exists()
    for email in ("practitioner", "expert", "commissioner", "colead"):
        assert Membership.objects.filter(user__email=f"load-{email}@example.org").exists()
    for model in (
        Gate, Vote, Event, Contribution, ContributionResponse, Invitation, Activity, Reply,
        Attendance, PaymentPolicy, InvolvementPayment, SurveyRequest, SurveyResponse,
    ):  # fmt: skip
        assert model.objects.exists(), model
    assert capsys.readouterr().err == ""


def test_a_larger_load_has_every_stage_and_every_state_of_a_decision():
    call_command("seed_load", projects=60, users=500, seed=3, verbosity=0)

    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage)
    assert set(Gate.objects.values_list("status", flat=True)) == set(GateStatus)
    closed = Gate.objects.filter(status=GateStatus.CLOSED)
    assert closed.filter(passed=True).exists()
    assert closed.filter(passed=False).exclude(reason=QUORUM_UNREACHABLE).exists()
    assert closed.filter(reason=QUORUM_UNREACHABLE).exists()
    assert SignOff.objects.filter(assured=True).exists()
    assert Gate.objects.awaiting_signoff().exists()
    assert set(Vote.objects.values_list("choice", flat=True)) == set(Choice)
    assert set(Vote.objects.values_list("channel", flat=True)) == set(VoteChannel)
    assert not Vote.objects.filter(choice=Choice.OBJECT, reason="").exists()
    assert ObjectionResponse.objects.exists()
    for gate in Gate.objects.open():
        assert gate.closes_at is not None and gate.opened_at is not None
        assert gate.opened_at < gate.closes_at
        assert gate.votes.count() < len(gate.electorate)
    assert Invitation.objects.pending().exists()
    assert Invitation.objects.filter(accepted_at__isnull=False).exists()
    assert Invitation.objects.unanswered().exclude(pk__in=Invitation.objects.pending()).exists()
    assert Expense.objects.exists()


def test_each_closed_decision_stores_what_decide_makes_of_its_votes():
    call_command("seed_load", projects=40, users=400, seed=2, verbosity=0)

    closed = Gate.objects.filter(status=GateStatus.CLOSED).prefetch_related("votes")
    assert closed.count() > 20
    for gate in closed:
        counts = {
            bloc: {"approvals": 0, "objections": 0, "abstentions": 0}
            for bloc in ("lived", "learned")
        }
        field = {"approve": "approvals", "object": "objections", "abstain": "abstentions"}
        for vote in gate.votes.all():
            counts[gate.electorate[str(vote.voter_id)]][field[vote.choice]] += 1
        sizes = {b: sum(1 for v in gate.electorate.values() if v == b) for b in counts}
        decision = decide(
            Project.rule_from(gate.rule),
            lived=BlocBallots(electorate=sizes["lived"], **counts["lived"]),
            learned=BlocBallots(electorate=sizes["learned"], **counts["learned"]),
        )
        if gate.reason == QUORUM_UNREACHABLE:
            assert not decision.passed
            assert decision.reason.startswith("no_quorum")
        else:
            assert (decision.passed, decision.reason.value) == (gate.passed, gate.reason)


def test_the_same_seed_makes_the_same_data():
    with suppress(Rollback), transaction.atomic():
        small_load()
        first = digest()
        raise Rollback
    assert not User.objects.exists()

    small_load()

    assert digest() == first


def test_a_second_load_is_refused_so_the_data_is_not_doubled():
    small_load()

    with pytest.raises(CommandError, match="fresh database"):
        small_load(seed=2)
    assert User.objects.count() == 80


def test_it_refuses_a_site_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--not-production"):
        small_load()
    small_load(not_production=True)
    assert Project.objects.count() == 6


def test_a_loaded_member_opens_their_project_and_its_decision_and_an_outsider_gets_404():
    small_load()
    practitioner = User.objects.get(email="load-practitioner@example.org")
    gate = Gate.objects.filter(project__memberships__user=practitioner).first()
    assert gate is not None
    project = gate.project
    outsider = User.objects.exclude(memberships__project=project).first()
    assert outsider is not None
    member, stranger = Client(), Client()
    member.force_login(practitioner)
    stranger.force_login(outsider)

    assert member.get(project.get_absolute_url()).status_code == 200
    assert member.get(gate.get_absolute_url()).status_code == 200
    assert stranger.get(project.get_absolute_url()).status_code == 404
    assert stranger.get(gate.get_absolute_url()).status_code == 404


def test_the_heavy_members_are_in_about_one_project_in_twelve():
    call_command("seed_load", projects=100, users=800, seed=4, verbosity=0)

    for who in ("practitioner", "expert", "commissioner"):
        heavy = Membership.objects.filter(user__email=f"load-{who}@example.org")
        assert heavy.count() == 9
        assert not heavy.filter(is_co_lead=True).exists()
    co_lead = Membership.objects.filter(user__email="load-colead@example.org", is_co_lead=True)
    assert co_lead.count() == 4


def test_some_projects_have_enough_answers_to_show_figures():
    call_command("seed_load", projects=30, users=300, seed=5, verbosity=0)

    groups: dict[tuple[int, str], int] = {}
    for project_id, role in SurveyResponse.objects.values_list("project_id", "group"):
        groups.setdefault((project_id, role), 0)
        groups[(project_id, role)] += 1
    shown = {p for (p, role), n in groups.items() if n >= MIN_ANSWERS}
    assert shown


MODELS = [
    User, Project, Membership, Gate, Vote, SignOff, ObjectionResponse, Event, Contribution,
    ContributionResponse, Invitation, Activity, Reply, Attendance, PaymentPolicy,
    InvolvementPayment, Expense, SurveyRequest, SurveyResponse,
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_loaded_rows_pass_the_models_own_checks(model):
    call_command("seed_load", projects=20, users=200, seed=6, verbosity=0)

    rows = list(model.objects.order_by("?")[:40])
    assert rows
    for row in rows:
        # A field the services fill in at a later step (who decided an expense) may be empty
        # until then, though no form would accept it blank.
        later = [
            f.name
            for f in model._meta.fields
            if f.null and not f.blank and getattr(row, f.attname) is None
        ]
        row.full_clean(exclude=later)
