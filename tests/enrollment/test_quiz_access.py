"""A quiz embedded in a course's lesson is for the learners enrolled in that course
(enrollment.quiz_access, through the ``assessments_quiz_access`` hook)."""
import json

import pytest

from assessments import services as assessment_services
from assessments.exceptions import QuizAccessDenied
from assessments.models import Attempt
from courses import selectors as course_selectors
from courses.selectors import courses_embedding_quiz
from enrollment.models import Enrollment
from enrollment.quiz_access import quiz_access
from people.models import Role
from tests.factories import (
    make_catalog, make_category, make_course, make_lesson, make_module, make_question, make_quiz, make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db
DENIED_VI = "Bạn không thể làm bài kiểm tra này"


def quiz_block(quiz):
    return ("quiz", {"quiz": quiz, "intro": "Bài kiểm tra cuối khóa.", "must_pass": True})


@pytest.fixture
def quiz(province):
    category = make_category(province["justice"])
    return make_quiz(province["justice"], [make_question(category, "single"), make_question(category, "true_false")])


@pytest.fixture
def catalog(db):
    return make_catalog()


@pytest.fixture
def course(catalog, quiz):
    """A published course whose second lesson ends with the quiz (after some text)."""
    course = make_course(catalog, title="Kỹ năng hòa giải ở cơ sở")
    module = make_module(course)
    make_lesson(module, title="Bài 1", body=[("text", "<p>Giới thiệu.</p>")])
    make_lesson(module, title="Bài 2", body=[("text", "<p>Ôn tập.</p>"), quiz_block(quiz)])
    return course


@pytest.fixture
def learner(client):
    user = make_user("hocvien.khoahoc")
    client.force_login(user)
    return user


def enrol(user, course, status=Enrollment.Status.ACTIVE):
    return Enrollment.objects.create(user=user, course=course, status=status)


def start_api(client, quiz):
    return client.post(f"/api/v1/assessments/quizzes/{quiz.pk}/start/", json.dumps({}),
                       content_type="application/json")


def test_a_learner_not_enrolled_is_refused_on_the_page_and_in_the_api(client, learner, course, quiz):
    page = client.get(f"/assessments/quizzes/{quiz.pk}/")
    started_page = client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    resource = client.get(f"/api/v1/assessments/quizzes/{quiz.pk}/")
    started_api = start_api(client, quiz)

    assert page.status_code == 403 and DENIED_VI in page.content.decode()
    assert started_page.status_code == 403 and DENIED_VI in started_page.content.decode()
    assert resource.status_code == 403 and resource.json()["code"] == "access_denied"
    assert started_api.status_code == 403 and started_api.json()["code"] == "access_denied"
    assert not Attempt.objects.filter(quiz=quiz).exists()


@pytest.mark.parametrize("status", [Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])
def test_an_enrolled_learner_takes_the_quiz(client, learner, course, quiz, status):
    enrol(learner, course, status)

    page = client.get(f"/assessments/quizzes/{quiz.pk}/")
    started = start_api(client, quiz)

    assert page.status_code == 200 and DENIED_VI not in page.content.decode()
    assert started.status_code == 201
    assert Attempt.objects.get(quiz=quiz).user == learner


@pytest.mark.parametrize("status", [Enrollment.Status.WITHDRAWN, Enrollment.Status.PENDING])
def test_an_enrolment_that_is_not_live_does_not_count(client, learner, course, quiz, status):
    enrol(learner, course, status)
    assert client.get(f"/assessments/quizzes/{quiz.pk}/").status_code == 403
    assert start_api(client, quiz).status_code == 403


def test_a_quiz_in_two_courses_is_open_to_the_learners_of_either(catalog, course, quiz):
    other = make_course(catalog, title="Chuyển đổi số")
    make_lesson(make_module(other), body=[quiz_block(quiz)])
    in_other, in_none = make_user(), make_user()
    enrol(in_other, other)

    assert sorted(courses_embedding_quiz(quiz.pk)) == sorted([course.pk, other.pk])
    assert assessment_services.attempt_start(user=in_other, quiz=quiz).user == in_other
    with pytest.raises(QuizAccessDenied):
        assessment_services.attempt_start(user=in_none, quiz=quiz)


def test_enrolment_in_another_course_does_not_open_the_quiz(catalog, course, quiz):
    unrelated = make_course(catalog, title="Luật Tiếp cận thông tin")
    make_lesson(make_module(unrelated))
    user = make_user()
    enrol(user, unrelated)
    assert quiz_access(user, quiz) is False


def test_a_quiz_outside_live_lessons_is_left_open(catalog, quiz, province):
    # given the quiz only in a draft lesson, and another quiz in no lesson at all
    draft_course = make_course(catalog)
    make_lesson(make_module(draft_course), body=[quiz_block(quiz)], publish=False)
    loose = make_quiz(province["justice"], [make_question(make_category(province["justice"]))])
    user = make_user()
    # then enrolment has no opinion
    assert courses_embedding_quiz(quiz.pk) == []
    assert quiz_access(user, quiz) is None and quiz_access(user, loose) is None
    assert assessment_services.attempt_start(user=user, quiz=quiz).quiz == quiz


def test_the_quiz_id_must_match_exactly(catalog, province):
    # quiz 1 embedded; ids that share digits with it (11, 21, ...) are other quizzes
    category = make_category(province["justice"])
    quizzes = [make_quiz(province["justice"], [make_question(category)]) for _n in range(12)]
    course = make_course(catalog)
    make_lesson(make_module(course), body=[quiz_block(quizzes[0])])
    assert courses_embedding_quiz(quizzes[0].pk) == [course.pk]
    for other in quizzes[1:]:
        assert courses_embedding_quiz(other.pk) == []


def test_finding_the_courses_costs_two_queries_and_the_hook_three(django_assert_num_queries, course, quiz):
    user = make_user()
    enrol(user, course)
    with django_assert_num_queries(2):
        assert courses_embedding_quiz(quiz.pk) == [course.pk]
    with django_assert_num_queries(3):
        assert quiz_access(user, quiz) is None


def test_other_databases_read_the_bodies_with_the_same_answer(monkeypatch, course, quiz, catalog):
    draft = make_course(catalog)
    make_lesson(make_module(draft), body=[quiz_block(quiz)], publish=False)
    expected = courses_embedding_quiz(quiz.pk)
    monkeypatch.setattr(course_selectors, "_QUIZ_BLOCK_SQL", {})
    assert courses_embedding_quiz(quiz.pk) == expected == [course.pk]


def test_staff_who_author_the_quiz_try_it_without_enrolling(client, province, course, quiz):
    trainer = make_staff(Role.TRAINER, province["justice"])
    outsider = make_staff(Role.TRAINER, province["tanan"])
    client.force_login(trainer)
    assert client.get(f"/assessments/quizzes/{quiz.pk}/").status_code == 200
    assert start_api(client, quiz).status_code == 201
    client.force_login(outsider)
    assert start_api(client, quiz).status_code == 403


def test_the_lesson_links_an_enrolled_learner_to_a_quiz_that_opens(client, learner, course, quiz):
    from courses.models import LessonPage

    enrol(learner, course)
    lesson = LessonPage.objects.descendant_of(course).get(title="Bài 2")
    html = client.get(lesson.url).content.decode()
    assert f"/assessments/quizzes/{quiz.pk}/" in html
    assert client.get(f"/assessments/quizzes/{quiz.pk}/").status_code == 200
