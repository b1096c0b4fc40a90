"""Reads of the enrollment app: a learner's enrolments and progress, lesson states for outlines."""
from __future__ import annotations

from dataclasses import dataclass, field

from wagtail.models import Page

from courses.models import LessonPage, ModulePage

from people.selectors import scope_queryset

from ..models import Enrollment, LessonProgress, TrainingClass, VideoProgress

LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def live_enrollment(user, course) -> Enrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrollment.objects.filter(user=user, course_id=course.pk, status__in=LIVE).first()


def may_open_lessons(user, course) -> bool:
    """Whether ``user`` may open the lessons of a restricted ``course``: a live enrolment (one
    query), else running a class of it (its trainer, or a manager of the class's unit)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if Enrollment.objects.filter(user=user, course_id=course.pk, status__in=LIVE).exists():
        return True
    classes = TrainingClass.objects.filter(course_id=course.pk)
    return classes.filter(trainer=user).exists() or scope_queryset(classes, user).exists()


def current_enrollment(user, course) -> Enrollment | None:
    """The live enrolment or a pending request (what the course page shows)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrollment.objects.filter(user=user, course_id=course.pk,
                                     status__in=(*LIVE, Enrollment.Status.PENDING)).first()


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
class ModuleProgress:
    title: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


@dataclass
class LearningRow:
    enrollment: Enrollment
    done: int
    total: int
    continue_url: str
    modules: list[ModuleProgress] = field(default_factory=list)
    extras: list = field(default_factory=list)  # HTML from higher apps (hook enrollment_learning_row)

    @property
    def percent(self) -> int:
        return 100 if self.enrollment.status == Enrollment.Status.COMPLETED else (
            int(self.done * 100 / self.total) if self.total else 0)


def my_learning(user) -> list[LearningRow]:
    """The learner's current enrolments: share of required lessons done, per course and per module."""
    rows = []
    enrollments = Enrollment.objects.filter(user=user, status__in=(*LIVE, Enrollment.Status.PENDING)) \
        .select_related("course", "last_lesson", "training_class")
    for enrollment in enrollments:
        pages = list(Page.objects.live().descendant_of(enrollment.course).type(ModulePage, LessonPage)
                     .order_by("path").specific())
        lessons = [p for p in pages if isinstance(p, LessonPage) and p.is_required]
        finished = set(enrollment.lessons.filter(lesson__in=lessons, completed_at__isnull=False)
                       .values_list("lesson_id", flat=True))
        modules = []
        for module in (p for p in pages if isinstance(p, ModulePage)):
            inside = [lesson for lesson in lessons if lesson.path.startswith(module.path)]
            if inside:
                modules.append(ModuleProgress(title=module.title, total=len(inside),
                                              done=sum(1 for lesson in inside if lesson.pk in finished)))
        target = enrollment.last_lesson or (lessons[0] if lessons else None)
        rows.append(LearningRow(enrollment=enrollment, done=len(finished), total=len(lessons), modules=modules,
                                continue_url=target.url if target else enrollment.course.url))
    return rows
