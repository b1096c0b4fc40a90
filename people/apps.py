from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from . import retention  # noqa: F401  (roster files past EXPORT_RETENTION_DAYS)
        from . import audit_admin  # noqa: F401  (the audit trail's admin screens)
