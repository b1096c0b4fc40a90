"""Demo data for the reports: a year of training in the demo province (``manage.py seed_demo``).

Runs after the people, assessments and courses seeders. Gives accounts to most of
the demo officials, records completions of the demo courses this year (online and
in person), a few classes with sessions and attendance, survey answers, and one
official who moved from Xã Tân An to Xã Đắk Ơ in the middle of the year.
Idempotent: a second run changes nothing.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Survey, SurveyAnswer, SurveyItem, SurveyResponse
from courses.models import CoursePage
from enrollment.models import Attendance, Enrollment, Modality, TrainingClass, TrainingSession
from people.models import OrgUnit, Profile, ProfileMembership

from .services import plan_phases_ensure

MARKER = "demo-bao-cao"


@transaction.atomic
def seed_reporting(now: dt.datetime | None = None) -> int:
    """Returns how many completions were recorded (0 when the demo was already there)."""
    plan_phases_ensure()
    User = get_user_model()
    if User.objects.filter(username__startswith=MARKER).exists():
        return 0
    courses = list(CoursePage.objects.live().order_by("pk"))
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    if not courses or "TINH-LS" not in units:
        return 0
    rng = random.Random(766)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    year_start = dt.datetime(timezone.localtime(now).year, 1, 1, tzinfo=tz)
    span = max(int((now - year_start).total_seconds()), 3600)
    people = sorted(Profile.objects.filter(in_target_population=True, user__isnull=True,
                                           org_unit__path__startswith=units["TINH-LS"].path),
                    key=lambda profile: profile.id_code)  # encrypted at rest: the database cannot sort by it
    completed = 0
    for number, profile in enumerate(people):
        if number % 5 == 4:
            continue  # a fifth have no account yet: they cannot train online
        user = User.objects.create(username=f"{MARKER}-{profile.id_code}", password="!")
        Profile.objects.filter(pk=profile.pk).update(user=user)
        if number % 9 < 5:
            course = courses[number % len(courses)]
            online = number % 3 != 0
            Enrollment.objects.create(
                user=user, course=course, status=Enrollment.Status.COMPLETED,
                completed_at=year_start + dt.timedelta(seconds=rng.randint(0, span)),
                completion_modality=Modality.ONLINE_SELF_PACED if online else Modality.IN_PERSON,
                counted_toward_target=course.counts_toward_target)
            completed += 1
    # classes: one online course run and two classes with live or in-person sessions, with attendance
    course = courses[0]
    accounts = list(Profile.objects.filter(user__username__startswith=MARKER).select_related("user"))
    for index, (code, kind) in enumerate([("SO-TP", Modality.ONLINE_SELF_PACED), ("XA-TANAN", Modality.IN_PERSON),
                                          ("XA-DAKO", Modality.ONLINE_LIVE)]):
        starts = year_start + dt.timedelta(days=30 + 60 * index, hours=8)
        if starts > now:
            starts = now - dt.timedelta(days=3)
        training_class = TrainingClass.objects.create(
            course=course, title=f"Lớp tập huấn chuyển đổi số {index + 1} — {units[code].name}", org_unit=units[code],
            starts_on=timezone.localtime(starts).date(), ends_on=timezone.localtime(starts).date())
        session = TrainingSession.objects.create(
            training_class=training_class, title="Buổi 1", modality=kind, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3), place="Hội trường UBND" if kind == Modality.IN_PERSON else "",
            meeting_url="https://hop.example.org/lop" if kind == Modality.ONLINE_LIVE else "")
        if kind == Modality.ONLINE_SELF_PACED:
            continue
        for profile in [p for p in accounts if p.org_unit_id == units[code].pk][:12]:
            enrollment, _created = Enrollment.objects.get_or_create(
                user=profile.user, course=course, status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
                defaults={"status": Enrollment.Status.ACTIVE, "training_class": training_class})
            Attendance.objects.create(session=session, enrollment=enrollment, present=rng.random() < 0.8)
    # one official moved from Xã Tân An to Xã Đắk Ơ in the middle of the year
    mover = Profile.objects.filter(org_unit=units["XA-TANAN"], user__username__startswith=MARKER).first()
    if mover is not None:
        moved_at = year_start + dt.timedelta(seconds=span // 2)
        ProfileMembership.objects.create(
            profile=mover, org_unit=units["XA-TANAN"], category=mover.category, area=mover.area,
            ethnic_minority_area=mover.ethnic_minority_area, in_target_population=True, is_active=True,
            valid_from=mover.created_at if mover.created_at < moved_at else year_start, valid_to=moved_at)
        Profile.objects.filter(pk=mover.pk).update(org_unit=units["XA-DAKO"], ethnic_minority_area=True)
    # satisfaction: answers to the demo survey's overall question across the communes
    survey = Survey.objects.filter(items__is_overall=True).order_by("pk").first()
    item = SurveyItem.objects.filter(survey=survey, is_overall=True).first() if survey else None
    if item is not None:
        for number in range(40):
            unit = units[rng.choice(["XA-TANAN", "XA-DAKO", "PHUONG-HB", "XA-QPHU", "SO-TP"])]
            response = SurveyResponse.objects.create(
                survey=survey, subject_key=f"course:{course.pk}", respondent_hash=f"{MARKER}-{number}",
                org_unit=unit, submitted_at=year_start + dt.timedelta(seconds=rng.randint(0, span)))
            SurveyAnswer.objects.create(response=response, item=item, value=rng.choice([3, 4, 4, 5, 5, 2]))
    return completed
