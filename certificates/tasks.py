"""Celery tasks of the certificates app: thin, idempotent wrappers over services."""
from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180,
             autoretry_for=(ConnectionError, OSError), retry_backoff=30, max_retries=5)
def issue_certificate(enrollment_id: int) -> int | None:
    """Issue (once) the certificate of a completed enrolment and e-mail it to the learner (once)."""
    certificate = services.certificate_issue(enrollment_id=enrollment_id)
    if certificate is None:
        return None
    services.certificate_notify(certificate_id=certificate.pk)
    return certificate.pk


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3600, time_limit=3900,
             autoretry_for=(ConnectionError, OSError), retry_backoff=30, max_retries=3)
def issue_class_certificates(training_class_id: int, by_id: int | None = None) -> dict:
    """Bulk issue for a class; a rerun skips the certificates issued already."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    result = services.class_certificates_issue(training_class_id=training_class_id, by=by)
    return {"issued": result.issued, "existing": result.existing}
