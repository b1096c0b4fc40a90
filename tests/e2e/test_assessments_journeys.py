"""Journeys in real Chromium: a timed quiz with autosave and a reload; an anonymous contest entry on a phone."""
import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from assessments.models import Attempt, ContestEntry
from tests.factories import make_category, make_contest, make_question, make_quiz, make_unit, make_user

from .conftest import log_in, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Hoc-tap-2026!"


def test_a_learner_takes_a_timed_quiz_reloads_and_is_graded_on_what_was_saved(page):
    # given a one-minute quiz of three questions
    unit = make_unit("Sở Tư pháp", "SO-TP-E2E")
    category = make_category(unit)
    quiz = make_quiz(unit, [make_question(category, "single", stem="<p>Cơ quan nào có quyền lập pháp?</p>"),
                            make_question(category, "short_answer", stem="<p>Văn bản có hiệu lực cao nhất?</p>"),
                            make_question(category, "true_false", stem="<p>Hòa giải viên do dân bầu.</p>")],
                     title="Kiểm tra nhanh", time_limit_minutes=1, grace_seconds=20)
    make_user("hocvien.e2e", password=PASSWORD)
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        page.clock.install()
        log_in(page, "hocvien.e2e", PASSWORD)
        page.goto(f"/assessments/quizzes/{quiz.pk}/")
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url(re.compile(r"/assessments/attempts/\d+/$"))
        assert page.get_by_role("timer").is_visible()
        assert serious_accessibility_violations(page) == []
        # when the learner answers two questions (autosaved) and reloads the page
        questions = page.locator("fieldset[data-question]")
        questions.nth(0).get_by_label("Quốc hội").check()
        page.locator('[data-save-status][data-saves="1"]').wait_for()
        assert "Đã lưu lúc" in page.locator("[data-save-status]").inner_text()
        questions.nth(1).get_by_label("Câu trả lời của anh/chị").fill("hien phap")
        page.clock.run_for(1000)  # past the typing pause after which a text answer is saved
        page.locator('[data-save-status][data-saves="2"]').wait_for()
        page.reload()
        # then the answers are still there
        assert questions.nth(0).get_by_label("Quốc hội").is_checked()
        assert questions.nth(1).get_by_label("Câu trả lời của anh/chị").input_value() == "hien phap"
        # when the time runs out (the server's clock and the page's countdown)
        server_clock.shift(dt.timedelta(seconds=61))
        page.clock.fast_forward(62_000)
        page.wait_for_url(re.compile(r"/assessments/attempts/\d+/result/$"))
    # then the saved answers are graded: two right of three
    assert "Điểm: 2 / 3" in page.locator("[data-score]").inner_text()
    attempt = Attempt.objects.get(quiz=quiz)
    assert (attempt.state, attempt.score) == (Attempt.State.FINISHED, 2)


def test_an_anonymous_visitor_enters_a_contest_round_on_a_phone_and_sees_the_leaderboard(browser, live_server):
    # given an open public contest with three true/false questions
    unit = make_unit("Sở Tư pháp", "SO-TP-E2E")
    commune = make_unit("Xã Tân An", "XA-TANAN-E2E", unit)
    category = make_category(unit)
    questions = [make_question(category, "true_false", stem=f"<p>Nhận định số {n}.</p>") for n in range(3)]
    contest = make_contest(unit, questions, title="Tìm hiểu Hiến pháp 2013",
                           opens_at=timezone.now() - dt.timedelta(hours=1))
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        # when a visitor opens the landing page and enters the round
        page.goto(f"/assessments/contests/{contest.slug}/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tìm hiểu Hiến pháp 2013"
        assert serious_accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("link", name="Tham gia vòng thi").click()
        page.get_by_label("Họ và tên").fill("Đặng Văn Ước")
        page.get_by_label("Đơn vị, xã hoặc phường của anh/chị").select_option(label=commune.name)
        page.get_by_label("Điện thoại").fill("0912 345 678")
        page.get_by_label("Có bao nhiêu lượt người dự thi tuần này?").fill("120")
        for index in range(3):
            page.locator("fieldset[data-question]").nth(index).get_by_label("Đúng").check()
        assert serious_accessibility_violations(page) == []
        page.get_by_role("button", name="Gửi bài dự thi").click()
        # then the entry is graded and ranked, and the leaderboard shows it
        page.get_by_role("heading", name="Cảm ơn anh/chị đã tham gia!").wait_for()
        assert "Điểm: 3 / 3" in page.locator("[data-score]").inner_text()
        assert "Thứ hạng hiện tại: 1" in page.locator("main").inner_text()
        page.get_by_role("link", name="Xem bảng xếp hạng").click()
        row = page.get_by_role("row").filter(has_text="Đặng Văn Ước")
        assert "Xã Tân An" in row.inner_text() and "0912345678" not in page.content()
        assert serious_accessibility_violations(page) == []
    finally:
        context.close()
    entry = ContestEntry.objects.get()
    assert (entry.score, entry.prediction, entry.entrant.org_unit.code) == (3, 120, "XA-TANAN-E2E")
