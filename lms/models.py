"""The home page: a Wagtail page, so the department edits its text in the admin."""
from django.db import models
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
