from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from coproduce.models import User

        from . import signals
        from .services import closing as gate_closing

        # The membership services cannot import the gate services (which import them).
        signals.stopped_voting.connect(
            gate_closing.member_stopped_voting, dispatch_uid="projects.stopped_voting"
        )
        # Staff switch accounts off in the admin, which calls no service of ours.
        post_save.connect(
            gate_closing.account_switched_off,
            sender=User,
            dispatch_uid="projects.account_switched_off",
        )
