"""How an outbox row becomes an email or a text message, at the moment it is sent.

Rows hold ids, so a message is rendered from the database as it is when sending: a reminder
for a gate that has closed, or for someone who has voted since, is skipped rather than sent.
What each kind of message says is in `participation.messages.compose`; this module adds the address,
the footer with its unsubscribe link, the List-Unsubscribe headers, and the two email parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.limits import one_line
from coproduce.site import absolute_url as absolute
from projects.models import Membership

from ..models import (
    TOPIC_OF_KIND,
    Channel,
    InboundText,
    MessageKind,
    NotificationPreference,
    OutboxMessage,
)
from ..tokens import unsubscribe_token
from .compose import BUILDERS, Draft


@dataclass(frozen=True)
class Content:
    address: str
    subject: str
    sms: str
    text: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def render(message: OutboxMessage, *, now: datetime) -> Content | None:
    """The message ready to send, or None when it is no longer wanted or needed."""
    address = _address(message)
    if not address or not _still_wanted(message):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        draft = BUILDERS[message.kind](message, now)
        if draft is None:
            return None
        # A line break in a header stops the email (Django refuses it), and a title or name
        # saved before they were kept to one line may hold one.
        draft = replace(draft, subject=one_line(draft.subject))
        if message.user is not None:
            hello = _("Hello %(name)s,") % {"name": message.user}
            draft = replace(draft, paragraphs=[hello, *draft.paragraphs])
        if message.channel == Channel.SMS:
            return Content(address=address, subject=draft.subject, sms=draft.sms)
        return _email(message, draft, address)


def _address(message: OutboxMessage) -> str:
    if message.kind == MessageKind.TEXT_REPLY:
        # The answer goes back to the phone the text came from.
        return (
            InboundText.objects.filter(pk=message.data.get("text"))
            .values_list("sender", flat=True)
            .first()
            or ""
        )
    holder = message.user or message.invitation
    if holder is None:
        return ""
    return holder.phone if message.channel == Channel.SMS else holder.email or ""


def _still_wanted(message: OutboxMessage) -> bool:
    """A member still in the project who has not switched this topic off since."""
    user = message.user
    if user is None:
        return True
    if not user.is_active:
        return False
    if message.project_id is not None:
        member_now = getattr(message, "member_now", None)  # annotated by `still_a_member`
        if member_now is None:
            member_now = (
                Membership.objects.active()
                .filter(project_id=message.project_id, user=message.user_id)
                .exists()
            )
        if not member_now:
            return False
    topic = TOPIC_OF_KIND.get(message.kind)
    if topic is None:
        return True
    try:
        preference = user.notification_preference  # cached when the message's query joined it
    except NotificationPreference.DoesNotExist:
        return True
    return preference.wants(topic)


def still_a_member() -> Exists:
    """For an outbox message row: whether its person is still a member of its project (an
    `annotate` expression, read by `render` as `member_now`)."""
    members = Membership.objects.active()
    return Exists(members.filter(project_id=OuterRef("project_id"), user=OuterRef("user_id")))


def _email(message: OutboxMessage, draft: Draft, address: str) -> Content:
    headers = {"Auto-Submitted": "auto-generated"}
    topic = TOPIC_OF_KIND.get(message.kind)
    unsubscribe_url = ""
    if message.user_id is not None and topic is not None:
        token = unsubscribe_token(message.user_id, topic)
        unsubscribe_url = absolute(reverse("participation:unsubscribe", args=[token]))
        # RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context = {
        "draft": draft,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute(reverse("participation:preferences"))
        if message.user_id
        else "",
    }
    return Content(
        address=address,
        subject=draft.subject,
        sms=draft.sms,
        text=render_to_string("email/message.txt", context),
        html=render_to_string("email/message.html", context),
        headers=headers,
    )
