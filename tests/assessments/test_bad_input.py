"""Issue 13, findings 9 and 13: absurd numbers and malformed ids answer 400/404 in Vietnamese, never
500, and one attempt that cannot be graded no longer stops the overdue sweep for everyone."""
import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
import time_machine

from assessments import services
from assessments.models import Attempt, AttemptQuestion
from tests.factories import make_category, make_contest, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def numeric_quiz(province):
    category = make_category(province["justice"])
    return make_quiz(province["justice"], [make_question(category, "numeric", numeric_answer=Decimal("120"))],
                     time_limit_minutes=10, grace_seconds=0)


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def test_an_absurd_number_is_refused_when_saved_with_a_vietnamese_message(client, learner, numeric_quiz):
    attempt = services.attempt_start(user=learner, quiz=numeric_quiz)
    url = f"/api/v1/assessments/attempts/{attempt.pk}/answers/"
    refused = post(client, url, {"position": 0, "response": "1e9999999", "sequence": 1})
    assert refused.status_code == 400 and "quá lớn" in refused.json()["detail"]
    page = client.post(f"/assessments/attempts/{attempt.pk}/save/",
                       {"positions": "0", "seq0": "2", "q0": "1e9999999", "action": "finish"}, follow=True)
    assert page.status_code == 200 and "quá lớn" in page.content.decode()
    assert AttemptQuestion.objects.get(attempt=attempt).response is None


def test_the_sweep_grades_an_old_absurd_answer_as_wrong_and_closes_everyone(numeric_quiz):
    # given three overdue attempts, one holding "1e9999999" saved before numbers were bounded
    with time_machine.travel(START, tick=False):
        attempts = [services.attempt_start(user=make_user(), quiz=numeric_quiz) for _n in range(3)]
    AttemptQuestion.objects.filter(attempt=attempts[0]).update(response="1e9999999")
    AttemptQuestion.objects.filter(attempt=attempts[1]).update(response="120")
    # when the sweep runs after the time is up
    with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
        assert services.attempts_close_expired() == 3
    # then every attempt is graded, the absurd answer as wrong
    scores = [Attempt.objects.get(pk=a.pk).score for a in attempts]
    assert scores == [0, 1, 0]


def test_one_attempt_that_cannot_be_closed_does_not_stop_the_sweep(numeric_quiz, monkeypatch, caplog):
    with time_machine.travel(START, tick=False):
        attempts = [services.attempt_start(user=make_user(), quiz=numeric_quiz) for _n in range(3)]
    broken = attempts[1].pk
    real_grade = services.attempts._grade

    def grade(attempt, now):
        if attempt.pk == broken:
            raise ArithmeticError("a bug met while grading")
        return real_grade(attempt, now)

    monkeypatch.setattr(services.attempts, "_grade", grade)
    with time_machine.travel(START + dt.timedelta(minutes=11), tick=False), caplog.at_level(logging.ERROR):
        assert services.attempts_close_expired() == 2
    states = {a.pk: Attempt.objects.get(pk=a.pk).state for a in attempts}
    assert states[broken] == Attempt.State.IN_PROGRESS  # left for the next sweep, with a log line
    assert [s for pk, s in states.items() if pk != broken] == [Attempt.State.FINISHED] * 2
    assert str(broken) in caplog.text


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999", "-1", "1e3", "٣"])
def test_a_malformed_attempt_id_is_a_404_in_vietnamese(client, learner, pk):
    for suffix in ("", "review/"):
        response = client.get(f"/api/v1/assessments/attempts/{pk}/{suffix}")
        assert response.status_code == 404
        assert "Không" in response.json()["detail"]
    for action in ("answers/", "finish/", "advance/"):
        assert post(client, f"/api/v1/assessments/attempts/{pk}/{action}", {}).status_code == 404


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999"])
def test_a_malformed_quiz_id_is_a_404(client, learner, pk):
    assert client.get(f"/api/v1/assessments/quizzes/{pk}/").status_code == 404
    assert post(client, f"/api/v1/assessments/quizzes/{pk}/start/", {}).status_code == 404


def test_an_answer_to_a_position_the_attempt_does_not_have(client, learner, numeric_quiz):
    attempt = services.attempt_start(user=learner, quiz=numeric_quiz)
    url = f"/api/v1/assessments/attempts/{attempt.pk}/"
    missing = post(client, url + "answers/", {"position": 5, "response": "1", "sequence": 1})
    assert missing.status_code == 404 and missing.json()["code"] == "no_such_question"
    assert "câu hỏi" in missing.json()["detail"]
    for position, sequence in ((2**40, 1), (0, 2**70), (-1, 1)):
        assert post(client, url + "answers/", {"position": position, "response": "1", "sequence": sequence}
                    ).status_code == 400
    assert post(client, url + "advance/", {"position": 2**40}).status_code == 400
    # the page: a position that is not a plain number is ignored, a huge sequence is refused quietly
    page = client.post(f"/assessments/attempts/{attempt.pk}/save/",
                       {"positions": ["²", "0"], "seq0": str(2**70), "q0": "120", "action": "save"})
    assert page.status_code == 302


@pytest.mark.parametrize("path", ["/assessments/quizzes/99999999999999999999/",
                                  "/assessments/attempts/99999999999999999999/",
                                  "/assessments/attempts/99999999999999999999/result/",
                                  "/assessments/surveys/99999999999999999999/"])
def test_pages_with_ids_beyond_64_bits_are_404(client, learner, path):
    assert client.get(path).status_code == 404


def test_contest_round_numbers_beyond_64_bits_are_404(client, province):
    contest = make_contest(province["justice"], [], opens_at=START)
    for page in ("enter", "leaderboard"):
        assert client.get(f"/assessments/contests/{contest.slug}/rounds/99999999999999999999/{page}/"
                          ).status_code == 404
