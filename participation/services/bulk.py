"""Many invitations at once, from a CSV a co-lead pastes or uploads.

`check()` reads and validates every row and says what would happen to it, sending nothing.
`send()` checks again (things may have changed since) and invites the rows that are fine, in
one transaction; the report says, row by row, what happened. Both look up the members and
invitations of every address in the list at once, so checking costs the same few queries
however long the list is; sending adds two writes per person invited.

The first line may name the columns (name, email, phone, role, in any order); without such a
line the columns are taken in that order. Either email or phone may be empty, not both.
Columns are separated by commas, semicolons (what spreadsheets save in much of Europe) or tabs
(what a copy from a spreadsheet pastes); the list says which by its own lines.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce.models import User
from projects.models import Project, Role

from . import invitations
from .invitations import InvitationError

MAX_ROWS = 500

COLUMN_NAMES = {
    "name": "name",
    "full name": "name",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "phone": "phone",
    "mobile": "phone",
    "phone number": "phone",
    "mobile number": "phone",
    "mobile phone number": "phone",
    "role": "role",
}
DEFAULT_COLUMNS = ["name", "email", "phone", "role"]
SEPARATORS = (",", ";", "\t")  # in order of preference when lines split equally
SEPARATOR_SAMPLE = 20  # lines looked at to tell the separator

HOW_TO_WRITE_THE_LIST = gettext_lazy(
    "Put one person on each line: name, email, phone and role, with commas, semicolons or "
    "tabs between them. Saving a spreadsheet as CSV does this."
)

ROLE_NAMES = {
    "expert by experience": Role.EXPERT_BY_EXPERIENCE,
    "experts by experience": Role.EXPERT_BY_EXPERIENCE,
    "expert": Role.EXPERT_BY_EXPERIENCE,
    "ebe": Role.EXPERT_BY_EXPERIENCE,
    "lived experience": Role.EXPERT_BY_EXPERIENCE,
    "lived": Role.EXPERT_BY_EXPERIENCE,
    "practitioner": Role.PRACTITIONER,
    "learned experience": Role.PRACTITIONER,
    "learned": Role.PRACTITIONER,
    "commissioner": Role.COMMISSIONER,
}


class BulkError(Exception):
    """The whole file cannot be used; str(error) says why in plain English."""


class RowStatus(StrEnum):
    READY = "ready"  # will be invited
    RENEW = "renew"  # already invited: will be sent again
    INVITED = "invited"
    RESENT = "resent"
    UNCHANGED = "unchanged"  # the same invitation went less than a minute ago: not sent again
    MEMBER = "member"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


DONE = frozenset({RowStatus.INVITED, RowStatus.RESENT})
# Rows that are fine: to be sent, sent, or sent a moment ago.
FINE = frozenset({RowStatus.READY, RowStatus.RENEW, RowStatus.UNCHANGED, *DONE})


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    email: str
    phone: str
    role: Role | None
    status: RowStatus
    problem: str = ""

    @property
    def contact(self) -> str:
        return " / ".join(part for part in (self.email, self.phone) if part)

    @property
    def sendable(self) -> bool:
        return self.status in (RowStatus.READY, RowStatus.RENEW)

    @property
    def outcome(self) -> str:
        return {
            RowStatus.READY: _("Will be invited"),
            RowStatus.RENEW: _("Already invited: the invitation will be sent again"),
            RowStatus.INVITED: _("Invited"),
            RowStatus.RESENT: _("Already invited: sent again"),
            RowStatus.UNCHANGED: _("Sent less than a minute ago: not sent again"),
            RowStatus.MEMBER: _("Already a member: not sent"),
            RowStatus.DUPLICATE: _("Not sent: %(problem)s"),
            RowStatus.INVALID: _("Not sent: %(problem)s"),
        }[self.status] % {"problem": self.problem}


def _role(value: str, default: Role | None) -> Role | None:
    words = value.strip().lower().replace("_", " ").replace("-", " ")
    if not words:
        return default
    return ROLE_NAMES.get(words)


def _columns(first: list[str]) -> list[str] | None:
    """The column order named by a header line, or None if the line is data."""
    names = [COLUMN_NAMES.get(cell.strip().lower(), "") for cell in first]
    return names if {"email", "phone"} & set(names) else None


def _separator(lines: list[str]) -> str:
    """The separator that splits the first lines into the most cells; a comma if none splits.

    Not csv.Sniffer: it prefers a comma whenever every line has one, so a tab-separated list
    of names like "Lopez, Ana" would be cut at the commas in the names.
    """
    sample = [line for line in lines if line.strip()][:SEPARATOR_SAMPLE]

    def cells(separator: str) -> int:
        return sum(len(row) for row in csv.reader(sample, delimiter=separator))

    return max(SEPARATORS, key=cells)  # the first of equals: a comma


def _lines(text: str) -> list[list[str]]:
    # A NUL cannot be stored in a PostgreSQL text column; no spreadsheet writes one.
    if "\x00" in text:
        raise BulkError(_("This list is not a CSV file we can read."))
    lines = text.lstrip("\ufeff").splitlines()
    try:
        return list(csv.reader(lines, delimiter=_separator(lines)))
    except csv.Error:
        # In practice: one cell longer than the csv module's limit (131,072 characters),
        # which only a broken or mislabelled file has.
        raise BulkError(
            " ".join(
                [
                    _("This list is not a CSV file we can read: one of its cells is far too long."),
                    str(HOW_TO_WRITE_THE_LIST),
                ]
            )
        ) from None


def read(text: str, *, default_role: Role | None = None) -> list[Row]:
    """Every row validated on its own and against the rows above it. No database access."""
    lines = _lines(text)
    numbered = [
        (n, cells) for n, cells in enumerate(lines, start=1) if any(c.strip() for c in cells)
    ]
    if not numbered:
        raise BulkError(_("The list is empty. Paste or upload at least one person."))
    columns = _columns(numbered[0][1])
    if columns is not None:
        numbered = numbered[1:]
    if len(numbered) > MAX_ROWS:
        raise BulkError(
            ngettext(
                "The list has %(n)d person. Send at most %(max)d at a time.",
                "The list has %(n)d people. Send at most %(max)d at a time.",
                len(numbered),
            )
            % {"n": len(numbered), "max": MAX_ROWS}
        )
    seen: dict[str, int] = {}
    rows = [
        _read_row(n, cells, columns or DEFAULT_COLUMNS, default_role, seen) for n, cells in numbered
    ]
    if not any(row.email or row.phone for row in rows):
        # Every line would say "no email or phone": the columns were not where we looked.
        raise BulkError(
            " ".join(
                [
                    _("We could not find an email address or mobile number on any line."),
                    str(HOW_TO_WRITE_THE_LIST),
                ]
            )
        )
    return rows


def _read_row(
    line: int, cells: list[str], columns: list[str], default_role: Role | None, seen: dict[str, int]
) -> Row:
    values = {column: "" for column in DEFAULT_COLUMNS}
    for column, cell in zip(columns, cells, strict=False):
        if column:
            values[column] = cell.strip()
    role = _role(values["role"], default_role)
    row = Row(line, values["name"], values["email"], values["phone"], role, RowStatus.READY)
    try:
        email, phone = invitations.clean_contact(email=row.email, phone=row.phone)
        name = invitations.clean_name(row.name)
    except InvitationError as error:
        return replace(row, status=RowStatus.INVALID, problem=str(error))
    row = replace(row, name=name, email=email, phone=phone)
    if role is None:
        return replace(
            row,
            status=RowStatus.INVALID,
            problem=_(
                "the role must be expert by experience, practitioner or commissioner, "
                "not “%(role)s”."
            )
            % {"role": values["role"]}
            if values["role"]
            else _("no role given."),
        )
    for address in (email, phone):
        if address and address in seen:
            return replace(
                row,
                status=RowStatus.DUPLICATE,
                problem=_("the same person as line %(n)d.") % {"n": seen[address]},
            )
    for address in (email, phone):
        if address:
            seen[address] = line
    return row


def check(*, project: Project, text: str, default_role: Role | None = None) -> list[Row]:
    """What sending would do to each row, without sending anything."""
    rows = read(text, default_role=default_role)
    return _check_rows(_known(project, rows), rows)


def _known(project: Project, rows: list[Row]) -> invitations.Known:
    ready = [row for row in rows if row.status == RowStatus.READY]
    return invitations.known_at(
        project, emails=[row.email for row in ready], phones=[row.phone for row in ready]
    )


def _check_rows(known: invitations.Known, rows: list[Row]) -> list[Row]:
    renewing: dict[int, int] = {}  # invitation pk -> the line that renews it
    checked = []
    for row in rows:
        row = _check_row(known, row)
        if row.status == RowStatus.RENEW:
            # Two lines can reach one invitation by its two addresses: renew it once.
            invitation = known.invitation(email=row.email, phone=row.phone)
            if invitation is not None and invitation.pk in renewing:
                row = replace(
                    row,
                    status=RowStatus.DUPLICATE,
                    problem=_("the same person as line %(n)d.") % {"n": renewing[invitation.pk]},
                )
            elif invitation is not None:
                renewing[invitation.pk] = row.line
        checked.append(row)
    return checked


def _check_row(known: invitations.Known, row: Row) -> Row:
    if row.status != RowStatus.READY:
        return row
    if known.member(email=row.email, phone=row.phone):
        return replace(row, status=RowStatus.MEMBER)
    try:
        invitation = known.invitation(email=row.email, phone=row.phone)
    except InvitationError as error:
        return replace(row, status=RowStatus.INVALID, problem=str(error))
    if invitation is not None:
        return replace(row, status=RowStatus.RENEW)
    return row


_SENT_STATUS = {
    invitations.SendKind.INVITED: RowStatus.INVITED,
    invitations.SendKind.RESENT: RowStatus.RESENT,
    invitations.SendKind.RENEWED: RowStatus.RESENT,
    invitations.SendKind.UNCHANGED: RowStatus.UNCHANGED,
}


@transaction.atomic
def send(
    *,
    project: Project,
    inviter: User,
    text: str,
    default_role: Role | None = None,
    message: str = "",
) -> list[Row]:
    """Invite every row that checks out; report each row's outcome."""
    rows = read(text, default_role=default_role)
    try:
        message = invitations.clean_message(message)
        project = invitations.lock_project(project)
    except InvitationError as error:
        raise BulkError(str(error)) from None
    known = _known(project, rows)
    now = timezone.now()
    report, sent = [], []
    for row in _check_rows(known, rows):
        if row.sendable and row.role is not None:
            try:
                done = invitations.issue(
                    project=project,
                    known=known,
                    role=row.role,
                    inviter=inviter,
                    email=row.email,
                    phone=row.phone,
                    name=row.name,
                    message=message,
                    now=now,
                )
            except InvitationError as error:
                row = replace(row, status=RowStatus.INVALID, problem=str(error))
            else:
                row = replace(row, status=_SENT_STATUS[done.kind])
                if done.kind != invitations.SendKind.UNCHANGED:
                    sent.append(done.invitation)
        report.append(row)
    invitations.queue_sends(sent)
    return report
