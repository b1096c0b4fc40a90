"""The Wagtail admin: templates with a PDF preview, the scoped list, revoke, re-issue, bulk issue, ZIP."""
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from enrollment.models import TrainingClass
from people.models import Role
from tests.factories import make_certificate_template, make_completed_enrollment, make_profile, make_staff, make_user

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, province):
    """A unit manager of Xã Đắk Ơ (and the hamlet below it)."""
    user = make_staff(Role.UNIT_MANAGER, province["dako"], username="dako.manager")
    client.force_login(user)
    return user


@pytest.fixture
def certificates(learner, other_learner, course):
    """Hường lives in the hamlet of Đắk Ơ (in scope), Ước in Tân An (out of scope)."""
    return {
        "mine": services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk),
        "other": services.certificate_issue(enrollment_id=make_completed_enrollment(other_learner, course).pk),
    }


def test_the_list_shows_only_certificates_in_the_managers_units(client, manager, certificates):
    html = client.get(reverse("certificates_admin_index")).content.decode()
    assert certificates["mine"].number in html and certificates["other"].number not in html
    other = certificates["other"].pk
    assert client.get(reverse("certificates_admin_detail", args=[other])).status_code == 404
    assert client.get(reverse("certificates_admin_pdf", args=[other])).status_code == 404
    client.post(reverse("certificates_admin_revoke", args=[other]), {"reason": "x"})
    assert Certificate.objects.get(pk=other).status == Certificate.Status.VALID


def test_a_learner_sees_no_certificate_admin(client, learner, certificates):
    client.force_login(learner)
    response = client.get(reverse("certificates_admin_index"))
    assert response.status_code in (302, 403)


def test_revoke_from_the_admin_with_a_reason(client, manager, certificates):
    mine = certificates["mine"]
    response = client.post(reverse("certificates_admin_revoke", args=[mine.pk]), {"reason": "Gian lận khi thi"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.revoked_reason, mine.revoked_by) == ("revoked", "Gian lận khi thi", manager)
    # an empty reason is refused with a message and changes nothing
    fresh = certificates["mine"]
    response = client.post(reverse("certificates_admin_revoke", args=[fresh.pk]), {"reason": ""}, follow=True)
    assert "Hãy nêu lý do thu hồi." in response.content.decode()


def test_reissue_from_the_admin_after_a_name_correction(client, manager, certificates):
    mine = certificates["mine"]
    detail = client.get(reverse("certificates_admin_detail", args=[mine.pk]))
    assert detail.context["reissue_form"].initial["learner_name"] == "Nguyễn Thị Hường"

    response = client.post(reverse("certificates_admin_reissue", args=[mine.pk]),
                           {"learner_name": "  Nguyễn   Thị Hương ", "reason": "Hồ sơ ghi sai tên"})

    new = Certificate.objects.get(replaces=mine)
    assert response["Location"] == reverse("certificates_admin_detail", args=[new.pk])
    assert new.learner_name == "Nguyễn Thị Hương" and new.issued_by == manager
    assert "Nguyễn Thị Hương" in pdf_text(new.pdf.read())
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.SUPERSEDED
    html = client.get(reverse("certificates_admin_detail", args=[new.pk])).content.decode()
    assert mine.number in html  # the history


def test_bulk_issue_for_a_class_from_the_admin(client, manager, province, course):
    training_class = TrainingClass.objects.create(course=course, title="Lớp Đắk Ơ", org_unit=province["dako"],
                                                  starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 2))
    outside = TrainingClass.objects.create(course=course, title="Lớp Tân An", org_unit=province["tanan"],
                                           starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 2))
    for n in range(2):
        user = make_user()
        make_profile(province["dako"], f"Hà Thị Mai {n}", user=user)
        make_completed_enrollment(user, course, training_class=training_class)

    form = client.get(reverse("certificates_admin_bulk")).context["form"]
    assert list(form.fields["training_class"].queryset) == [training_class]
    refused = client.post(reverse("certificates_admin_bulk"), {"training_class": outside.pk})
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(reverse("certificates_admin_bulk"), {"training_class": training_class.pk})

    assert response.status_code == 302
    assert Certificate.objects.filter(enrollment__training_class=training_class).count() == 2


def test_the_zip_holds_the_listed_pdfs_with_vietnamese_names(client, manager, certificates):
    response = client.get(reverse("certificates_admin_zip"))
    assert response.streaming and response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''gi%E1%BA%A5y" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    mine = certificates["mine"]
    assert archive.namelist() == [f"Giấy chứng nhận {mine.number} - Nguyễn Thị Hường.pdf"]
    assert archive.read(archive.namelist()[0]) == mine.pdf.open("rb").read()
    assert archive.testzip() is None


def test_the_register_lists_the_managers_certificates_with_their_history(client, manager, certificates, learner):
    from openpyxl import load_workbook

    learner.profile.date_of_birth = dt.date(1985, 3, 9)
    learner.profile.save()
    old = certificates["mine"]
    new = services.certificate_reissue(certificate_id=old.pk, by=manager, learner_name="Nguyễn Thị Hương",
                                       reason="Sai dấu trong họ tên")
    services.certificate_revoke(certificate_id=new.pk, by=manager, reason="Hồ sơ điểm danh ghi nhầm")

    response = client.get(reverse("certificates_admin_register"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''S%E1%BB%95%20c%E1%BA%A5p" in response["Content-Disposition"]  # "Sổ cấp ..."
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("Sổ cấp giấy chứng nhận, số liệu đến")
    header = rows[1]
    assert header[:4] == ["Số hiệu", "Họ và tên", "Ngày sinh", "Đơn vị của học viên"]
    by_number = {row[0]: dict(zip(header, row)) for row in rows[2:]}
    # the manager's two certificates (the replaced one kept as history), not Ước's in Tân An
    assert set(by_number) == {old.number, new.number}
    first, second = by_number[old.number], by_number[new.number]
    assert (first["Họ và tên"], first["Trạng thái"], first["Được thay bằng"], first["Lý do"]) == (
        "Nguyễn Thị Hường", "Đã được thay bằng giấy chứng nhận mới", new.number, "Sai dấu trong họ tên")
    assert (second["Họ và tên"], second["Trạng thái"], second["Lý do"]) == (
        "Nguyễn Thị Hương", "Đã thu hồi", "Hồ sơ điểm danh ghi nhầm")
    assert first["Ngày sinh"].date() == dt.date(1985, 3, 9) and first["Số giờ"] == 6
    assert first["Đơn vị của học viên"] == "Thôn 3 Đắk Ơ" and first["Trang tra cứu"].endswith(f"/verify/{old.code}/")
    assert sheet.cell(row=3, column=3).number_format == "DD/MM/YYYY"


def test_a_zip_too_large_is_refused_with_a_message_not_cut(client, manager, certificates, monkeypatch):
    monkeypatch.setattr("certificates.admin_views.ZIP_LIMIT", 0)
    response = client.get(reverse("certificates_admin_zip"), {"q": "Hường"}, follow=True)
    assert "Danh sách có hơn 0 giấy chứng nhận" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?q=H%C6%B0%E1%BB%9Dng")


def test_template_admin_is_scoped_and_previews_a_pdf(client, manager, province, course):
    mine = make_certificate_template(province["dako"], name="Mẫu xã Đắk Ơ", course=course, signer_name="Y Bhăm")
    theirs = make_certificate_template(province["tanan"], name="Mẫu xã Tân An")

    listing = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:list")).content.decode()
    assert "Mẫu xã Đắk Ơ" in listing and "Mẫu xã Tân An" not in listing
    edit = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[mine.pk]))
    assert edit.status_code == 200
    assert sorted(u.code for u in edit.context["form"].fields["issuing_unit"].queryset) == ["THON-3", "XA-DAKO"]
    assert client.get(reverse("wagtailsnippets_certificates_certificatetemplate:edit",
                              args=[theirs.pk])).status_code == 302

    # Wagtail's preview: post the form, then fetch the rendered preview
    preview_url = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_edit", args=[mine.pk])
    data = {"name": mine.name, "course": course.pk, "training_class": "", "issuing_unit": province["dako"].pk,
            "title": "GIẤY CHỨNG NHẬN", "body": "Học viên {learner_name} hoàn thành {course}.",
            "decision_number": "", "number_prefix": "DAKO", "place": "Đắk Ơ", "signer_name": "Y Bhăm",
            "signer_title": "Chủ tịch", "orientation": "landscape", "show_national_motto": "on"}
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(preview.content).split())
    assert "Học viên Nguyễn Thị Hường hoàn thành Chuyển đổi số" in text and "MẪU" in text and "Y Bhăm" in text


def test_a_bad_placeholder_is_refused_in_the_admin_form(client, manager, province):
    data = {"name": "Mẫu", "course": "", "training_class": "", "issuing_unit": province["dako"].pk,
            "title": "GIẤY CHỨNG NHẬN", "body": "Chào {ten_hoc_vien}", "decision_number": "",
            "number_prefix": "DAKO", "place": "", "signer_name": "", "signer_title": "",
            "orientation": "landscape"}
    response = client.post(reverse("wagtailsnippets_certificates_certificatetemplate:add"), data)
    assert response.status_code == 200
    assert "{ten_hoc_vien}" in " ".join(response.context["form"].errors["body"])
    assert not CertificateTemplate.objects.exists()


def test_a_person_holding_certificates_is_not_deleted_but_told_why(client, certificates, learner):
    from django.contrib.auth import get_user_model

    from tests.factories import login_verified

    login_verified(client, make_user("quantri", is_superuser=True))
    response = client.post(reverse("wagtailusers_users:delete", args=[learner.pk]), follow=True)
    assert "Nguyễn Thị Hường đang có giấy chứng nhận, được lưu giữ làm hồ sơ" in response.content.decode()
    bulk = client.post(reverse("wagtail_bulk_action", args=["auth", "user", "delete"]) + f"?id={learner.pk}",
                       follow=True)
    assert "Chưa xóa: Nguyễn Thị Hường đang có giấy chứng nhận" in bulk.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    # someone without certificates is deleted as before
    other = make_user("nguoi-khac")
    client.post(reverse("wagtailusers_users:delete", args=[other.pk]))
    assert not get_user_model().objects.filter(pk=other.pk).exists()


def test_the_register_keeps_formula_names_as_text(client, manager, course, province):
    """Issue 13, finding 7: the register writes through lms.sheets (a name is never a formula)."""
    from tests.spreadsheets import FORMULA_NAMES, assert_names_visible, xlsx_cells

    for number, name in enumerate(FORMULA_NAMES):
        user = make_user(f"formula{number}")
        make_profile(province["hamlet"], name, user=user)
        services.certificate_issue(enrollment_id=make_completed_enrollment(user, course).pk)
    response = client.get(reverse("certificates_admin_register"))
    values = xlsx_cells(response.content)
    assert_names_visible(values)
    assert 6 in values or 6.0 in values  # hours stay a number
