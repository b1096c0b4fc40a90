"""Contests: anonymous entries, limits, throttling, restricted audiences, ranking and leaderboards."""
import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache

from assessments import selectors
from assessments.exceptions import EntryExpired, EntryLimitReached, NotEligible, TooManyRequests
from assessments.models import Contest, ContestEntry
from assessments.services import contests as contest_services
from people.models import Role
from tests.factories import make_category, make_contest, make_profile, make_question, make_staff, make_user

pytestmark = pytest.mark.django_db
OPENS = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest(province):
    category = make_category(province["justice"])
    questions = [make_question(category, "single"), make_question(category, "true_false"),
                 make_question(category, "short_answer")]
    return make_contest(province["justice"], questions, opens_at=OPENS, weeks=3)


def right_answers(contest_round, ticket):
    data = contest_services.read_ticket(contest_round=contest_round, ticket=ticket)
    answers = {}
    for item in contest_services.ticket_questions(contest_round=contest_round, data=data):
        spec = item["spec"]
        if spec["type"] == "single":  # named as the entry form names it
            answers[item["position"]] = item["tokens"].option(next(o["id"] for o in spec["options"] if o["correct"]))
        elif spec["type"] == "true_false":
            answers[item["position"]] = spec["answer"]["value"]
        else:
            answers[item["position"]] = spec["options"][0]["text"]
    return answers


def enter(contest_round, *, name="Nguyễn Văn An", phone="0912345678", right=3, prediction=100, ip="10.0.0.1",
          seconds=60, **extra):
    """Enter at the current (frozen) time, having opened the form ``seconds`` earlier."""
    from django.utils import timezone

    now = timezone.now()
    ticket = contest_services.entry_ticket(contest_round=contest_round, now=now - dt.timedelta(seconds=seconds))
    answers = right_answers(contest_round, ticket)
    for position in list(answers)[right:]:
        answers[position] = None
    return contest_services.contest_entry_submit(
        contest_round=contest_round, ticket=ticket, responses=answers, prediction=prediction, full_name=name,
        phone=phone, address=extra.pop("address", "Thôn 1"), client_ip=ip, now=now, **extra)


def test_weekly_rounds(contest):
    rounds = selectors.contest_rounds(contest)
    assert [r.number for r in rounds] == [1, 2, 3]
    assert rounds[1].opens_at == OPENS + dt.timedelta(weeks=1) == rounds[0].closes_at
    with time_machine.travel(OPENS + dt.timedelta(days=8), tick=False):
        assert selectors.current_round(contest).number == 2


def test_an_anonymous_visitor_enters_on_the_page_and_sees_the_leaderboard(client, contest, province):
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        landing = client.get(f"/assessments/contests/{contest.slug}/")
        assert landing.status_code == 200
        page = client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/")
        assert page.status_code == 200
        html = page.content.decode()
        ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
        answers = right_answers(contest.rounds.get(number=1), ticket)
        form = {"ticket": ticket, "full_name": "Đặng Văn Ước", "org_unit": province["dako"].pk, "address": "",
                "phone": "0987 654 321", "email": "", "prediction": "250"}
        for position, value in answers.items():
            form[f"q{position}"] = str(value).lower() if isinstance(value, bool) else value
        response = client.post(f"/assessments/contests/{contest.slug}/rounds/1/enter/", form, follow=True)
    assert response.status_code == 200
    entry = ContestEntry.objects.get()
    assert (entry.score, entry.max_score, entry.all_correct, entry.prediction) == (3, 3, True, 250)
    assert entry.entrant.identity_key == "tel:0987654321" and entry.entrant.org_unit == province["dako"]
    board = client.get(f"/assessments/contests/{contest.slug}/rounds/1/leaderboard/").content.decode()
    assert "Đặng Văn Ước" in board and "Xã Đắk Ơ" in board
    assert "0987654321" not in board  # contact details never reach the public page


def test_the_form_asks_for_a_location_and_a_contact(client, contest):
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        html = client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/").content.decode()
        ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
        response = client.post(f"/assessments/contests/{contest.slug}/rounds/1/enter/",
                               {"ticket": ticket, "full_name": "An", "prediction": "5"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"address", "phone"}
    assert ContestEntry.objects.count() == 0


def test_entries_per_person_per_round(contest):
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        enter(contest_round, right=1)
        with pytest.raises(EntryLimitReached):
            enter(contest_round, phone="+84 912 345 678")  # the same person, written differently
        Contest.objects.filter(pk=contest.pk).update(entries_per_round=2)
        contest_round.contest.refresh_from_db()
        second = enter(contest_round, right=3)
    assert second.number == 2
    rows = selectors.leaderboard(contest_round)
    assert len(rows) == 1 and rows[0].score == 3  # the best entry counts


def test_a_ticket_older_than_the_time_limit_is_refused(contest):
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        with pytest.raises(EntryExpired):
            enter(contest_round, seconds=31 * 60)
        with pytest.raises(EntryExpired):
            contest_services.contest_entry_submit(contest_round=contest_round, ticket="forged", responses={},
                                                  prediction=1, full_name="X", phone="0912345678")
    assert ContestEntry.objects.count() == 0


def test_floods_from_one_address_are_throttled(contest, settings):
    settings.CONTEST_ENTRIES_PER_IP_PER_HOUR = 3
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        for n in range(3):
            enter(contest_round, phone=f"09000000{n:02d}", ip="10.9.9.9")
        with pytest.raises(TooManyRequests):
            enter(contest_round, phone="0900000099", ip="10.9.9.9")
        enter(contest_round, phone="0900000099", ip="10.9.9.10")
    assert ContestEntry.objects.count() == 4


def test_ranking_score_then_tiebreak_then_time_then_submission(contest):
    contest_round = contest.rounds.get(number=1)
    at = OPENS + dt.timedelta(hours=1)
    with time_machine.travel(at, tick=False) as clock:
        enter(contest_round, name="Điểm thấp", phone="0900000001", right=1, prediction=5)
        enter(contest_round, name="Dự đoán xa", phone="0900000002", prediction=50)
        enter(contest_round, name="Chậm hơn", phone="0900000003", prediction=5, seconds=120)
        enter(contest_round, name="Nhanh nhất", phone="0900000004", prediction=5, seconds=30)
        clock.move_to(at + dt.timedelta(minutes=1))
        enter(contest_round, name="Gửi sau", phone="0900000005", prediction=5, seconds=30)
    # five entries so far: a prediction of 5 is exact
    assert selectors.tiebreak_actual(contest_round) == 5
    assert [row.name for row in selectors.leaderboard(contest_round)] == [
        "Nhanh nhất", "Gửi sau", "Chậm hơn", "Dự đoán xa", "Điểm thấp"]


def test_leaderboard_per_org_unit(contest, province):
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        enter(contest_round, name="Người Đắk Ơ", phone="0900000001", org_unit=province["hamlet"])
        enter(contest_round, name="Người Tân An", phone="0900000002", org_unit=province["tanan"])
    assert [r.name for r in selectors.leaderboard(contest_round, org_unit=province["dako"])] == ["Người Đắk Ơ"]
    standings = {row["entrant__org_unit__code"]: row["entrants"] for row in selectors.unit_standings(contest_round)}
    assert standings == {"THON-3": 1, "XA-TANAN": 1}


def test_a_restricted_contest_is_open_to_its_units_only(province, client):
    category = make_category(province["justice"])
    contest = make_contest(province["justice"], [make_question(category, "single")], opens_at=OPENS,
                           audience=Contest.Audience.RESTRICTED)
    contest.allowed_units.add(province["dako"])
    contest_round = contest.rounds.get()
    insider = make_user()
    make_profile(province["hamlet"], "Y Bhăm", user=insider)
    outsider = make_user()
    make_profile(province["tanan"], "Lê Văn Tám", user=outsider)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        assert client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/").status_code == 403
        with pytest.raises(NotEligible):
            enter(contest_round, user=outsider)
        entry = enter(contest_round, user=insider, name="Y Bhăm")
    assert entry.entrant.org_unit == province["hamlet"] and entry.entrant.user == insider


def test_a_closed_round_takes_no_entries(client, contest):
    with time_machine.travel(OPENS - dt.timedelta(hours=1), tick=False):
        response = client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/")
    assert response.status_code == 403
    assert client.get("/assessments/contests/").status_code == 200


def test_staff_export_is_scoped(province, contest):
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        enter(contest_round, name="Người Đắk Ơ", phone="0900000001", org_unit=province["hamlet"])
        enter(contest_round, name="Người Tân An", phone="0900000002", org_unit=province["tanan"])
    organiser = make_staff(Role.DEPARTMENT_ADMIN, province["justice"])
    commune = make_staff(Role.UNIT_MANAGER, province["dako"])
    assert selectors.contest_entries_for_export(organiser, contest).count() == 2
    assert [e.entrant.full_name for e in selectors.contest_entries_for_export(commune, contest)] == ["Người Đắk Ơ"]


def test_a_malformed_client_address_is_not_stored(contest):
    contest_round = contest.rounds.get(number=1)
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        entry = enter(contest_round, ip="10.0.0.256")
    assert entry.client_ip is None
