"""The yearly report as XLSX and PDF, and the list of people not yet trained: numbers, scope, diacritics."""
import io

import pytest
import time_machine
from openpyxl import load_workbook

from reporting.models import ExportJob
from reporting.services import export_job_create, export_job_run
from reporting.tasks import build_export
from tests.reporting.conftest import at

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def build(user, kind, unit=None, period="2026") -> ExportJob:
    job = export_job_create(user=user, kind=kind, period_key=period, unit_code=unit, enqueue=False)
    return export_job_run(job_id=job.pk)


def sheet_rows(book, title):
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def test_yearly_xlsx_has_the_summary_one_row_per_unit_and_the_people_trained(world, people_2026):
    job = build(world.admin, ExportJob.Kind.REPORT_XLSX)
    assert (job.status, job.total, job.processed) == ("done", 7 + 3, 10)  # 7 units, 3 people trained
    assert job.file.name.endswith(".xlsx") and "bao-cao-2026-tinh-" in job.file.name
    book = load_workbook(io.BytesIO(job.file.read()), read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Đơn vị", "Người đã tập huấn"]
    summary = {}
    for row in sheet_rows(book, "Tổng hợp"):
        if row and row[0]:
            summary.setdefault(row[0], tuple(row[1:]))  # the first: the figures come before the definitions
    assert summary["Đối tượng thuộc chỉ tiêu"][0] == 6
    assert summary["Đã tập huấn"][0] == 3
    assert summary["Đã tập huấn (%)"][:3] == (50.0, 70.0, "Chậm tiến độ")
    assert "Ít nhất 70% cán bộ" in summary["Nội dung chỉ tiêu theo Kế hoạch"][0]
    units = {row[0]: row for row in sheet_rows(book, "Đơn vị")[1:]}
    assert units["XA-DAKO"][1].strip() == "Xã Đắk Ơ" and units["THON-3"][1] == "        Thôn 3 Đắk Ơ"
    assert units["XA-DAKO"][3:7] == [3, 2, 1, 66.7]
    assert units["XA-TRONG"][3:7] == [0, 0, 0, None]  # the empty commune has a row, with no share
    people = sheet_rows(book, "Người đã tập huấn")
    assert people[0][:3] == ["Mã định danh", "Họ và tên", "Đơn vị"]
    assert sorted(row[1] for row in people[1:]) == ["Nguyễn Thị Hường", "Rơ Châm Ớt", "Y Đắk Ơ Niê"]
    assert {row[1]: row[7] for row in people[1:]}["Rơ Châm Ớt"] == "06/03/2026"


def test_a_managers_report_holds_their_commune_only(world, people_2026):
    job = build(world.dako_manager, ExportJob.Kind.REPORT_XLSX)
    book = load_workbook(io.BytesIO(job.file.read()), read_only=True)
    assert [row[0] for row in sheet_rows(book, "Đơn vị")[1:]] == ["XA-DAKO", "THON-3"]
    names = {row[1] for row in sheet_rows(book, "Người đã tập huấn")[1:]}
    assert names == {"Y Đắk Ơ Niê", "Rơ Châm Ớt"}
    untrained = build(world.tanan_manager, ExportJob.Kind.UNTRAINED_XLSX)
    book = load_workbook(io.BytesIO(untrained.file.read()), read_only=True)
    rows = sheet_rows(book, "Chưa tập huấn")
    assert sorted(row[1] for row in rows[1:]) == ["Lê Đức Ánh", "Trần Văn Ước"]
    assert untrained.file.name.split("/")[-1].startswith("chua-tap-huan-2026-xa-tanan-")


def test_yearly_pdf_has_the_figures_and_the_charts_in_vietnamese(world, people_2026):
    from pypdf import PdfReader

    job = build(world.admin, ExportJob.Kind.REPORT_PDF)
    reader = PdfReader(io.BytesIO(job.file.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for phrase in ("Báo cáo kết quả thực hiện chỉ tiêu tập huấn theo Kế hoạch", "Xã Đắk Ơ", "Thôn 3 Đắk Ơ",
                   "Diễn biến theo tháng", "Tỷ lệ đã tập huấn theo đơn vị", "Chậm tiến độ", "50,0 %",
                   "Vùng đồng bào dân tộc thiểu số", "Báo cáo viên pháp luật"):
        assert phrase in text, phrase
    fonts = {str(font) for page in reader.pages for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()["/BaseFont"]]}
    assert any("BeVietnamPro" in font for font in fonts)  # embedded: readable anywhere


def test_a_job_that_ran_is_not_run_again_and_a_lost_unit_fails_it_clearly(world, people_2026):
    job = build(world.admin, ExportJob.Kind.REPORT_XLSX)
    name = job.file.name
    build_export(job.pk)  # a retry of a finished job changes nothing
    job.refresh_from_db()
    assert job.file.name == name
    other = export_job_create(user=world.tanan_manager, kind=ExportJob.Kind.REPORT_PDF, period_key="2026",
                              enqueue=False)
    world.tanan_manager.role_assignments.all().delete()
    build_export(other.pk)
    other.refresh_from_db()
    assert (other.status, other.failure_reason) == ("failed", "Bạn không còn quản lý đơn vị này.")


def test_the_pdf_of_a_province_with_many_communes_fits_its_charts_on_pages(world, people_2026):
    from pypdf import PdfReader

    from tests.factories import make_unit

    for number in range(40):
        make_unit(f"Xã Mẫu Số {number:02d}", f"XA-MAU-{number:02d}", world.units["province"])
    job = build(world.admin, ExportJob.Kind.REPORT_PDF)
    assert job.status == "done"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Xã Mẫu Số 00" in text and "Xã Mẫu Số 39" in text
