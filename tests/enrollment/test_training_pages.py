"""The training pages in the admin and the trainers' attendance API, as managers and trainers use them."""
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from enrollment import services
from enrollment.models import Attendance, Enrollment, TrainingClass
from people.models import Role
from tests.factories import make_staff


@pytest.fixture
def class_with_learners(klass, learners, tanan_manager):
    klass.enrollments_made = [services.class_join(training_class=klass, user=p.user, by=tanan_manager)
                              for p in learners]
    return klass


@pytest.mark.django_db
def test_manager_opens_a_class_and_adds_a_session(client, tanan_manager, in_person_course, province):
    client.force_login(tanan_manager)
    today = timezone.localdate()
    response = client.post(reverse("enrollment_classes_index"), {
        "course": in_person_course.pk, "title": "Lớp Tân An khóa 1", "org_unit": province["tanan"].pk,
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=5)).isoformat(),
        "min_attendance_percent": 80})
    klass = TrainingClass.objects.get()
    assert response.status_code == 302 and klass.trainer == tanan_manager
    page = client.post(reverse("enrollment_class_detail", args=[klass.pk]), {
        "form": "session", "title": "Buổi khai giảng", "modality": "in_person",
        "starts_at": "2099-01-05T08:00", "ends_at": "2099-01-05T11:00", "place": ""}, follow=True)
    assert "Hãy nêu địa điểm" in page.content.decode() and klass.sessions.count() == 0
    client.post(reverse("enrollment_class_detail", args=[klass.pk]), {
        "form": "session", "title": "Buổi khai giảng", "modality": "in_person",
        "starts_at": "2099-01-05T08:00", "ends_at": "2099-01-05T11:00", "place": "Hội trường xã"})
    assert list(klass.sessions.values_list("title", flat=True)) == ["Buổi khai giảng"]


@pytest.mark.django_db
def test_manager_cannot_open_a_class_in_another_commune(client, tanan_manager, in_person_course, province):
    client.force_login(tanan_manager)
    response = client.post(reverse("enrollment_classes_index"), {
        "course": in_person_course.pk, "title": "Lớp", "org_unit": province["dako"].pk,
        "starts_on": "2099-01-01", "ends_on": "2099-01-02", "min_attendance_percent": 80})
    assert response.status_code == 200 and not TrainingClass.objects.exists()


@pytest.mark.django_db
def test_trainer_ticks_the_checklist_and_completions_follow(client, class_with_learners, trainer):
    klass = class_with_learners
    session = klass.sessions_made[0]
    client.force_login(trainer)
    page = client.get(reverse("enrollment_session_attendance", args=[session.pk])).content.decode()
    assert "Nguyễn Thị Hường" in page and "Đặng Văn Ước" in page
    present = [klass.enrollments_made[0].pk, klass.enrollments_made[2].pk]
    response = client.post(reverse("enrollment_session_attendance", args=[session.pk]),
                           {"form": "checklist", "present": present}, follow=True)
    assert "2/3 có mặt" in response.content.decode()
    assert dict(Attendance.objects.values_list("enrollment_id", "present")) == {
        klass.enrollments_made[0].pk: True, klass.enrollments_made[1].pk: False, klass.enrollments_made[2].pk: True}
    assert set(Enrollment.objects.filter(status="completed").values_list("pk", flat=True)) == set(present)


@pytest.mark.django_db
def test_uploaded_sheet_with_errors_lists_rows_and_records_nothing(client, class_with_learners, trainer, learners):
    session = class_with_learners.sessions_made[0]
    workbook = Workbook()
    workbook.active.append(["Mã định danh", "Có mặt"])
    workbook.active.append([learners[0].id_code, "x"])
    workbook.active.append(["SAI-MA", "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "diem-danh.xlsx"
    client.force_login(trainer)
    response = client.post(reverse("enrollment_session_attendance", args=[session.pk]),
                           {"form": "sheet", "file": buffer})
    html = response.content.decode()
    assert response.status_code == 200 and "SAI-MA" in html and "sheet-error" in html
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_other_trainers_and_learners_cannot_reach_a_class(client, class_with_learners, province, learners):
    session = class_with_learners.sessions_made[0]
    stranger = make_staff(Role.TRAINER, province["education"])
    client.force_login(stranger)
    assert client.get(reverse("enrollment_class_detail", args=[class_with_learners.pk])).status_code == 404
    refused = client.get(reverse("enrollment_session_attendance", args=[session.pk]))
    assert refused.status_code in (302, 403) and "Nguyễn Thị Hường" not in refused.content.decode()
    client.force_login(learners[0].user)
    assert client.get(reverse("enrollment_classes_index")).status_code in (302, 403)


@pytest.mark.django_db
def test_attendance_api_for_the_trainer(client, class_with_learners, trainer, province):
    session = class_with_learners.sessions_made[0]
    url = reverse("enrollment_api:api_session_attendance", args=[session.pk])
    client.force_login(trainer)
    rows = client.get(url).json()
    assert {r["full_name"] for r in rows} == {"Nguyễn Thị Hường", "Đặng Văn Ước", "Lê Thị Ánh"}
    assert all(r["present"] is None for r in rows)
    first = class_with_learners.enrollments_made[0].pk
    response = client.post(url, {"marks": [{"enrollment": first, "present": True}]}, content_type="application/json")
    assert response.json() == {"changed": 1}
    assert Enrollment.objects.get(pk=first).status == "completed"
    bad = client.post(url, {"marks": [{"enrollment": 999999, "present": True}]}, content_type="application/json")
    assert bad.status_code == 400
    listed = client.get(reverse("enrollment_api:api_sessions")).json()
    assert {s["title"] for s in listed} == {"Buổi 1", "Buổi 2"}
    client.force_login(make_staff(Role.TRAINER, province["education"]))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_manager_assigns_a_course_and_approves_requests_in_the_admin(client, tanan_manager, learners, province):
    from tests.factories import make_catalog, make_course

    course = make_course(make_catalog(), title="Khóa cần duyệt", enrolment_policy="approval")
    client.force_login(tanan_manager)
    response = client.post(reverse("enrollment_assign_index"), {
        "form": "unit", "course": course.pk, "org_unit": province["tanan"].pk, "include_subtree": "on",
        "categories": ["grassroots_mediator"], "due_date": "2099-12-31"}, follow=True)
    assert response.status_code == 200
    assert Enrollment.objects.filter(course=course, status="active").count() == 3
    # a request from someone else of Tân An
    from tests.factories import make_profile, make_user

    requester = make_profile(province["tanan"], full_name="Phạm Thị Yến", user=make_user()).user
    pending = services.enroll(user=requester, course=course)
    page = client.get(reverse("enrollment_requests_index")).content.decode()
    assert "Phạm Thị Yến" in page
    client.post(reverse("enrollment_request_decide", args=[pending.pk]), {"decision": "refuse"})
    assert Enrollment.objects.get(pk=pending.pk).status == "refused"
    # a refused learner may ask again later
    assert services.enroll(user=requester, course=course).status == "pending"


@pytest.mark.django_db
def test_my_learning_shows_module_progress_and_email_choices(client, learners):
    from tests.factories import make_catalog, make_course, make_lesson, make_module

    course = make_course(make_catalog(), title="Khóa hai học phần")
    first, second = make_module(course, title="Học phần Một"), make_module(course, title="Học phần Hai")
    lesson = make_lesson(first)
    make_lesson(second)
    user = learners[0].user
    services.enroll(user=user, course=course)
    services.lesson_visit(user=user, lesson=lesson)
    client.force_login(user)
    html = client.get(reverse("enrollment:my_learning")).content.decode()
    assert "Học phần Một" in html and "1/1" in html and "0/1" in html and "50%" in html
    client.post(reverse("enrollment:email_preferences"), {"assignments": "on", "completions": "on"})
    assert services.preferences_for(user).reminders is False
