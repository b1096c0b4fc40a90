"""The demo's training activities: a blended class with attendance and the demo learner's assignment."""
import pytest

from courses.demo import seed_courses
from enrollment.demo import CLASS_TITLE, CONFERENCE_TITLE, seed_training
from enrollment.models import Attendance, Enrollment, TrainingClass
from people.demo import seed_people

pytestmark = pytest.mark.django_db


def test_demo_training_is_idempotent_and_visible_to_the_learner(client):
    seed_people(learners=60)
    seed_courses()
    first = seed_training()
    assert seed_training() == first and TrainingClass.objects.count() == 2
    # the in-person conference of Xã Tân An: the demo learner was there, so the training is completed
    conference = TrainingClass.objects.get(title=CONFERENCE_TITLE)
    attended = Enrollment.objects.get(user__username="hocvien", training_class=conference)
    assert attended.status == "completed" and attended.completion_modality == "in_person"
    assert first.title == CLASS_TITLE
    assert [s.modality for s in first.sessions.order_by("starts_at")] == ["in_person", "online_live"]
    members = first.enrollments.count()
    assert members > 0 and Attendance.objects.filter(session__training_class=first).count() == members
    learner = Enrollment.objects.get(user__username="hocvien", course__slug="chuyen-doi-so-pbgdpl")
    assert learner.source == "assigned" and learner.due_date is not None
    client.force_login(learner.user)
    page = client.get("/learning/").content.decode()
    assert "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật" in page and "hạn" in page
