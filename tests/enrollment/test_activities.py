"""Classes, sessions and attendance: attendance plus the class's rule completes the training."""
import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from enrollment import services
from enrollment.models import Attendance, Enrollment, TrainingSession
from enrollment.signals import course_completed
from people.models import Role
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_staff
from tests.people.roster_files import windows_1258_form


@pytest.fixture
def completions():
    received = []

    def handler(sender, enrollment, **kwargs):
        received.append(enrollment.pk)

    course_completed.connect(handler, dispatch_uid="test-activity-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-activity-completions")


def join_all(klass, learners, by):
    return [services.class_join(training_class=klass, user=p.user, by=by) for p in learners]


@pytest.mark.django_db(transaction=True)
def test_attendance_meeting_the_class_rule_completes_in_person(klass, learners, tanan_manager, trainer, completions):
    # given three learners in a class where one of two sessions is enough
    enrollments = join_all(klass, learners, tanan_manager)
    first, second = klass.sessions_made
    # when the trainer ticks the first learner present at the first session, the second absent
    changed = services.attendance_record(by=trainer, session=first,
                                         marks={enrollments[0].pk: True, enrollments[1].pk: False})
    # then the first learner has completed, in person; the second has not
    assert changed == 2
    done = Enrollment.objects.get(pk=enrollments[0].pk)
    assert done.status == Enrollment.Status.COMPLETED and done.completion_modality == "in_person"
    assert done.counted_toward_target is True
    assert Enrollment.objects.get(pk=enrollments[1].pk).status == Enrollment.Status.ACTIVE
    assert completions == [enrollments[0].pk]
    # and recording the same again changes nothing and completes nobody twice
    assert services.attendance_record(by=trainer, session=first, marks={enrollments[0].pk: True}) == 0
    services.attendance_record(by=trainer, session=second, marks={enrollments[0].pk: True})
    assert completions == [enrollments[0].pk]


@pytest.mark.django_db
def test_higher_attendance_rule_needs_every_session(klass, learners, tanan_manager, trainer):
    klass.min_attendance_percent = 100
    klass.save()
    enrollment = join_all(klass, learners[:1], tanan_manager)[0]
    first, second = klass.sessions_made
    services.attendance_record(by=trainer, session=first, marks={enrollment.pk: True})
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
    services.attendance_record(by=trainer, session=second, marks={enrollment.pk: True})
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED


@pytest.mark.django_db
def test_blended_course_needs_lessons_and_attendance(province, tanan_manager, trainer, learners):
    # given a course with one required reading lesson and a live online session
    course = make_course(make_catalog(), title="Chuyển đổi số trong PBGDPL", modality="blended")
    lesson = make_lesson(make_module(course), title="Bài 1: Đọc")
    today = timezone.localdate()
    klass = services.class_create(by=tanan_manager, course=course, title="Lớp trực tuyến", org_unit=province["tanan"],
                                  starts_on=today, ends_on=today, trainer=trainer, min_attendance_percent=100)
    live = services.session_create(by=trainer, training_class=klass, title="Trực tuyến", modality="online_live",
                                   starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=2),
                                   meeting_url="https://hop.example.vn/phong-1")
    user = learners[0].user
    enrollment = services.class_join(training_class=klass, user=user, by=tanan_manager)
    # when only the live session is attended, the course is not complete
    services.attendance_record(by=trainer, session=live, marks={enrollment.pk: True})
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
    # then reading the lesson completes it, and all of it was online
    services.lesson_visit(user=user, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completion_modality == "online_live"


@pytest.mark.django_db
def test_online_course_class_counts_as_one_self_paced_activity(province, tanan_manager):
    course = make_course(make_catalog(), modality="online")
    today = timezone.localdate()
    klass = services.class_create(by=tanan_manager, course=course, title="Lớp tự học", org_unit=province["tanan"],
                                  starts_on=today, ends_on=today + dt.timedelta(days=10))
    sessions = list(klass.sessions.all())
    assert [s.modality for s in sessions] == ["online_self_paced"]
    assert not sessions[0].takes_attendance
    with pytest.raises(ValidationError):
        services.attendance_record(by=tanan_manager, session=sessions[0], marks={})


@pytest.mark.django_db
def test_sessions_need_a_place_or_a_link(klass, trainer):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.session_create(by=trainer, training_class=klass, title="Buổi 3", modality="in_person",
                                starts_at=now, ends_at=now)
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.session_create(by=trainer, training_class=klass, title="Buổi 4", modality="online_live",
                                starts_at=now, ends_at=now)
    assert "meeting_url" in error.value.message_dict


@pytest.mark.django_db
def test_only_the_trainer_or_a_unit_manager_records_attendance(klass, learners, tanan_manager, province):
    enrollment = join_all(klass, learners[:1], tanan_manager)[0]
    session = klass.sessions_made[0]
    for outsider in (make_staff(Role.TRAINER, province["justice"]),
                     make_staff(Role.UNIT_MANAGER, province["dako"]), learners[1].user):
        with pytest.raises(PermissionDenied):
            services.attendance_record(by=outsider, session=session, marks={enrollment.pk: True})
    assert not Attendance.objects.exists()
    # a manager of the organising unit may
    assert services.attendance_record(by=tanan_manager, session=session, marks={enrollment.pk: True}) == 1


@pytest.mark.django_db
def test_attendance_refuses_learners_outside_the_class(klass, learners, tanan_manager, trainer, in_person_course):
    inside = join_all(klass, learners[:1], tanan_manager)[0]
    outside = services.enroll(user=learners[1].user, course=in_person_course)  # enrolled, not in the class
    with pytest.raises(ValidationError):
        services.attendance_record(by=trainer, session=klass.sessions_made[0],
                                   marks={inside.pk: True, outside.pk: True})
    assert not Attendance.objects.exists()


def write_xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


@pytest.mark.django_db
def test_attendance_sheet_with_bad_rows_records_nothing(klass, learners, tanan_manager, trainer, tmp_path):
    enrollments = join_all(klass, learners, tanan_manager)
    codes = [p.id_code for p in learners]
    path = write_xlsx(tmp_path / "diem-danh.xlsx", [
        ["Mã định danh", "Họ và tên", "Có mặt"],
        [codes[0], "Nguyễn Thị Hường", "x"],
        ["ID-KHONG-CO", "Người lạ", "x"],
        [codes[1], "Đặng Văn Ước", "có lẽ"],
        [codes[0], "Nguyễn Thị Hường", "x"],
        [None, None, None],
        [codes[2], "Lê Thị Ánh", "vắng"],
    ])
    result = services.attendance_import(by=trainer, session=klass.sessions_made[0], path=path, name="diem-danh.xlsx")
    # then every bad row is reported with its number, and nothing was recorded
    assert sorted(e["row"] for e in result.errors) == [3, 4, 5]
    assert any("ID-KHONG-CO" in e["message"] for e in result.errors)
    assert not Attendance.objects.exists()
    assert all(Enrollment.objects.get(pk=e.pk).status == Enrollment.Status.ACTIVE for e in enrollments)


@pytest.mark.django_db
def test_attendance_sheet_in_windows_code_page_is_recorded(klass, learners, tanan_manager, trainer, tmp_path):
    enrollments = join_all(klass, learners, tanan_manager)
    path = tmp_path / "diem-danh.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Mã định danh", "Có mặt"])
    writer.writerow([learners[0].id_code, "Có"])
    writer.writerow([learners[1].id_code, "Vắng"])
    writer.writerow([learners[2].id_code, "1"])
    path.write_bytes(windows_1258_form(buffer.getvalue()).encode("cp1258"))
    result = services.attendance_import(by=trainer, session=klass.sessions_made[0], path=str(path),
                                        name="diem-danh.csv")
    assert result.errors == []
    present = dict(Attendance.objects.values_list("enrollment_id", "present"))
    assert present == {enrollments[0].pk: True, enrollments[1].pk: False, enrollments[2].pk: True}
    assert set(Attendance.objects.values_list("source", flat=True)) == {"import"}
    assert Enrollment.objects.filter(status="completed").count() == 2


@pytest.mark.django_db
def test_attendance_sheet_without_the_present_column_is_refused(klass, learners, tanan_manager, trainer, tmp_path):
    join_all(klass, learners, tanan_manager)
    path = write_xlsx(tmp_path / "x.xlsx", [["Mã định danh", "Ghi chú"], [learners[0].id_code, "x"]])
    result = services.attendance_import(by=trainer, session=klass.sessions_made[0], path=path, name="x.xlsx")
    assert result.errors and result.errors[0]["row"] == 1
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_attendance_template_lists_the_class_with_diacritics(klass, learners, tanan_manager, tmp_path):
    join_all(klass, learners, tanan_manager)
    data = services.attendance_template(klass.sessions_made[0], viewer=tanan_manager)
    (tmp_path / "t.xlsx").write_bytes(data)
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "t.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã định danh", "Họ và tên", "Có mặt")
    assert {r[1] for r in rows[1:]} == {"Nguyễn Thị Hường", "Đặng Văn Ước", "Lê Thị Ánh"}


@pytest.mark.django_db
def test_revoked_completion_is_kept_with_its_reason(klass, learners, tanan_manager, trainer):
    enrollment = join_all(klass, learners[:1], tanan_manager)[0]
    services.attendance_record(by=trainer, session=klass.sessions_made[0], marks={enrollment.pk: True})
    with pytest.raises(ValidationError):
        services.completion_revoke(enrollment_id=enrollment.pk, by=tanan_manager, reason="  ")
    services.completion_revoke(enrollment_id=enrollment.pk, by=tanan_manager, reason="Điểm danh nhầm")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completion_revoked_at
    assert enrollment.completion_revoked_reason == "Điểm danh nhầm"
    assert TrainingSession.objects.count() == 2


@pytest.mark.django_db
def test_revoking_never_redirects_off_the_site(client, klass, learners, tanan_manager, trainer):
    from django.urls import reverse

    enrollment = join_all(klass, learners[:1], tanan_manager)[0]
    services.attendance_record(by=trainer, session=klass.sessions_made[0], marks={enrollment.pk: True})
    client.force_login(tanan_manager)
    response = client.post(reverse("enrollment_completion_revoke", args=[enrollment.pk]),
                           {"reason": "Điểm danh nhầm", "next": "https://attacker.example/phish"})
    assert response.status_code == 302 and response["Location"] == reverse("enrollment_classes_index")
    here = reverse("enrollment_class_detail", args=[klass.pk])
    response = client.post(reverse("enrollment_completion_revoke", args=[enrollment.pk]),
                           {"reason": "Lần nữa", "next": here})
    assert response["Location"] == here
