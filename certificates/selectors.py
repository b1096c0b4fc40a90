"""Reads of the certificates app: which template applies, what a user may see, the stored PDF."""
from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from people.selectors import scope_queryset

from .models import Certificate, CertificateTemplate

#: The shape of a verification code (secrets.token_urlsafe(16): 22 characters, 128 random bits).
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


def verify_url(code: str) -> str:
    """The public address printed on the certificate and in its QR code."""
    return settings.SITE_URL + reverse("certificates:verify", args=[code])


def template_for(enrollment) -> CertificateTemplate | None:
    """The most specific template: the enrolment's class, then its course, then a general one."""
    candidates = Q(course_id=enrollment.course_id, training_class__isnull=True) | Q(
        course__isnull=True, training_class__isnull=True)
    if enrollment.training_class_id:
        candidates |= Q(training_class_id=enrollment.training_class_id)
    templates = list(CertificateTemplate.objects.filter(candidates).select_related(
        "issuing_unit", "background_image").order_by("pk"))

    def rank(template: CertificateTemplate) -> int:
        if template.training_class_id:
            return 0
        return 1 if template.course_id else 2

    return min(templates, key=rank, default=None)


def current_certificate(enrollment_id: int) -> Certificate | None:
    """The enrolment's certificate that is not superseded (valid or revoked)."""
    return Certificate.objects.exclude(status=Certificate.Status.SUPERSEDED).filter(
        enrollment_id=enrollment_id).first()


def by_code(code: str) -> Certificate | None:
    """The certificate a verification code names; None for a malformed or unknown code."""
    if not CODE_RE.match(code or ""):
        return None
    return Certificate.objects.select_related("replaced_by").filter(code=code).first()


def by_pdf_sha256(digest: str) -> Certificate | None:
    """The certificate whose issued PDF has this SHA-256 (a superseded one too: the page then says so)."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest or ""):
        return None
    return Certificate.objects.select_related("replaced_by").filter(pdf_sha256=digest).first()


def certificate_holders(users: list) -> list:
    """Those of ``users`` who hold a certificate (of any status: all are records)."""
    ids = set(Certificate.objects.filter(learner__in=users).values_list("learner_id", flat=True))
    return [user for user in users if user.pk in ids]


def my_certificates(user) -> QuerySet[Certificate]:
    """A learner's certificates, current ones first (superseded ones stay as history)."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(learner=user).select_related("replaced_by").order_by(
        "status", "-issued_at")


def learner_certificate(user, pk: int) -> Certificate | None:
    """One of the learner's own certificates (anyone else's is None)."""
    return my_certificates(user).filter(pk=pk).first()


def visible_certificates(user) -> QuerySet[Certificate]:
    """Certificates an administrator may see: of learners or classes in the subtrees they manage, and of
    the classes they train. Superusers see all."""
    qs = Certificate.objects.select_related("learner", "replaced_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "is_superuser", False):
        return qs
    of_learners = scope_queryset(Certificate.objects.all(), user, "learner_unit").values("pk")
    of_classes = scope_queryset(Certificate.objects.all(), user, "class_unit").values("pk")
    return qs.filter(Q(pk__in=of_learners) | Q(pk__in=of_classes) | Q(enrollment__training_class__trainer=user))


def visible_certificates_filtered(user, *, status: str = "", training_class_id: int | None = None,
                                  query: str = "") -> QuerySet[Certificate]:
    qs = visible_certificates(user)
    if status:
        qs = qs.filter(status=status)
    if training_class_id:
        qs = qs.filter(enrollment__training_class_id=training_class_id)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(learner_name__icontains=query)
                       | Q(course_title__icontains=query))
    return qs


def revoked_indices() -> list[int]:
    """Status-list indices (certificate ids) that no longer hold: revoked or superseded."""
    return list(Certificate.objects.exclude(status=Certificate.Status.VALID).values_list("pk", flat=True))


def pdf_filename(certificate: Certificate) -> str:
    """A readable download name that keeps the diacritics: "Giấy chứng nhận STP-2026-000123 - Nguyễn Thị Hường.pdf"."""
    name = re.sub(r'[\\/:*?"<>|\r\n]+', " ", certificate.learner_name).strip()
    return f"Giấy chứng nhận {certificate.number} - {name}.pdf"
