from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed
        from django.db.models.signals import post_save

        from coproduce.models import User
        from projects import dashboard, evidence, panels, responses, signals

        from . import receivers
        from .checks import phone_region, webhooks_reach_local
        from .evidence import (
            contribution_tallies,
            stage_attendance,
            stage_attendees,
            stage_contributors,
            unanswered_concerns,
        )
        from .messages import assistance, compose, replies
        from .models import MessageKind, nameable_ids, unquotable_ids
        from .panels import texts_on_overview
        from .selectors import activities

        compose.register(MessageKind.TEXT_REPLY, replies.text_reply)
        compose.register(MessageKind.HELP_CODE, assistance.help_code)
        checks.register(phone_region)
        checks.register(webhooks_reach_local, checks.Tags.security, deploy=True)
        evidence.register(stage_contributors)
        evidence.register(stage_attendees)
        evidence.register_attendance(stage_attendance)
        evidence.register_quoting(unquotable_ids)
        evidence.register_naming(nameable_ids)
        responses.register(contribution_tallies)
        responses.register_unanswered(unanswered_concerns)
        dashboard.register(activities.dashboard_section)
        panels.register_overview(texts_on_overview)
        signals.gate_opened.connect(receivers.gate_opened, dispatch_uid="participation.gate_opened")
        signals.gate_closed.connect(receivers.gate_closed, dispatch_uid="participation.gate_closed")
        signals.signoff_requested.connect(
            receivers.signoff_requested, dispatch_uid="participation.signoff_requested"
        )
        signals.signoff_recorded.connect(
            receivers.signoff_recorded, dispatch_uid="participation.signoff_recorded"
        )
        signals.objection_answered.connect(
            receivers.objection_answered, dispatch_uid="participation.objection_answered"
        )
        signals.member_joined.connect(
            receivers.member_joined, dispatch_uid="participation.member_joined"
        )
        for signal, receiver in (
            (signals.gate_opened, receivers.webhook_gate_opened),
            (signals.gate_closed, receivers.webhook_gate_closed),
            (signals.signoff_recorded, receivers.webhook_signoff_recorded),
            (signals.stage_changed, receivers.webhook_stage_changed),
        ):
            signal.connect(receiver, dispatch_uid=f"participation.{receiver.__name__}")
        # An address added later may have been invited too (close_for_member).
        post_save.connect(receivers.account_saved, sender=User, dispatch_uid="participation.user")
        email_confirmed.connect(
            receivers.email_confirmed, dispatch_uid="participation.email_confirmed"
        )
