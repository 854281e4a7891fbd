from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from projects import dashboard, panels

        from .panels import flags_in_evidence, flags_on_overview
        from .selectors import portfolio

        dashboard.register(portfolio.dashboard_section)
        panels.register_overview(flags_on_overview)
        panels.register_evidence(flags_in_evidence)
