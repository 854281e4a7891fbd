from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoproduceConfig(AppConfig):
    name = "coproduce"
    verbose_name = _("Accounts and site")

    def ready(self) -> None:
        from django.conf import settings

        from . import checks  # noqa: F401 - registers the deploy checks
        from .catalogs import drop_empty_fallbacks

        if settings.USE_I18N:
            drop_empty_fallbacks(settings.LANGUAGE_CODE)
