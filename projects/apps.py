from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from . import gates, signals

        # The membership services cannot import the gate services (which import them).
        signals.stopped_voting.connect(
            gates.close_if_nobody_is_left_to_vote, dispatch_uid="projects.stopped_voting"
        )
