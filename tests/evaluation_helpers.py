"""Shared by the evaluation report's tests: addresses, form data, and reading CSV and PDF."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from participation.models import Attendance, Presence
from participation.services import activities
from projects.models import Project

PARTS = {
    "aim": "Design a housing service with the people who will use it.",
    "taking_part": "Six workshops; experts by experience chaired three.",
    "results": "A new referral route.",
    "lived_experience": "Drop-in hours moved to the evening.",
    "differently": "Pay people on the day.",
}


def report_url(project: Project, name: str = "report", *args: object) -> str:
    return reverse(f"reports:{name}", args=[project.slug, *args])


def summary_data(based_on: int, **parts: str) -> dict[str, str]:
    data = {f"summary-{name}": text for name, text in {**PARTS, **parts}.items()}
    data["summary-based_on"] = str(based_on)
    return data


def finding_data(**fields: str) -> dict[str, str]:
    data = {
        "title": "Evening sessions suit people in work",
        "found": "Four of the six people we spoke to could not come in the day.",
        "method": "Six interviews at the day centre",
        **fields,
    }
    return {f"finding-{name}": value for name, value in data.items()}


def plan(project: Project, actor: Any, *, starts_at: Any, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "kind": "workshop",
        "title": "Planning the drop-in",
        "starts_at": starts_at,
        "duration_minutes": 90,
        "place": "Brixton Library, room 2",
        **extra,
    }
    return activities.plan_activity(project=project, actor=actor, **fields)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def attended(project: Project, practitioner, people: Sequence[Any]) -> None:
    past = plan(project, practitioner, starts_at=timezone.now() - timedelta(days=1))
    for person in people:
        Attendance.objects.create(activity=past, user=person, presence=Presence.ATTENDED)
