from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from participation.messages import compose
        from participation.models import MessageKind
        from participation.services import erasure, my_data, reminders
        from projects import dashboard, panels, signals

        from .messages import survey_message
        from .panels import flags_in_evidence, flags_on_overview
        from .selectors import my_data as my_survey_data
        from .selectors import portfolio
        from .selectors.surveys import dashboard_section
        from .services import erasure as survey_erasure
        from .services import requests

        signals.stage_changed.connect(
            requests.stage_changed, dispatch_uid="evaluation.stage_changed"
        )
        signals.member_joined.connect(
            requests.member_joined, dispatch_uid="evaluation.member_joined"
        )
        compose.register(MessageKind.SURVEY_REQUEST, survey_message)
        compose.register(MessageKind.SURVEY_REMINDER, survey_message)
        reminders.register(requests.due_reminders)
        erasure.register(survey_erasure.erase_person)
        my_data.register(my_survey_data.tables)
        dashboard.register(dashboard_section)
        dashboard.register(portfolio.dashboard_section)
        panels.register_overview(flags_on_overview)
        panels.register_evidence(flags_in_evidence)
