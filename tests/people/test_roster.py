"""Roster import: whole-file validation, upsert by ID code, diacritics, scope."""
import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from people.models import Category, Profile, Role, RosterImport
from people.roster import describe_error
from people.services import roster_import_create
from tests.factories import make_profile, make_staff

from .roster_files import HEADER, csv_upload, windows_1258_form, xlsx_upload

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_ROWS = [
    ["079190000001", "Nguyễn Thị Hường", "12/03/1988", "XA-TANAN", "Tuyên truyền viên pháp luật", "nông thôn", "không", "có", "huong@example.org"],
    ["079190000002", "Đặng Văn Ước", "1979-11-02", "XA-DAKO", "báo cáo viên pháp luật", "Nông thôn", "có", "có", ""],
    ["079190000003", "Trần Minh Quân", "", "SO-TP", "CBCCVC", "thành thị", "", "", ""],
]


def run_import(upload, user=None) -> RosterImport:
    job = roster_import_create(uploaded_file=upload, user=user)  # eager task runs on commit
    return RosterImport.objects.get(pk=job.pk)


def test_good_xlsx_imports_everyone_with_diacritics(province):
    job = run_import(xlsx_upload(GOOD_ROWS))
    assert job.status == RosterImport.Status.DONE
    assert (job.total_rows, job.created_count, job.updated_count, job.percent) == (3, 3, 0, 100)
    huong = Profile.objects.get(id_code="079190000001")
    assert huong.full_name == "Nguyễn Thị Hường"
    assert huong.org_unit == province["tanan"]
    assert huong.category == Category.LEGAL_PROPAGANDIST
    assert huong.date_of_birth == dt.date(1988, 3, 12)
    assert huong.in_target_population is True
    uoc = Profile.objects.get(id_code="079190000002")
    assert (uoc.full_name, uoc.ethnic_minority_area, uoc.category) == ("Đặng Văn Ước", True, Category.LEGAL_REPORTER)


def test_decomposed_unicode_csv_is_stored_composed(province):
    rows = [[cell if i != 1 else unicodedata.normalize("NFD", cell) for i, cell in enumerate(row)] for row in GOOD_ROWS]
    assert rows[0][1] != "Nguyễn Thị Hường"  # the file really holds decomposed text
    job = run_import(csv_upload(rows, delimiter=";"))
    assert job.status == RosterImport.Status.DONE
    names = set(Profile.objects.values_list("full_name", flat=True))
    assert {"Nguyễn Thị Hường", "Đặng Văn Ước", "Trần Minh Quân"} <= names
    # and the composed form is what search and PDFs will see
    assert Profile.objects.filter(full_name="Nguyễn Thị Hường").count() == 1


def test_windows_1258_csv_is_read(province):
    # Vietnamese Windows exports: cp1258 uses combining tone marks, so NFC is needed after decoding
    rows = [["079190000009", windows_1258_form("Đặng Văn Ước"), "", "XA-DAKO", "CBCCVC", "", "", "", ""]]
    header = [windows_1258_form(cell) for cell in HEADER]
    job = run_import(csv_upload(rows, header=header, encoding="cp1258"))
    assert job.status == RosterImport.Status.DONE
    assert Profile.objects.get(id_code="079190000009").full_name == "Đặng Văn Ước"


def test_bad_file_imports_nothing_and_lists_every_bad_row(province):
    rows = [
        GOOD_ROWS[0],
        ["079190000005", "", "", "XA-TANAN", "CBCCVC", "", "", "", ""],                   # row 3: empty name
        ["079190000006", "Lê Văn Tám", "", "XA-KHONG-CO", "CBCCVC", "", "", "", ""],        # row 4: unknown unit
        ["079190000001", "Nguyễn Thị Hường", "", "XA-TANAN", "CBCCVC", "", "", "", ""],     # row 5: duplicate ID
        ["079190000007", "Phạm Thị Mai", "31/02/1990", "XA-TANAN", "phi công", "ngoại ô", "có lẽ", "", "không-email"],
    ]
    job = run_import(xlsx_upload(rows))
    assert job.status == RosterImport.Status.REJECTED
    assert Profile.objects.count() == 0
    found = {(e["row"], e["column"], e["code"]) for e in job.errors}
    assert found == {
        (3, "full_name", "required"),
        (4, "org_unit", "unknown_unit"),
        (5, "id_code", "duplicate_id"),
        (6, "date_of_birth", "bad_date"),
        (6, "category", "bad_category"),
        (6, "area", "bad_area"),
        (6, "ethnic_minority_area", "bad_bool"),
        (6, "email", "bad_email"),
    }
    with translation.override("vi"):
        duplicate = next(e for e in job.errors if e["code"] == "duplicate_id")
        assert describe_error(duplicate) == "Mã định danh “079190000001” đã có ở dòng 2."
        unknown = next(e for e in job.errors if e["code"] == "unknown_unit")
        assert "XA-KHONG-CO" in describe_error(unknown) and "Không có" in describe_error(unknown)


def test_missing_required_column_is_reported(province):
    header = ["Mã định danh", "Họ và tên", "Mã đơn vị"]
    job = run_import(xlsx_upload([["1", "A", "XA-TANAN"]], header=header))
    assert job.status == RosterImport.Status.REJECTED
    assert [(e["row"], e["code"], e["column"]) for e in job.errors] == [(1, "missing_column", "category")]
    with translation.override("vi"):
        assert describe_error(job.errors[0]) == "Tệp không có cột “Đối tượng”; hãy bổ sung cột này vào dòng tiêu đề."


def test_reimport_updates_by_id_code_and_never_duplicates(province):
    run_import(xlsx_upload(GOOD_ROWS))
    updated = [list(row) for row in GOOD_ROWS]
    updated[0][3] = "SO-GDDT"        # Hường moved to the education department
    updated[0][4] = "Giáo viên"
    updated.append(["079190000004", "Hoàng Thị Lan", "", "XA-TANAN", "hòa giải viên", "", "", "", ""])
    job = run_import(xlsx_upload(updated))
    assert (job.status, job.created_count, job.updated_count) == (RosterImport.Status.DONE, 1, 1)
    assert Profile.objects.count() == 4
    huong = Profile.objects.get(id_code="079190000001")
    assert (huong.org_unit.code, huong.category) == ("SO-GDDT", Category.TEACHER)
    # importing the same file again changes nothing
    again = run_import(xlsx_upload(updated))
    assert (again.created_count, again.updated_count) == (0, 0)
    assert Profile.objects.count() == 4


def test_unit_manager_cannot_import_into_another_unit(province):
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    make_profile(province["dako"], "Đặng Văn Ước", id_code="079190000002")
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], ["079190000008", "Võ Thị Yến", "", "SO-TP", "CBCCVC", "", "", "", ""]]
    job = run_import(xlsx_upload(rows), user=manager)
    assert job.status == RosterImport.Status.REJECTED
    assert {(e["row"], e["code"]) for e in job.errors} == {
        (3, "person_out_of_scope"), (3, "unit_out_of_scope"), (4, "unit_out_of_scope")}
    assert Profile.objects.count() == 1
    # finding 17: the answer names neither the person's unit nor their name, and the try is audited
    from lms.models import AuditEvent
    from people.roster import describe_error

    message = describe_error(next(e for e in job.errors if e["code"] == "person_out_of_scope"))
    assert "Xã Đắk Ơ" not in message and "Đặng Văn Ước" not in message
    assert AuditEvent.objects.filter(action="person.probe", actor=manager).exists()


@pytest.mark.parametrize("upload, code", [
    (SimpleUploadedFile("roster.pdf", b"%PDF-1.4"), "bad_extension"),
    (SimpleUploadedFile("roster.xlsx", b"<html>not a workbook</html>"), "not_xlsx"),
    (SimpleUploadedFile("roster.csv", b""), "empty"),
])
def test_unusable_uploads_are_refused_before_anything_is_stored(province, upload, code):
    with pytest.raises(ValidationError) as error:
        roster_import_create(uploaded_file=upload)
    assert error.value.code == code
    assert RosterImport.objects.count() == 0


def test_corrupt_xlsx_is_rejected_with_a_reason(province):
    upload = SimpleUploadedFile("roster.xlsx", b"PK\x03\x04 truncated zip")
    job = run_import(upload)
    assert job.status == RosterImport.Status.REJECTED
    assert job.errors[0]["code"] == "unreadable"
    assert Profile.objects.count() == 0


def test_rerunning_a_finished_job_does_nothing(province):
    from people.tasks import import_roster

    job = run_import(xlsx_upload(GOOD_ROWS))
    Profile.objects.filter(id_code="079190000001").update(full_name="Đã sửa tay")
    import_roster.delay(job.pk)
    assert Profile.objects.get(id_code="079190000001").full_name == "Đã sửa tay"


def test_management_command_imports_and_reports_bad_rows(province, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_upload(GOOD_ROWS).read())
    call_command("import_roster", str(good))
    assert Profile.objects.count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_upload([["079190000010", "", "", "XA-TANAN", "CBCCVC", "", "", "", ""]]).read())
    with pytest.raises(CommandError):
        call_command("import_roster", str(bad))
    assert "Dòng 2, Họ và tên: Ô này đang để trống" in capsys.readouterr().err
    assert Profile.objects.count() == 3


def test_admin_upload_shows_progress_then_every_error(client, province):
    admin = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(admin)
    bad = [["079190000011", "", "", "XA-TANAN", "CBCCVC", "", "", "", ""],
           ["079190000012", "Võ Thị Yến", "", "SO-TP", "CBCCVC", "", "", "", ""]]
    response = client.post("/admin/roster/", {"file": xlsx_upload(bad)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    assert "Ô này đang để trống" in page  # row 2, empty name
    assert "Đơn vị “SO-TP” nằm ngoài phạm vi các đơn vị bạn quản lý." in page  # row 3
    assert Profile.objects.count() == 0
    status = client.get(response["Location"] + "status.json").json()
    assert (status["status"], status["errors"], status["finished"]) == ("rejected", 2, True)


def test_admin_upload_refuses_a_non_roster_file_with_a_message(client, province):
    admin = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(admin)
    response = client.post("/admin/roster/", {"file": SimpleUploadedFile("anh.png", b"\x89PNG....")})
    assert response.status_code == 200
    assert "Hãy tải lên tệp .xlsx hoặc .csv." in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_learner_cannot_reach_roster_import(client, province):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get("/admin/roster/").status_code in (302, 403)


def test_the_template_download_imports_as_is(client, province):
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    response = client.get("/admin/roster/template.xlsx")
    assert response.status_code == 200
    upload = SimpleUploadedFile("mau.xlsx", response.content)
    job = run_import(upload, user=manager)
    assert job.status == RosterImport.Status.DONE, job.errors
    assert Profile.objects.get(id_code="079190000001").full_name == "Nguyễn Thị Hường"
