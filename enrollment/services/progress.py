"""Writes of the enrollment app: enrol, record visits and heartbeats, evaluate completion.

Completion is evaluated by one service (``completion_evaluate``) under a row
lock on the enrolment, so concurrent heartbeats record it once; the
``course_completed`` signal is sent on commit.
"""
from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import best_result
from courses.models import CoursePage, LessonPage
from media_pipeline.models import Video

from .. import coverage as cov
from ..models import (
    ONLINE_MODALITIES, Attendance, Enrollment, LessonProgress, Modality, TrainingSession, VideoProgress,
)
from ..signals import completion_revoked, course_completed

LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


CURRENT = (Enrollment.Status.PENDING, Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def enroll(*, user, course: CoursePage) -> Enrollment:
    """Self-enrolment (idempotent: the current enrolment is returned).

    Open courses enrol at once; restricted ones leave a request a manager approves;
    courses taken by assignment only refuse.
    """
    if not course.live:
        raise ValidationError(_("This course is not open."), code="not_open")
    existing = Enrollment.objects.filter(user=user, course=course, status__in=CURRENT).first()
    if existing:
        return existing
    policy = getattr(course, "enrolment_policy", "open")
    if policy == "assigned":
        raise ValidationError(_("This course is taken by assignment from your unit. Ask your manager."),
                              code="assigned_only")
    status = Enrollment.Status.PENDING if policy == "approval" else Enrollment.Status.ACTIVE
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course, status=status)
    except IntegrityError:  # a double click: the other request created it
        return Enrollment.objects.get(user=user, course=course, status__in=CURRENT)


def enrollment_decide(*, enrollment_id: int, by, approve: bool) -> Enrollment:
    """Approve or refuse a pending request (the caller checked the manager's scope)."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if enrollment.status != Enrollment.Status.PENDING:
            raise ValidationError(_("This request has already been decided."), code="decided")
        enrollment.status = Enrollment.Status.ACTIVE if approve else Enrollment.Status.REFUSED
        enrollment.decided_by = by
        enrollment.save(update_fields=["status", "decided_by"])
    return enrollment


def completion_revoke(*, enrollment_id: int, by, reason: str) -> Enrollment:
    """Withdraw a recorded completion (it no longer counts in reports); history is kept."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking."), code="reason")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if enrollment.status != Enrollment.Status.COMPLETED or enrollment.completion_revoked_at:
            raise ValidationError(_("Only a recorded completion can be revoked."), code="not_completed")
        enrollment.completion_revoked_at = timezone.now()
        enrollment.completion_revoked_reason = reason.strip()[:255]
        enrollment.decided_by = by
        enrollment.save(update_fields=["completion_revoked_at", "completion_revoked_reason", "decided_by"])
        transaction.on_commit(lambda: completion_revoked.send(sender=Enrollment, enrollment=enrollment))
    return enrollment


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


LESSON_CACHE_SECONDS = 300


def _lesson_course(lesson_id: int) -> tuple[int, int] | None:
    """(course id, video coverage threshold) of a live lesson, cached: heartbeats are the platform's
    most frequent request, and a lesson's course changes only when an editor moves it (the cache
    forgets within five minutes)."""
    key = f"enrollment:lesson-course:{lesson_id}"
    found = cache.get(key)
    if found is None:
        lesson = LessonPage.objects.live().filter(pk=lesson_id).only("path", "depth").first()
        course = None
        if lesson is not None:
            course = CoursePage.objects.filter(path=lesson.path[:CoursePage.steplen * (lesson.depth - 2)]) \
                .values_list("pk", "video_coverage_threshold").first()
        found = list(course) if course else []
        cache.set(key, found, LESSON_CACHE_SECONDS)
    return tuple(found) if found else None


def _progress_sql() -> tuple[str, str]:
    """The two statements of a steady-state heartbeat, written once per database vendor.

    Heartbeats are the platform's most frequent request; building these through the ORM
    cost about as much as running them. They read and write the same columns as the
    VideoProgress model (values go through the model's fields, so JSON and floats are
    stored exactly as the ORM would).
    """
    quote = connection.ops.quote_name
    progress, enrollment = quote(VideoProgress._meta.db_table), quote(Enrollment._meta.db_table)
    # PostgreSQL locks the progress row; SQLite's IMMEDIATE transactions lock the database
    lock = " FOR UPDATE OF vp" if connection.features.has_select_for_update_of else ""
    live = ", ".join(["%s"] * len(LIVE))
    select = (f"SELECT vp.id, vp.enrollment_id, vp.duration, vp.intervals, vp.last_heartbeat_at, vp.position, "
              f"vp.coverage_percent FROM {progress} vp INNER JOIN {enrollment} e ON e.id = vp.enrollment_id "
              f"WHERE e.user_id = %s AND e.course_id = %s AND e.status IN ({live}) AND vp.lesson_id = %s "
              f"AND vp.video_id = %s{lock}")
    update = (f"UPDATE {progress} SET intervals = %s, watched_seconds = %s, coverage_percent = %s, position = %s, "
              f"last_heartbeat_at = %s, updated_at = %s WHERE id = %s")
    return select, update


def _locked_progress(*, user, course_id: int, lesson_id: int, video_id: int) -> VideoProgress | None:
    """The learner's progress row for this video in a live enrolment, locked (one query)."""
    select, _update = _progress_sql()
    with connection.cursor() as cursor:
        cursor.execute(select, [user.pk, course_id, *LIVE, lesson_id, video_id])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, enrollment_id, duration, intervals, last_heartbeat_at, position, coverage_percent = row
    intervals = _INTERVALS.from_db_value(intervals, None, connection)
    return VideoProgress(id=pk, enrollment_id=enrollment_id, lesson_id=lesson_id, video_id=video_id,
                         duration=duration, intervals=intervals, last_heartbeat_at=last_heartbeat_at,
                         position=position, coverage_percent=coverage_percent)


def _progress_save(progress: VideoProgress) -> None:
    _select, update = _progress_sql()
    values = [_INTERVALS.get_db_prep_save(progress.intervals, connection), progress.watched_seconds,
              progress.coverage_percent, progress.position, progress.last_heartbeat_at,
              _UPDATED_AT.get_db_prep_save(progress.updated_at, connection), progress.pk]
    with connection.cursor() as cursor:
        cursor.execute(update, values)


_INTERVALS = VideoProgress._meta.get_field("intervals")
_UPDATED_AT = VideoProgress._meta.get_field("updated_at")


def heartbeat(*, user, lesson_id: int, video_id: int, start: float, end: float, rate: float,
              now: float | None = None) -> VideoProgress:
    """Merge one player heartbeat into the learner's coverage of a video.

    Steady state costs two queries (the progress row, locked, and its update);
    completion is re-checked only when this video's coverage crosses the course's
    threshold, the one moment a heartbeat can change it.
    """
    lesson_course = _lesson_course(lesson_id)
    if lesson_course is None:
        raise ValidationError(_("Unknown lesson."), code="lesson")
    course_id, threshold = lesson_course
    with transaction.atomic():
        progress = _locked_progress(user=user, course_id=course_id, lesson_id=lesson_id, video_id=video_id)
        if progress is None:
            enrollment = _live_enrollment(user, course_id)
            video = Video.objects.filter(pk=video_id).only("pk", "duration_s").first()
            if video is None:
                raise ValidationError(_("Unknown video."), code="video")
            progress, _created = VideoProgress.objects.select_for_update().get_or_create(
                enrollment=enrollment, lesson_id=lesson_id, video=video, defaults={"duration": video.duration_s})
        before = progress.coverage_percent
        state = cov.Coverage(duration=progress.duration, intervals=[tuple(i) for i in progress.intervals],
                             last_heartbeat_at=progress.last_heartbeat_at, position=progress.position)
        cov.apply_heartbeat(state, start=start, end=end, rate=rate, now=time.time() if now is None else now)
        progress.intervals = [list(i) for i in state.intervals]
        progress.watched_seconds, progress.coverage_percent = state.watched_seconds, state.percent
        progress.position, progress.last_heartbeat_at = state.position, state.last_heartbeat_at
        progress.updated_at = timezone.now()
        _progress_save(progress)
    if before < threshold <= progress.coverage_percent:
        completion_evaluate(enrollment_id=progress.enrollment_id)
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


def _attendance_rule(enrollment: Enrollment) -> tuple[bool, set[str]] | None:
    """(rule met, modalities of the sessions attended) for an enrolment in a class with
    live or in-person sessions; None when attendance plays no part."""
    if enrollment.training_class_id is None:
        return None
    sessions = dict(TrainingSession.objects.filter(training_class_id=enrollment.training_class_id)
                    .exclude(modality=Modality.ONLINE_SELF_PACED).values_list("pk", "modality"))
    if not sessions:
        return None
    attended = set(Attendance.objects.filter(enrollment=enrollment, present=True, session_id__in=sessions)
                   .values_list("session_id", flat=True))
    needed = enrollment.training_class.min_attendance_percent
    return len(attended) * 100 >= needed * len(sessions), {sessions[pk] for pk in attended}


def _modality(kinds: set[str]) -> str:
    if kinds <= set(ONLINE_MODALITIES):
        return Modality.ONLINE_LIVE if Modality.ONLINE_LIVE in kinds else Modality.ONLINE_SELF_PACED
    if kinds == {Modality.IN_PERSON}:
        return Modality.IN_PERSON
    return Modality.BLENDED


def completion_evaluate(*, enrollment_id: int) -> Enrollment:
    """Mark finished lessons and, when the course's rule is met, the course: once, idempotently.

    The rule: every required lesson done (visited, videos watched to the course's
    threshold, quizzes passed) and, for a learner in a class with live or
    in-person sessions, the class's attendance share. The completion's modality
    records how the training was held (self-paced lessons count as online).
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("course", "training_class") \
            .get(pk=enrollment_id)
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
        if enrollment.status != Enrollment.Status.ACTIVE:
            return enrollment
        required = [lesson.pk for lesson in lessons if lesson.is_required]
        attendance = _attendance_rule(enrollment)
        if not required and attendance is None:
            return enrollment  # nothing to complete yet (an in-person course before its class)
        if required and not set(required) <= done:
            return enrollment
        kinds = {Modality.ONLINE_SELF_PACED} if required else set()
        if attendance is not None:
            met, attended = attendance
            if not met:
                return enrollment
            kinds |= attended
        enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, now
        enrollment.completion_modality = _modality(kinds)
        enrollment.counted_toward_target = course.counts_toward_target
        enrollment.save(update_fields=["status", "completed_at", "completion_modality", "counted_toward_target"])
        transaction.on_commit(lambda: course_completed.send(sender=Enrollment, enrollment=enrollment))
    return enrollment
