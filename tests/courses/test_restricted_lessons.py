"""Finding 10: lessons of restricted courses are for their enrolled learners (and the staff of the
course); links to private videos are bound to the viewer's session and short-lived."""
import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrollment.models import Enrollment
from media_pipeline.models import Video
from people.models import Role
from tests.factories import make_course, make_enrollment_row, make_lesson, make_module, make_staff, make_user

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Nội dung chỉ dành cho học viên đã ghi danh"


@pytest.fixture
def private_video(ready_video):
    Video.objects.filter(pk=ready_video.pk).update(is_public=False)
    ready_video.refresh_from_db()
    return ready_video


@pytest.fixture
def restricted_lesson(catalog, private_video, trainer):
    course = make_course(catalog, title="Khóa cần duyệt", slug="khoa-can-duyet", enrolment_policy="approval")
    course.trainers.add(trainer)
    course.save()  # a ParentalManyToManyField is written with the page
    return make_lesson(make_module(course), title="Bài giảng riêng", slug="bai-giang-rieng",
                       body=[("video", private_video), ("text", f"<p>{SECRET_TEXT}</p>")])


def _master_url(html: str) -> str:
    found = re.search(r'data-src="([^"]+master\.m3u8)"', html)
    assert found, "no player link in the page"
    return found.group(1)


def _enrolled_client(lesson) -> tuple[Client, object]:
    learner = make_user()
    make_enrollment_row(learner, lesson.get_parent().get_parent().specific)
    client = Client()
    client.force_login(learner)
    return client, learner


def test_anonymous_visitor_is_sent_to_sign_in_without_the_lesson(client, restricted_lesson):
    response = client.get(restricted_lesson.url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    html = client.get(restricted_lesson.url, follow=True).content.decode()
    assert SECRET_TEXT not in html and "/video/" not in html
    assert "chỉ dành cho học viên đã ghi danh" in html  # the reason, in Vietnamese
    # the lesson's sub-routes too
    transcript = client.get(f"{restricted_lesson.url}transcript/{restricted_lesson.body[0].value.pk}/vi/")
    assert transcript.status_code == 302


def test_learner_not_enrolled_is_sent_to_the_course_page(client, restricted_lesson):
    learner = make_user()
    client.force_login(learner)
    make_enrollment_row(learner, restricted_lesson.get_parent().get_parent().specific,
                        status=Enrollment.Status.PENDING)  # a request not yet approved opens nothing
    response = client.get(restricted_lesson.url, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/khoa-hoc/khoa-can-duyet/"
    assert SECRET_TEXT not in html and "/video/" not in html
    assert "chỉ mở cho học viên đã ghi danh" in html


def test_enrolled_learner_plays_a_link_no_other_session_can(restricted_lesson):
    client, _learner = _enrolled_client(restricted_lesson)
    html = client.get(restricted_lesson.url).content.decode()
    assert SECRET_TEXT in html
    master = _master_url(html)
    assert client.get(master).status_code == 200
    segment = master.replace("master.m3u8", "v0/seg_00000.m4s")
    assert client.get(segment).status_code == 200
    # the same link: anonymous, another learner, the same learner in another session
    assert Client().get(master).status_code == 404
    other, _ = _enrolled_client(restricted_lesson)
    assert other.get(master).status_code == 404
    again = Client()
    again.force_login(_learner)
    assert again.get(master).status_code == 404
    # and after it expires
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=settings.MEDIA_PLAYBACK_MAX_AGE + 60)
    with time_machine.travel(later):
        assert client.get(master).status_code == 404


def test_cached_lesson_body_gives_each_learner_their_own_link(restricted_lesson):
    first, _ = _enrolled_client(restricted_lesson)
    second, _ = _enrolled_client(restricted_lesson)
    one = _master_url(first.get(restricted_lesson.url).content.decode())
    two = _master_url(second.get(restricted_lesson.url).content.decode())  # the body now comes from the cache
    assert one != two and "/~" not in one + two
    assert second.get(two).status_code == 200 and second.get(one).status_code == 404


def test_the_course_staff_open_restricted_lessons(client, restricted_lesson, trainer, other_trainer,
                                                  department_admin):
    client.force_login(trainer)  # a trainer of the course
    assert client.get(restricted_lesson.url).status_code == 200
    client.force_login(other_trainer)  # a trainer with nothing to do with it
    assert client.get(restricted_lesson.url).status_code == 302
    from tests.factories import login_verified

    login_verified(client, department_admin)  # an editor
    assert client.get(restricted_lesson.url).status_code == 200


def test_manager_of_a_class_unit_opens_the_lessons(client, restricted_lesson, province):
    from tests.factories import make_training_class

    course = restricted_lesson.get_parent().get_parent().specific
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    assert client.get(restricted_lesson.url).status_code == 302
    make_training_class(course, province["tanan"], dt.date.today())
    assert client.get(restricted_lesson.url).status_code == 200


def test_open_course_private_video_is_bound_to_the_visitor(client, catalog, private_video):
    lesson = make_lesson(make_module(make_course(catalog)), slug="bai-mo", body=[("video", private_video)])
    response = client.get(lesson.url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    master = _master_url(response.content.decode())
    assert client.get(master).status_code == 200  # the playback cookie set with the page
    assert Client().get(master).status_code == 404


def test_gate_costs_an_enrolled_learner_one_query_at_most(catalog, restricted_lesson):
    open_lesson = make_lesson(make_module(make_course(catalog, slug="khoa-mo")), slug="bai-mo",
                              body=list(restricted_lesson.body.raw_data))
    client, learner = _enrolled_client(restricted_lesson)
    make_enrollment_row(learner, open_lesson.get_parent().get_parent().specific)

    def queries(url):
        assert client.get(url).status_code == 200  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(restricted_lesson.url) <= queries(open_lesson.url) + 1


def test_a_grant_from_a_cached_body_plays_nothing(client, private_video):
    from media_pipeline import playback

    client.force_login(make_user())
    assert client.get(f"/video/{playback.grant(private_video.pk)}/master.m3u8").status_code == 404
