"""Issuing on completion (once), numbering, revocation, re-issue, bulk issue, the e-mail."""
import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateTemplate, validate_body
from enrollment import services as enrollment_services
from enrollment.models import Enrollment, TrainingClass
from people.models import Role
from tests.factories import (
    make_certificate_template, make_completed_enrollment, make_course, make_catalog, make_profile, make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_completing_a_course_issues_one_certificate_and_mails_it(learner, course,
                                                                 django_capture_on_commit_callbacks, mailoutbox):
    # when the learner completes the course (the signal is sent on commit; the task runs eagerly in tests)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = make_completed_enrollment(learner, course)

    # then one certificate with the frozen facts exists, and the learner got it by e-mail
    certificate = Certificate.objects.get()
    assert certificate.enrollment_id == enrollment.pk and certificate.learner == learner
    assert (certificate.learner_name, certificate.course_title, certificate.hours) == (
        "Nguyễn Thị Hường", course.title, 6)
    assert certificate.completed_on == timezone.localdate(enrollment.completed_at)
    assert re.fullmatch(rf"STP-{timezone.localdate().year}-000001", certificate.number)
    assert len(certificate.code) == 22 and certificate.pdf_sha256
    # one e-mail: the congratulation carries the certificate (enrollment's own congratulation is not sent)
    [mail] = mailoutbox
    assert mail.to == ["huong@example.org"] and mail.subject.startswith("Chúc mừng bạn đã hoàn thành")
    name, content, mimetype = mail.attachments[0]
    assert mimetype == "application/pdf" and name.endswith("Nguyễn Thị Hường.pdf") and content.startswith(b"%PDF")
    assert certificate.code in mail.body and f"số {certificate.number}" in mail.body
    # with the way to turn such e-mails off, in the body and for mail programs
    stop_url = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop_url in mail.body and "/email/stop/" in stop_url


def test_double_issue_gives_one_certificate(learner, course, mailoutbox):
    enrollment = make_completed_enrollment(learner, course)

    first = services.certificate_issue(enrollment_id=enrollment.pk)
    second = services.certificate_issue(enrollment_id=enrollment.pk)
    assert services.certificate_notify(certificate_id=first.pk) is True
    assert services.certificate_notify(certificate_id=first.pk) is False

    assert first.pk == second.pk and Certificate.objects.count() == 1
    assert len([m for m in mailoutbox if m.attachments]) == 1


def test_the_database_refuses_a_second_current_certificate(learner, course):
    from django.db import IntegrityError, transaction

    enrollment = make_completed_enrollment(learner, course)
    certificate = services.certificate_issue(enrollment_id=enrollment.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(enrollment=enrollment, learner=learner, number="X-1", year=2026, code="c" * 22,
                                   learner_name="x", course_title="x", hours=1, completed_on=dt.date.today(),
                                   issuing_unit_name="x", issued_at=timezone.now())
    assert Certificate.objects.get() == certificate


def test_no_certificate_before_completion(learner, course):
    enrollment = enrollment_services.enroll(user=learner, course=course)
    assert services.certificate_issue(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()


def test_numbers_follow_each_other_per_prefix_and_year(province, course):
    numbers = []
    for n in range(3):
        user = make_user()
        make_profile(province["dako"], f"Học viên {n}", user=user)
        numbers.append(services.certificate_issue(
            enrollment_id=make_completed_enrollment(user, course).pk).number)
    year = timezone.localdate().year
    assert numbers == [f"STP-{year}-000001", f"STP-{year}-000002", f"STP-{year}-000003"]


def test_the_most_specific_template_applies(learner, other_learner, province):
    catalog = make_catalog()
    course = make_course(catalog, title="Kỹ năng hòa giải ở cơ sở", estimated_hours=4)
    make_certificate_template(province["province"], name="Chung", number_prefix="UBND")
    make_certificate_template(province["justice"], name="Khóa học", course=course, number_prefix="STP")
    training_class = TrainingClass.objects.create(course=course, title="Lớp Đắk Ơ 2026", org_unit=province["dako"],
                                                  starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 2))
    make_certificate_template(province["dako"], name="Lớp", course=course, training_class=training_class,
                              number_prefix="DAKO")
    other = make_course(catalog, title="Khóa khác")

    in_class = services.certificate_issue(
        enrollment_id=make_completed_enrollment(learner, course, training_class=training_class).pk)
    general = services.certificate_issue(enrollment_id=make_completed_enrollment(other_learner, other).pk)

    assert in_class.number.startswith("DAKO-") and in_class.issuing_unit_name == "Xã Đắk Ơ"
    assert in_class.class_title == "Lớp Đắk Ơ 2026" and in_class.class_unit == province["dako"]
    assert general.number.startswith("UBND-") and general.issuing_unit_name == "UBND tỉnh Lâm Sơn"


def test_revoking_the_completion_revokes_the_certificate(learner, course, province,
                                                         django_capture_on_commit_callbacks):
    enrollment = make_completed_enrollment(learner, course)
    certificate = services.certificate_issue(enrollment_id=enrollment.pk)
    manager = make_user()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.completion_revoke(enrollment_id=enrollment.pk, by=manager,
                                              reason="Điểm danh ghi nhầm")

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == "Điểm danh ghi nhầm" and certificate.revoked_by == manager
    # a revoked completion gets no new certificate
    assert services.certificate_issue(enrollment_id=enrollment.pk).pk == certificate.pk


def test_revoke_needs_a_reason_and_a_valid_certificate(learner, course):
    certificate = services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)
    with pytest.raises(ValidationError) as error:
        services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="   ")
    assert error.value.code == "reason"
    services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Gian lận")
    with pytest.raises(ValidationError) as error:
        services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Lần nữa")
    assert error.value.code == "not_valid"


def test_reissue_after_a_name_correction_keeps_history(learner, course):
    old = services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)
    learner.profile.full_name = "Nguyễn Thị Hương"
    learner.profile.save()

    new = services.certificate_reissue(certificate_id=old.pk, by=None, learner_name=learner.profile.full_name,
                                       reason="Sai chính tả họ tên")

    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED and old.replaced_by == new
    assert new.status == Certificate.Status.VALID and new.replaces == old
    assert new.number != old.number and new.code != old.code
    assert new.learner_name == "Nguyễn Thị Hương" and old.learner_name == "Nguyễn Thị Hường"
    assert new.pdf.name != old.pdf.name and new.pdf_sha256 != old.pdf_sha256
    # the superseded one cannot be re-issued or revoked again
    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate_id=old.pk, by=None, learner_name="x", reason="y")


def test_attendance_at_an_in_person_class_issues_the_certificate(province, learner,
                                                                 django_capture_on_commit_callbacks, mailoutbox):
    # given an in-person course taught in a class of Xã Đắk Ơ (the learner lives in one of its hamlets)
    course = make_course(make_catalog(), title="Kỹ năng hòa giải ở cơ sở", modality="in_person", estimated_hours=8)
    manager = make_staff(Role.UNIT_MANAGER, province["dako"])
    trainer = make_staff(Role.TRAINER, province["justice"])
    today = timezone.localdate()
    klass = enrollment_services.class_create(by=manager, course=course, title="Lớp hòa giải viên Đắk Ơ",
                                             org_unit=province["dako"], starts_on=today, ends_on=today,
                                             trainer=trainer)
    session = enrollment_services.session_create(
        by=trainer, training_class=klass, title="Buổi 1", modality="in_person", starts_at=timezone.now(),
        ends_at=timezone.now(), place="Hội trường UBND xã Đắk Ơ")
    result = enrollment_services.assign(by=manager, course=course, profiles=[learner.profile], training_class=klass)
    assert not Certificate.objects.exists()

    # when the trainer marks the learner present (the completion commits, the task runs)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.attendance_record(by=trainer, session=session, marks={result.enrolled[0]: True})

    # then the certificate names the class and is issued in the name of the class's unit
    certificate = Certificate.objects.get(learner=learner)
    assert (certificate.course_title, certificate.class_title, certificate.hours) == (
        "Kỹ năng hòa giải ở cơ sở", "Lớp hòa giải viên Đắk Ơ", 8)
    assert certificate.issuing_unit_name == "Xã Đắk Ơ" and certificate.modality == "in_person"
    assert [m.to for m in mailoutbox if m.attachments] == [["huong@example.org"]]


def test_bulk_issue_for_a_class_issues_the_missing_ones(province, course, mailoutbox):
    training_class = TrainingClass.objects.create(course=course, title="Lớp Tân An", org_unit=province["tanan"],
                                                  starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 4, 2))
    enrollments = []
    for n in range(3):
        user = make_user(email=f"hv{n}@example.org")
        make_profile(province["tanan"], f"Trần Thị Ánh {n}", user=user)
        enrollments.append(make_completed_enrollment(user, course, training_class=training_class))
    services.certificate_issue(enrollment_id=enrollments[0].pk)
    not_done = enrollment_services.enroll(user=make_user(), course=course)
    Enrollment.objects.filter(pk=not_done.pk).update(training_class=training_class)

    result = services.class_certificates_issue(training_class_id=training_class.pk)
    again = services.class_certificates_issue(training_class_id=training_class.pk)

    assert (result.issued, result.existing) == (2, 1)
    assert (again.issued, again.existing) == (0, 3)
    assert Certificate.objects.count() == 3
    assert len([m for m in mailoutbox if m.attachments]) == 2


def test_a_learner_who_turned_off_completion_mail_gets_none(learner, course, mailoutbox):
    enrollment_services.preferences_update(user=learner, completions=False)
    certificate = services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)
    assert services.certificate_notify(certificate_id=certificate.pk) is False
    assert not [m for m in mailoutbox if m.attachments]


def test_a_public_learner_without_profile_gets_the_account_name(course):
    user = make_user("dn.citizen", first_name="Lò Văn", last_name="Páo")
    certificate = services.certificate_issue(enrollment_id=make_completed_enrollment(user, course).pk)
    assert certificate.learner_name == "Lò Văn Páo" and certificate.learner_unit is None


@pytest.mark.parametrize("body, code", [
    ("Xin chào {learner_name} {unknown}", "placeholder"),
    ("Dấu ngoặc {learner_name", "braces"),
])
def test_template_bodies_with_unknown_placeholders_are_refused(body, code):
    with pytest.raises(ValidationError) as error:
        validate_body(body)
    assert error.value.code == code


def test_a_class_of_another_course_is_refused_on_a_template(province, course):
    other = make_course(make_catalog(), title="Khác")
    training_class = TrainingClass.objects.create(course=other, title="Lớp", org_unit=province["dako"],
                                                  starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 1))
    template = CertificateTemplate(name="x", issuing_unit=province["dako"], course=course,
                                   training_class=training_class)
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "training_class" in error.value.error_dict
