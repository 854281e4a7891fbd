"""Delete my account: erase the person, keep the record.

The account row stays, renamed "Former member" with no way to sign in, so every vote,
attendance row and payment still points at someone and every tally and total is unchanged.
What identifies the person goes: name, email, phone, sign-in addresses and two-step keys,
access needs, invitations to their addresses, messages addressed to them, their name in the
project history and the admin's log, and the free text they wrote (contributions, reasons given
with a vote, adjustments asked for, expense descriptions, texts they sent in and what was
recorded for them with help), which reads "removed at the person's
request". The receipts they attached to expense claims are deleted, files and all (the claim
and its amount stay). Their consent history stays, dated, as the record of what they had agreed to.
Later apps add their part through `register`: evaluation keeps the person's survey answers
as figures, with no link to them and no name beside a comment, deletes their requests to
answer, and removes the words of the findings they recorded.

Texts written as a project's voice (a proposal, a response, sign-off reasons, an activity's
title) stay: they belong to the project's decisions, and their writer is shown as "Former
member".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from coproduce.models import ApiToken, User
from projects.models import Membership, Project, Stage, Vote
from projects.services import memberships
from projects.services.errors import ProjectError
from projects.services.history import redact_names

from ..models import (
    AccessNeeds,
    Adjustment,
    Contribution,
    Expense,
    HelpRequest,
    InboundText,
    OutboxMessage,
)
from .consent import lock_person
from .my_data import invitations_to

FORMER_MEMBER = _lazy("Former member")

# user -> None: what a later app (evaluation's survey answers) removes or unnames when an
# account is erased, run inside the erasure's transaction.
Eraser = Callable[[User], None]
_erasers: list[Eraser] = []


def register(eraser: Eraser) -> None:
    """Add a later app's part of erasing a person (once, however often it is registered)."""
    if eraser not in _erasers:
        _erasers.append(eraser)


def _memberships_to_end(user: User) -> QuerySet[Membership]:
    """The person's memberships that deleting the account ends. A closed project can no longer
    change (nobody can join, leave or hand over in it): its membership stays as part of its
    record, under "Former member" like every other trace of the person."""
    return Membership.objects.active().filter(user=user).exclude(project__stage=Stage.CLOSED)


REMOVED = _lazy("Removed at the person's request.")


class ErasureRefused(Exception):
    """The account cannot be deleted yet; the message says why and what to do first."""


class Handover(NamedTuple):
    """A project the person must hand over before their account can go, and why."""

    project: Project
    reason: str


def erasure_refusals(user: User) -> list[Handover]:
    """Why `user` cannot delete their account now, in plain words, one per project (empty: they
    can).

    The one reason is being the last co-lead who can act in a project: the project would be
    left with nobody to run it, so they hand over first. An open vote is no reason: deleting
    the account is leaving, which a voter may always do; their vote, if cast, still counts.
    """
    refusals = []
    for membership in _memberships_to_end(user).select_related("project"):
        if memberships.last_co_lead_refusal(membership) is not None:
            reason = _(
                "You are the only co-lead of %(project)s. Make another member a co-lead on "
                "its Members page first, then come back here."
            ) % {"project": membership.project.title}
            refusals.append(Handover(membership.project, reason))
    return refusals


def _identifiers(user: User) -> list[str]:
    """Everything by which a page or a text could name the person."""
    found = [user.display_name, user.email or "", user.phone]
    found += EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    return [text for text in found if text]


@transaction.atomic
def erase_account(*, user: User) -> bool:
    """Anonymise `user` as the module docstring says. Returns False if it was already done (a
    second press changes nothing). Raises ErasureRefused with the first of
    `erasure_refusals`."""
    lock_person(user)
    user.refresh_from_db()
    if is_erased(user):
        return False
    refusals = erasure_refusals(user)
    if refusals:
        raise ErasureRefused(refusals[0].reason)
    names = _identifiers(user)

    for membership in _memberships_to_end(user):
        try:
            memberships.leave_project(membership=membership)
        except ProjectError as error:  # a co-lead stepped down in another tab meanwhile
            raise ErasureRefused(str(error)) from None

    removed = str(REMOVED)
    Contribution.objects.filter(author=user).update(body=removed)
    Vote.objects.filter(voter=user).exclude(reason="").update(reason=removed)
    Adjustment.objects.filter(user=user).update(need=removed)
    # Texts they sent in: the words, the answer and the number go; the vote they made stays.
    texts = InboundText.objects.filter(user=user)
    if user.phone:
        texts = texts | InboundText.objects.filter(sender=user.phone)
    texts.update(body=removed, reply="", sender="")
    HelpRequest.objects.filter(member=user).update(body=removed)
    Expense.objects.filter(member=user).exclude(description="").update(description=removed)
    _delete_receipts(user)
    AccessNeeds.objects.filter(user=user).delete()
    invitations_to(user).delete()
    OutboxMessage.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    for eraser in _erasers:
        eraser(user)

    former = str(FORMER_MEMBER)  # what `User.__str__` shows once nothing else is left
    redact_names(names=names, replacement=former)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=former)

    user.display_name = ""
    user.email = None
    user.phone = ""
    user.phone_verified = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # A changed password hash ends every session the person has open, on every device.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return True


def _delete_receipts(user: User) -> None:
    """Forget the person's receipts now, and delete their files once that is committed (a
    rolled-back erasure keeps them)."""
    claims = Expense.objects.filter(member=user).exclude(receipt="")
    names = list(claims.values_list("receipt", flat=True))
    claims.update(receipt="", receipt_type="")
    storage = Expense._meta.get_field("receipt").storage

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


def is_erased(user: User) -> bool:
    """Whether the account has been through `erase_account`."""
    return not user.is_active and not (user.display_name or user.email or user.phone)
