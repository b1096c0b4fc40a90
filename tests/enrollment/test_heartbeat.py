"""The heartbeat stays cheap: a bounded number of queries per request, whatever the course's size."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment import services
from enrollment.models import Enrollment, VideoProgress
from media_pipeline.models import Video
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_user


@pytest.fixture
def big_course(db):
    video = Video.objects.create(title="Bài giảng", original="videos/x.mp4", duration_s=600.0,
                                 status=Video.Status.READY)
    course = make_course(make_catalog(), title="Khóa lớn", video_coverage_threshold=90)
    lessons = []
    for m in range(3):
        module = make_module(course)
        lessons += [make_lesson(module, body=[("video", video)]) for _ in range(4)]
    return course, lessons, video


@pytest.mark.django_db
def test_a_heartbeat_request_costs_at_most_four_queries(client, big_course):
    course, lessons, video = big_course
    user = make_user()
    services.enroll(user=user, course=course)
    client.force_login(user)
    url = reverse("enrollment_api:api_heartbeat")
    first = client.post(url, {"lesson": lessons[5].pk, "video": video.pk, "start": 0, "end": 5, "rate": 1},
                        content_type="application/json")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"lesson": lessons[5].pk, "video": video.pk, "start": 5, "end": 6, "rate": 1},
                               content_type="application/json")
    # savepoints exist only because the test runs inside a transaction
    queries = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) <= 4, queries
    assert response.status_code == 200 and response.json()["position"] == 6
    assert VideoProgress.objects.get().intervals == [[0.0, 6.0]]


@pytest.mark.django_db
def test_heartbeats_of_someone_not_enrolled_are_refused_and_cached_lessons_follow_the_tree(client, big_course):
    course, lessons, video = big_course
    user = make_user()
    client.force_login(user)
    url = reverse("enrollment_api:api_heartbeat")
    payload = {"lesson": lessons[0].pk, "video": video.pk, "start": 0, "end": 5, "rate": 1}
    assert client.post(url, payload, content_type="application/json").status_code == 403
    enrollment = services.enroll(user=user, course=course)
    assert client.post(url, payload, content_type="application/json").status_code == 200
    # once the lesson is unpublished, heartbeats for it are refused (the cached course is forgotten)
    lessons[0].unpublish()
    assert client.post(url, payload, content_type="application/json").status_code == 400
    # a withdrawn learner's heartbeats are refused even though their progress row exists
    payload["lesson"] = lessons[1].pk
    assert client.post(url, payload, content_type="application/json").status_code == 200
    services.withdraw(enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == "withdrawn"
    assert client.post(url, payload, content_type="application/json").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("change, field", [
    ({"start": -1}, "start"),
    ({"rate": 40}, "rate"),
    ({"rate": 0}, "rate"),
    ({"end": "mười"}, "end"),
    ({"lesson": "abc"}, "lesson"),
    ({"video": None}, "video"),
    ({"start": None}, "start"),
])
def test_a_malformed_heartbeat_is_explained_and_changes_nothing(client, big_course, change, field):
    course, lessons, video = big_course
    user = make_user()
    services.enroll(user=user, course=course)
    client.force_login(user)
    url = reverse("enrollment_api:api_heartbeat")
    good = {"lesson": lessons[0].pk, "video": video.pk, "start": 0, "end": 5, "rate": 1}
    assert client.post(url, good, content_type="application/json").status_code == 200
    response = client.post(url, {**good, "start": 5, "end": 10, **change}, content_type="application/json",
                           headers={"accept-language": "vi"})
    assert response.status_code == 400 and field in response.json()
    assert VideoProgress.objects.get().intervals == [[0.0, 5.0]]


@pytest.mark.django_db
def test_numbers_sent_as_text_count_as_the_serializer_reads_them(client, big_course):
    course, lessons, video = big_course
    user = make_user()
    services.enroll(user=user, course=course)
    client.force_login(user)
    url = reverse("enrollment_api:api_heartbeat")
    response = client.post(url, {"lesson": str(lessons[0].pk), "video": str(video.pk), "start": "0", "end": "4.5"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["position"] == 4.5
    assert VideoProgress.objects.get().intervals == [[0.0, 4.5]]
