"""Reads for managers and trainers: classes they run, their learners and attendance, requests to approve."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from lms.text import mask_identifier
from people.selectors import managed_paths, scope_queryset

from ..models import Attendance, Enrollment, TrainingClass, TrainingSession

CURRENT = (Enrollment.Status.PENDING, Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def classes_visible(user) -> QuerySet[TrainingClass]:
    """Classes the user trains, and those organised in the subtrees they manage."""
    if not getattr(user, "is_authenticated", False):
        return TrainingClass.objects.none()
    managed = scope_queryset(TrainingClass.objects.all(), user).values("pk")
    return (TrainingClass.objects.filter(Q(trainer=user) | Q(pk__in=managed))
            .select_related("course", "org_unit", "trainer")
            .annotate(learners=Count("enrollments", filter=Q(enrollments__status__in=CURRENT), distinct=True)))


def class_sessions(training_class: TrainingClass) -> list[TrainingSession]:
    return list(training_class.sessions.annotate(
        present=Count("attendance", filter=Q(attendance__present=True))).order_by("starts_at"))


@dataclass
class AttendanceRow:
    enrollment_id: int
    full_name: str
    id_code: str
    unit: str
    present: bool | None  # None: not recorded yet


def id_code_reader(viewer) -> Callable[[object], str]:
    """How ``viewer`` sees learners' ID codes: whole for a manager of the learner's unit (who
    needs it to tell people apart in the roster), masked ("0791******71") for everyone else, e.g.
    a class's trainer. The returned function takes a Profile (its ``org_unit`` loaded) or None."""
    paths = managed_paths(viewer) if getattr(viewer, "is_authenticated", False) else []

    def shown(profile) -> str:
        if profile is None:
            return ""
        if paths is None or any(profile.org_unit.path.startswith(path) for path in paths):
            return profile.id_code
        return mask_identifier(profile.id_code)

    return shown


def session_attendance(session: TrainingSession, *, viewer) -> list[AttendanceRow]:
    """The checklist: every learner of the session's class, with what is recorded; ID codes as
    ``viewer`` may see them (id_code_reader)."""
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    shown_id_code = id_code_reader(viewer)
    rows = []
    enrollments = (session.training_class.enrollments.filter(status__in=CURRENT)
                   .select_related("user__profile__org_unit"))
    for enrollment in enrollments:
        profile = getattr(enrollment.user, "profile", None)
        rows.append(AttendanceRow(
            enrollment_id=enrollment.pk,
            full_name=profile.full_name if profile else (enrollment.user.get_full_name() or enrollment.user.username),
            id_code=shown_id_code(profile), unit=profile.org_unit.name if profile else "",
            present=marks.get(enrollment.pk)))
    return sorted(rows, key=lambda r: (r.full_name.split()[-1:], r.full_name))


def class_learners(training_class: TrainingClass, *, viewer) -> list[Enrollment]:
    """The class's current enrolments, each with ``shown_id_code`` as ``viewer`` may see it."""
    shown_id_code = id_code_reader(viewer)
    learners = list(training_class.enrollments.filter(status__in=CURRENT)
                    .select_related("user__profile__org_unit").order_by("user__profile__full_name"))
    for enrollment in learners:
        enrollment.shown_id_code = shown_id_code(getattr(enrollment.user, "profile", None))
    return learners


def pending_requests(user) -> QuerySet[Enrollment]:
    """Requests to join restricted courses from learners of the subtrees the user manages."""
    qs = Enrollment.objects.filter(status=Enrollment.Status.PENDING).select_related(
        "user__profile__org_unit", "course").order_by("enrolled_at")
    return scope_queryset(qs, user, unit_field="user__profile__org_unit")


def can_decide(user, enrollment: Enrollment) -> bool:
    return pending_requests(user).filter(pk=enrollment.pk).exists()
