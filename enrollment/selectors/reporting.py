"""Reads reporting/ needs: who was trained in a period, how, and the training activities held.

Every function returns a queryset over a half-open window ``[since, until)`` of
aware datetimes, so reporting can aggregate in SQL (``IN`` subqueries, grouped
counts) and never loops over people in Python. The rules (docs/REPORTING.md):

* a *counted completion* is a completion recorded in the window whose
  ``counted_toward_target`` flag was true when it was recorded (frozen: a course
  that stops counting later does not rewrite the past) and that was not revoked;
* a *counted attendance* is a learner marked present at a session held in the
  window, of a class whose course counts toward the target, on an enrolment whose
  completion was not revoked;
* a *training activity* is a session held in the window of a class whose course
  counts toward the target (an online course's class is one self-paced session);
  online means self-paced or live online.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When

from ..models import ONLINE_MODALITIES, Attendance, Enrollment, TrainingSession


def counted_completions(*, since: dt.datetime, until: dt.datetime) -> QuerySet[Enrollment]:
    """Completions in the window that count toward the plan's target (frozen flag, not revoked)."""
    return Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, completed_at__gte=since,
                                     completed_at__lt=until, counted_toward_target=True,
                                     completion_revoked_at__isnull=True)


def counted_attendance(*, since: dt.datetime, until: dt.datetime) -> QuerySet[Attendance]:
    """Presences at sessions held in the window, of classes whose course counts toward the target."""
    return Attendance.objects.filter(present=True, session__starts_at__gte=since, session__starts_at__lt=until,
                                     session__training_class__course__counts_toward_target=True,
                                     enrollment__completion_revoked_at__isnull=True)


def training_events(*, since: dt.datetime, until: dt.datetime, learners: list | None = None
                    ) -> tuple[QuerySet, QuerySet]:
    """Every counted training event in the window, as two ``values()`` querysets with the same
    columns: ``learner_id`` (the user), ``at`` (when) and ``online`` (1 or 0): counted completions,
    and counted attendance. A caller unions and groups them in SQL (first training per person,
    trained online). ``learners``: user ids (lists or querysets) to keep, for a few people: read
    through the enrolments' user index instead of every event of the period."""

    def online(condition: Q) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    completions = (counted_completions(since=since, until=until).order_by()
                   .annotate(learner_id=F("user_id"), at=F("completed_at"),
                             online=online(Q(completion_modality__in=ONLINE_MODALITIES)))
                   .values("learner_id", "at", "online"))
    if learners is not None:
        completion_filter, attendance_filter = Q(pk__in=[]), Q(pk__in=[])
        for ids in learners:
            completion_filter |= Q(user_id__in=ids)
            attendance_filter |= Q(enrollment__user_id__in=ids)
    attendance = (counted_attendance(since=since, until=until).order_by()
                  .annotate(learner_id=F("enrollment__user_id"), at=F("session__starts_at"),
                            online=online(Q(session__modality__in=ONLINE_MODALITIES)))
                  .values("learner_id", "at", "online"))
    if learners is not None:
        completions, attendance = completions.filter(completion_filter), attendance.filter(attendance_filter)
    return completions, attendance


def training_activities(*, since: dt.datetime, until: dt.datetime,
                        paths: list[str] | None = None) -> QuerySet[TrainingSession]:
    """Sessions held in the window of classes whose course counts toward the target, organised
    in the subtrees ``paths`` (None: anywhere); each row carries ``organiser_id`` (the class's
    organising unit) and ``is_online``."""
    sessions = TrainingSession.objects.filter(starts_at__gte=since, starts_at__lt=until,
                                              training_class__course__counts_toward_target=True)
    if paths is not None:
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(training_class__org_unit__path__startswith=path)
        sessions = sessions.filter(within)
    return sessions.annotate(
        organiser_id=F("training_class__org_unit_id"),
        is_online=Case(When(modality__in=ONLINE_MODALITIES, then=Value(True)), default=Value(False),
                       output_field=BooleanField()))
