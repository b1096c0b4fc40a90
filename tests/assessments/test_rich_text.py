"""Issue 13, finding 2: a question bank's XLSX stem starting with "<" was stored as raw HTML and
rendered to anonymous contest entrants. Imported rich text now passes an allow-list, and every
page (and the API) cleans rich text again when it shows it, for what was stored before."""
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from assessments import services
from assessments.models import Question
from assessments.services.bank_import import bank_import
from people.models import Role
from tests.factories import make_category, make_contest, make_question, make_quiz, make_staff, make_user

from .test_admin import workbook

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ATTACKS = ['<img src=x onerror=alert(1)>Cơ quan nào lập hiến?',
           '<p>Ai ban hành luật?<script>alert(document.cookie)</script></p>',
           '<p><a href="javascript:alert(1)" onclick="alert(2)">Điều 69</a> <b style="x">Hiến pháp</b></p>']
EVIL = ("onerror", "<script>", "alert(", "javascript:", "onclick", "style=")


def assert_clean(html: str) -> None:
    for sign in EVIL:
        assert sign not in html, sign


def rows():
    return [{"Loại câu hỏi": "Một lựa chọn", "Nội dung câu hỏi": stem, "Phương án 1": "Quốc hội",
             "Phương án 2": "Chính phủ", "Đáp án đúng": "1", "Phản hồi chung": stem} for stem in ATTACKS]


def test_an_imported_stem_keeps_its_formatting_but_loses_scripts_and_handlers(province):
    category = make_category(province["justice"])
    assert bank_import(category=category, content=workbook(rows())).created == 3
    stems = [q.stem for q in Question.objects.filter(category=category).order_by("pk")]
    for question in Question.objects.filter(category=category):
        assert_clean(question.stem + question.general_feedback)
    assert "Cơ quan nào lập hiến?" in stems[0] and "<img" not in stems[0]
    assert stems[1] == "<p>Ai ban hành luật?</p>"
    assert "<b>Hiến pháp</b>" in stems[2] and "Điều 69</a>" in stems[2]


def test_the_bank_upload_page_cleans_too(client, province):
    manager = make_staff(Role.TRAINER, province["justice"])
    client.force_login(manager)
    category = make_category(province["justice"])
    upload = io.BytesIO(workbook(rows()))
    upload.name = "doc-hai.xlsx"
    assert client.post(reverse("assessments_bank"), {"category": category.pk, "file": upload}).status_code == 302
    assert Question.objects.filter(category=category).count() == 3
    for question in Question.objects.filter(category=category):
        assert_clean(question.stem)


@pytest.fixture
def stored_before(province):
    """Questions stored raw by the old import (the database may hold them still)."""
    category = make_category(province["justice"])
    return [make_question(category, "single", stem=stem, general_feedback=stem) for stem in ATTACKS]


def test_anonymous_contest_entrants_never_get_a_script(client, province, stored_before):
    contest = make_contest(province["justice"], stored_before, opens_at=START)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        html = client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/").content.decode()
    assert "Ai ban hành luật?" in html and "Điều 69" in html
    assert_clean(html)


def test_the_quiz_page_the_review_and_the_api_never_carry_a_script(client, province, stored_before):
    learner = make_user()
    client.force_login(learner)
    quiz = make_quiz(province["justice"], stored_before, review_feedback="immediately")
    attempt = services.attempt_start(user=learner, quiz=quiz)
    page = client.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    api = client.get(f"/api/v1/assessments/attempts/{attempt.pk}/").content.decode()
    assert "Ai ban hành luật?" in page and "Ai ban hành luật?" in api
    services.attempt_finish(attempt_id=attempt.pk, user=learner)
    review = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    review_api = client.get(f"/api/v1/assessments/attempts/{attempt.pk}/review/").content.decode()
    assert "Ai ban hành luật?" in review and "Ai ban hành luật?" in review_api
    for html in (page, api, review, review_api):
        assert_clean(html)
