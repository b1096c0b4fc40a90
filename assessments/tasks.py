"""Celery entry points: thin, idempotent, taking ids."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.close_expired_attempts", ignore_result=True, soft_time_limit=240,
             time_limit=300)
def close_expired_attempts() -> int:
    """Beat sweep: grade (or abandon) attempts whose time and grace ran out."""
    return services.attempts_close_expired()



@shared_task(name="assessments.tasks.index_question_references", ignore_result=True, soft_time_limit=1800,
             time_limit=1900)
def index_question_references(question_ids: list[int]) -> int:
    """After a bulk bank import: record what the questions refer to in Wagtail's reference index."""
    return services.question_references_update(question_ids=question_ids)
