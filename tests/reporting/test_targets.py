"""The plan's targets as data: seeded from the plan, edited by the department admin, used by the marks."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.figures import mark, percent
from reporting.models import Milestone, Phase
from reporting.periods import period_from_key, periods_available
from tests.reporting.conftest import at, login_verified

pytestmark = pytest.mark.django_db


def test_the_plans_phases_are_seeded_with_its_targets_and_wording(world):
    first, second = Phase.objects.order_by("starts_on")
    assert (first.starts_on, first.ends_on, first.trained_target, first.online_target, first.satisfaction_target) == (
        dt.date(2025, 1, 1), dt.date(2027, 12, 31), Decimal("70"), Decimal("60"), None)
    assert (second.starts_on, second.ends_on, second.trained_target, second.online_target,
            second.satisfaction_target) == (dt.date(2028, 1, 1), dt.date(2030, 12, 31), Decimal("85"),
                                            Decimal("75"), Decimal("70"))
    assert "ít nhất 60% hoạt động tập huấn được thực hiện bằng hình thức trực tuyến" in first.plan_wording
    assert "Mức độ hài lòng của người dân, doanh nghiệp" in second.plan_wording
    assert [p.key for p in periods_available()] == [f"phase-{first.pk}", "2025", "2026", "2027",
                                                    f"phase-{second.pk}", "2028", "2029", "2030"]


def test_a_yearly_milestone_replaces_the_phase_target_for_its_year_only(world):
    phase = Phase.objects.order_by("starts_on").first()
    Milestone.objects.create(phase=phase, year=2026, trained_target=Decimal("45"))
    year = period_from_key("2026")
    assert (year.targets.trained, year.targets.online, year.targets.from_milestone) == (Decimal("45"), Decimal("60"),
                                                                                      True)
    assert period_from_key("2027").targets.trained == Decimal("70")
    assert period_from_key("2031") is None and period_from_key("phase-999") is None


def test_phases_may_not_overlap_or_end_before_they_start(world):
    with pytest.raises(ValidationError) as error:
        Phase(name="Trùng", starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2028, 6, 1), trained_target=50).full_clean()
    assert "Giai đoạn 1 (2025–2027)" in str(error.value)
    with pytest.raises(ValidationError):
        Phase(name="Ngược", starts_on=dt.date(2032, 6, 1), ends_on=dt.date(2031, 6, 1), trained_target=50).full_clean()


def test_the_department_admin_edits_targets_in_the_admin_and_a_manager_cannot(client, world):
    phase = Phase.objects.order_by("starts_on").first()
    url = reverse("wagtailsnippets_reporting_phase:edit", args=[phase.pk])
    client.force_login(world.tanan_manager)
    assert client.get(url).status_code in (302, 403)
    login_verified(client, world.admin)
    assert client.get(url).status_code == 200
    data = {"name": phase.name, "starts_on": "2025-01-01", "ends_on": "2027-12-31", "trained_target": "72",
            "online_target": "60", "satisfaction_target": "", "plan_wording": phase.plan_wording,
            "milestones-TOTAL_FORMS": "2", "milestones-INITIAL_FORMS": "0", "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
            "milestones-0-year": "2026", "milestones-0-trained_target": "40", "milestones-0-ORDER": "1",
            "milestones-1-year": "2031", "milestones-1-trained_target": "90", "milestones-1-ORDER": "2"}
    response = client.post(url, data)
    assert response.status_code == 200  # the milestone outside the phase is refused, nothing saved
    assert "Năm phải nằm trong giai đoạn (2025–2027)." in response.content.decode()
    assert not Milestone.objects.exists()
    data["milestones-TOTAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.trained_target == Decimal("72")
    assert list(phase.milestones.values_list("year", "trained_target")) == [(2026, Decimal("40"))]


@pytest.mark.parametrize("part,whole,target,running,elapsed,code", [
    (70, 100, Decimal("70"), True, (1, 3), "reached"),
    (24, 100, Decimal("70"), True, (1, 3), "on_track"),  # 70 % over three years: 23.3 % after one
    (23, 100, Decimal("70"), True, (1, 3), "behind"),
    (69, 100, Decimal("70"), False, (3, 3), "missed"),
    (0, 0, Decimal("70"), True, (1, 3), "no_data"),
    (5, 10, None, True, (1, 3), "no_target"),
    (59, 100, Decimal("60"), True, None, "behind"),  # a share of activities is not pro-rated
])
def test_marks_compare_exact_shares_with_the_target(part, whole, target, running, elapsed, code):
    assert mark(part, whole, target, running=running, elapsed=elapsed).code == code


def test_shares_round_half_up_to_one_decimal():
    assert [percent(1, 8), percent(2, 3), percent(1, 3), percent(0, 5), percent(3, 0)] == [
        Decimal("12.5"), Decimal("66.7"), Decimal("33.3"), Decimal("0.0"), None]
    assert percent(1, 16) == Decimal("6.3")  # 6.25 rounds up


def test_the_period_runs_up_to_now_and_snapshots_then(world):
    year = period_from_key("2026")
    now = at(2026, 7, 2, 12)
    assert year.since == at(2026, 1, 1, 0) and year.until == at(2027, 1, 1, 0)
    assert year.snapshot(now) == now and year.is_running(now)
    done, total = year.elapsed_fraction(now)
    assert round(done / total, 3) == 0.5
    later = period_from_key("2028")
    assert later.effective_until(now) == later.since and later.snapshot(now) == now
