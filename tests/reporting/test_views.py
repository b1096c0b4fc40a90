"""The report pages: what each role sees, drill-down, the list of people not yet trained, CSV."""
import csv
import io

import pytest
import time_machine
from django.urls import reverse

from reporting.models import ExportJob
from tests.factories import make_profile, make_user
from tests.reporting.conftest import at, login_verified

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_department_admin_sees_the_province_and_drills_into_a_commune(client, world, people_2026):
    login_verified(client, world.admin)
    response = client.get(reverse("reporting:dashboard"), {"period": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "UBND tỉnh Lâm Sơn" in html and "Xã Đắk Ơ" in html and "Xã Tân An" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html  # the charts, drawn on the server
    assert "Ít nhất 70% cán bộ, công chức" in html  # the plan's wording of the target
    board = response.context["board"]
    assert (board.node.figures.population, board.node.figures.trained) == (6, 3)
    assert board.node.marks.trained.code == "behind"  # 50 % trained, 70 % by the end of 2026
    # drill down into Tân An: the link on the page leads there, with the same period
    link = dict((row.code, url) for row, url in response.context["child_links"])["XA-TANAN"]
    response = client.get(link)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.node.code == "XA-TANAN"
    assert [unit.code for unit in board.breadcrumbs] == ["TINH"]
    assert (board.node.figures.population, board.node.figures.trained) == (3, 1)
    assert board.children == []


def test_unit_manager_sees_their_commune_only(client, world, people_2026):
    client.force_login(world.tanan_manager)
    response = client.get(reverse("reporting:dashboard"), {"period": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["board"].node.code == "XA-TANAN"
    assert "Xã Đắk Ơ" not in html and "Y Đắk Ơ Niê" not in html
    # another commune, or the province, is not found (nothing about it is shown)
    for code in ("XA-DAKO", "TINH", "THON-3", "NO-SUCH-UNIT"):
        assert client.get(reverse("reporting:dashboard"), {"unit": code}).status_code == 404
        assert client.get(reverse("reporting:untrained"), {"unit": code}).status_code == 404
        assert client.get(reverse("reporting:csv", args=["untrained"]), {"unit": code}).status_code == 404
        assert client.get(reverse("reporting:csv", args=["units"]), {"unit": code}).status_code == 404
    # the list of people not yet trained holds only Tân An's
    response = client.get(reverse("reporting:untrained"), {"period": "2026"})
    names = {row[1] for row in response.context["people"]}
    assert names == {"Trần Văn Ước", "Lê Đức Ánh"}


def test_people_without_a_managing_role_get_no_report(client, world, people_2026):
    learner = make_user()
    make_profile(world.units["tanan"], user=learner)
    client.force_login(learner)
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get(reverse("reporting:csv", args=["units"])).status_code == 403
    client.logout()
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_untrained_list_is_paged_and_exported_as_csv_with_diacritics(client, world, people_2026):
    for number in range(55):
        profile = make_profile(world.units["dako"], f"Đinh Thị Ngọc Ửng {number:02d}", in_target_population=True)
        type(profile).objects.filter(pk=profile.pk).update(created_at=at(2025, 1, 1))
    client.force_login(world.dako_manager)
    first = client.get(reverse("reporting:untrained"), {"period": "2026"})
    assert first.context["page"].paginator.count == 56  # 55 + H'Hen Ksor
    assert len(first.context["people"]) == 50
    second = client.get(reverse("reporting:untrained"), {"period": "2026", "page": 2})
    assert len(second.context["people"]) == 6
    from lms.models import AuditEvent  # seeing the list (ID codes) is a view of personal data

    assert AuditEvent.objects.filter(action="person.view", actor=world.dako_manager).count() == 2
    response = client.get(reverse("reporting:csv", args=["untrained"]), {"period": "2026"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã định danh", "Họ và tên"]
    names = [row[1] for row in rows[1:]]
    assert len(names) == 56 and "H'Hen Ksor" in names and "Đinh Thị Ngọc Ửng 54" in names
    assert "Rơ Châm Ớt" not in names  # trained


def test_every_dashboard_table_downloads_as_csv(client, world, people_2026):
    login_verified(client, world.admin)
    response = client.get(reverse("reporting:csv", args=["units"]), {"period": "2026"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["XA-DAKO"][1] == "Xã Đắk Ơ"
    assert by_code["XA-DAKO"][3:6] == ["3", "2", "1"]  # population, trained, not yet trained
    assert by_code["XA-DAKO"][6] == "66.7"
    for table in ("categories", "areas", "ethnic", "trend", "trained"):
        assert client.get(reverse("reporting:csv", args=[table]), {"period": "2026"}).status_code == 200
    assert client.get(reverse("reporting:csv", args=["secrets"])).status_code == 404


def test_an_unknown_period_says_so_and_shows_the_current_one(client, world, people_2026):
    login_verified(client, world.admin)
    response = client.get(reverse("reporting:dashboard"), {"period": "1999"}, follow=True)
    assert response.context["period"].key == "2026"
    assert "Không có kỳ báo cáo này" in response.content.decode()


def test_exports_are_built_in_the_background_and_only_their_requester_downloads_them(
        client, world, people_2026, django_capture_on_commit_callbacks):
    client.force_login(world.tanan_manager)
    # a unit outside the manager's subtree: refused, nothing queued
    assert client.post(reverse("reporting:export_create"), {"period": "2026", "kind": "report_xlsx",
                                                            "unit": "XA-DAKO"}).status_code == 404
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly in tests
        response = client.post(reverse("reporting:export_create"), {"period": "2026", "kind": "untrained_xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reporting:export", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.total, job.processed) == ("done", 2, 2)
    assert client.get(reverse("reporting:export_status", args=[job.pk])).json()["percent"] == 100
    download = client.get(reverse("reporting:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.force_login(world.dako_manager)
    for name in ("export", "export_status", "export_download"):
        assert client.get(reverse(f"reporting:{name}", args=[job.pk])).status_code == 404
    # a bad kind or period is a clear message, not an error page
    response = client.post(reverse("reporting:export_create"), {"period": "1999", "kind": "report_pdf"}, follow=True)
    assert "Không có kỳ báo cáo này" in response.content.decode()


def test_a_manager_of_two_communes_sees_both_under_one_total(client, world, people_2026):
    from people.models import Role
    from people.services import role_assign

    role_assign(user=world.tanan_manager, role=Role.UNIT_MANAGER, org_unit=world.units["dako"])
    client.force_login(world.tanan_manager)
    board = client.get(reverse("reporting:dashboard"), {"period": "2026"}).context["board"]
    assert board.node.label == "Tất cả đơn vị bạn quản lý" and board.node_unit is None
    assert [row.code for row in board.children] == ["XA-TANAN", "XA-DAKO"]
    assert (board.node.figures.population, board.node.figures.trained) == (6, 3)
    assert client.get(reverse("reporting:dashboard"), {"unit": "SO-TP"}).status_code == 404
