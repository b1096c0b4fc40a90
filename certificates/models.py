"""Certificates (giấy chứng nhận): templates, issued certificates and their yearly numbering.

A certificate freezes the facts it states (learner's name, course, hours, date,
issuing unit) when it is issued, so the verification page shows what was
certified even if the course or the profile changes later, and an edited PDF
cannot pass: the page reads the database, never the PDF.

One current certificate per enrolment is a partial unique index: re-issuing
after a name correction supersedes the old one (kept as history) and creates
a new one with a new number.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import PreviewableMixin

#: Placeholders a template body may use, with what they stand for (shown as help in the admin).
PLACEHOLDERS = {
    "learner_name": _("the learner's full name"),
    "course": _("the course title"),
    "hours": _("the course's hours"),
    "completion_date": _("the completion date (dd/mm/yyyy)"),
    "score": _("the learner's quiz score (%), or — without quizzes"),
    "issuing_unit": _("the issuing unit"),
    "decision_number": _("the decision number"),
    "class_title": _("the class (course run), if any"),
}


# A template body is filled by plain substitution, never by str.format: a format spec such as
# {learner_name:>50000000} would have the worker build a string of fifty million spaces
# (issue 13, finding 14), and {x.attr} or {x[0]} reach into the objects passed in.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_DECORATED = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:!.\[]")


def _fields(text: str):
    """Yield what stands between each pair of single braces; ValueError on a brace left alone."""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise ValueError(token)
        yield match.group(1)


def placeholders_used(text: str) -> set[str]:
    """The ``{...}`` fields of ``text`` as written; ValueError on a brace left alone."""
    return set(_fields(text))


def render_body(text: str, values: dict[str, str]) -> str:
    """``text`` with each plain ``{name}`` of ``values`` replaced and ``{{``/``}}`` as single braces.

    Anything else between braces (a body saved before format specs were refused) stays as written."""
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        return str(values[name]) if name in values else token

    return _TOKEN.sub(replace, text)


def validate_body(text: str) -> None:
    try:
        used = placeholders_used(text)
    except ValueError:
        raise ValidationError(_("Braces must come in pairs, like {learner_name}. Write {{ and }} for a brace."),
                              code="braces") from None
    decorated = sorted(field for field in used
                       if (match := _DECORATED.match(field)) and match.group(1) in PLACEHOLDERS)
    if decorated:
        raise ValidationError(
            _("Write each placeholder as its plain name in braces, like {learner_name}, without a format, "
              "“!” or “.”: %(fields)s cannot be used."),
            params={"fields": ", ".join("{%s}" % field for field in decorated)}, code="placeholder_format")
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. Use: %(allowed)s."),
            params={"names": ", ".join("{%s}" % name for name in unknown),
                    "allowed": ", ".join("{%s}" % name for name in PLACEHOLDERS)},
            code="placeholder")


#: Where the signature and seal images go: a folder of MEDIA_ROOT that no server hands out by path
#: (deploy/nginx.conf keeps /media/certificates/ internal; not in MEDIA_PUBLIC_FOLDERS), under a
#: random name.
PRIVATE_MARKS_FOLDER = "certificates/marks"
MARK_EXTENSIONS = FileExtensionValidator(["png", "jpg", "jpeg"])


def private_mark_path(instance, filename: str) -> str:
    extension = Path(filename).suffix.lower()
    return f"{PRIVATE_MARKS_FOLDER}/{uuid.uuid4().hex}{extension}"


DEFAULT_BODY = ("Đã hoàn thành khóa bồi dưỡng “{course}” ({hours} giờ), "
                "hoàn thành ngày {completion_date}.")


class CertificateTemplate(PreviewableMixin, models.Model):
    """How certificates of a course, or of one class (training activity) of it, look.

    The most specific template wins: the class's, then the course's, then a
    general one (no course, no class); without any, built-in defaults apply.
    """

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    name = models.CharField(_("name"), max_length=255, help_text=_("For the administration only."))
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("Leave empty for a general template."))
    training_class = models.ForeignKey("enrollment.TrainingClass", verbose_name=_("class"), null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="+",
                                       help_text=_("Only for the certificates of this class (a training activity)."))
    issuing_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("issuing unit"), on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("title"), max_length=120, default="GIẤY CHỨNG NHẬN")
    body = models.TextField(_("body text"), default=DEFAULT_BODY, validators=[validate_body],
                            help_text=_("Placeholders: {learner_name}, {course}, {hours}, {completion_date}, "
                                        "{score}, {issuing_unit}, {decision_number}, {class_title}."))
    decision_number = models.CharField(_("decision number"), max_length=120, blank=True,
                                       help_text=_("e.g. Quyết định số 123/QĐ-STP"))
    number_prefix = models.CharField(
        _("number prefix"), max_length=12, default="STP",
        validators=[RegexValidator(r"^[A-Z0-9]{1,12}$", _("Capital letters and digits only."), code="prefix")],
        help_text=_("Certificates are numbered PREFIX-YEAR-000123, in sequence per prefix and year."))
    place = models.CharField(_("place of signing"), max_length=120, blank=True,
                             help_text=_("e.g. Lâm Sơn: printed as “Lâm Sơn, ngày … tháng … năm …”."))
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=160, blank=True,
                                    help_text=_("e.g. GIÁM ĐỐC"))
    # The signature and the seal are private files (never Wagtail images, whose files anyone may fetch
    # under /media/original_images/ and which every editor can pick): read by the PDF renderer only.
    signature = models.ImageField(_("signature"), upload_to=private_mark_path, blank=True,
                                  validators=[MARK_EXTENSIONS],
                                  help_text=_("PNG or JPEG, best with a transparent background. "
                                              "Kept private: printed on certificates only."))
    seal = models.ImageField(_("seal"), upload_to=private_mark_path, blank=True, validators=[MARK_EXTENSIONS],
                             help_text=_("PNG or JPEG, best with a transparent background. "
                                         "Kept private: printed on certificates only."))
    background_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("background"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+",
                                         help_text=_("Drawn over the whole page, under the text."))
    orientation = models.CharField(_("orientation"), max_length=10, choices=Orientation.choices,
                                   default=Orientation.LANDSCAPE)
    show_national_motto = models.BooleanField(
        _("national header"), default=True,
        help_text=_("“CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc” at the top."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["training_class"], condition=Q(training_class__isnull=False),
                                    name="one_template_per_class"),
            models.UniqueConstraint(fields=["course"], condition=Q(course__isnull=False, training_class__isnull=True),
                                    name="one_template_per_course"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.training_class_id and self.course_id and self.training_class.course_id != self.course_id:
            raise ValidationError({"training_class": _("This class belongs to another course.")}, code="class")

    # Wagtail preview: the PDF rendered with sample data.
    def serve_preview(self, request, mode_name):
        from .pdf import render_sample

        response = HttpResponse(render_sample(self), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response


class CertificateSequence(models.Model):
    """The last number given per prefix and year (row-locked while a number is taken)."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_year")]


def pdf_upload_to(instance: "Certificate", filename: str) -> str:
    # The code in the path makes the file name unguessable (the folder is private all the same).
    return f"certificates/{instance.year}/{instance.number}-{instance.code}.pdf"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Replaced by a newer certificate")

    enrollment = models.ForeignKey("enrollment.Enrollment", verbose_name=_("enrolment"), on_delete=models.PROTECT,
                                   related_name="+")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.PROTECT,
                                related_name="certificates")
    template = models.ForeignKey(CertificateTemplate, verbose_name=_("template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="certificates")
    number = models.CharField(_("number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)

    # the facts, frozen at issue
    learner_name = models.CharField(_("learner's name"), max_length=255)
    course_title = models.CharField(_("course"), max_length=255)
    class_title = models.CharField(_("class"), max_length=255, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    modality = models.CharField(_("modality"), max_length=20, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    issuing_unit_name = models.CharField(_("issuing unit"), max_length=255)
    decision_number = models.CharField(_("decision number"), max_length=120, blank=True)
    # whose managers see it
    learner_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("learner's unit"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    class_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("class's unit"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    pdf = models.FileField(_("PDF"), upload_to=pdf_upload_to, max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  help_text=_("Empty when issued automatically on completion."))
    notified_at = models.DateTimeField(_("learner notified"), null=True, blank=True)
    revoked_at = models.DateTimeField(pgettext_lazy("moment", "revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")
    reissue_reason = models.CharField(_("reason for re-issuing"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment"], condition=~Q(status="superseded"),
                                    name="one_current_certificate_per_enrollment"),
            models.CheckConstraint(condition=Q(status="revoked", revoked_at__isnull=False) | ~Q(status="revoked"),
                                   name="revoked_certificate_has_time"),
        ]
        indexes = [models.Index(fields=["status", "issued_at"]), models.Index(fields=["pdf_sha256"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.learner_name}"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID
