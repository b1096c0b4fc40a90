"""Reads certificates/ needs: the frozen facts of a completion, the completions of a class,
the learner's score on a course and whether they accept e-mail about completions."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from assessments.selectors import best_result
from courses.models import LessonPage

from ..models import Enrollment, NotificationPreference, TrainingClass


def completion_facts(enrollment_id: int) -> Enrollment | None:
    """A completed, not revoked enrolment with the learner, profile, course, class and its unit loaded."""
    return (Enrollment.objects.filter(pk=enrollment_id, status=Enrollment.Status.COMPLETED,
                                      completion_revoked_at__isnull=True)
            .select_related("user__profile__org_unit", "course", "training_class__org_unit").first())


def class_completions(training_class_id: int) -> QuerySet[Enrollment]:
    """Completed, not revoked enrolments of a class (bulk issue)."""
    return Enrollment.objects.filter(training_class_id=training_class_id, status=Enrollment.Status.COMPLETED,
                                     completion_revoked_at__isnull=True)


def training_class(training_class_id: int) -> TrainingClass | None:
    return TrainingClass.objects.select_related("course", "org_unit", "trainer").filter(pk=training_class_id).first()


def classes_of_course(course_id: int) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.filter(course_id=course_id).select_related("org_unit")


def course_score(enrollment: Enrollment) -> Decimal | None:
    """The learner's score on the course (the mean of their best result on each quiz in its live lessons),
    or None when the course has no quiz the learner finished."""
    percents = []
    for lesson in LessonPage.objects.live().descendant_of(enrollment.course):
        for block in lesson.body:
            if block.block_type == "quiz" and block.value.get("quiz") is not None:
                result = best_result(enrollment.user, block.value["quiz"])
                if result is not None:
                    percents.append(Decimal(result.percent))
    if not percents:
        return None
    return (sum(percents) / len(percents)).quantize(Decimal("0.01"))


def wants_completion_email(user) -> bool:
    """Whether the learner accepts e-mail about completed courses (a certificate is one)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.completions


def completed_enrollment_ids(user) -> list[int]:
    """Ids of the learner's completed, not revoked enrolments (the demo issues their certificates)."""
    return list(Enrollment.objects.filter(user=user, status=Enrollment.Status.COMPLETED,
                                          completion_revoked_at__isnull=True).values_list("pk", flat=True))
