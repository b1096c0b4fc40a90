"""Staff results of a quiz in the admin: who sees which attempts, the filters, and the XLSX/CSV exports."""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import selectors
from assessments.models import Attempt
from people.models import Role
from tests.factories import make_category, make_profile, make_question, make_quiz, make_staff, make_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội


@pytest.fixture
def quiz(province):
    category = make_category(province["justice"])
    return make_quiz(province["justice"], [make_question(category)], title="Kiểm tra: Luật Hòa giải ở cơ sở")


def learner(unit, full_name, username):
    user = make_user(username)
    if unit is not None:
        make_profile(unit, full_name=full_name, user=user)
    else:
        user.first_name, user.last_name = full_name.split(" ", 1)
        user.save()
    return user


def attempt(quiz, user, *, minutes=None, percent=None, started=START, number=1):
    finished = started + dt.timedelta(minutes=minutes, seconds=5) if minutes is not None else None
    state = Attempt.State.FINISHED if finished else Attempt.State.IN_PROGRESS
    return Attempt.objects.create(
        quiz=quiz, user=user, number=number, state=state, started_at=started, finished_at=finished,
        max_score=Decimal(10), score=Decimal(percent) / 10 if percent is not None else None,
        percent=Decimal(percent) if percent is not None else None,
        passed=None if percent is None else percent >= 50)


@pytest.fixture
def attempts(province, quiz):
    """Four learners: one in a hamlet below Đắk Ơ, one in Tân An, a citizen with no unit, and one
    whose self-typed name looks like a spreadsheet formula."""
    hamlet = learner(province["hamlet"], "Nguyễn Thị Ánh Tuyết", "anh.tuyet")
    tanan = learner(province["tanan"], "Lê Văn Đức", "le.duc")
    citizen = learner(None, "Phạm Quỳnh", "quynh.dan")
    formula = learner(province["tanan"], '=HYPERLINK("http://x.invalid","Bấm")', "formula")
    return {
        "hamlet": attempt(quiz, hamlet, minutes=12, percent=80),
        "tanan": attempt(quiz, tanan, minutes=25, percent=30, started=START + dt.timedelta(days=2)),
        "citizen": attempt(quiz, citizen),
        "formula": attempt(quiz, formula, minutes=1, percent=50),
    }


def names(rows):
    return sorted(row.learner for row in rows)


def test_authors_and_the_department_see_every_attempt_a_unit_manager_only_their_people(province, quiz, attempts):
    # given
    trainer = make_staff(Role.TRAINER, province["justice"])
    department = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    creator = make_staff(Role.TRAINER, province["education"])
    quiz.created_by = creator
    quiz.save()
    commune = make_staff(Role.UNIT_MANAGER, province["dako"])
    other_trainer = make_staff(Role.TRAINER, province["tanan"])
    other_manager = make_staff(Role.UNIT_MANAGER, province["education"])
    everyone = names(selectors.result_rows(attempts.values()))
    # then
    for user in (trainer, department, creator):
        assert selectors.results_quizzes(user).filter(pk=quiz.pk).exists()
        assert names(selectors.result_rows(selectors.quiz_results(user, quiz))) == everyone
    assert list(selectors.results_quizzes(commune)) == [quiz]  # their people took it
    assert names(selectors.result_rows(selectors.quiz_results(commune, quiz))) == ["Nguyễn Thị Ánh Tuyết"]
    assert not selectors.results_quizzes(other_trainer).exists()
    assert not selectors.results_quizzes(other_manager).exists()
    assert not selectors.results_quizzes(make_user()).exists()


def test_the_page_is_scoped_and_refused_to_others(client, province, quiz, attempts):
    url = reverse("assessments_quiz_results", args=[quiz.pk])
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    html = client.get(url).content.decode()
    assert "Nguyễn Thị Ánh Tuyết" in html and "Thôn 3 Đắk Ơ" in html
    assert "Lê Văn Đức" not in html and "Phạm Quỳnh" not in html
    assert "1 lượt làm bài" in html
    index = client.get(reverse("assessments_quiz_results_index")).content.decode()
    assert quiz.title in index

    client.force_login(make_staff(Role.TRAINER, province["tanan"]))
    assert client.get(url).status_code == 404
    assert quiz.title not in client.get(reverse("assessments_quiz_results_index")).content.decode()
    for export in ("assessments_quiz_results_xlsx", "assessments_quiz_results_csv"):
        assert client.get(reverse(export, args=[quiz.pk])).status_code == 404

    client.force_login(make_user("hocvien.tomo"))
    assert client.get(url).status_code in (302, 403)  # no admin access at all


def test_the_page_shows_each_attempt_with_its_unit_score_and_duration(client, province, quiz, attempts):
    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    html = client.get(reverse("assessments_quiz_results", args=[quiz.pk])).content.decode()
    assert "4 lượt làm bài" in html
    for text in ("Nguyễn Thị Ánh Tuyết", "Thôn 3 Đắk Ơ", "Lê Văn Đức", "Xã Tân An", "Phạm Quỳnh", "quynh.dan",
                 "0:12:05", "0:25:05", "80%", "Đang làm bài", "Đã nộp bài", "02/03/2026 08:00:00"):
        assert text in html, text
    assert html.count("Có</td>") == 2 and html.count("Không</td>") == 1  # passed: 80 and 50; 30 not


@pytest.mark.parametrize("params, expected", [
    ({"passed": "yes"}, ["=HYPERLINK(\"http://x.invalid\",\"Bấm\")", "Nguyễn Thị Ánh Tuyết"]),
    ({"passed": "no"}, ["Lê Văn Đức"]),
    ({"state": "in_progress"}, ["Phạm Quỳnh"]),
    ({"org_unit": "dako"}, ["Nguyễn Thị Ánh Tuyết"]),
    ({"learner": "Ánh Tuy"}, ["Nguyễn Thị Ánh Tuyết"]),
    ({"learner": "le.duc"}, ["Lê Văn Đức"]),
    ({"learner": "Quỳnh"}, ["Phạm Quỳnh"]),
    ({"started_from": "2026-03-03"}, ["Lê Văn Đức"]),
    ({"started_until": "2026-03-02"}, ["=HYPERLINK(\"http://x.invalid\",\"Bấm\")", "Nguyễn Thị Ánh Tuyết",
                                        "Phạm Quỳnh"]),
])
def test_filters(client, province, quiz, attempts, params, expected):
    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    if "org_unit" in params:
        params = {**params, "org_unit": province[params["org_unit"]].pk}
    response = client.get(reverse("assessments_quiz_results", args=[quiz.pk]), params)
    assert response.status_code == 200
    assert names(response.context["rows"]) == sorted(expected)
    # the exports take the same filters
    export = client.get(reverse("assessments_quiz_results_csv", args=[quiz.pk]), params)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]
    assert sorted(row[1].lstrip("'") for row in rows) == sorted(expected)


def test_a_wrong_date_range_is_explained_and_exports_nothing(client, province, quiz, attempts):
    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    params = {"started_from": "2026-03-05", "started_until": "2026-03-01"}
    page = client.get(reverse("assessments_quiz_results", args=[quiz.pk]), params)
    export = client.get(reverse("assessments_quiz_results_xlsx", args=[quiz.pk]), params)
    for response in (page, export):
        assert response.status_code == 400
        assert "Ngày kết thúc sớm hơn ngày bắt đầu." in response.content.decode()


def test_xlsx_export_keeps_diacritics_dates_durations_and_never_writes_a_formula(client, province, quiz,
                                                                                  attempts):
    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    response = client.get(reverse("assessments_quiz_results_xlsx", args=[quiz.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="ket-qua-kiem-tra-luat-hoa-giai-o-co-so-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Kết quả"
    assert sheet["A1"].value == "Kiểm tra: Luật Hòa giải ở cơ sở"
    header = [cell.value for cell in sheet[2]]
    assert header == ["Lần", "Học viên", "Tên đăng nhập", "Đơn vị", "Trạng thái", "Điểm", "Điểm tối đa",
                      "Tỉ lệ (%)", "Đạt", "Bắt đầu lúc", "Kết thúc lúc", "Thời gian làm bài"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    assert len(rows) == 4
    tuyet = rows["Nguyễn Thị Ánh Tuyết"]
    assert [cell.value for cell in tuyet[2:9]] == ["anh.tuyet", "Thôn 3 Đắk Ơ", "Đã nộp bài", 8, 10, 80, "Có"]
    assert tuyet[9].value == timezone.localtime(START).replace(tzinfo=None)
    assert tuyet[9].value.hour == 8
    assert tuyet[11].value == dt.timedelta(minutes=12, seconds=5)
    assert rows["Phạm Quỳnh"][3].value is None and rows["Phạm Quỳnh"][10].value is None
    formula = rows['\'=HYPERLINK("http://x.invalid","Bấm")'][1]
    assert formula.data_type == "s"  # text, not a formula, and still text once the sheet is saved as CSV


def test_xlsx_export_is_scoped_like_the_page(client, province, quiz, attempts):
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    response = client.get(reverse("assessments_quiz_results_xlsx", args=[quiz.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == ["Nguyễn Thị Ánh Tuyết"]


def test_csv_export_is_utf8_with_a_bom_and_defuses_formulas(client, province, quiz, attempts):
    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    response = client.get(reverse("assessments_quiz_results_csv", args=[quiz.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Lần", "Học viên", "Tên đăng nhập", "Đơn vị"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Nguyễn Thị Ánh Tuyết"][3] == "Thôn 3 Đắk Ơ"
    assert by_name["Nguyễn Thị Ánh Tuyết"][5:12] == ["8", "10", "80", "Có", "02/03/2026 08:00:00",
                                                    "02/03/2026 08:12:05", "0:12:05"]
    assert "'=HYPERLINK(\"http://x.invalid\",\"Bấm\")" in by_name


def test_the_page_costs_the_same_queries_for_many_attempts(client, province, quiz, attempts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_staff(Role.TRAINER, province["justice"]))
    url = reverse("assessments_quiz_results", args=[quiz.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        attempt(quiz, learner(province["tanan"], f"Học viên {n}", f"hv{n}"), minutes=3, percent=60)
    with CaptureQueriesContext(connection) as many:
        assert "34 lượt làm bài" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_a_quiz_created_in_the_admin_records_its_creator(client, province):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    from assessments.models import Quiz

    trainer = make_staff(Role.TRAINER, province["justice"])
    client.force_login(trainer)
    data = nested_form_data({
        "title": "Bài kiểm tra mới", "org_unit": province["justice"].pk, "description": rich_text(""),
        "slots": inline_formset([]), "grace_seconds": 20, "overdue_handling": "autosubmit", "max_attempts": 1,
        "grading_method": "highest", "pass_percent": 50, "shuffle_options": "on",
        "review_answers": "immediately", "review_correctness": "immediately",
        "review_correct_answers": "after_close", "review_feedback": "immediately",
    })
    response = client.post(reverse("wagtailsnippets_assessments_quiz:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Quiz.objects.get(title="Bài kiểm tra mới")
    assert created.created_by == trainer
    assert selectors.sees_every_attempt(trainer, created)
