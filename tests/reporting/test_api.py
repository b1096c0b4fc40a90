"""The figures as JSON for the national portal: same numbers as the dashboard, same scope."""
import pytest
import time_machine

from tests.factories import make_profile, make_user
from tests.reporting.conftest import at, login_verified

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_figures_for_the_province_and_a_commune(client, world, people_2026):
    login_verified(client, world.admin)
    data = client.get("/api/v1/reporting/figures/", {"period": "2026"}).json()
    assert data["period"]["key"] == "2026" and data["period"]["targets"]["trained"] == "70.00"
    assert data["unit"]["key"] == "TINH"
    assert {k: data["unit"]["figures"][k] for k in ("population", "trained", "trained_share")} == {
        "population": 6, "trained": 3, "trained_share": "50.0"}
    assert data["unit"]["marks"]["trained"]["code"] == "behind"
    children = {row["key"]: row for row in data["children"]}
    assert children["XA-DAKO"]["label"] == "Xã Đắk Ơ"
    assert (children["XA-DAKO"]["figures"]["population"], children["XA-DAKO"]["figures"]["trained"]) == (3, 2)
    assert [row["key"] for row in data["by_ethnic_minority_area"]] == ["yes", "no"]
    assert data["trend"][-1]["trained"] == 3 and data["trend"][0]["month"] == "2026-01-01"
    assert data["definitions"][0]["term"] == "Đối tượng thuộc chỉ tiêu"
    commune = client.get("/api/v1/reporting/figures/", {"period": "2026", "unit": "XA-DAKO"}).json()
    assert commune["unit"]["key"] == "XA-DAKO" and [r["key"] for r in commune["children"]] == ["THON-3"]
    units = client.get("/api/v1/reporting/units/", {"period": "2026"}).json()["units"]
    assert [row["key"] for row in units][:2] == ["TINH", "SO-GDDT"] and len(units) == 7
    periods = client.get("/api/v1/reporting/periods/").json()
    assert [p["key"] for p in periods][:4] == [periods[0]["key"], "2025", "2026", "2027"]


def test_a_commune_manager_gets_their_commune_and_nothing_else(client, world, people_2026):
    client.force_login(world.tanan_manager)
    data = client.get("/api/v1/reporting/figures/", {"period": "2026"}).json()
    assert data["unit"]["key"] == "XA-TANAN" and data["children"] == []
    assert data["unit"]["figures"]["population"] == 3
    for code in ("XA-DAKO", "TINH", "THON-3"):
        assert client.get("/api/v1/reporting/figures/", {"unit": code}).status_code == 404
        assert client.get("/api/v1/reporting/units/", {"unit": code}).status_code == 404
    assert [row["key"] for row in client.get("/api/v1/reporting/units/").json()["units"]] == ["XA-TANAN"]


def test_others_are_refused_and_bad_periods_explained(client, world, people_2026):
    assert client.get("/api/v1/reporting/figures/").status_code == 403  # not logged in
    learner = make_user()
    make_profile(world.units["tanan"], user=learner)
    client.force_login(learner)
    for path in ("/api/v1/reporting/figures/", "/api/v1/reporting/units/", "/api/v1/reporting/periods/"):
        assert client.get(path).status_code == 403
    client.force_login(world.tanan_manager)
    response = client.get("/api/v1/reporting/figures/", {"period": "1999"})
    assert response.status_code == 400
    assert response.json() == {"period": "Không có kỳ báo cáo này. Hãy chọn một kỳ trong danh sách."}


def test_the_endpoints_are_in_the_openapi_schema(client, world):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/reporting/figures/", "/api/v1/reporting/units/", "/api/v1/reporting/periods/"):
        assert path in schema["paths"]
    figures = schema["components"]["schemas"]["Figures"]["properties"]
    assert {"population", "trained", "trained_share", "online_share", "satisfaction"} <= set(figures)
