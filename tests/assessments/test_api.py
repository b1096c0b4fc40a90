"""The quiz API: start, questions, autosave, finish, review — and nothing leaks before review."""
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from assessments.models import Attempt
from tests.factories import make_category, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
SECRETS = ["BÍ MẬT ĐÁP ÁN", "98765.4321", "PHẢN HỒI LỰA CHỌN", "PHẢN HỒI CHUNG", "PHẢN HỒI TỰ LUẬN"]


@pytest.fixture
def secret_quiz(province):
    """One question of each type whose right answers and feedback are recognisable strings."""
    category = make_category(province["justice"])
    general = "<p>PHẢN HỒI CHUNG</p>"
    questions = [
        make_question(category, "single", options=[
            ("Quốc hội", True, "", "PHẢN HỒI LỰA CHỌN 1"), ("Chính phủ", False, "", "PHẢN HỒI LỰA CHỌN 2")],
            general_feedback=general),
        make_question(category, "multiple", general_feedback=general),
        make_question(category, "true_false", general_feedback=general),
        make_question(category, "short_answer", options=[("BÍ MẬT ĐÁP ÁN", True, "", "PHẢN HỒI TỰ LUẬN")],
                      general_feedback=general),
        make_question(category, "numeric", numeric_answer=Decimal("98765.4321"), general_feedback=general),
        make_question(category, "matching", general_feedback=general),
        make_question(category, "ordering", general_feedback=general),
    ]
    return make_quiz(province["justice"], questions, closes_at=START + dt.timedelta(days=7),
                     review_correct_answers="after_close", review_feedback="after_close",
                     review_correctness="after_close", review_answers="after_close")


@pytest.fixture
def api(client):
    learner = make_user("hocvien.api")
    client.force_login(learner)
    client.learner = learner
    return client


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text, secret
    assert '"correct' not in text and "is_correct" not in text and "feedback" not in text


def test_nothing_reaches_the_api_before_review_is_allowed(api, secret_quiz):
    with time_machine.travel(START, tick=False):
        # when the learner starts, reads, answers and finishes
        started = post(api, f"/api/v1/assessments/quizzes/{secret_quiz.pk}/start/")
        assert started.status_code == 201
        attempt_id = started.json()["id"]
        bodies = [started.content.decode(),
                  api.get(f"/api/v1/assessments/attempts/{attempt_id}/").content.decode(),
                  api.get(f"/api/v1/assessments/quizzes/{secret_quiz.pk}/").content.decode(),
                  api.get("/api/v1/assessments/attempts/").content.decode()]
        short = next(q for q in started.json()["questions"] if q["type"] == "short_answer")
        saved = post(api, f"/api/v1/assessments/attempts/{attempt_id}/answers/",
                     {"position": short["position"], "response": "bí mật đáp án", "sequence": 1})
        assert saved.status_code == 200
        bodies.append(saved.content.decode())
        finished = post(api, f"/api/v1/assessments/attempts/{attempt_id}/finish/")
        assert finished.status_code == 200 and finished.json()["state"] == "finished"
        bodies.append(finished.content.decode())
        review = api.get(f"/api/v1/assessments/attempts/{attempt_id}/review/")
        bodies.append(review.content.decode())
    # then no response carries a right answer or feedback
    assert review.status_code == 403
    for body in bodies:
        assert_no_secret(body.replace("bí mật đáp án", ""))
    # once the quiz has closed, the review shows them
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        review = api.get(f"/api/v1/assessments/attempts/{attempt_id}/review/")
    assert review.status_code == 200
    text = review.content.decode()
    assert "BÍ MẬT ĐÁP ÁN" in text and "PHẢN HỒI CHUNG" in text and "98765.4321" in text


def test_questions_have_the_shape_the_client_needs(api, secret_quiz):
    with time_machine.travel(START, tick=False):
        attempt = post(api, f"/api/v1/assessments/quizzes/{secret_quiz.pk}/start/").json()
    by_type = {q["type"]: q for q in attempt["questions"]}
    assert set(by_type) == {"single", "multiple", "true_false", "short_answer", "numeric", "matching", "ordering"}
    assert set(by_type["single"]["options"][0]) == {"id", "text"}
    assert len(by_type["matching"]["choices"]) == 2  # "2013" twice is one choice
    assert attempt["seconds_left"] is not None and attempt["state"] == "in_progress"


def test_autosave_conflicts_and_double_finish(api, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "short_answer")])
    attempt_id = post(api, f"/api/v1/assessments/quizzes/{quiz.pk}/start/").json()["id"]
    url = f"/api/v1/assessments/attempts/{attempt_id}/"
    assert post(api, url + "answers/", {"position": 0, "response": "Hiến pháp", "sequence": 2}).status_code == 200
    stale = post(api, url + "answers/", {"position": 0, "response": "Luật", "sequence": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale")
    # a reload shows the saved answer
    assert api.get(url).json()["questions"][0]["response"] == "Hiến pháp"
    assert post(api, url + "finish/").status_code == 200
    again = post(api, url + "finish/")
    assert (again.status_code, again.json()["code"]) == (409, "not_live")
    late = post(api, url + "answers/", {"position": 0, "response": "Luật", "sequence": 3})
    assert late.status_code == 409
    assert Attempt.objects.get(pk=attempt_id).score == 1


def test_time_up_over_the_api(api, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "short_answer")], time_limit_minutes=1,
                     grace_seconds=5)
    with time_machine.travel(START, tick=False) as clock:
        attempt_id = post(api, f"/api/v1/assessments/quizzes/{quiz.pk}/start/").json()["id"]
        url = f"/api/v1/assessments/attempts/{attempt_id}/"
        assert post(api, url + "answers/", {"position": 0, "response": "Hiến pháp", "sequence": 1}).status_code == 200
        clock.move_to(START + dt.timedelta(seconds=66))
        late = post(api, url + "answers/", {"position": 0, "response": "Luật", "sequence": 2})
        assert (late.status_code, late.json()["code"]) == (409, "time_up")
        attempt = api.get(url).json()
    assert (attempt["state"], attempt["score"], attempt["questions"]) == ("finished", "1.00", [])


def test_a_learner_reaches_only_their_own_attempts(api, province, client):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "single")])
    attempt_id = post(api, f"/api/v1/assessments/quizzes/{quiz.pk}/start/").json()["id"]
    client.force_login(make_user("someone.else"))
    assert client.get(f"/api/v1/assessments/attempts/{attempt_id}/").status_code == 404
    assert post(client, f"/api/v1/assessments/attempts/{attempt_id}/finish/").status_code == 404


def test_the_api_needs_a_login(client, province):
    assert client.get("/api/v1/assessments/attempts/").status_code == 403


def test_schema_lists_the_quiz_api(client):
    body = client.get("/api/schema/").content
    for path in (b"/api/v1/assessments/quizzes/{id}/start/", b"/api/v1/assessments/attempts/{id}/answers/",
                 b"/api/v1/assessments/attempts/{id}/finish/", b"/api/v1/assessments/attempts/{id}/review/"):
        assert path in body
