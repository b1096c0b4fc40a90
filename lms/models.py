"""The home page (a Wagtail page, so the department edits its text in the admin), the rate-limit
counters and the audit trail."""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class RateLimitCounter(models.Model):
    """One rate-limit window of one (scope, key): the embedded shape's atomic counter.

    Without Redis the limiter counts here, in one INSERT ... ON CONFLICT DO UPDATE statement
    (``lms.ratelimit``): SQLite's write lock or PostgreSQL's row lock makes each increment atomic,
    which Django's file cache cannot (it has no atomic ``incr``). Expired windows are purged hourly.
    """

    scope = models.CharField(_("scope"), max_length=64)
    key = models.CharField(_("key"), max_length=191)
    count = models.PositiveIntegerField(_("count"), default=0)
    window_ends = models.FloatField(_("window ends (seconds since the epoch)"), db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="lms_ratelimit_scope_key")]


class AuditAction(models.TextChoices):
    """What an audit event records (Decree 13/2023: who touched whose personal data, and when)."""

    LOGIN_SUCCESS = "login.success", _("Signed in")
    LOGIN_FAILURE = "login.failure", _("Failed sign-in")
    PERSON_VIEW = "person.view", _("Viewed a person's details")
    PERSON_EXPORT = "person.export", _("Exported personal data")
    PERSON_PROBE = "person.probe", _("Entered the ID code of a person of another unit")
    ROSTER_IMPORT = "roster.import", _("Uploaded a roster")
    REPORT_EXPORT = "report.export", _("Exported a report")
    RESULTS_EXPORT = "results.export", _("Exported results")
    CERTIFICATE_EXPORT = "certificate.export", _("Exported certificates")
    ROLE_CHANGE = "role.change", _("Changed a role")
    OTP_RESET = "otp.reset", _("Reset a second factor")
    ACCOUNT_ACTIVATE = "account.activate", _("Activated an account")
    AUDIT_EXPORT = "audit.export", _("Exported the audit trail")
    DATA_PURGE = "data.purge", _("Deleted expired data")


class AuditEventQuerySet(models.QuerySet):
    """The trail is append-only: rows are added, never changed or deleted through the model.

    Expired rows go only through ``lms.audit.purge_events`` (the retention setting), which
    deletes through ``_base_manager`` on purpose; so does Django when an actor's account is
    deleted (``actor`` becomes null, the copied name and username stay).
    """

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only: expired ones are purged by lms.audit.purge_events.")


class AuditEvent(models.Model):
    """One entry of the audit trail, written by ``lms.audit.record`` (batched per request)."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Copied at the time of the event: the trail still names the actor once the account is gone.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_name = models.CharField(_("actor"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    subject = models.CharField(_("concerning"), max_length=255, blank=True)
    subject_id = models.CharField(_("concerning (id)"), max_length=64, blank=True)
    unit_path = models.CharField(_("org unit path"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page address"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["action", "time"], name="lms_audit_action_time")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only: expired ones are purged by lms.audit.purge_events.")
