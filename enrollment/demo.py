"""Demo training activities (idempotent): a blended class for legal reporters with an in-person
and a live online session, the demo learner's assigned course with a due date, and an in-person
conference in Xã Tân An that the demo learner attended (completed: a certificate to look at)."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import CoursePage
from people.models import Category
from people.selectors import org_unit_by_code

from . import services
from .models import Modality, TrainingClass

CLASS_TITLE = "Lớp bồi dưỡng báo cáo viên pháp luật tỉnh Lâm Sơn năm 2026"
CONFERENCE_TITLE = "Hội nghị phổ biến các luật mới năm 2026 — Xã Tân An"


def seed_training() -> TrainingClass | None:
    User = get_user_model()
    admin, trainer = User.objects.filter(username="sotuphap.admin").first(), User.objects.filter(
        username="giangvien").first()
    reporters = CoursePage.objects.live().filter(slug="ky-nang-thuyet-trinh-bao-cao-vien").first()
    digital = CoursePage.objects.live().filter(slug="chuyen-doi-so-pbgdpl").first() \
        or CoursePage.objects.live().filter(topic="digital_transformation").first()
    province, justice = org_unit_by_code("TINH-LS"), org_unit_by_code("SO-TP")
    if not (admin and reporters and province and justice):
        return None
    learner = User.objects.filter(username="hocvien").first()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    _seed_commune_conference(admin=admin, learner=learner, now=now)
    existing = TrainingClass.objects.filter(title=CLASS_TITLE).first()
    if existing:
        return existing
    today = timezone.localdate()
    training_class = services.class_create(
        by=admin, course=reporters, title=CLASS_TITLE, org_unit=justice, trainer=trainer or admin,
        starts_on=today - dt.timedelta(days=14), ends_on=today + dt.timedelta(days=30), min_attendance_percent=50)
    in_person = services.session_create(
        by=admin, training_class=training_class, title="Buổi 1: Chuẩn bị bài nói", modality=Modality.IN_PERSON,
        starts_at=now - dt.timedelta(days=7), ends_at=now - dt.timedelta(days=7) + dt.timedelta(hours=3),
        place="Hội trường Sở Tư pháp, 12 đường Trần Phú")
    services.session_create(
        by=admin, training_class=training_class, title="Buổi 2: Trả lời câu hỏi của người nghe",
        modality=Modality.ONLINE_LIVE, starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=2), meeting_url="https://hop-truc-tuyen.example.vn/stp-bcv")
    services.assign_by_unit(by=admin, course=reporters, unit=province, training_class=training_class,
                            categories=[Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST],
                            due_date=training_class.ends_on)
    rng = random.Random(2026)
    members = list(training_class.enrollments.values_list("pk", flat=True))
    services.attendance_record(by=admin, session=in_person, marks={pk: rng.random() < 0.75 for pk in members})
    if digital and learner and hasattr(learner, "profile"):
        services.assign(by=admin, course=digital, profiles=[learner.profile], due_date=today + dt.timedelta(days=10))
    return training_class


def _seed_commune_conference(*, admin, learner, now) -> TrainingClass | None:
    """An in-person conference in Xã Tân An, held ten days ago: those present (the demo learner among
    them) completed it through attendance, so their certificates are issued."""
    course = CoursePage.objects.live().filter(slug="hoi-nghi-pho-bien-luat-moi-2026").first()
    tanan = org_unit_by_code("XA-TANAN")
    if not (course and tanan) or TrainingClass.objects.filter(title=CONFERENCE_TITLE).exists():
        return None
    held = now - dt.timedelta(days=10)
    conference = services.class_create(
        by=admin, course=course, title=CONFERENCE_TITLE, org_unit=tanan, trainer=admin,
        starts_on=timezone.localdate(held), ends_on=timezone.localdate(held), min_attendance_percent=100)
    session = services.session_create(
        by=admin, training_class=conference, title="Phổ biến các luật mới năm 2026", modality=Modality.IN_PERSON,
        starts_at=held, ends_at=held + dt.timedelta(hours=4), place="Hội trường UBND xã Tân An")
    services.assign_by_unit(by=admin, course=course, unit=tanan, training_class=conference,
                            categories=[Category.CBCCVC, Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST,
                                        Category.GRASSROOTS_MEDIATOR])
    if learner is not None and hasattr(learner, "profile"):
        services.assign(by=admin, course=course, profiles=[learner.profile], training_class=conference)
    rng = random.Random(2027)
    marks = {pk: rng.random() < 0.85 for pk in conference.enrollments.values_list("pk", flat=True)}
    marks.update(dict.fromkeys(conference.enrollments.filter(user=learner).values_list("pk", flat=True), True))
    services.attendance_record(by=admin, session=session, marks=marks)
    return conference
