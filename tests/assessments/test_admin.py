"""The admin: author scoping, XLSX import (all or nothing) and export of banks, contest results export."""
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.bank_xlsx import COLUMNS, read_bank
from assessments.models import Question, QuestionCategory
from assessments.services.bank import question_problems
from people.models import Role
from tests.factories import make_category, make_contest, make_question, make_staff

pytestmark = pytest.mark.django_db
HEADERS = [header for _key, header in COLUMNS]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    {"Mã câu hỏi": "HP-01", "Loại câu hỏi": "Một lựa chọn", "Mức độ": "Dễ",
     "Nội dung câu hỏi": "Cơ quan nào có quyền lập hiến, lập pháp?", "Phương án 1": "Chính phủ",
     "Phương án 2": "Quốc hội", "Phản hồi phương án 2": "Đúng: Điều 69 Hiến pháp 2013.", "Đáp án đúng": "2",
     "Thẻ": "Hiến pháp; Quốc hội"},
    {"Loại câu hỏi": "Nhieu lua chon", "Nội dung câu hỏi": "Những ai là chủ thể PBGDPL?", "Phương án 1": "Báo cáo viên",
     "Phương án 2": "Tuyên truyền viên", "Phương án 3": "Bị can", "Đáp án đúng": "A;B", "Cách chấm": "Từng phần"},
    {"Loại câu hỏi": "Đúng/Sai", "Nội dung câu hỏi": "Hòa giải viên ở cơ sở do cộng đồng bầu.", "Đáp án đúng": "Đúng"},
    {"Loại câu hỏi": "Trả lời ngắn", "Nội dung câu hỏi": "Văn bản có hiệu lực pháp lý cao nhất?",
     "Phương án 1": "Hiến pháp", "Phương án 2": "Hiến pháp năm 2013"},
    {"Loại câu hỏi": "Số", "Nội dung câu hỏi": "Hiến pháp hiện hành có bao nhiêu điều?", "Đáp án đúng": "120",
     "Sai số": "0"},
    {"Loại câu hỏi": "Ghép cặp", "Nội dung câu hỏi": "Ghép luật với năm ban hành.",
     "Phương án 1": "Luật Hòa giải ở cơ sở => 2013", "Phương án 2": "Luật PBGDPL => 2012", "Phương án 3": "- => 2015"},
    {"Loại câu hỏi": "Sắp xếp", "Nội dung câu hỏi": "Sắp xếp các bước ban hành luật.", "Phương án 1": "Soạn thảo",
     "Phương án 2": "Thẩm định", "Phương án 3": "Thông qua"},
]


@pytest.fixture
def trainer(client, province):
    user = make_staff(Role.TRAINER, province["justice"], username="giangvien.sotp")
    client.force_login(user)
    return user


def test_a_good_file_imports_every_type_with_diacritics_intact(client, trainer, province):
    category = make_category(province["justice"], "Hiến pháp")
    upload = io.BytesIO(workbook(GOOD_ROWS))
    upload.name = "ngan-hang.xlsx"
    response = client.post(reverse("assessments_bank"), {"category": category.pk, "file": upload})
    assert response.status_code == 302
    questions = {q.qtype: q for q in Question.objects.filter(category=category)}
    assert len(questions) == 7
    single = questions["single"]
    assert single.code == "HP-01" and single.difficulty == "easy"
    assert single.stem == "<p>Cơ quan nào có quyền lập hiến, lập pháp?</p>"
    assert [(o.text, o.is_correct, o.feedback) for o in single.options.all()] == [
        ("Chính phủ", False, ""), ("Quốc hội", True, "Đúng: Điều 69 Hiến pháp 2013.")]
    assert sorted(t.name for t in single.tags.all()) == ["Hiến pháp", "Quốc hội"]
    assert questions["multiple"].scoring == "partial"
    assert questions["true_false"].true_false_answer is True
    assert questions["numeric"].numeric_answer == 120
    assert [(o.text, o.match_text) for o in questions["matching"].options.all()] == [
        ("Luật Hòa giải ở cơ sở", "2013"), ("Luật PBGDPL", "2012"), ("", "2015")]


def test_a_file_with_errors_imports_nothing_and_lists_every_bad_row(client, trainer, province):
    category = make_category(province["justice"])
    rows = [*GOOD_ROWS[:2],
            {"Loại câu hỏi": "Tự luận dài", "Nội dung câu hỏi": "?"},
            {"Loại câu hỏi": "Một lựa chọn", "Nội dung câu hỏi": "Thiếu đáp án", "Phương án 1": "A",
             "Phương án 2": "B"},
            {"Loại câu hỏi": "Số", "Nội dung câu hỏi": "Bao nhiêu?", "Đáp án đúng": "mười"}]
    upload = io.BytesIO(workbook(rows))
    upload.name = "loi.xlsx"
    response = client.post(reverse("assessments_bank"), {"category": category.pk, "file": upload})
    assert response.status_code == 400
    errors = [(e["row"], e["column"]) for e in response.context["errors"]]
    assert errors == [(4, "Loại câu hỏi"), (5, "Đáp án đúng"), (6, "Đáp án đúng")]
    assert "Không rõ loại câu hỏi" in response.content.decode()
    assert Question.objects.count() == 0


def test_export_then_import_round_trips(client, trainer, province):
    source = make_category(province["justice"], "Luật Hòa giải")
    upload = io.BytesIO(workbook(GOOD_ROWS))
    upload.name = "a.xlsx"
    client.post(reverse("assessments_bank"), {"category": source.pk, "file": upload})
    exported = client.get(reverse("assessments_bank_export", args=[source.pk]))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.cell(1, 1).value == "Mã câu hỏi"
    assert any(row[4] == "<p>Hòa giải viên ở cơ sở do cộng đồng bầu.</p>" for row in sheet.iter_rows(values_only=True))
    # re-importing the export changes nothing and duplicates nothing
    before = {q.pk: (q.stem, q.qtype, [(o.text, o.match_text, o.is_correct) for o in q.options.all()])
              for q in Question.objects.filter(category=source)}
    parsed = read_bank(exported.content)
    assert parsed.errors == [] and len(parsed.questions) == 7
    again = io.BytesIO(exported.content)
    again.name = "export.xlsx"
    client.post(reverse("assessments_bank"), {"category": source.pk, "file": again})
    after = {(q.stem, q.qtype, tuple((o.text, o.match_text, o.is_correct) for o in q.options.all()))
             for q in Question.objects.filter(category=source)}
    assert Question.objects.filter(category=source).count() == 14 - 1  # the coded question is updated in place
    assert {(s, t, tuple(o)) for s, t, o in before.values()} == after


def test_a_trainer_sees_and_edits_only_the_banks_of_their_units(client, trainer, province):
    mine = make_category(province["justice"], "Ngân hàng Sở Tư pháp")
    theirs = make_category(province["education"], "Ngân hàng Sở Giáo dục")
    html = client.get(reverse("wagtailsnippets_assessments_questioncategory:list")).content.decode()
    assert mine.name in html and theirs.name not in html
    response = client.get(reverse("wagtailsnippets_assessments_questioncategory:edit", args=[theirs.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get(reverse("wagtailsnippets_assessments_questioncategory:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessments_bank_export", args=[theirs.pk])).status_code == 404
    form = client.get(reverse("wagtailsnippets_assessments_questioncategory:add")).context["form"]
    assert sorted(unit.code for unit in form.fields["org_unit"].queryset) == ["SO-TP"]
    # the trainer can add a category in their unit
    client.post(reverse("wagtailsnippets_assessments_questioncategory:add"),
                {"name": "Pháp luật về hòa giải", "org_unit": province["justice"].pk, "description": ""})
    assert QuestionCategory.objects.filter(name="Pháp luật về hòa giải").exists()


def test_a_learner_cannot_reach_the_bank_pages(client, province):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get(reverse("assessments_bank")).status_code in (302, 403)


@pytest.mark.parametrize("qtype, options, extra, problems", [
    ("single", [{"text": "A", "correct": True}, {"text": "B", "correct": True}], {}, 1),
    ("single", [{"text": "A", "correct": True}], {}, 1),
    ("multiple", [{"text": "A"}, {"text": "B"}], {}, 1),
    ("true_false", [], {}, 1),
    ("numeric", [], {"numeric_answer": 5}, 0),
    ("matching", [{"text": "A", "match": "1"}, {"text": "B", "match": ""}], {}, 1),
    ("ordering", [{"text": "A"}, {"text": "B"}], {}, 0),
])
def test_question_checks(qtype, options, extra, problems):
    assert len(question_problems(qtype=qtype, options=options, **extra)) == problems


def test_contest_results_export_is_scoped(client, province):
    from assessments.services import contests as contest_services

    category = make_category(province["justice"])
    contest = make_contest(province["justice"], [make_question(category, "true_false")],
                           opens_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    contest_round = contest.rounds.get()
    with time_machine.travel(dt.datetime(2026, 3, 3, tzinfo=dt.UTC), tick=False):
        for name, unit, phone in [("Đặng Văn Ước", province["hamlet"], "0911111111"),
                                  ("Nguyễn Thị Hường", province["tanan"], "0922222222")]:
            ticket = contest_services.entry_ticket(contest_round=contest_round)
            contest_services.contest_entry_submit(contest_round=contest_round, ticket=ticket, responses={0: "true"},
                                                  prediction=2, full_name=name, org_unit=unit, phone=phone)
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    response = client.get(reverse("assessments_contest_export", args=[contest.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Vòng", "Xếp hạng", "Họ và tên")
    assert [row[2] for row in rows[1:]] == ["Đặng Văn Ước"]
    client.force_login(make_staff(Role.UNIT_MANAGER, province["justice"]))  # the organiser
    response = client.get(reverse("assessments_contest_export", args=[contest.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    # both right with an exact prediction and the same time: the earlier entry ranks first
    assert {row[2]: row[1] for row in rows[1:]} == {"Đặng Văn Ước": 1, "Nguyễn Thị Hường": 2}
