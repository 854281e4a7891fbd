"""Everything held about one person, as tables they can download ("Download my data").

`person_record(user)` returns one table per kind of record: a name such as "votes", mapped to
a list of rows (dicts of plain values). `as_json` and `as_csv_zip` turn it into the two files
the person can download. One query per table, so the cost does not grow with the record.

Other people appear only by what the person already sees on the site: project and activity
titles, and the words of a response to something they wrote. Who recorded attendance, who
approved an expense, who invited them: left out.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from coproduce.models import User
from coproduce.spreadsheets import as_text
from projects.models import Membership, ObjectionResponse, Vote

from ..models import (
    AccessNeeds,
    Adjustment,
    Attendance,
    Consent,
    Contribution,
    Expense,
    InboundText,
    Invitation,
    InvolvementPayment,
    NotificationPreference,
    Reply,
)

Row = dict[str, Any]
Record = dict[str, list[Row]]


def _rows(queryset: QuerySet[Any], fields: dict[str, str]) -> list[Row]:
    """`fields` maps the column name the person reads to the lookup that fills it."""
    return [
        {column: _plain(values[lookup]) for column, lookup in fields.items()}
        for values in queryset.values(*fields.values())
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def invitations_to(user: User) -> QuerySet[Invitation]:
    """Invitations sent to the person's email address or mobile number, or that they took up."""
    to_them = Q(accepted_by=user)
    if user.email:
        to_them |= Q(email__iexact=user.email)
    if user.phone:
        to_them |= Q(phone=user.phone)
    return Invitation.objects.filter(to_them)


Table = tuple[QuerySet[Any], dict[str, str]]

# user -> {kind: table}: what later apps (evaluation's survey answers) hold about a person.
TableSource = Callable[[User], dict[str, Table]]
_sources: list[TableSource] = []


def register(source: TableSource) -> None:
    """Add a later app's tables to the person's record (once, however often registered)."""
    if source not in _sources:
        _sources.append(source)


def _tables(user: User) -> dict[str, Table]:
    """Each kind of record: its rows, and its columns mapped to the lookups that fill them."""
    tables = _own_tables(user)
    for source in _sources:
        tables.update(source(user))
    return tables


def _own_tables(user: User) -> dict[str, Table]:
    access_fields = [
        f.name
        for f in AccessNeeds._meta.concrete_fields
        if f.name not in ("id", "user")  # the person is the whole file's subject
    ]
    preference_fields = [
        f.name for f in NotificationPreference._meta.concrete_fields if f.name != "user"
    ]
    return {
        "account": (
            User.objects.filter(pk=user.pk),
            {
                "name": "display_name",
                "email": "email",
                "mobile_phone": "phone",
                "mobile_checked": "phone_verified",
                "joined": "date_joined",
                "last_signed_in": "last_login",
            },
        ),
        "email_addresses": (
            EmailAddress.objects.filter(user=user).order_by("pk"),
            {"email": "email", "confirmed": "verified", "main_address": "primary"},
        ),
        "memberships": (
            Membership.objects.filter(user=user).order_by("joined_at", "pk"),
            {
                "project": "project__title",
                "role": "role",
                "co_lead": "is_co_lead",
                "joined": "joined_at",
                "left": "left_at",
            },
        ),
        "votes": (
            Vote.objects.filter(voter=user).order_by("cast_at", "pk"),
            {
                "project": "gate__project__title",
                "from_stage": "gate__from_stage",
                "to_stage": "gate__to_stage",
                "vote": "choice",
                "reason": "reason",
                "how": "channel",
                "cast": "cast_at",
                "last_changed": "changed_at",
            },
        ),
        "texts_sent_in": (
            InboundText.objects.filter(user=user).order_by("received_at", "pk"),
            {
                "received": "received_at",
                "text": "body",
                "what_we_did": "outcome",
                "our_answer": "reply",
            },
        ),
        "responses_to_objections": (
            ObjectionResponse.objects.filter(objection__voter=user).order_by("at", "pk"),
            {
                "project": "objection__gate__project__title",
                "to_stage": "objection__gate__to_stage",
                "outcome": "outcome",
                "response": "body",
                "when": "at",
            },
        ),
        "contributions": (
            Contribution.objects.filter(author=user).order_by("created_at", "pk"),
            {
                "project": "project__title",
                "stage": "stage",
                "kind": "kind",
                "words": "body",
                "added": "created_at",
                "response_outcome": "response__outcome",
                "response": "response__body",
                "response_when": "response__at",
            },
        ),
        "replies": (
            Reply.objects.filter(user=user).order_by("activity__starts_at", "pk"),
            {
                "project": "activity__project__title",
                "activity": "activity__title",
                "starts": "activity__starts_at",
                "will_you_come": "answer",
                "answered": "at",
            },
        ),
        "attendance": (
            Attendance.objects.filter(user=user).order_by("activity__starts_at", "pk"),
            {
                "project": "activity__project__title",
                "activity": "activity__title",
                "starts": "activity__starts_at",
                "took_part": "presence",
                "recorded": "recorded_at",
            },
        ),
        "adjustments": (
            Adjustment.objects.filter(user=user).order_by("asked_at", "pk"),
            {
                "project": "activity__project__title",
                "activity": "activity__title",
                "what_you_need": "need",
                "asked": "asked_at",
                "provided": "provided",
            },
        ),
        "expenses": (
            Expense.objects.filter(member=user)
            .annotate(has_receipt=ExpressionWrapper(~Q(receipt=""), output_field=BooleanField()))
            .order_by("spent_on", "pk"),
            {
                "project": "project__title",
                "spent_on": "spent_on",
                "for": "category",
                "pounds": "amount",
                "description": "description",
                "status": "status",
                "reason_refused": "refusal_reason",
                "decided": "decided_at",
                # That a receipt is held, not the file: it is on the project's Expenses page.
                "receipt_held": "has_receipt",
            },
        ),
        "payments": (
            InvolvementPayment.objects.filter(member=user).order_by("session_on", "pk"),
            {
                "project": "project__title",
                "day": "session_on",
                "minutes_paid": "minutes_paid",
                "pounds": "amount",
                "due_by": "due_on",
                "status": "status",
                "method": "method",
                "paid_on": "paid_on",
                "benefits_advice_offered": "benefits_advice_offered",
            },
        ),
        "access_needs": (
            AccessNeeds.objects.filter(user=user),
            {name: name for name in access_fields},
        ),
        "consents": (
            Consent.objects.filter(user=user).order_by("at", "pk"),
            {
                "purpose": "purpose",
                "given": "given",
                "when": "at",
                "access_needs_deleted": "erased_access_needs",
            },
        ),
        "notification_choices": (
            NotificationPreference.objects.filter(user=user),
            {name: name for name in preference_fields},
        ),
        "invitations": (
            invitations_to(user).order_by("created_at", "pk"),
            {
                "project": "project__title",
                "role": "role",
                "name": "name",
                "email": "email",
                "mobile_phone": "phone",
                "personal_message": "message",
                "first_sent": "created_at",
                "accepted": "accepted_at",
                "withdrawn": "revoked_at",
            },
        ),
    }


def person_record(user: User) -> Record:
    """Every kind of record held about `user`: kind -> list of rows (possibly empty)."""
    return {kind: _rows(rows, fields) for kind, (rows, fields) in _tables(user).items()}


def as_json(user: User) -> bytes:
    """`person_record` as an indented JSON object, UTF-8."""
    return json.dumps(person_record(user), indent=2, ensure_ascii=False).encode()


def _csv(rows: Iterable[Row], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows({name: as_text(value) for name, value in row.items()} for row in rows)
    return out.getvalue()


def as_csv_zip(user: User) -> bytes:
    """A zip file holding one CSV per kind of record ("votes.csv"), each with its header row
    even when it has no rows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, (rows, fields) in _tables(user).items():
            archive.writestr(f"{kind}.csv", _csv(_rows(rows, fields), list(fields)))
    return buffer.getvalue()
