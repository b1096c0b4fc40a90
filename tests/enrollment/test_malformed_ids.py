"""Finding 13 (outside assessments): malformed and out-of-range ids answer 400/404 with a
Vietnamese message, never 500 (ids past 2^63 made SQLite's adapter raise OverflowError)."""
import pytest
from django.urls import reverse

from enrollment.models import Attendance
from people.models import Role
from tests.factories import (login_verified, make_catalog, make_course, make_lesson, make_module, make_staff,
                             make_user)

pytestmark = pytest.mark.django_db

HUGE = 2**63


@pytest.fixture
def learner_client(client, db):
    client.force_login(make_user())
    return client


@pytest.mark.parametrize("lesson", ["abc", HUGE, -1, None, [1], {"id": 1}, 1.5])
def test_visit_with_a_bad_lesson_id_is_a_400(learner_client, lesson):
    response = learner_client.post("/api/v1/enrollment/visit/", {"lesson": lesson}, content_type="application/json")
    assert response.status_code == 400
    assert "lesson" in response.json()


def test_visit_names_a_missing_lesson_in_vietnamese(learner_client):
    response = learner_client.post("/api/v1/enrollment/visit/", {"lesson": 999999}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"lesson": ["Không có bài học này."]}


@pytest.mark.parametrize("field", ["lesson", "video"])
@pytest.mark.parametrize("value", [HUGE, 2**64, -HUGE - 1, "abc"])
def test_heartbeat_with_ids_out_of_range_is_a_400(learner_client, field, value):
    lesson = make_lesson(make_module(make_course(make_catalog())))
    body = {"lesson": lesson.pk, "video": 1, "start": 0, "end": 5, field: value}
    response = learner_client.post("/api/v1/enrollment/heartbeat/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_attendance_mark_with_an_id_out_of_range_is_a_400(client, klass):
    client.force_login(klass.trainer)
    url = reverse("enrollment_api:api_session_attendance", args=[klass.sessions_made[0].pk])
    response = client.post(url, {"marks": [{"enrollment": HUGE, "present": True}]}, content_type="application/json")
    assert response.status_code == 400 and "nhỏ hơn hoặc bằng" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("path", [
    f"/api/v1/enrollment/sessions/{HUGE}/attendance/",
    f"/learning/withdraw/{10**30}/",
    f"/admin/training/classes/{HUGE}/",
    f"/admin/training/sessions/{HUGE}/attendance/",
    f"/admin/training/sessions/{HUGE}/attendance.xlsx",
    f"/api/v1/courses/courses/{HUGE}/",
    "/api/v1/courses/courses/abc/",
    f"/api/v1/people/profiles/{HUGE}/",
    "/api/v1/people/profiles/abc/",
    f"/api/v1/people/org-units/{HUGE}/",
    f"/reports/exports/{HUGE}/",
    f"/certificates/{HUGE}/pdf/",
])
def test_ids_past_the_database_range_in_urls_are_a_404(client, province, path):
    login_verified(client, make_staff(Role.DEPARTMENT_ADMIN, province["justice"]))
    assert client.get(path, follow=True).status_code == 404  # (a path without its slash is redirected first)
    assert client.post(path).status_code in (301, 403, 404, 405)


def test_a_lesson_transcript_with_a_huge_video_id_is_a_404(client, db):
    lesson = make_lesson(make_module(make_course(make_catalog())))
    assert client.get(f"{lesson.url}transcript/{HUGE}/vi/").status_code == 404
