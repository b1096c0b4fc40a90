"""The reporting lists name people as they named themselves: never as a formula (issue 13, finding 7).

Failed before lms.sheets: "=1+1" was a formula in the CSV and "+1"/"-1"/"@SUM(1)" in the XLSX."""
import io

import pytest
import time_machine
from django.urls import reverse

from reporting.models import ExportJob
from reporting.services import export_job_create, export_job_run
from tests.factories import make_profile
from tests.reporting.conftest import at
from tests.spreadsheets import FORMULA_NAMES, assert_names_visible, csv_cells, xlsx_cells

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def formula_people(world):
    for name in FORMULA_NAMES:
        profile = make_profile(world.units["dako"], name, in_target_population=True)
        type(profile).objects.filter(pk=profile.pk).update(created_at=at(2025, 1, 1))


def test_the_untrained_csv_keeps_formula_names_as_text(client, world, formula_people):
    client.force_login(world.dako_manager)
    response = client.get(reverse("reporting:csv", args=["untrained"]), {"period": "2026"})
    assert response.status_code == 200
    assert_names_visible(csv_cells(b"".join(response.streaming_content)))


def test_the_untrained_xlsx_keeps_formula_names_as_text(world, formula_people):
    job = export_job_create(user=world.dako_manager, kind=ExportJob.Kind.UNTRAINED_XLSX, period_key="2026",
                            unit_code=None, enqueue=False)
    job = export_job_run(job_id=job.pk)
    assert job.status == "done"
    values = xlsx_cells(job.file.read())
    assert_names_visible(values)
    assert "Xã Đắk Ơ" in values
