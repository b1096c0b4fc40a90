"""The plan's targets as data, and export jobs.

Reporting writes only these tables: the phases of the plan with their targets
(seeded from the plan, part II.2, and editable by the department admin in the
Wagtail admin), optional yearly milestones, and the export jobs that build the
yearly report in the background. Every figure is computed from the other apps'
data by ``reporting.selectors``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent_field(verbose_name, *, required: bool = False, help_text=""):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=PERCENT,
                               null=not required, blank=not required, help_text=help_text)


class Phase(ClusterableModel):
    """A phase of the plan (giai đoạn) with its targets, e.g. 2025-2027: 70 % trained, 60 % online."""

    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    trained_target = _percent_field(
        _("target population trained (%)"), required=True,
        help_text=_("Share of the target population trained in digital-transformation skills."))
    online_target = _percent_field(
        _("training activities held online (%)"),
        help_text=_("Share of the training activities held online. Leave empty when the plan sets none."))
    satisfaction_target = _percent_field(
        _("user satisfaction (%)"),
        help_text=_("Share of respondents answering 4 or 5 of 5. Leave empty when the plan sets none."))
    plan_wording = models.TextField(_("wording in the plan"), blank=True,
                                    help_text=_("The target as the plan words it, shown on the dashboard."))

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases and targets")
        ordering = ["starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="phase_ends_after_start")]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                raise ValidationError({"ends_on": _("A phase cannot end before it starts.")}, code="dates")
            overlapping = Phase.objects.filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on) \
                .exclude(pk=self.pk).first()
            if overlapping:
                raise ValidationError(
                    _("These dates overlap the phase “%(name)s”. Phases must not overlap.") % {
                        "name": overlapping.name}, code="overlap")

    def milestone_for(self, year: int) -> Milestone | None:
        return next((m for m in self.milestones.all() if m.year == year), None)


class Milestone(Orderable):
    """An optional target for one year of a phase; empty fields fall back to the phase's targets."""

    phase = ParentalKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)])
    trained_target = _percent_field(_("target population trained (%)"))
    online_target = _percent_field(_("training activities held online (%)"))
    satisfaction_target = _percent_field(_("user satisfaction (%)"))

    class Meta(Orderable.Meta):
        verbose_name = _("yearly milestone")
        verbose_name_plural = _("yearly milestones")
        constraints = [models.UniqueConstraint(fields=["phase", "year"], name="one_milestone_per_year")]

    def __str__(self) -> str:
        return f"{self.phase} — {self.year}"


def export_upload_to(job: ExportJob, filename: str) -> str:
    # private: deploy/nginx.conf keeps /media/reports/ internal; Django checks who downloads
    return f"reports/{dt.date.today():%Y/%m}/{job.pk or 'new'}/{filename}"


class ExportJob(models.Model):
    """One export built in the background (the yearly report, a list of people), with its progress."""

    class Kind(models.TextChoices):
        REPORT_XLSX = "report_xlsx", _("Yearly report (XLSX)")
        REPORT_PDF = "report_pdf", _("Yearly report (PDF)")
        UNTRAINED_XLSX = "untrained_xlsx", _("People not yet trained (XLSX)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 help_text=_("Empty: everything the requester manages."))
    period = models.CharField(_("period"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.period}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.processed * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
