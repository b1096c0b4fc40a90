"""Issue 13, finding 3: nothing the learner is shown names the answer.

Before: matching choice keys were the id of the option they match, ordering ids ascended in the right
order, and sending the ids back as given scored full marks. Now options and choices carry opaque names
of the attempt (or contest entry), in a shuffled order, and the server maps them back.
"""
import datetime as dt
import json
import re

import pytest
import time_machine

from assessments import services
from assessments.models import Attempt, ContestEntry
from tests.factories import make_category, make_contest, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
STEPS = [("Soạn thảo", False, ""), ("Lấy ý kiến", False, ""), ("Thẩm định", False, ""), ("Thẩm tra", False, ""),
         ("Thông qua", False, "")]
PAIRS = [("Luật Hòa giải ở cơ sở", False, "2013"), ("Luật Phổ biến, giáo dục pháp luật", False, "2012"),
         ("Luật Tiếp cận thông tin", False, "2016"), ("Luật Trẻ em", False, "2016"),
         ("Luật Thanh niên", False, "2020"), ("-", False, "1992")]


@pytest.fixture
def quiz(province):
    category = make_category(province["justice"])
    ordering = make_question(category, "ordering", options=STEPS, stem="<p>Sắp xếp các bước.</p>")
    matching = make_question(category, "matching", options=[(t if t != "-" else "", c, m) for t, c, m in PAIRS],
                             stem="<p>Ghép luật với năm.</p>")
    single = make_question(category, "single")
    return make_quiz(province["justice"], [ordering, matching, single], max_attempts=0, shuffle_options=False)


def option_ids(quiz):
    return {str(pk) for slot in quiz.slots.all() for pk in slot.question.options.values_list("pk", flat=True)}


def names_shown(item):
    return [o["id"] for o in item["options"]] + [c["key"] for c in item["choices"]]


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_api_names_no_answer_and_echoing_what_it_shows_does_not_score(client, quiz):
    # given a learner who starts through the API (a fixed seed: the same draw every run)
    learner = make_user()
    client.force_login(learner)
    attempt = services.attempt_start(user=learner, quiz=quiz, seed=7)
    url = f"/api/v1/assessments/attempts/{attempt.pk}/"
    items = {item["type"]: item for item in client.get(url).json()["questions"]}
    # then no name shown is an option id, and a prompt never shares its name with a choice
    ids = option_ids(quiz)
    for item in items.values():
        assert not ids & set(names_shown(item))
    matching, ordering = items["matching"], items["ordering"]
    assert not {o["id"] for o in matching["options"]} & {c["key"] for c in matching["choices"]}
    # when the learner sends the items in the order shown, and pairs prompts and choices as listed
    as_shown = [o["id"] for o in ordering["options"]]
    paired = {o["id"]: c["key"] for o, c in zip(matching["options"], matching["choices"])}
    for position, response in ((ordering["position"], as_shown), (matching["position"], paired)):
        assert post(client, url + "answers/", {"position": position, "response": response, "sequence": 1}
                    ).status_code == 200
    # and tries the old trick: the option ids in ascending order
    old_trick = sorted(int(pk) for pk in ids)[:len(STEPS)]
    refused = post(client, url + "answers/", {"position": ordering["position"], "response": old_trick,
                                              "sequence": 2})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_answer"
    finished = post(client, url + "finish/", {}).json()
    # then neither earns the marks
    slots = {slot.spec["type"]: slot for slot in Attempt.objects.get(pk=attempt.pk).questions.all()}
    assert slots["ordering"].fraction == 0 and slots["matching"].fraction < 1
    assert finished["state"] == "finished"


def test_the_page_shows_the_ordering_shuffled_and_the_same_answer_as_shown_scores_nothing(client, quiz):
    learner = make_user()
    client.force_login(learner)
    attempt = services.attempt_start(user=learner, quiz=quiz, seed=11)
    html = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    ordering = next(slot for slot in attempt.questions.all() if slot.spec["type"] == "ordering")
    # the page's fields for the ordering question, named by tokens, in the order shown
    names = re.findall(rf'name="q{ordering.position}-(t[0-9a-f]+)"', html)
    assert len(names) == len(STEPS) and not set(names) & option_ids(quiz)
    shown_texts = re.findall(rf'<label for="q{ordering.position}-t[0-9a-f]+">([^<]+)</label>', html)
    assert shown_texts != [text for text, _right, _match in STEPS]  # never in the right order
    # when the learner sends the form as it came (ranks 1..n in the order shown)
    form = {"positions": [ordering.position], f"seq{ordering.position}": 1, "action": "finish"}
    form.update({f"q{ordering.position}-{name}": rank for rank, name in enumerate(names, start=1)})
    client.post(f"/assessments/attempts/{attempt.pk}/save/", form)
    ordering.refresh_from_db()
    assert ordering.response is not None and ordering.fraction == 0


def test_two_attempts_name_the_same_options_differently(client, quiz):
    first = services.attempt_start(user=make_user(), quiz=quiz, seed=3)
    second = services.attempt_start(user=make_user(), quiz=quiz, seed=3)
    shown = []
    for attempt in (first, second):
        client.force_login(attempt.user)
        items = client.get(f"/api/v1/assessments/attempts/{attempt.pk}/").json()["questions"]
        shown.append({name for item in items for name in names_shown(item)})
    assert shown[0] and not shown[0] & shown[1]


def test_a_contest_entry_form_names_no_answer_and_as_shown_scores_nothing(client, province, monkeypatch):
    # given a public contest round with an ordering question of five steps
    category = make_category(province["justice"])
    ordering = make_question(category, "ordering", options=STEPS, stem="<p>Sắp xếp các bước.</p>")
    contest = make_contest(province["justice"], [ordering], opens_at=START)
    monkeypatch.setattr("assessments.services.contests.secrets.randbits", lambda bits: 123456789)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        url = f"/assessments/contests/{contest.slug}/rounds/1/enter/"
        html = client.get(url).content.decode()
        again = client.get(url).content.decode()  # the same seed: the same names (fragments are shared)
        names = re.findall(r'name="q0-(t[0-9a-f]+)"', html)
        assert len(names) == len(STEPS) and names == re.findall(r'name="q0-(t[0-9a-f]+)"', again)
        assert not set(names) & {str(pk) for pk in ordering.options.values_list("pk", flat=True)}
        ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
        form = {"ticket": ticket, "full_name": "Lò Văn Páo", "org_unit": province["tanan"].pk, "address": "",
                "phone": "0912000111", "email": "", "prediction": "10"}
        form.update({f"q0-{name}": rank for rank, name in enumerate(names, start=1)})
        assert client.post(url, form).status_code == 302
    entry = ContestEntry.objects.get()
    assert entry.answers[0]["response"] is not None and entry.score == 0


def test_contest_entries_get_names_of_their_own(client, province):
    category = make_category(province["justice"])
    contest = make_contest(province["justice"], [make_question(category, "ordering", options=STEPS)], opens_at=START)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        url = f"/assessments/contests/{contest.slug}/rounds/1/enter/"
        first, second = (set(re.findall(r'name="q0-(t[0-9a-f]+)"', client.get(url).content.decode()))
                         for _visit in range(2))
    assert len(first) == len(STEPS) and not first & second
