"""Demo training activities (idempotent): a blended class for legal reporters with an in-person
and a live online session, and the demo learner's assigned course with a due date."""
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
    existing = TrainingClass.objects.filter(title=CLASS_TITLE).first()
    if existing:
        return existing
    today = timezone.localdate()
    training_class = services.class_create(
        by=admin, course=reporters, title=CLASS_TITLE, org_unit=justice, trainer=trainer or admin,
        starts_on=today - dt.timedelta(days=14), ends_on=today + dt.timedelta(days=30), min_attendance_percent=50)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
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
    learner = User.objects.filter(username="hocvien").first()
    if digital and learner and hasattr(learner, "profile"):
        services.assign(by=admin, course=digital, profiles=[learner.profile], due_date=today + dt.timedelta(days=10))
    return training_class
