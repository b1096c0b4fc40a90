"""Demo content of the assessments app: a bank of legal-knowledge questions, a quiz, an open
contest with a current weekly round, and a satisfaction survey. Idempotent.

Runs after ``people.demo.seed_people`` (it needs the demo org units).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import OrgUnit

from .models import (
    Contest, Question, QuestionCategory, QuestionOption, Quiz, QuizSlot, Survey, SurveyItem,
)
from .services.contests import contest_rounds_create_weekly

OWNER_CODE = "SO-TP"
FALLBACK_CODE = "TINH-LS"

# code, type, difficulty, stem, options (text, correct, match), extra fields
QUESTIONS = [
    ("DEMO-01", "single", "easy", "Cơ quan nào có quyền lập hiến và lập pháp?",
     [("Quốc hội", True, ""), ("Chính phủ", False, ""), ("Chủ tịch nước", False, ""),
      ("Tòa án nhân dân tối cao", False, "")], {}),
    ("DEMO-02", "single", "medium", "Luật Phổ biến, giáo dục pháp luật được Quốc hội thông qua năm nào?",
     [("2008", False, ""), ("2012", True, ""), ("2013", False, ""), ("2015", False, "")], {}),
    ("DEMO-03", "true_false", "easy",
     "Hòa giải viên ở cơ sở được bầu tại cộng đồng dân cư (thôn, tổ dân phố).", [], {"true_false_answer": True}),
    ("DEMO-04", "multiple", "medium", "Những ai là chủ thể thực hiện phổ biến, giáo dục pháp luật?",
     [("Báo cáo viên pháp luật", True, ""), ("Tuyên truyền viên pháp luật", True, ""),
      ("Người bị kết án đang chấp hành án", False, "")], {"scoring": "partial"}),
    ("DEMO-05", "short_answer", "easy",
     "Văn bản nào có hiệu lực pháp lý cao nhất trong hệ thống pháp luật Việt Nam?",
     [("Hiến pháp", True, ""), ("Hiến pháp năm 2013", True, "")], {}),
    ("DEMO-06", "numeric", "hard", "Hiến pháp năm 2013 có bao nhiêu điều?", [],
     {"numeric_answer": Decimal(120), "numeric_tolerance": Decimal(0)}),
    ("DEMO-07", "true_false", "medium",
     "Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam là ngày 9 tháng 11 hằng năm.", [],
     {"true_false_answer": True}),
    ("DEMO-08", "matching", "medium", "Ghép mỗi luật với năm Quốc hội thông qua.",
     [("Luật Phổ biến, giáo dục pháp luật", False, "2012"), ("Luật Hòa giải ở cơ sở", False, "2013"),
      ("Luật Tiếp cận thông tin", False, "2016"), ("", False, "2020")], {}),
    ("DEMO-09", "ordering", "hard", "Sắp xếp các bước của quy trình xây dựng luật theo đúng thứ tự.",
     [("Lập đề nghị xây dựng luật", False, ""), ("Soạn thảo dự án luật", False, ""),
      ("Thẩm định, thẩm tra dự án luật", False, ""), ("Quốc hội xem xét, thông qua", False, "")], {}),
    ("DEMO-10", "single", "easy", "Cơ quan nào tham mưu cho UBND tỉnh về công tác phổ biến, giáo dục pháp luật?",
     [("Sở Tư pháp", True, ""), ("Sở Nội vụ", False, ""), ("Sở Tài chính", False, "")], {}),
]
QUIZ_TITLE = "Kiểm tra kiến thức pháp luật cơ bản"
CONTEST_SLUG = "tim-hieu-hien-phap"
SURVEY_TITLE = "Khảo sát mức độ hài lòng về khóa bồi dưỡng"


def _owner() -> OrgUnit:
    return OrgUnit.objects.filter(code=OWNER_CODE).first() or OrgUnit.objects.get(code=FALLBACK_CODE)


def _questions(category: QuestionCategory) -> list[Question]:
    questions = []
    for code, qtype, difficulty, stem, options, extra in QUESTIONS:
        question, created = Question.objects.get_or_create(code=code, defaults={
            "category": category, "qtype": qtype, "difficulty": difficulty, "stem": f"<p>{stem}</p>",
            "general_feedback": "<p>Tham khảo Hiến pháp năm 2013 và Luật Phổ biến, giáo dục pháp luật năm 2012.</p>",
            **extra})
        if created:
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, sort_order=order, text=text, is_correct=correct,
                               match_text=match) for order, (text, correct, match) in enumerate(options))
        questions.append(question)
    return questions


@transaction.atomic
def seed_assessments() -> dict[str, str]:
    """Create the demo bank, quiz, contest and survey; returns {translated label: page address}."""
    owner = _owner()
    category, _created = QuestionCategory.objects.get_or_create(
        org_unit=owner, name="Hiến pháp và pháp luật về phổ biến, giáo dục pháp luật",
        defaults={"description": "Câu hỏi mẫu cho bài kiểm tra và cuộc thi tìm hiểu pháp luật."})
    questions = _questions(category)
    quiz, created = Quiz.objects.get_or_create(title=QUIZ_TITLE, org_unit=owner, defaults={
        "description": "<p>Bài kiểm tra 15 phút, 10 câu hỏi rút từ ngân hàng câu hỏi mẫu.</p>",
        "time_limit_minutes": 15, "max_attempts": 3, "pass_percent": Decimal(50), "shuffle_questions": True})
    if created:
        QuizSlot.objects.create(quiz=quiz, category=category, count=len(questions), sort_order=0)
    contest, created = Contest.objects.get_or_create(slug=CONTEST_SLUG, defaults={
        "title": "Cuộc thi trực tuyến tìm hiểu Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam",
        "org_unit": owner, "entries_per_round": 2,
        "intro": "<p>Cuộc thi dành cho mọi người dân, cán bộ, công chức trên địa bàn tỉnh. "
                 "Mỗi tuần một vòng thi, mỗi vòng 5 câu hỏi và một câu hỏi dự đoán.</p>",
        "rules": "<p>Xếp hạng theo điểm, sau đó theo độ chính xác của câu dự đoán, thời gian làm bài "
                 "và thời điểm nộp bài.</p>"})
    if created:
        today = timezone.localdate()
        monday = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time()))
        contest_rounds_create_weekly(
            contest=contest, first_opens_at=monday, weeks=4, time_limit_minutes=20,
            slots=[{"category": category, "count": 5}],
            tiebreak_question="Theo anh/chị, vòng thi này sẽ có bao nhiêu lượt người dự thi?")
    survey, created = Survey.objects.get_or_create(title=SURVEY_TITLE, org_unit=owner)
    if created:
        SurveyItem.objects.bulk_create([
            SurveyItem(survey=survey, sort_order=0, is_overall=True,
                       text="Nhìn chung, anh/chị hài lòng với khóa bồi dưỡng ở mức nào?"),
            SurveyItem(survey=survey, sort_order=1, text="Nội dung khóa bồi dưỡng sát với nhu cầu công việc."),
            SurveyItem(survey=survey, sort_order=2, text="Giảng viên truyền đạt rõ ràng, dễ hiểu."),
            SurveyItem(survey=survey, sort_order=3, text="Góp ý để khóa bồi dưỡng tốt hơn", required=False,
                       kind=SurveyItem.Kind.TEXT),
        ])
    return {_("Demo quiz"): f"/assessments/quizzes/{quiz.pk}/",
            _("Demo contest"): f"/assessments/contests/{contest.slug}/",
            _("Demo satisfaction survey"): f"/assessments/surveys/{survey.pk}/"}
