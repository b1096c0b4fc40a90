from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrolment and progress")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (quiz results, claimed profiles, completions)
        from . import survey_subjects  # noqa: F401  (answers assessments' survey subject hook)
