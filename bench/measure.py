"""The in-process half of `make bench`, run by bench/run.py with the benchmark's environment
(production settings against the benchmark's PostgreSQL database and Redis).

    python bench/measure.py pages   -> JSON list of the pages to load: name, url, session
                                       cookie, and the page's SQL queries and HTML bytes
    python bench/measure.py sweep   -> JSON: seconds to queue the reminder sweep for a
                                       decision with SWEEP_MEMBERS people who have not voted
    python bench/measure.py queue N -> queue N emails in the outbox, print their ids' range
    python bench/measure.py sent A B -> how many of the messages with ids A..B were sent

Query counts are taken from the second request to each page (the first warms per-process
caches), through Django's test client with CaptureQueriesContext: the same code and database
the server uses, without the server.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from coproduce.models import User  # noqa: E402
from participation.models import Channel, MessageKind, OutboxMessage, OutboxStatus  # noqa: E402
from projects.models import Gate, GateStatus, Membership, Project, Role  # noqa: E402

# The people seed_load makes for the benchmark: each in many projects.
PERSONAS = {
    "expert": "load-expert@example.org",
    "practitioner": "load-practitioner@example.org",
    "commissioner": "load-commissioner@example.org",
    "co_lead": "load-colead@example.org",
}
SWEEP_MEMBERS = 10_000
BIG_TABLE = 5_000
HOST = "127.0.0.1"


@dataclass
class Page:
    name: str
    url: str
    email: str  # who is signed in
    cookie: str = ""
    status: int = 0
    queries: int = 0
    bytes: int = 0
    slowest_query_ms: float = 0.0  # by EXPLAIN ANALYZE, at this size
    # Tables of more than BIG_TABLE rows read whole by one of the page's queries: a filter on
    # a hot path that no index serves.
    big_table_scans: list[str] = field(default_factory=list)


def _person(persona: str) -> User:
    return User.objects.get(email=PERSONAS[persona])


def _projects_of(user: User, **extra: Any) -> Any:
    return Project.objects.filter(
        memberships__in=Membership.objects.active().filter(user=user, **extra)
    )


def _email_of(membership: Membership | None) -> str:
    if membership is None or not membership.user.email:
        raise SystemExit("seed_load made a project without the member the benchmark needs")
    return membership.user.email


def _co_lead_of(project: Project) -> str:
    return _email_of(Membership.objects.active().filter(project=project, is_co_lead=True).first())


def choose_pages() -> list[Page]:
    """The heaviest page of each kind: the project with the longest history among those with
    a decision open and one closed, seen by one of its co-leads; the evidence pack of a
    decision that needed sign-off, seen by a commissioner of its project; each persona's
    dashboard; the commissioner persona's portfolio."""
    with_both = (
        Project.objects.exclude(stage="closed")
        .filter(gates__status=GateStatus.OPEN)
        .filter(gates__status=GateStatus.CLOSED)
        .distinct()
    )
    project = (
        Project.objects.filter(pk__in=with_both.values("pk"))
        .annotate(size=Count("events"))
        .order_by("-size", "pk")
        .first()
    )
    if project is None:
        raise SystemExit("seed_load made no project with open and closed decisions to measure")
    lead = _co_lead_of(project)
    open_gate = Gate.objects.filter(project=project, status=GateStatus.OPEN).first()
    closed_gate = Gate.objects.filter(project=project, status=GateStatus.CLOSED).last()
    signed = (
        Gate.objects.filter(status=GateStatus.CLOSED, signoff_required=True)
        .exclude(project__stage="closed")  # a closed project's pages can no longer sign off
        .filter(project__memberships__role="commissioner", project__memberships__left_at=None)
        .order_by("-pk")
        .first()
    )
    if open_gate is None or closed_gate is None or signed is None:
        raise SystemExit("seed_load made no decision that needed sign-off to measure")
    commissioner = _email_of(
        Membership.objects.active().filter(project=signed.project, role="commissioner").first()
    )
    slug = {"slug": project.slug}

    def gate_url(gate: Gate, name: str = "projects:gate") -> str:
        return reverse(name, kwargs={"slug": gate.project.slug, "pk": gate.pk})

    return [
        Page("dashboard_expert", reverse("dashboard"), PERSONAS["expert"]),
        Page("dashboard_practitioner", reverse("dashboard"), PERSONAS["practitioner"]),
        Page("dashboard_commissioner", reverse("dashboard"), PERSONAS["commissioner"]),
        Page("project", reverse("projects:detail", kwargs=slug), lead),
        Page("members", reverse("projects:members", kwargs=slug), lead),
        Page("history", reverse("projects:history", kwargs=slug), lead),
        Page("decisions", reverse("projects:gates", kwargs=slug), lead),
        Page("open_decision", gate_url(open_gate), lead),
        Page("closed_decision", gate_url(closed_gate), lead),
        Page("evidence_pack", gate_url(signed, "projects:gate_signoff"), commissioner),
        Page("invitations", reverse("participation:invitations", kwargs=slug), lead),
        Page("ideas", reverse("contributions:list", kwargs=slug), lead),
        Page("activities", reverse("activities:list", kwargs=slug), lead),
        Page("payments", reverse("payments:list", kwargs=slug), lead),
        Page("evaluation_report", reverse("reports:report", kwargs=slug), lead),
        Page("portfolio", reverse("portfolio:portfolio"), PERSONAS["commissioner"]),
    ]


def measure_pages() -> list[dict[str, Any]]:
    pages = choose_pages()
    clients: dict[str, Client] = {}
    for email in {page.email for page in pages}:
        client = Client(HTTP_HOST=HOST)
        client.force_login(User.objects.get(email=email))
        clients[email] = client
    for page in pages:
        client = clients[page.email]
        client.get(page.url)  # warms the process's caches, as a running server's are
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        page.status = response.status_code
        page.queries = len(queries)
        page.bytes = len(response.content)
        page.slowest_query_ms, page.big_table_scans = explained(
            [query["sql"] for query in queries.captured_queries]
        )
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.cookie = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    return [asdict(page) for page in pages]


def explained(statements: list[str]) -> tuple[float, list[str]]:
    """Each SELECT run again under EXPLAIN ANALYZE (PostgreSQL): the slowest one's time in
    ms, and the tables of more than BIG_TABLE rows that any of them reads whole."""
    if connection.vendor != "postgresql":
        return 0.0, []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [BIG_TABLE]
        )
        big = {name for (name,) in cursor.fetchall()}
        slowest, scanned = 0.0, set()
        for sql in statements:
            if not sql.startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            [[plan]] = cursor.fetchall()
            slowest = max(slowest, plan[0]["Execution Time"])
            scanned |= {table for table in _seq_scans(plan[0]["Plan"]) if table in big}
    return round(slowest, 2), sorted(scanned)


def _seq_scans(node: dict[str, Any]) -> list[str]:
    found = [node["Relation Name"]] if node.get("Node Type") == "Seq Scan" else []
    for child in node.get("Plans", []):
        found += _seq_scans(child)
    return found


# --- The reminder sweep and the relay -------------------------------------------------------


@transaction.atomic
def _sweep_scenario() -> Gate:
    """A project whose open decision closes in 20 hours, with SWEEP_MEMBERS voters who have
    not voted: every one of them is due a "voting closes soon" reminder."""
    people = list(User.objects.filter(email__startswith="load-").order_by("pk")[:SWEEP_MEMBERS])
    lead = people[0]
    project = Project.objects.create(
        title="Benchmark: the reminder sweep", slug="bench-sweep", summary="", created_by=lead
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(
                project=project,
                user=person,
                role=Role.EXPERT_BY_EXPERIENCE if number % 2 else Role.PRACTITIONER,
                joined_at=now - timedelta(days=30),
            )
            for number, person in enumerate(people)
        ],
        batch_size=2000,
    )
    electorate = {
        str(person.pk): "lived" if number % 2 else "learned" for number, person in enumerate(people)
    }
    return Gate.objects.create(
        project=project,
        from_stage="design",
        to_stage="delivery",
        proposal="Move to delivery.",
        what_changes="The service starts.",
        status=GateStatus.OPEN,
        proposed_by=lead,
        opened_at=now - timedelta(days=3),
        closes_at=now + timedelta(hours=20),
        electorate=electorate,
    )


def measure_sweep() -> dict[str, Any]:
    from participation.services.reminders import queue_due_reminders

    gate = _sweep_scenario()
    started = time.perf_counter()
    queued = queue_due_reminders()
    seconds = time.perf_counter() - started
    mine = [message for message in queued if message.data.get("gate") == gate.pk]
    return {"members": len(gate.electorate), "queued": len(mine), "seconds": round(seconds, 2)}


def queue_emails(count: int) -> dict[str, int]:
    """`count` due emails to the co-lead persona, each a different occasion."""
    lead = _person("co_lead")
    gate = Gate.objects.filter(project__in=_projects_of(lead), status=GateStatus.OPEN).first()
    if gate is None:
        raise SystemExit("seed_load made no open decision for the co-lead")
    stamp = time.time_ns()
    made = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=MessageKind.VOTING_OPENED,
                occasion=f"bench:{stamp}:{number}",
                recipient=f"user:{lead.pk}",
                channel=Channel.EMAIL,
                user=lead,
                project_id=gate.project_id,
                data={"gate": gate.pk},
            )
            for number in range(count)
        ],
        batch_size=2000,
    )
    ids = [message.pk for message in made]
    return {"first": min(ids), "last": max(ids)}


def count_sent(first: int, last: int) -> dict[str, int]:
    return OutboxMessage.objects.filter(pk__gte=first, pk__lte=last).aggregate(
        sent=Count("pk", filter=Q(status=OutboxStatus.SENT)),
        not_sent=Count("pk", filter=~Q(status__in=[OutboxStatus.SENT, OutboxStatus.PENDING])),
    )


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    result: Any
    if command == "pages":
        result = measure_pages()
    elif command == "sweep":
        result = measure_sweep()
    elif command == "queue":
        result = queue_emails(int(arguments[0]))
    elif command == "sent":
        result = count_sent(int(arguments[0]), int(arguments[1]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))
