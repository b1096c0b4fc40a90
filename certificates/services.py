"""Writes of the certificates app: issue, revoke, re-issue, bulk issue, notify.

Issuing is idempotent: one current certificate per enrolment is a partial
unique index, numbers come from a row-locked yearly sequence (no gaps: a
failed issue rolls its number back), and the PDF is rendered after the row
exists, so a retried task finishes a half-done issue instead of starting over.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enrollment.selectors import certificates as completions
from enrollment.services import email_stop_url
from lms.text import nfc

from . import pdf, selectors
from .models import Certificate, CertificateSequence, CertificateTemplate


def learner_name_of(user) -> str:
    """The name printed on a certificate: the profile's, else the account's, in Unicode NFC."""
    profile = getattr(user, "profile", None)
    return nfc((profile.full_name if profile else "") or user.get_full_name() or user.username)


def _next_number(prefix: str, year: int) -> str:
    """The next number of ``prefix`` in ``year`` (the caller's transaction holds the row lock)."""
    CertificateSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = CertificateSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


def facts_of(certificate: Certificate) -> pdf.Facts:
    return pdf.Facts(
        number=certificate.number, learner_name=certificate.learner_name, course_title=certificate.course_title,
        hours=certificate.hours, completed_on=certificate.completed_on,
        issued_on=timezone.localdate(certificate.issued_at), issuing_unit_name=certificate.issuing_unit_name,
        verify_url=selectors.verify_url(certificate.code), decision_number=certificate.decision_number,
        class_title=certificate.class_title, score=certificate.score)


def pdf_store(certificate: Certificate) -> Certificate:
    """Render the certificate's PDF from its frozen facts and store it (local folder or S3)."""
    content = pdf.render(facts_of(certificate), certificate.template)
    if certificate.pdf:
        certificate.pdf.storage.delete(certificate.pdf.name)
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(content), save=False)
    certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name, pdf_sha256=certificate.pdf_sha256)
    return certificate


def _new_certificate(enrollment, *, template: CertificateTemplate | None, by, learner_name: str,
                     replaces: Certificate | None = None, reason: str = "") -> Certificate:
    now = timezone.now()
    profile = getattr(enrollment.user, "profile", None)
    training_class = enrollment.training_class
    if template is not None:
        unit_name = template.issuing_unit.name
    elif training_class is not None:
        unit_name = training_class.org_unit.name
    else:
        unit_name = settings.CERTIFICATE_ISSUER_NAME
    prefix = template.number_prefix if template is not None else settings.CERTIFICATE_NUMBER_PREFIX
    year = timezone.localdate(now).year
    certificate = Certificate(
        enrollment=enrollment, learner=enrollment.user, template=template, year=year, code=secrets.token_urlsafe(16),
        learner_name=learner_name, course_title=enrollment.course.title,
        class_title=training_class.title if training_class else "",
        hours=enrollment.course.estimated_hours, completed_on=timezone.localdate(enrollment.completed_at),
        modality=enrollment.completion_modality, score=completions.course_score(enrollment),
        issuing_unit_name=unit_name, decision_number=template.decision_number if template else "",
        learner_unit=profile.org_unit if profile else None,
        class_unit=training_class.org_unit if training_class else None,
        issued_at=now, issued_by=by, replaces=replaces, reissue_reason=reason)
    # Field checks only: the related rows were just read, and uniqueness is the database's (constraints).
    certificate.clean_fields(exclude=["pdf", "enrollment", "learner", "template", "learner_unit", "class_unit",
                                      "issued_by", "replaces", "revoked_by", "number"])
    certificate.number = _next_number(prefix, year)  # last: the sequence row stays locked until commit
    certificate.save()
    return certificate


def certificate_issue(*, enrollment_id: int, by=None) -> Certificate | None:
    """The enrolment's certificate, issued once: None while the enrolment is not (or no longer) completed.

    Running it twice, or in two workers at once, gives one certificate.
    """
    certificate = selectors.current_certificate(enrollment_id)
    if certificate is None:
        enrollment = completions.completion_facts(enrollment_id)
        if enrollment is None:
            return None
        template = selectors.template_for(enrollment)
        try:
            with transaction.atomic():
                certificate = _new_certificate(enrollment, template=template, by=by,
                                               learner_name=learner_name_of(enrollment.user))
        except IntegrityError:  # another worker issued it first: keep theirs (our number was rolled back)
            certificate = selectors.current_certificate(enrollment_id)
            if certificate is None:
                raise
    if not certificate.pdf:
        pdf_store(certificate)
    return certificate


def certificate_revoke(*, certificate_id: int, by, reason: str) -> Certificate:
    """Revoke a valid certificate; the verification page then shows it revoked, with the reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give the reason for revoking."), code="reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be revoked."), code="not_valid")
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at, certificate.revoked_by = timezone.now(), by
        certificate.revoked_reason = reason[:255]
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    return certificate


def completion_revoked(*, enrollment_id: int, by, reason: str) -> Certificate | None:
    """A manager withdrew the completion: its current certificate is revoked with the same reason."""
    certificate = selectors.current_certificate(enrollment_id)
    if certificate is None or certificate.status != Certificate.Status.VALID:
        return certificate
    return certificate_revoke(certificate_id=certificate.pk, by=by,
                              reason=reason or _("The completion was revoked."))


def certificate_reissue(*, certificate_id: int, by, learner_name: str, reason: str) -> Certificate:
    """Replace a valid certificate (after a name correction): the old one is kept, marked superseded,
    and a new one gets a new number and code; the PDF is rendered again."""
    learner_name = nfc(learner_name or "")
    reason = " ".join((reason or "").split())
    if not learner_name:
        raise ValidationError(_("Enter the learner's name as it must appear."), code="name")
    if not reason:
        raise ValidationError(_("Give the reason for re-issuing."), code="reason")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate_id)
        if old.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be re-issued."), code="not_valid")
        enrollment = completions.completion_facts(old.enrollment_id)
        if enrollment is None:
            raise ValidationError(_("The completion of this certificate no longer holds."), code="not_completed")
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = _new_certificate(enrollment, template=old.template, by=by, learner_name=learner_name,
                               replaces=old, reason=reason[:255])
    return pdf_store(new)


@dataclass
class BulkResult:
    issued: int = 0
    existing: int = 0


def class_certificates_issue(*, training_class_id: int, by=None) -> BulkResult:
    """Issue the certificates of every completed enrolment of a class (those issued already are kept)."""
    result = BulkResult()
    for enrollment_id in completions.class_completions(training_class_id).values_list("pk", flat=True):
        had = selectors.current_certificate(enrollment_id) is not None
        certificate = certificate_issue(enrollment_id=enrollment_id, by=by)
        if certificate is None:
            continue
        if had:
            result.existing += 1
        else:
            result.issued += 1
            certificate_notify(certificate_id=certificate.pk)
    return result


def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the learner their certificate (PDF attached) with the congratulation, once; learners who
    turned off completion e-mail, or have no address, are not written to."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("learner").get(pk=certificate_id)
        user = certificate.learner
        if (certificate.notified_at or certificate.status != Certificate.Status.VALID or not user.email
                or not user.is_active or not completions.wants_completion_email(user)):
            return False
        stop_url = email_stop_url(user.pk, "completions")
        context = {"certificate": certificate, "verify_url": selectors.verify_url(certificate.code),
                   "mine_url": settings.SITE_URL + reverse("certificates:mine"), "stop_url": stop_url}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("certificates/email/issued_subject.txt", context).strip()
            body = render_to_string("certificates/email/issued.txt", context)
        message = EmailMessage(subject=subject, body=body, to=[user.email],
                               headers={"List-Unsubscribe": f"<{stop_url}>"})
        with certificate.pdf.open("rb") as handle:
            message.attach(selectors.pdf_filename(certificate), handle.read(), "application/pdf")
        message.send()
        Certificate.objects.filter(pk=certificate.pk).update(notified_at=timezone.now())
    return True
