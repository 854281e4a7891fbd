from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoproduceConfig(AppConfig):
    name = "coproduce"
    verbose_name = _("Accounts and site")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
