"""Assignment by managers (unit subtree + category, or a sheet), approval of requests, e-mail and opt-out."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from enrollment import services
from enrollment.models import Assignment, Enrollment
from people.models import Category, Role
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_profile, make_staff, make_user


@pytest.fixture
def course(db):
    course = make_course(make_catalog(), title="Chuyển đổi số trong công tác PBGDPL")
    make_lesson(make_module(course), title="Bài 1")
    return course


@pytest.fixture
def people(province):
    """Tân An: two mediators (one without an account yet) and an official; Đắk Ơ's hamlet: one mediator."""
    def person(key, unit, name, category, account=True):
        user = make_user(email=f"{key}@xa.vn") if account else None
        return make_profile(province[unit], full_name=name, user=user, category=category, email=f"{key}@xa.vn")

    return {
        "huong": person("huong", "tanan", "Nguyễn Thị Hường", Category.GRASSROOTS_MEDIATOR),
        "uoc": person("uoc", "tanan", "Đặng Văn Ước", Category.GRASSROOTS_MEDIATOR, account=False),
        "an": person("an", "tanan", "Trần Văn An", Category.CBCCVC),
        "hamlet": person("hamlet", "hamlet", "Y Bhin Niê", Category.GRASSROOTS_MEDIATOR),
    }


@pytest.mark.django_db
def test_assign_by_unit_and_category_within_the_managers_subtree(course, people, tanan_manager, province,
                                                                django_capture_on_commit_callbacks):
    due = timezone.localdate() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.assign_by_unit(by=tanan_manager, course=course, unit=province["tanan"],
                                         categories=[Category.GRASSROOTS_MEDIATOR], due_date=due)
    # the two mediators of Tân An are assigned; the official and the hamlet (another commune) are not
    assert set(Assignment.objects.values_list("profile__full_name", flat=True)) == {"Nguyễn Thị Hường", "Đặng Văn Ước"}
    assert result.waiting_for_account == 1 and len(result.enrolled) == 1
    enrollment = Enrollment.objects.get(user=people["huong"].user)
    assert enrollment.source == "assigned" and enrollment.due_date == due and enrollment.assigned_by == tanan_manager
    # the assigned learner was told, in Vietnamese
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["huong@xa.vn"]
    assert "Chuyển đổi số trong công tác PBGDPL" in mail.outbox[0].subject
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    # when the person without an account claims their profile, they are enrolled with the same due date
    people["uoc"].user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        people["uoc"].save()
    assert Enrollment.objects.get(user=people["uoc"].user).due_date == due


@pytest.mark.django_db
def test_a_manager_cannot_assign_outside_their_subtree(course, people, tanan_manager, province):
    with pytest.raises(PermissionDenied):
        services.assign_by_unit(by=tanan_manager, course=course, unit=province["dako"], categories=[])
    with pytest.raises(PermissionDenied):
        services.assign(by=tanan_manager, course=course, profiles=[people["hamlet"]])
    assert not Assignment.objects.exists() and not Enrollment.objects.exists()


@pytest.mark.django_db
def test_department_admin_assigns_across_the_province(course, people, province):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    result = services.assign_by_unit(by=admin, course=course, unit=province["province"],
                                     categories=[Category.GRASSROOTS_MEDIATOR])
    assert Assignment.objects.count() == 3 and len(result.enrolled) == 2


def sheet(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


@pytest.mark.django_db
def test_assignment_sheet_with_any_bad_row_assigns_nobody(course, people, tanan_manager, tmp_path):
    path = sheet(tmp_path / "ds.xlsx", [
        ["Mã định danh", "Họ và tên", "Hạn hoàn thành"],
        [people["huong"].id_code, "Nguyễn Thị Hường", "31/12/2099"],
        [people["hamlet"].id_code, "Y Bhin Niê", ""],            # another commune
        ["KHONG-CO", "Ai đó", ""],                                # unknown
        [people["an"].id_code, "Trần Văn An", "32/13/2099"],      # bad date
        [people["huong"].id_code, "Nguyễn Thị Hường", ""],        # twice
    ])
    result, assigned = services.assignment_import(by=tanan_manager, course=course, path=path, name="ds.xlsx")
    assert sorted(e["row"] for e in result.errors) == [3, 4, 5, 6]
    assert assigned == [] and not Assignment.objects.exists() and not Enrollment.objects.exists()


@pytest.mark.django_db
def test_assignment_sheet_assigns_everyone_with_their_due_dates(course, people, tanan_manager, tmp_path):
    path = sheet(tmp_path / "ds.xlsx", [
        ["Mã định danh", "Hạn hoàn thành"],
        [people["huong"].id_code, dt.datetime(2099, 12, 31)],
        [people["an"].id_code, None],
    ])
    default = timezone.localdate() + dt.timedelta(days=10)
    result, assigned = services.assignment_import(by=tanan_manager, course=course, path=path, name="ds.xlsx",
                                                  default_due=default)
    assert result.errors == []
    dues = dict(Enrollment.objects.values_list("user__profile__full_name", "due_date"))
    assert dues == {"Nguyễn Thị Hường": dt.date(2099, 12, 31), "Trần Văn An": default}


@pytest.mark.django_db
def test_restricted_course_waits_for_approval_by_the_learners_manager(people, tanan_manager, province):
    course = make_course(make_catalog(), title="Khóa hạn chế", enrolment_policy="approval")
    enrollment = services.enroll(user=people["huong"].user, course=course)
    assert enrollment.status == Enrollment.Status.PENDING
    # the pending learner cannot record progress yet
    assert services.lesson_visit(user=people["huong"].user, lesson=make_lesson(make_module(course))) is None
    from enrollment.selectors.activities import pending_requests

    other = make_staff(Role.UNIT_MANAGER, province["dako"])
    assert list(pending_requests(other)) == []
    assert list(pending_requests(tanan_manager)) == [enrollment]
    services.enrollment_decide(enrollment_id=enrollment.pk, by=tanan_manager, approve=True)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE


@pytest.mark.django_db
def test_assigned_only_course_refuses_self_enrolment(people):
    from django.core.exceptions import ValidationError

    course = make_course(make_catalog(), enrolment_policy="assigned")
    with pytest.raises(ValidationError) as error:
        services.enroll(user=people["huong"].user, course=course)
    assert error.value.code == "assigned_only"


@pytest.mark.django_db
def test_due_date_reminder_is_sent_once_and_respects_opt_out(course, people, tanan_manager):
    today = timezone.localdate()
    services.assign(by=tanan_manager, course=course, profiles=[people["huong"], people["an"]],
                    due_date=today + dt.timedelta(days=3))
    mail.outbox.clear()
    services.preferences_update(user=people["an"].user, reminders=False)
    assert services.due_reminders_send(today=today) == 1
    assert mail.outbox[0].to == ["huong@xa.vn"] and "Nhắc" in mail.outbox[0].subject
    assert services.due_reminders_send(today=today) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_unsubscribe_link_asks_before_stopping_and_rejects_altered_tokens(client, people):
    user = people["huong"].user
    token = services.unsubscribe_token(user.pk, "reminders")
    url = reverse("enrollment:email_stop", args=[token])
    assert client.get(url).status_code == 200
    assert services.preferences_for(user).reminders is True  # a GET (mail scanners) changes nothing
    response = client.post(url)
    assert "không còn nhận" in response.content.decode()
    assert services.preferences_for(user).reminders is False
    assert services.preferences_for(user).assignments is True
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(reverse("enrollment:email_stop", args=[altered])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_completion_congratulates_unless_turned_off(people):
    course = make_course(make_catalog(), title="Kỹ năng thuyết trình")
    lesson = make_lesson(make_module(course))
    huong, an = people["huong"].user, people["an"].user
    services.preferences_update(user=an, completions=False)
    for user in (huong, an):
        services.enroll(user=user, course=course)
        services.lesson_visit(user=user, lesson=lesson)
    congratulations = [m for m in mail.outbox if m.subject.startswith("Chúc mừng")]
    assert [m.to for m in congratulations] == [["huong@xa.vn"]]
    # certificates/ answers the completion-notice hook: its e-mail (with the PDF) is the only one
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments


@pytest.mark.django_db
def test_without_an_app_that_notifies_enrollment_congratulates_itself(people, monkeypatch):
    from enrollment import receivers

    course = make_course(make_catalog(), title="Kỹ năng thuyết trình")
    enrollment = services.enroll(user=people["huong"].user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED,
                                                       completed_at=timezone.now())
    monkeypatch.setattr("enrollment.hooks.hooks.get_hooks", lambda name: [])

    receivers.on_course_completed(sender=None, enrollment=enrollment)

    [congratulation] = mail.outbox
    assert congratulation.subject == "Chúc mừng: bạn đã hoàn thành “Kỹ năng thuyết trình”"
    assert congratulation.extra_headers["List-Unsubscribe"].strip("<>") in congratulation.body


@pytest.mark.django_db
def test_a_class_enrols_people_who_never_signed_in_and_claiming_keeps_their_history(
        people, tanan_manager, trainer, province, in_person_course):
    from people.models import AccountActivation
    from people.services import activation_code_redeem, activation_issue

    # given a person on the roster without an account, put in an in-person class
    uoc = people["uoc"]
    uoc.date_of_birth = dt.date(1980, 5, 17)
    uoc.save()
    today = timezone.localdate()
    klass = services.class_create(by=tanan_manager, course=in_person_course, title="Lớp Tân An",
                                  org_unit=province["tanan"], starts_on=today, ends_on=today, trainer=trainer)
    session = services.session_create(by=trainer, training_class=klass, title="Buổi 1", modality="in_person",
                                      starts_at=timezone.now(), ends_at=timezone.now(), place="Nhà văn hóa thôn 2")
    result = services.assign(by=tanan_manager, course=in_person_course, profiles=[uoc], training_class=klass)
    assert result.waiting_for_account == 0 and len(result.enrolled) == 1
    enrollment = Enrollment.objects.get(pk=result.enrolled[0])
    assert not enrollment.user.is_active and not enrollment.user.has_usable_password()
    # when the trainer records them present, the training is completed
    services.attendance_record(by=trainer, session=session, marks={enrollment.pk: True})
    assert Enrollment.objects.get(pk=enrollment.pk).status == "completed"
    # then claiming the profile turns the held account into theirs, with that completion
    code = activation_issue(profile=uoc, kind=AccountActivation.Kind.CODE, created_by=tanan_manager)
    user = activation_code_redeem(code=code, password="Mat-khau-2026!")
    assert user.pk == enrollment.user_id and user.is_active and user.check_password("Mat-khau-2026!")
    assert Enrollment.objects.get(user=user).status == "completed"
