"""Celery tasks of the enrollment app: thin, idempotent wrappers over services."""
from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=30, max_retries=5)
def send_assignment_emails(enrollment_ids: list[int]) -> int:
    return services.assignment_emails_send(enrollment_ids=enrollment_ids)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=30, max_retries=5)
def send_completion_email(enrollment_id: int) -> bool:
    return services.completion_email_send(enrollment_id=enrollment_id)


@shared_task(acks_late=True, time_limit=1800)
def send_due_reminders() -> int:
    return services.due_reminders_send()
