"""The register of issued certificates (sổ cấp giấy chứng nhận) as an XLSX workbook.

Every certificate the filters select, revoked and replaced ones included: the register is the
history of what was issued, each row with its status and the reason it changed. Names keep
their diacritics; dates are spreadsheet dates.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.models import Modality
from lms import sheets

from . import selectors
from .models import Certificate


def _headers() -> list[str]:
    return [_("Number"), _("Full name"), _("Date of birth"), _("Learner's unit"), _("Course"), _("Class"), _("Hours"),
            _("Modality"), _("Completed on"), _("Issued on"), _("Issuing unit"), _("Decision"), _("Status"),
            _("Reason"), _("Replaced by"), _("Verification page")]


def _values(certificate: Certificate, modalities: dict) -> list:
    profile = getattr(certificate.learner, "profile", None)
    replacement = getattr(certificate, "replaced_by", None)
    return [
        certificate.number, certificate.learner_name, profile.date_of_birth if profile else None,
        certificate.learner_unit.name if certificate.learner_unit else "", certificate.course_title,
        certificate.class_title, float(certificate.hours),
        str(modalities.get(certificate.modality, certificate.modality)),
        certificate.completed_on, timezone.localdate(certificate.issued_at), certificate.issuing_unit_name,
        certificate.decision_number, certificate.get_status_display(),
        certificate.revoked_reason or (replacement.reissue_reason if replacement else ""),
        replacement.number if replacement else "", selectors.verify_url(certificate.code),
    ]


def register_xlsx(certificates: Iterable[Certificate], *, title: str) -> bytes:
    """The register: a title row, a bold header, one certificate per row (constant memory per row)."""
    modalities = dict(Modality.choices)
    return sheets.xlsx_bytes(_headers(), (_values(certificate, modalities) for certificate in certificates),
                             title=_("Certificates"), caption=title,
                             widths=[18, 28, 13, 28, 40, 28, 7, 18, 13, 13, 28, 24, 16, 30, 18, 50])
