"""Reads of the enrollment app: a learner's enrolments and progress, lesson states for outlines."""
from __future__ import annotations

from dataclasses import dataclass

from courses.models import LessonPage

from .models import Enrollment, LessonProgress, VideoProgress

LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def live_enrollment(user, course) -> Enrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrollment.objects.filter(user=user, course_id=course.pk, status__in=LIVE).first()


def lesson_states(user, lesson_ids: list[int]) -> dict[int, str]:
    """{lesson id: "complete" | "in_progress"} for the learner (used by the course outline)."""
    if not getattr(user, "is_authenticated", False) or not lesson_ids:
        return {}
    rows = LessonProgress.objects.filter(enrollment__user=user, enrollment__status__in=LIVE,
                                         lesson_id__in=lesson_ids).values_list("lesson_id", "completed_at")
    return {lesson_id: "complete" if completed else "in_progress" for lesson_id, completed in rows}


def video_positions(user, lesson_id: int) -> dict[int, float]:
    """Where the learner stopped in each video of a lesson (resume on any device)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(VideoProgress.objects.filter(enrollment__user=user, enrollment__status__in=LIVE,
                                             lesson_id=lesson_id).values_list("video_id", "position"))


@dataclass
class LearningRow:
    enrollment: Enrollment
    done: int
    total: int
    continue_url: str

    @property
    def percent(self) -> int:
        return 100 if self.enrollment.status == Enrollment.Status.COMPLETED else (
            int(self.done * 100 / self.total) if self.total else 0)


def my_learning(user) -> list[LearningRow]:
    """The learner's live enrolments with their share of required lessons done."""
    rows = []
    enrollments = Enrollment.objects.filter(user=user, status__in=(*LIVE, Enrollment.Status.PENDING)) \
        .select_related("course", "last_lesson")
    for enrollment in enrollments:
        lessons = list(LessonPage.objects.live().descendant_of(enrollment.course).filter(is_required=True)
                       .only("pk", "url_path", "path", "depth"))
        done = enrollment.lessons.filter(lesson__in=lessons, completed_at__isnull=False).count()
        target = enrollment.last_lesson or (lessons[0] if lessons else None)
        rows.append(LearningRow(enrollment=enrollment, done=done, total=len(lessons),
                                continue_url=target.url if target else enrollment.course.url))
    return rows
