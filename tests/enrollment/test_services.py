"""Enrolment, progress and completion through the services and the API."""
import threading
from types import SimpleNamespace

import pytest
from django.db import connection

from enrollment import services
from enrollment.models import Enrollment, LessonProgress
from enrollment.selectors import lesson_states, my_learning
from enrollment.signals import course_completed
from media_pipeline.models import Video
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_user


@pytest.fixture
def video(db):
    return Video.objects.create(title="Bài giảng", original="videos/x.mp4", duration_s=100.0,
                                status=Video.Status.READY)


@pytest.fixture
def course(db, video):
    """Two required lessons (one with a 100 s video) and one optional lesson."""
    course = make_course(make_catalog(), title="Chuyển đổi số trong PBGDPL", video_coverage_threshold=90)
    module = make_module(course, title="Học phần 1")
    course.lessons = [
        make_lesson(module, title="Bài 1: Video", body=[("video", video)]),
        make_lesson(module, title="Bài 2: Đọc"),
        make_lesson(module, title="Bài 3: Tự chọn", is_required=False),
    ]
    return course


@pytest.fixture
def completions():
    received = []

    def handler(sender, enrollment, **kwargs):
        received.append(enrollment.pk)

    course_completed.connect(handler, dispatch_uid="test-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-completions")


def watch_all(user, lesson, video, start_at=1000.0):
    """An honest learner at 1x: a heartbeat per 15 s of wall clock."""
    now, position = start_at, 0.0
    while position < video.duration_s:
        end = min(video.duration_s, position + 15)
        services.heartbeat(user=user, lesson_id=lesson.pk, video_id=video.pk, start=position, end=end, rate=1,
                           now=now)
        position, now = end, now + 15


@pytest.mark.django_db
def test_enrol_is_idempotent_and_withdrawing_keeps_history(course):
    user = make_user()
    first = services.enroll(user=user, course=course)
    assert services.enroll(user=user, course=course).pk == first.pk
    services.lesson_visit(user=user, lesson=course.lessons[1])
    services.withdraw(enrollment=first)
    again = services.enroll(user=user, course=course)
    assert again.pk != first.pk
    assert Enrollment.objects.filter(user=user).count() == 2
    assert LessonProgress.objects.filter(enrollment=first).count() == 1  # history kept


@pytest.mark.django_db
def test_completion_needs_video_coverage_and_every_required_lesson(course, video, completions,
                                                                   django_capture_on_commit_callbacks):
    user = make_user()
    enrollment = services.enroll(user=user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_visit(user=user, lesson=course.lessons[0])
        services.lesson_visit(user=user, lesson=course.lessons[1])
        # 80% watched: below the 90% threshold
        services.heartbeat(user=user, lesson_id=course.lessons[0].pk, video_id=video.pk, start=0, end=15, rate=1,
                           now=0)
        for step in range(1, 6):
            services.heartbeat(user=user, lesson_id=course.lessons[0].pk, video_id=video.pk, start=step * 13,
                               end=step * 13 + 15, rate=1, now=step * 15)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert lesson_states(user, [lesson.pk for lesson in course.lessons]) == {
        course.lessons[0].pk: "in_progress", course.lessons[1].pk: "complete"}
    with django_capture_on_commit_callbacks(execute=True):
        watch_all(user, course.lessons[0], video, start_at=200)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completion_modality == "online_self_paced"
    assert completions == [enrollment.pk]
    assert my_learning(user)[0].percent == 100
    # more heartbeats and visits change nothing: completion is recorded once
    completed_at = enrollment.completed_at
    with django_capture_on_commit_callbacks(execute=True):
        watch_all(user, course.lessons[0], video, start_at=500)
        services.lesson_visit(user=user, lesson=course.lessons[2])
    enrollment.refresh_from_db()
    assert enrollment.completed_at == completed_at and completions == [enrollment.pk]


@pytest.mark.django_db
def test_a_forged_heartbeat_does_not_complete_the_lesson(course, video):
    user = make_user()
    services.enroll(user=user, course=course)
    services.lesson_visit(user=user, lesson=course.lessons[0])
    progress = services.heartbeat(user=user, lesson_id=course.lessons[0].pk, video_id=video.pk, start=0, end=100,
                                  rate=16, now=0)
    assert progress.coverage_percent < 90
    assert lesson_states(user, [course.lessons[0].pk]) == {course.lessons[0].pk: "in_progress"}


@pytest.mark.django_db
def test_a_quiz_that_must_be_passed_holds_completion(course, monkeypatch, django_capture_on_commit_callbacks):
    from tests.factories import make_quiz, make_unit

    quiz = make_quiz(make_unit("Sở Tư pháp", "SO-TP"))
    module = course.get_children().first()
    quiz_lesson = make_lesson(module, title="Bài kiểm tra", body=[("quiz", {"quiz": quiz, "must_pass": True})])
    user = make_user()
    enrollment = services.enroll(user=user, course=course)
    results = {}
    monkeypatch.setattr(services.progress, "best_result", lambda u, q: results.get(q.pk))
    for lesson in course.lessons:
        services.lesson_visit(user=user, lesson=lesson)
    watch_all(user, course.lessons[0], Video.objects.get())
    services.lesson_visit(user=user, lesson=quiz_lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE  # the quiz is not passed yet
    results[quiz.pk] = SimpleNamespace(passed=False)
    services.completion_evaluate(enrollment_id=enrollment.pk)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
    results[quiz.pk] = SimpleNamespace(passed=True)
    services.completion_evaluate(enrollment_id=enrollment.pk)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED


@pytest.mark.django_db
def test_heartbeat_api_needs_an_enrolment(client, course, video):
    user = make_user()
    client.force_login(user)
    body = {"lesson": course.lessons[0].pk, "video": video.pk, "start": 0, "end": 15, "rate": 1}
    assert client.post("/api/v1/enrollment/heartbeat/", body, content_type="application/json").status_code == 403
    services.enroll(user=user, course=course)
    response = client.post("/api/v1/enrollment/heartbeat/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["watched_seconds"] == 15
    assert client.post("/api/v1/enrollment/heartbeat/", {"lesson": "x"},
                       content_type="application/json").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_heartbeats_complete_the_course_once(course, video, completions):
    # given a learner one heartbeat away from completing, on the real database
    user = make_user()
    enrollment = services.enroll(user=user, course=course)
    services.lesson_visit(user=user, lesson=course.lessons[1])
    services.lesson_visit(user=user, lesson=course.lessons[0])
    now, position = 0.0, 0.0
    while position < 90:
        services.heartbeat(user=user, lesson_id=course.lessons[0].pk, video_id=video.pk, start=position,
                           end=position + 15, rate=1, now=now)
        position, now = position + 15, now + 15
    # when eight heartbeats that each finish the video arrive at once
    barrier, errors = threading.Barrier(8), []

    def send():
        try:
            barrier.wait()
            services.heartbeat(user=user, lesson_id=course.lessons[0].pk, video_id=video.pk, start=90, end=100,
                               rate=1, now=now + 15)
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then the course is completed exactly once
    assert errors == []
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert completions == [enrollment.pk]
