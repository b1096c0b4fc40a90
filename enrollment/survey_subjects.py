"""What a person may rate in a satisfaction survey: the courses and classes they are enrolled in.

assessments/ (two layers below) keeps surveys and cannot ask about enrolments; it offers the
``assessments_survey_subjects`` hook and refuses any subject no hook offers, so a learner cannot
add answers to a unit's satisfaction figure by inventing subjects. This module answers it with the
person's live enrolments (active or completed): ``course:<id>`` for each course and
``class:<id>`` for the class they followed it in. One query.
"""
from __future__ import annotations

from wagtail import hooks

from .models import Enrollment
from .selectors import LIVE


def survey_subjects(user) -> dict[str, str]:
    """``{"course:12": course title, "class:3": class title}`` of ``user``'s live enrolments, newest first."""
    if not getattr(user, "is_authenticated", False):
        return {}
    subjects: dict[str, str] = {}
    enrollments = (Enrollment.objects.filter(user=user, status__in=LIVE).select_related("course", "training_class")
                   .order_by("-enrolled_at", "-pk"))
    for enrollment in enrollments:
        subjects[f"course:{enrollment.course_id}"] = enrollment.course.title
        if enrollment.training_class_id:
            subjects[f"class:{enrollment.training_class_id}"] = enrollment.training_class.title
    return subjects


hooks.register("assessments_survey_subjects", survey_subjects)
