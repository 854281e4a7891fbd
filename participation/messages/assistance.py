"""The code a member reads back to confirm a record made for them with help. Registered in
ParticipationConfig.ready(). The code is worked out here, when the message is written: the
outbox row holds only the record's id."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from coproduce.dates import moment
from coproduce.sms import fit_texts

from ..models import HelpRequest, HelpStatus, OutboxMessage
from .compose import Draft

# Room for the record in the member's words as well as the code: at most three texts.
SMS_PARTS = 3


def help_code(message: OutboxMessage, now: datetime) -> Draft | None:
    """None once the record was confirmed, cancelled or ran out: an old code is no use."""
    # Imported here: the services import the outbox, which imports the message builders.
    from ..services.assistance import code_for, what_was_recorded

    request = (
        HelpRequest.objects.select_related("project", "helper", "gate", "activity")
        .filter(pk=message.data.get("help"))
        .first()
    )
    if request is None or request.status != HelpStatus.WAITING or request.has_expired(now):
        return None
    words = {
        "name": request.helper or _("someone"),
        "project": request.project.title,
        "what": what_was_recorded(request),
        "code": code_for(request),
        "until": moment(request.expires_at),
    }
    return Draft(
        subject=_("Your code: %(name)s is recording something for you") % words,
        paragraphs=[
            _("%(name)s is recording this for you on %(project)s: %(what)s.") % words,
            _("If that is right, tell them this code: %(code)s") % words,
            _("Do not reply to this message: say the code to %(name)s.") % words,
            _("If it is not right, do not give them the code, and nothing will be recorded.")
            % words,
            _("The code works until %(until)s.") % words,
        ],
        action_label="",
        action_url="",
        # The code and what to do are never cut; a long reason or idea is shortened with "...".
        sms=fit_texts(
            _("coproduce: %(name)s is recording for you on %(project)s:") % words,
            _("%(what)s.") % words,
            _(
                "If that is right, tell them this code: %(code)s. Do not reply to this text. "
                "If not right, do not give it. It works until %(until)s."
            )
            % words,
            parts=SMS_PARTS,
        ),
        reason=_("You get this because someone is recording something for you with help."),
    )
