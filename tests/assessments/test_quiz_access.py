"""The ``assessments_quiz_access`` hook: True allows, False denies, None has no opinion; any False
denies (403 in the API, a friendly page in the HTML views); staff who author the quiz are let in."""
import json

import pytest
from wagtail import hooks

from assessments import services
from assessments.exceptions import QuizAccessDenied
from assessments.hooks import QUIZ_ACCESS_HOOK
from assessments.models import Attempt
from people.models import Role
from tests.factories import make_category, make_question, make_quiz, make_staff, make_user

pytestmark = pytest.mark.django_db

DENIED_VI = "Bạn không thể làm bài kiểm tra này"


@pytest.fixture
def quiz(province):
    category = make_category(province["justice"])
    return make_quiz(province["justice"], [make_question(category, "single"), make_question(category, "true_false")])


@pytest.fixture
def learner(client):
    user = make_user("hocvien.hook")
    client.force_login(user)
    return user


@pytest.fixture
def calls():
    return []


def answer(value, calls):
    def hook(user, quiz):
        calls.append((user.pk, quiz.pk))
        return value
    return hook


def start_api(client, quiz):
    return client.post(f"/api/v1/assessments/quizzes/{quiz.pk}/start/", json.dumps({}),
                       content_type="application/json")


@pytest.mark.parametrize("answers", [[], [None], [True], [None, True]])
def test_no_false_answer_lets_the_learner_in(client, learner, quiz, calls, answers):
    # given hooks that allow or have no opinion
    with _registered([answer(value, calls) for value in answers]):
        # when the learner opens the quiz and starts it through the page and the API
        page = client.get(f"/assessments/quizzes/{quiz.pk}/")
        api = client.get(f"/api/v1/assessments/quizzes/{quiz.pk}/")
        started = start_api(client, quiz)
    # then
    assert page.status_code == 200 and DENIED_VI not in page.content.decode()
    assert api.status_code == 200 and api.json()["id"] == quiz.pk
    assert started.status_code == 201
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    assert all(call == (learner.pk, quiz.pk) for call in calls)
    assert len(calls) == 3 * len(answers)  # asked by the page, the API resource and the start


@pytest.mark.parametrize("answers", [[False], [True, False], [False, None], [None, True, False]])
def test_any_false_answer_denies_everywhere(client, learner, quiz, calls, answers):
    with _registered([answer(value, calls) for value in answers]):
        page = client.get(f"/assessments/quizzes/{quiz.pk}/")
        started_page = client.post(f"/assessments/quizzes/{quiz.pk}/start/")
        api = client.get(f"/api/v1/assessments/quizzes/{quiz.pk}/")
        started_api = start_api(client, quiz)
        with pytest.raises(QuizAccessDenied):
            services.attempt_start(user=learner, quiz=quiz)
    # then the pages are a friendly refusal, the API a 403 with a code, and nothing was started
    for response in (page, started_page):
        html = response.content.decode()
        assert response.status_code == 403
        assert DENIED_VI in html and "ghi danh" in html and quiz.title in html
        assert 'action="/assessments/quizzes/' not in html  # no start button
    for response in (api, started_api):
        assert response.status_code == 403
        assert response.json()["code"] == "access_denied"
        assert "ghi danh" in response.json()["detail"]
    assert not Attempt.objects.filter(quiz=quiz).exists()


def test_a_reader_who_chose_english_reads_the_refusal_in_english(client, learner, quiz, calls):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with _registered([answer(False, calls)]):
        page = client.get(f"/assessments/quizzes/{quiz.pk}/")
        api = client.get(f"/api/v1/assessments/quizzes/{quiz.pk}/")
    assert page.status_code == 403 and "You cannot take this quiz" in page.content.decode()
    assert api.status_code == 403 and "enrol in that course first" in api.json()["detail"]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.UNIT_MANAGER, Role.DEPARTMENT_ADMIN])
def test_staff_who_author_the_quiz_are_never_denied(client, login_verified, province, quiz, calls, role):
    staff = make_staff(role, province["justice"])
    login_verified(staff)
    with _registered([answer(False, calls)]):
        assert client.get(f"/assessments/quizzes/{quiz.pk}/").status_code == 200
        assert start_api(client, quiz).status_code == 201
    assert calls == []  # their authoring scope decides, the hooks are not asked


def test_the_creator_is_let_in_but_staff_of_other_units_are_not(client, province, quiz, calls):
    creator = make_user("tac.gia")
    quiz.created_by = creator
    quiz.save()
    outsider = make_staff(Role.TRAINER, province["tanan"])
    with _registered([answer(False, calls)]):
        assert services.attempt_start(user=creator, quiz=quiz).user == creator
        with pytest.raises(QuizAccessDenied):
            services.attempt_start(user=outsider, quiz=quiz)


def test_a_denied_learner_cannot_resume_by_starting_again(client, learner, quiz, calls):
    # given a learner who started before a hook began to deny (e.g. they withdrew from the course)
    services.attempt_start(user=learner, quiz=quiz)
    with _registered([answer(False, calls)]):
        # then a new start is refused, not handed the live attempt
        assert start_api(client, quiz).status_code == 403


class _registered:
    """Register hook functions for the block's duration (several at once)."""

    def __init__(self, functions):
        self.contexts = [hooks.register_temporarily(QUIZ_ACCESS_HOOK, fn) for fn in functions]

    def __enter__(self):
        for context in self.contexts:
            context.__enter__()

    def __exit__(self, *exc):
        for context in reversed(self.contexts):
            context.__exit__(*exc)
