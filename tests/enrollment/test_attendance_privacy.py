"""Finding 18: a trainer sees learners' ID codes masked (attendance API, pages, sheet); a manager
of the learners' unit sees them whole."""
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enrollment import services
from enrollment.models import Attendance
from lms.text import mask_identifier

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_with_learners(klass, learners, tanan_manager):
    for number, profile in enumerate(learners):
        profile.id_code = f"07912345677{number}"
        profile.save(update_fields=["id_code"])
        services.class_join(training_class=klass, user=profile.user, by=tanan_manager)
    return klass


def test_mask_identifier_keeps_four_and_two():
    assert mask_identifier("079123456771") == "0791******71"
    assert mask_identifier("12345") == "*****" and mask_identifier("") == ""


def test_attendance_api_masks_id_codes_for_the_trainer(client, class_with_learners, trainer, tanan_manager,
                                                       learners):
    url = reverse("enrollment_api:api_session_attendance", args=[class_with_learners.sessions_made[0].pk])
    client.force_login(trainer)
    shown = {row["id_code"] for row in client.get(url).json()}
    assert shown == {mask_identifier(p.id_code) for p in learners}
    assert not shown & {p.id_code for p in learners}
    client.force_login(tanan_manager)
    assert {row["id_code"] for row in client.get(url).json()} == {p.id_code for p in learners}


def test_attendance_and_class_pages_mask_id_codes_for_the_trainer(client, class_with_learners, trainer, learners):
    client.force_login(trainer)
    for url in (reverse("enrollment_session_attendance", args=[class_with_learners.sessions_made[0].pk]),
                reverse("enrollment_class_detail", args=[class_with_learners.pk])):
        html = client.get(url).content.decode()
        assert "Nguyễn Thị Hường" in html and mask_identifier(learners[0].id_code) in html
        assert not any(p.id_code in html for p in learners), url


def test_trainer_marks_the_masked_sheet_and_it_is_recorded(client, class_with_learners, trainer, learners):
    session = class_with_learners.sessions_made[0]
    client.force_login(trainer)
    data = client.get(reverse("enrollment_session_attendance_template", args=[session.pk])).content
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {mask_identifier(p.id_code) for p in learners}
    workbook = Workbook()
    workbook.active.append(list(rows[0]))
    for row in rows[1:]:
        workbook.active.append([row[0], row[1], "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "diem-danh.xlsx"
    response = client.post(reverse("enrollment_session_attendance", args=[session.pk]),
                           {"form": "sheet", "file": buffer})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, present=True).count() == 3
