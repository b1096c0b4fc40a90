"""Writes of the enrollment app: enrol, record visits and heartbeats, evaluate completion.

Completion is evaluated by one service (``completion_evaluate``) under a row
lock on the enrolment, so concurrent heartbeats record it once; the
``course_completed`` signal is sent on commit.
"""
from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import best_result
from courses.models import CoursePage, LessonPage
from media_pipeline.models import Video

from . import coverage as cov
from .models import Enrollment, LessonProgress, VideoProgress
from .signals import course_completed

LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def enroll(*, user, course: CoursePage) -> Enrollment:
    """Self-enrolment in a published course (idempotent: the live enrolment is returned)."""
    if not course.live:
        raise ValidationError(_("This course is not open."), code="not_open")
    existing = Enrollment.objects.filter(user=user, course=course).exclude(status=Enrollment.Status.WITHDRAWN).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course, status=Enrollment.Status.ACTIVE)
    except IntegrityError:  # a double click: the other request created it
        return Enrollment.objects.get(user=user, course=course, status__in=LIVE)


def withdraw(*, enrollment: Enrollment) -> Enrollment:
    """Unenrol, keeping the history (progress rows stay)."""
    Enrollment.objects.filter(pk=enrollment.pk, status=Enrollment.Status.ACTIVE).update(
        status=Enrollment.Status.WITHDRAWN, withdrawn_at=timezone.now())
    enrollment.refresh_from_db()
    return enrollment


def _live_enrollment(user, course_id: int) -> Enrollment:
    enrollment = Enrollment.objects.filter(user=user, course_id=course_id, status__in=LIVE).first()
    if enrollment is None:
        raise PermissionDenied(_("Enrol in the course first."))
    return enrollment


def lesson_visit(*, user, lesson: LessonPage) -> LessonProgress | None:
    """Record a visit of an enrolled learner (and the course's "continue here" lesson)."""
    course = lesson.get_parent().get_parent().specific
    enrollment = Enrollment.objects.filter(user=user, course_id=course.pk, status__in=LIVE).first()
    if enrollment is None:
        return None
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if not _created:
        progress.save(update_fields=["last_visited_at"])
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
    completion_evaluate(enrollment_id=enrollment.pk)
    return progress


def lesson_requirements(lesson: LessonPage) -> tuple[list[int], list]:
    """(video ids, quizzes that must be passed) of a lesson's body."""
    videos, quizzes = [], []
    for block in lesson.body:
        if block.block_type == "video" and block.value is not None:
            videos.append(block.value.pk)
        elif block.block_type == "quiz" and block.value.get("quiz") is not None and block.value.get("must_pass"):
            quizzes.append(block.value["quiz"])
    return videos, quizzes


def heartbeat(*, user, lesson_id: int, video_id: int, start: float, end: float, rate: float,
              now: float | None = None) -> VideoProgress:
    """Merge one player heartbeat into the learner's coverage of a video, then re-check completion."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise ValidationError(_("Unknown lesson."), code="lesson")
    course_id = lesson.get_parent().get_parent().pk
    enrollment = _live_enrollment(user, course_id)
    video = Video.objects.filter(pk=video_id).only("pk", "duration_s").first()
    if video is None:
        raise ValidationError(_("Unknown video."), code="video")
    with transaction.atomic():
        progress, _created = VideoProgress.objects.select_for_update().get_or_create(
            enrollment=enrollment, lesson=lesson, video=video, defaults={"duration": video.duration_s})
        state = cov.Coverage(duration=progress.duration or video.duration_s,
                             intervals=[tuple(i) for i in progress.intervals],
                             last_heartbeat_at=progress.last_heartbeat_at, position=progress.position)
        cov.apply_heartbeat(state, start=start, end=end, rate=rate, now=time.time() if now is None else now)
        progress.intervals = [list(i) for i in state.intervals]
        progress.watched_seconds, progress.coverage_percent = state.watched_seconds, state.percent
        progress.position, progress.last_heartbeat_at = state.position, state.last_heartbeat_at
        progress.save()
    completion_evaluate(enrollment_id=enrollment.pk)
    return progress


def _lesson_done(enrollment: Enrollment, lesson: LessonPage, threshold: int, visited: set[int],
                 coverage: dict[tuple[int, int], float], user) -> bool:
    if lesson.pk not in visited:
        return False
    videos, quizzes = lesson_requirements(lesson)
    if any(coverage.get((lesson.pk, video_id), 0) < threshold for video_id in videos):
        return False
    for quiz in quizzes:
        result = best_result(user, quiz)
        if result is None or not result.passed:
            return False
    return True


def completion_evaluate(*, enrollment_id: int) -> Enrollment:
    """Mark finished lessons and, when the course's rule is met, the course: once, idempotently."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment_id)
        if enrollment.status not in LIVE:
            return enrollment
        course = enrollment.course
        lessons = list(LessonPage.objects.live().descendant_of(course))
        progress = {p.lesson_id: p for p in enrollment.lessons.all()}
        coverage = {(v.lesson_id, v.video_id): v.coverage_percent for v in enrollment.videos.all()}
        now = timezone.now()
        done = set()
        for lesson in lessons:
            if _lesson_done(enrollment, lesson, course.video_coverage_threshold, set(progress), coverage,
                            enrollment.user):
                done.add(lesson.pk)
                if progress[lesson.pk].completed_at is None:
                    LessonProgress.objects.filter(pk=progress[lesson.pk].pk).update(completed_at=now)
        required = [lesson.pk for lesson in lessons if lesson.is_required]
        if enrollment.status == Enrollment.Status.ACTIVE and required and set(required) <= done:
            enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, now
            enrollment.completion_modality = course.modality
            enrollment.save(update_fields=["status", "completed_at", "completion_modality"])
            transaction.on_commit(lambda: course_completed.send(sender=Enrollment, enrollment=enrollment))
    return enrollment
