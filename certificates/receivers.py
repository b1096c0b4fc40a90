"""What certificates/ does when enrollment/ reports a completion, or the withdrawal of one.

Both signals are sent on commit. The issue goes to a Celery task (rendering a
PDF and sending an e-mail do not belong in the request that completed the
course); revoking is one row update and happens at once.
"""
from django.db import transaction
from django.dispatch import receiver

from enrollment.signals import completion_revoked, course_completed

from . import services
from .tasks import issue_certificate


@receiver(course_completed, dispatch_uid="certificates_issue_on_completion")
def on_course_completed(sender, enrollment, **kwargs):
    enrollment_id = enrollment.pk
    transaction.on_commit(lambda: issue_certificate.delay(enrollment_id))


@receiver(completion_revoked, dispatch_uid="certificates_revoke_on_completion_revoked")
def on_completion_revoked(sender, enrollment, **kwargs):
    services.completion_revoked(enrollment_id=enrollment.pk, by=getattr(enrollment, "decided_by", None),
                                reason=enrollment.completion_revoked_reason)
