"""Reads for managers and trainers: classes they run, their learners and attendance, requests to approve."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from people.selectors import scope_queryset

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


def session_attendance(session: TrainingSession) -> list[AttendanceRow]:
    """The checklist: every learner of the session's class, with what is recorded."""
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    rows = []
    enrollments = (session.training_class.enrollments.filter(status__in=CURRENT)
                   .select_related("user__profile__org_unit"))
    for enrollment in enrollments:
        profile = getattr(enrollment.user, "profile", None)
        rows.append(AttendanceRow(
            enrollment_id=enrollment.pk,
            full_name=profile.full_name if profile else (enrollment.user.get_full_name() or enrollment.user.username),
            id_code=profile.id_code if profile else "", unit=profile.org_unit.name if profile else "",
            present=marks.get(enrollment.pk)))
    return sorted(rows, key=lambda r: (r.full_name.split()[-1:], r.full_name))


def pending_requests(user) -> QuerySet[Enrollment]:
    """Requests to join restricted courses from learners of the subtrees the user manages."""
    qs = Enrollment.objects.filter(status=Enrollment.Status.PENDING).select_related(
        "user__profile__org_unit", "course").order_by("enrolled_at")
    return scope_queryset(qs, user, unit_field="user__profile__org_unit")


def can_decide(user, enrollment: Enrollment) -> bool:
    return pending_requests(user).filter(pk=enrollment.pk).exists()
