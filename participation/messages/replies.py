"""What the service texts back: the answer to a text a member sent in. Registered in
ParticipationConfig.ready()."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from ..models import InboundText, OutboxMessage
from .compose import Draft


def text_reply(message: OutboxMessage, now: datetime) -> Draft | None:
    """The answer worked out when the text came in (`InboundText.reply`), sent as it is."""
    text = InboundText.objects.filter(pk=message.data.get("text")).first()
    if text is None or not text.reply:
        return None
    return Draft(
        subject=_("Our answer to your text"),
        paragraphs=[text.reply],
        action_label="",
        action_url="",
        sms=text.reply,
        reason=_("You get this because you sent us a text."),
    )
