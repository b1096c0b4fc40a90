"""A quiz embedded in a course's lessons is for the learners enrolled in that course.

assessments/ (two layers below) cannot ask about courses; it offers the
``assessments_quiz_access`` hook and asks it before the quiz's page and before
an attempt starts. This module answers it: False (deny) when the quiz sits in
one or more live lessons and the user has no live enrolment (active or
completed) in any of their courses; None (no opinion) otherwise, so a quiz used
outside courses stays open. Staff who may author the quiz are let in by
assessments before any hook is asked.
"""
from __future__ import annotations

from wagtail import hooks

from courses.selectors import courses_embedding_quiz

from .models import Enrollment
from .selectors import LIVE


def quiz_access(user, quiz) -> bool | None:
    """False when ``quiz`` belongs to courses ``user`` is not enrolled in; else None (two or three queries)."""
    course_ids = courses_embedding_quiz(quiz.pk)
    if not course_ids:
        return None
    if not getattr(user, "is_authenticated", False):
        return False
    enrolled = Enrollment.objects.filter(user=user, course_id__in=course_ids, status__in=LIVE).exists()
    return None if enrolled else False


hooks.register("assessments_quiz_access", quiz_access)
