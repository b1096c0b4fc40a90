"""The audit trail (Decree 13/2023): sign-ins, role changes and exports of personal data leave an
event; the department admin alone reads, filters and exports the trail; events are written in one
insert per request, cannot be changed, and go after their retention with the files they describe."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms import audit
from lms.models import AuditAction, AuditEvent
from people.models import Role, RoleAssignment, RosterImport
from people.services import role_revoke
from tests.factories import login_verified, make_staff, make_user

pytestmark = pytest.mark.django_db

TRAIL = "/admin/audit-trail/"


def _events(action: str):
    return list(AuditEvent.objects.filter(action=action))


# --- what leaves an event ---------------------------------------------------------------------------

def test_a_failed_and_a_successful_sign_in_each_leave_an_event_with_the_name_tried_and_the_address(client):
    # given
    user = make_user("tanan.hv", last_name="Nguyễn Văn", first_name="An")
    # when
    client.post(reverse("login"), {"username": "tanan.hv", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post(reverse("login"), {"username": "tanan.hv", "password": "Pass-word-123"}, REMOTE_ADDR="203.0.113.9")
    # then
    [failure] = _events(AuditAction.LOGIN_FAILURE)
    assert (failure.subject, failure.details["username"], failure.ip, failure.actor) == (
        "tanan.hv", "tanan.hv", "203.0.113.9", None)
    assert failure.path == reverse("login")
    [success] = _events(AuditAction.LOGIN_SUCCESS)
    assert (success.actor, success.actor_username, success.actor_name, success.ip) == (
        user, "tanan.hv", "Nguyễn Văn An", "203.0.113.9")


def test_a_role_granted_in_the_admin_names_who_granted_it_and_a_revoked_one_is_recorded_too(client, province):
    # given
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"], "so.admin")
    clerk = make_user("tanan.clerk", last_name="Trần Thị", first_name="Bình")
    login_verified(client, admin)
    # when
    response = client.post("/admin/snippets/people/roleassignment/add/", {
        "user": clerk.pk, "role": Role.UNIT_MANAGER, "org_unit": province["tanan"].pk})
    # then
    assert response.status_code == 302 and RoleAssignment.objects.filter(user=clerk).exists()
    [granted] = AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGE, subject_id=str(clerk.pk))
    assert (granted.actor, granted.subject, granted.subject_id, granted.unit_path) == (
        admin, "Trần Thị Bình", str(clerk.pk), province["tanan"].path)
    assert granted.details == {"change": "granted", "role": "unit_manager", "org_unit": "XA-TANAN",
                               "username": "tanan.clerk"}
    # a command or a task (no request) records at once, without an actor
    role_revoke(user=clerk, role=Role.UNIT_MANAGER, org_unit=province["tanan"])
    revoked = AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGE, details__change="revoked").get()
    assert revoked.actor is None and revoked.subject_id == str(clerk.pk)
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGE, subject_id=str(admin.pk)).exists()


def test_a_report_export_of_people_not_trained_leaves_an_event(client, province):
    # given
    from reporting.services import plan_phases_ensure

    plan_phases_ensure()
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"], "tanan.ql")
    client.force_login(manager)
    # when
    response = client.get(reverse("reporting:csv", args=["untrained"]), {"unit": "XA-TANAN"})
    b"".join(response.streaming_content)
    # then
    assert response.status_code == 200
    [event] = _events(AuditAction.REPORT_EXPORT)
    assert event.actor == manager and event.subject.endswith("-untrained.csv")
    assert event.details["table"] == "untrained" and event.details["unit"] == "XA-TANAN"


def test_an_uploaded_roster_leaves_an_event(client, province):
    # given
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"], "tanan.ql")
    client.force_login(manager)
    upload = ContentFile("Họ và tên,Số định danh\n".encode(), name="danh-sach.csv")
    # when
    response = client.post(reverse("people_roster_index"), {"file": upload})
    # then
    assert response.status_code == 302
    [event] = _events(AuditAction.ROSTER_IMPORT)
    assert (event.actor, event.subject) == (manager, "danh-sach.csv")


# --- one insert per request -------------------------------------------------------------------------

def _three_events(request):
    for number in range(3):
        audit.record(action=AuditAction.PERSON_VIEW, request=request, subject=f"Người {number}",
                     subject_id=str(number))
    return HttpResponse("ok")


urlpatterns = [path("three-events/", _three_events), path("", include("lms.urls"))]


@pytest.mark.urls("tests.lms.test_audit")
def test_a_request_that_records_several_events_writes_them_in_one_insert(client):
    # given
    user = make_user("so.viewer")
    client.force_login(user)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/three-events/")
    # then
    assert response.status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"] and "lms_auditevent" in q["sql"]]
    assert len(inserts) == 1
    assert sorted(AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW).values_list("subject", "actor", "path")) == [
        (f"Người {n}", user.pk, "/three-events/") for n in range(3)]


def test_outside_a_request_an_event_is_written_at_once_and_an_unknown_action_is_refused():
    audit.record(action=AuditAction.OTP_RESET, subject="so.admin")
    assert AuditEvent.objects.get().subject == "so.admin"
    with pytest.raises(ValueError):
        audit.record(action="person.peek")


def test_events_cannot_be_changed_or_deleted_through_the_model():
    audit.record(action=AuditAction.PERSON_VIEW, subject="Nguyễn Văn An")
    event = AuditEvent.objects.get()
    event.subject = "someone else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(subject="x")
    assert AuditEvent.objects.get().subject == "Nguyễn Văn An"


# --- who reads the trail ----------------------------------------------------------------------------

@pytest.fixture
def trail(province):
    """Three events of different actions, actors and days (written outside a request)."""
    alice = make_user("alice.ql", last_name="Lê Thị", first_name="Hoa")
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        audit.record(action=AuditAction.LOGIN_FAILURE, subject="079190000001")
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        audit.record(action=AuditAction.PERSON_EXPORT, actor=alice, subject="=1+1 Hồ sơ Tân An")
        audit.record(action=AuditAction.PERSON_VIEW, actor=alice, subject="Phạm Minh Châu")
    return alice


@pytest.mark.parametrize("role", [Role.UNIT_MANAGER, Role.TRAINER])
def test_unit_managers_and_trainers_cannot_open_the_trail(client, province, trail, role):
    staff = make_staff(role, province["tanan"], f"tanan.{role}")
    client.force_login(staff)
    event = AuditEvent.objects.first()
    # refused as Wagtail refuses: back to the admin home with "you do not have permission"
    for url in (TRAIL, f"{TRAIL}results/", f"{TRAIL}?export=csv", f"{TRAIL}?export=xlsx",
                f"{TRAIL}inspect/{event.pk}/", f"{TRAIL}edit/{event.pk}/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home")), url
    assert TRAIL not in client.get(reverse("wagtailadmin_home")).content.decode()  # no menu item either


def test_the_department_admin_filters_searches_and_inspects_the_trail_and_cannot_change_it(client, province, trail):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"], "so.admin")
    login_verified(client, admin)

    def listed(**params) -> str:
        response = client.get(TRAIL, params)
        assert response.status_code == 200
        return response.content.decode()

    assert TRAIL in client.get(reverse("wagtailadmin_home")).content.decode()  # the menu item
    everything = listed()
    assert "079190000001" in everything and "Phạm Minh Châu" in everything
    by_action = listed(action=AuditAction.PERSON_VIEW)
    assert "Phạm Minh Châu" in by_action and "079190000001" not in by_action
    by_actor = listed(actor="lê thị")
    assert "Phạm Minh Châu" in by_actor and "079190000001" not in by_actor
    by_date = listed(time_from="2026-02-01", time_to="2026-03-01")
    assert "079190000001" in by_date and "Phạm Minh Châu" not in by_date
    searched = listed(q="Châu")
    assert "Phạm Minh Châu" in searched and "Hồ sơ Tân An" not in searched
    event = AuditEvent.objects.get(action=AuditAction.PERSON_VIEW)
    assert "Phạm Minh Châu" in client.get(f"{TRAIL}inspect/{event.pk}/").content.decode()
    # read only: no add, edit, copy or delete, and the row is unchanged
    for url in (f"{TRAIL}new/", f"{TRAIL}edit/{event.pk}/", f"{TRAIL}delete/{event.pk}/"):
        assert client.post(url, {"subject": "x"}).status_code in (302, 403, 404), url
    assert client.get(f"{TRAIL}copy/{event.pk}/").status_code == 404
    assert AuditEvent.objects.filter(pk=event.pk, subject="Phạm Minh Châu").exists()


def test_the_department_admin_exports_the_trail_as_csv_and_xlsx_with_no_formula(client, province, trail):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"], "so.admin")
    login_verified(client, admin)

    response = client.get(TRAIL, {"export": "csv", "action": AuditAction.PERSON_EXPORT})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][4] == "'=1+1 Hồ sơ Tân An" and rows[1][2] == "alice.ql"

    response = client.get(TRAIL, {"export": "xlsx", "q": "Hồ sơ"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    cell = sheet.cell(row=2, column=5)
    assert cell.value == "'=1+1 Hồ sơ Tân An" and cell.data_type == "s"
    # exporting the trail is itself recorded
    assert [e.details["format"] for e in AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORT)
            .order_by("time", "pk")] == ["csv", "xlsx"]


# --- retention --------------------------------------------------------------------------------------

def test_purge_deletes_events_and_files_past_their_retention_and_keeps_recent_ones(settings, province):
    # given
    from reporting.models import ExportJob

    settings.AUDIT_RETENTION_DAYS, settings.EXPORT_RETENTION_DAYS = 730, 30
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"], "so.admin")
    now = timezone.now()

    def roster(days_ago: int) -> RosterImport:
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            job = RosterImport(original_name="ds.csv", uploaded_by=admin, status=RosterImport.Status.DONE,
                               errors=[{"row": 2}])
            job.file.save("ds.csv", ContentFile(b"x"), save=False)
            job.save()
        return job

    def export(days_ago: int) -> ExportJob:
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            job = ExportJob.objects.create(kind=ExportJob.Kind.UNTRAINED_XLSX, requested_by=admin, period="2026",
                                           status=ExportJob.Status.DONE)
            job.file.save("ds.xlsx", ContentFile(b"x"))
        return job

    with time_machine.travel(now - dt.timedelta(days=731), tick=False):
        audit.record(action=AuditAction.PERSON_VIEW, subject="old")
    with time_machine.travel(now - dt.timedelta(days=700), tick=False):
        audit.record(action=AuditAction.PERSON_VIEW, subject="recent")
    old_roster, new_roster = roster(31), roster(5)
    old_export, new_export = export(31), export(5)
    old_roster_path, old_export_path = old_roster.file.path, old_export.file.path
    # when
    call_command("purge_expired_data", stdout=io.StringIO())
    # then
    assert list(AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW).values_list("subject", flat=True)) == [
        "recent"]
    old_roster.refresh_from_db()
    assert (old_roster.file.name, old_roster.errors, old_roster.original_name) == ("", [], "ds.csv")
    assert not os.path.exists(old_roster_path)
    assert RosterImport.objects.get(pk=new_roster.pk).file.storage.exists(new_roster.file.name)
    assert not ExportJob.objects.filter(pk=old_export.pk).exists()
    assert not os.path.exists(old_export_path)
    assert ExportJob.objects.get(pk=new_export.pk).file.storage.exists(new_export.file.name)
    [purge] = _events(AuditAction.DATA_PURGE)
    assert purge.details == {"audit_events": 1, "roster_files": 1, "export_files": 1}
    # the daily beat task is the same purge, and a second run has nothing left to delete
    from lms.tasks import purge_expired_data

    assert any(entry["task"] == "lms.tasks.purge_expired_data" for entry in settings.CELERY_BEAT_SCHEDULE.values())
    assert purge_expired_data.delay().get() == {"audit_events": 0, "roster_files": 0, "export_files": 0}
