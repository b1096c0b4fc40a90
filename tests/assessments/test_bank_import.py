"""Bank import at scale: thousands of rows in bulk writes, updates in place, the model's own field
rules reported per row, and Wagtail's reference index brought up to date after the commit."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from assessments.models import Question, QuestionOption
from assessments.services.bank_import import bank_import
from tests.factories import make_category

from .test_admin import GOOD_ROWS, workbook

pytestmark = pytest.mark.django_db


def generated(count, prefix="PL"):
    rows = []
    for n in range(count):
        row = dict(GOOD_ROWS[n % len(GOOD_ROWS)])
        row["Mã câu hỏi"] = f"{prefix}-{n:05d}" if n % 2 == 0 else ""
        row["Nội dung câu hỏi"] = f"Câu hỏi số {n}: {row['Nội dung câu hỏi']}"
        rows.append(row)
    return rows


def test_a_file_of_thousands_of_questions_is_written_in_a_bounded_number_of_statements(province):
    category = make_category(province["justice"])
    with CaptureQueriesContext(connection) as small:
        assert bank_import(category=category, content=workbook(generated(7, "NHO"))).created == 7
    with CaptureQueriesContext(connection) as large:
        result = bank_import(category=category, content=workbook(generated(2100)))
    assert (result.created, result.updated, result.errors) == (2100, 0, [])
    assert Question.objects.filter(category=category).count() == 2107
    # batched statements (SQLite caps a statement's parameters), not one save per question (~9 per row)
    assert len(large) - len(small) < 2100 / 20
    sample = Question.objects.get(code="PL-02078")  # row 2078 is the 7th kind: ordering
    assert sample.stem == "<p>Câu hỏi số 2078: Sắp xếp các bước ban hành luật.</p>"
    assert list(sample.options.values_list("text", flat=True)) == ["Soạn thảo", "Thẩm định", "Thông qua"]


def test_a_second_import_updates_in_place_and_replaces_options_and_tags(province):
    category = make_category(province["justice"])
    bank_import(category=category, content=workbook(generated(20)))
    first = Question.objects.get(code="PL-00000")
    first_options = set(first.options.values_list("pk", flat=True))
    assert sorted(t.name for t in first.tags.all()) == ["Hiến pháp", "Quốc hội"]
    changed = generated(20)
    changed[0].update({"Phương án 1": "Ủy ban Thường vụ Quốc hội", "Thẻ": "Lập pháp; Lập pháp"})

    result = bank_import(category=category, content=workbook(changed))

    assert (result.created, result.updated) == (10, 10)  # rows without a code are added again
    again = Question.objects.get(code="PL-00000")
    assert again.pk == first.pk and again.updated_at > first.updated_at
    assert [o.text for o in again.options.all()] == ["Ủy ban Thường vụ Quốc hội", "Quốc hội"]
    assert not set(again.options.values_list("pk", flat=True)) & first_options
    assert [t.name for t in again.tags.all()] == ["Lập pháp"]
    assert QuestionOption.objects.filter(question__category=category).count() == sum(
        q.options.count() for q in Question.objects.filter(category=category))


def test_the_models_field_rules_are_row_errors_and_nothing_is_written(province):
    category = make_category(province["justice"])
    rows = generated(4)
    rows[1] = {"Loại câu hỏi": "Số", "Nội dung câu hỏi": "Một số quá dài?", "Đáp án đúng": "1,1234567"}
    rows[3] = {"Loại câu hỏi": "Ghép cặp", "Nội dung câu hỏi": "Ghép cặp quá dài",
               "Phương án 1": "Luật => " + "dài " * 200, "Phương án 2": "Hiến pháp => 2013"}
    result = bank_import(category=category, content=workbook(rows))
    assert [(error["row"], error["column"]) for error in result.errors] == [(3, "Đáp án đúng"), (5, "Phương án 1")]
    assert all(error["message"] for error in result.errors)
    assert not Question.objects.filter(category=category).exists()


def test_the_reference_index_learns_the_imported_questions_after_the_commit(province,
                                                                             django_capture_on_commit_callbacks):
    category = make_category(province["justice"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bank_import(category=category, content=workbook(generated(6)))
    assert len(callbacks) == 1
    ids = set(Question.objects.filter(category=category).values_list("pk", flat=True))
    usage = ReferenceIndex.get_references_to(category)
    assert {int(reference.object_id) for reference in usage} == ids
