"""Quiz pages without JavaScript: start, answer, reload, finish, result — and no leak before review."""
import datetime as dt
import re

import pytest
import time_machine

from assessments import selectors
from assessments.models import Attempt
from tests.factories import make_category, make_question, make_quiz, make_user

from .test_api import SECRETS, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = make_user("hocvien.pages")
    client.force_login(user)
    return user


def start(client, quiz):
    response = client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1)))


def test_the_attempt_page_leaks_no_answer_or_feedback_before_review(client, learner, secret_quiz):
    with time_machine.travel(START, tick=False):
        attempt = start(client, secret_quiz)
        html = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
        assert html.count('data-question="') == 7
        for secret in SECRETS:
            assert secret not in html, secret
        assert "is_correct" not in html
        client.post(f"/assessments/attempts/{attempt.pk}/save/", {"action": "finish"})
        result = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    for secret in SECRETS:
        assert secret not in result, secret
    assert "Phần xem lại bài làm chưa được mở" in result


def test_a_learner_answers_without_javascript_and_gets_the_result(client, learner, province):
    # given
    category = make_category(province["justice"])
    single = make_question(category, "single", options=[("Quốc hội", True, "", "Đúng: Quốc hội ban hành luật."),
                                                        ("Chính phủ", False, "", "")])
    matching = make_question(category, "matching")
    ordering = make_question(category, "ordering")
    quiz = make_quiz(province["justice"], [single, matching, ordering], review_correct_answers="immediately")
    attempt = start(client, quiz)
    page = client.get(f"/assessments/attempts/{attempt.pk}/")
    assert page.status_code == 200 and "Quốc hội" in page.content.decode()
    slots = {slot.spec["type"]: slot for slot in attempt.questions.all()}
    names = selectors.attempt_tokens(attempt)  # the page names options by the attempt's tokens
    right = names.option(next(o["id"] for o in slots["single"].spec["options"] if o["correct"]))
    match_prompts = [o for o in slots["matching"].spec["options"] if o["text"]]
    keys = {o["match"]: names.choice(str(o["id"])) for o in reversed(slots["matching"].spec["options"])}
    form = {"positions": [0, 1, 2], "seq0": 1, "seq1": 1, "seq2": 1, "q0": right, "action": "save"}
    for option in match_prompts:
        form[f"q1-{names.option(option['id'])}"] = keys[option["match"]]
    for rank, option in enumerate(slots["ordering"].spec["options"], start=1):
        form[f"q2-{names.option(option['id'])}"] = rank
    # when the learner saves, reloads, and submits
    assert client.post(f"/assessments/attempts/{attempt.pk}/save/", form).status_code == 302
    reloaded = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert re.search(rf'value="{right}"\s+checked', reloaded)
    response = client.post(f"/assessments/attempts/{attempt.pk}/save/", {"action": "finish"}, follow=True)
    # then
    html = response.content.decode()
    assert "Điểm: 3 / 3 (100%)" in html and "Đạt" in html
    assert "Đúng: Quốc hội ban hành luật." in html
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.FINISHED


def test_autosave_answers_json_and_refuses_a_stale_save(client, learner, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "short_answer")])
    attempt = start(client, quiz)
    url = f"/assessments/attempts/{attempt.pk}/save/"
    saved = client.post(url, {"positions": 0, "seq0": 3, "q0": "Hiến pháp"}, HTTP_ACCEPT="application/json")
    assert saved.json()["saved"] is True
    stale = client.post(url, {"positions": 0, "seq0": 2, "q0": "Luật"}, HTTP_ACCEPT="application/json")
    assert stale.json()["saved"] is True  # quietly skipped: a newer answer is saved
    assert attempt.questions.get().response == "Hiến pháp"


def test_a_page_after_the_time_is_up_shows_the_graded_result(client, learner, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "short_answer")], time_limit_minutes=1)
    with time_machine.travel(START, tick=False) as clock:
        attempt = start(client, quiz)
        client.post(f"/assessments/attempts/{attempt.pk}/save/", {"positions": 0, "seq0": 1, "q0": "hien phap"})
        clock.move_to(START + dt.timedelta(minutes=5))
        response = client.get(f"/assessments/attempts/{attempt.pk}/", follow=True)
    assert "Điểm: 1 / 1 (100%)" in response.content.decode()


def test_someone_else_cannot_open_the_attempt(client, learner, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "single")])
    attempt = start(client, quiz)
    client.force_login(make_user("other.learner"))
    assert client.get(f"/assessments/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/assessments/attempts/{attempt.pk}/save/", {"action": "finish"}).status_code == 404


def test_the_quiz_page_asks_anonymous_visitors_to_log_in(client, province):
    category = make_category(province["justice"])
    quiz = make_quiz(province["justice"], [make_question(category, "single")])
    response = client.get(f"/assessments/quizzes/{quiz.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
