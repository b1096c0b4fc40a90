from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (sign-ins and failed sign-ins go into the audit trail)
        from .admin_export import install

        install()  # Wagtail's own list exports (reports) write through lms.sheets too
        from .wagtail_csp import install as install_csp_safe_choosers

        install_csp_safe_choosers()  # Wagtail's chooser widgets without inline scripts
