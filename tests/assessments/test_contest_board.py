"""The contest hot path after its optimisation: the place counted in the database agrees with the
board, the board is shared through the cache for a few seconds, question specs are cached but never
stale after an edit."""
import datetime as dt
import random
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import selectors
from assessments.models import ContestEntrant, ContestEntry
from assessments.services import contests as contest_services
from assessments.views import RenderedFragments
from tests.factories import make_category, make_contest, make_profile, make_question, make_user

from .test_contests import OPENS, enter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest(province):
    category = make_category(province["justice"])
    questions = [make_question(category, "single"), make_question(category, "true_false"),
                 make_question(category, "short_answer")]
    return make_contest(province["justice"], questions, opens_at=OPENS, weeks=1, entries_per_round=3)


def crowd(contest_round, province, seed: int, people: int = 40):
    """Entrants with one to three entries each, built to tie often on score, prediction and time."""
    rng = random.Random(seed)
    units = [province["tanan"], province["hamlet"], None]
    submitted = OPENS + dt.timedelta(hours=1)
    for n in range(people):
        entrant = ContestEntrant.objects.create(contest=contest_round.contest, identity_key=f"tel:09{n:08d}",
                                                full_name=f"Người dự thi {n}", org_unit=rng.choice(units),
                                                address="Thôn 2")
        for number in range(1, rng.randint(1, 3) + 1):
            ContestEntry.objects.create(
                round=contest_round, entrant=entrant, number=number, score=Decimal(rng.choice([1, 2, 3])),
                max_score=Decimal(3), prediction=rng.choice([30, 50, 60, 90]),
                started_at=submitted - dt.timedelta(minutes=5),
                submitted_at=submitted + dt.timedelta(seconds=rng.choice([0, 0, 1, 2])),
                time_taken_ms=rng.choice([60_000, 60_000, 90_000]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_place_counted_in_the_database_is_the_place_on_the_board(contest, province, seed):
    contest_round = contest.rounds.get()
    crowd(contest_round, province, seed)
    board = selectors.leaderboard(contest_round, limit=None)
    assert len(board) == 40
    rank_of = {row.entrant_id: row.rank for row in board}
    for entry in ContestEntry.objects.filter(round=contest_round):
        assert selectors.entry_rank(entry) == rank_of[entry.entrant_id]


@pytest.mark.parametrize("limit", [1, 5, 17])
def test_a_limited_board_is_the_top_of_the_full_board(contest, province, limit):
    contest_round = contest.rounds.get()
    crowd(contest_round, province, seed=7)
    assert selectors.leaderboard(contest_round, limit=limit) == selectors.leaderboard(contest_round,
                                                                                      limit=None)[:limit]
    unit = province["dako"]
    full = selectors.leaderboard(contest_round, org_unit=unit, limit=None)
    assert full and all(row.unit == "Thôn 3 Đắk Ơ" for row in full)
    assert selectors.leaderboard(contest_round, org_unit=unit, limit=limit) == full[:limit]


def test_the_board_is_shared_for_a_few_seconds_then_recomputed(contest, province):
    contest_round = contest.rounds.get()
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False) as clock:
        enter(contest_round, name="Người thứ nhất", phone="0900000001")
        first = selectors.round_board(contest_round)
        assert [row.name for row in first.rows] == ["Người thứ nhất"]
        enter(contest_round, name="Người thứ hai", phone="0900000002", right=1)
        with CaptureQueriesContext(connection) as queries:
            again = selectors.round_board(contest_round)
        assert len(queries) == 0 and again == first  # served from the cache
        clock.shift(dt.timedelta(seconds=selectors.BOARD_FRESH_SECONDS + 1))
        fresh = selectors.round_board(contest_round)
    assert [row.name for row in fresh.rows] == ["Người thứ nhất", "Người thứ hai"]
    assert fresh.actual == 2 and fresh.computed_at > first.computed_at


def test_while_one_request_refreshes_a_stale_board_the_others_get_the_previous_one(contest, province):
    contest_round = contest.rounds.get()
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False) as clock:
        enter(contest_round, name="Người thứ nhất", phone="0900000001")
        first = selectors.round_board(contest_round)
        enter(contest_round, name="Người thứ hai", phone="0900000002")
        clock.shift(dt.timedelta(seconds=selectors.BOARD_FRESH_SECONDS + 1))
        cache.add(f"assessments:board:{contest_round.pk}:0:refreshing", 1)  # another request is refreshing
        assert selectors.round_board(contest_round) == first
        cache.delete(f"assessments:board:{contest_round.pk}:0:refreshing")
        assert len(selectors.round_board(contest_round).rows) == 2


def test_the_leaderboard_page_says_when_it_was_computed(client, contest, province):
    contest_round = contest.rounds.get()
    with time_machine.travel(OPENS + dt.timedelta(hours=1, minutes=2, seconds=3), tick=False):
        enter(contest_round, name="Nguyễn Thị Hoa")
        html = client.get(f"/assessments/contests/{contest.slug}/rounds/1/leaderboard/").content.decode()
    assert "Nguyễn Thị Hoa" in html
    assert "Cập nhật lúc 08:02:03" in html  # Hà Nội time


def test_an_edited_question_is_graded_by_its_new_answer_at_once(contest, province):
    contest_round = contest.rounds.get()
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        ticket = contest_services.entry_ticket(contest_round=contest_round)
        data = contest_services.read_ticket(contest_round=contest_round, ticket=ticket)
        before = contest_services.ticket_questions(contest_round=contest_round, data=data)
        with CaptureQueriesContext(connection) as queries:
            assert contest_services.ticket_questions(contest_round=contest_round, data=data) == before
        assert len(queries) == 1  # the version check; the specs come from the cache
        # when a trainer flips the true/false answer in the admin (a save touches updated_at)
        item = next(i for i in before if i["spec"]["type"] == "true_false")
        question = contest_round.slots.get(question_id=item["spec"]["id"]).question
        question.true_false_answer = not question.true_false_answer
        question.save()
        after = contest_services.ticket_questions(contest_round=contest_round, data=data)
    changed = next(i for i in after if i["spec"]["id"] == question.pk)
    assert changed["spec"]["answer"] == {"value": question.true_false_answer}
    assert changed["spec"]["mark"] == item["spec"]["mark"] and changed["display"] == item["display"]


def entry_form(client, contest) -> str:
    response = client.get(f"/assessments/contests/{contest.slug}/rounds/1/enter/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_entry_form_built_from_shared_fragments_shows_each_question_and_no_answer(client, contest):
    # given the same round opened by many visitors (their fieldsets are rendered once and shared)
    contest_round = contest.rounds.get()
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        pages = [entry_form(client, contest) for _visitor in range(3)]
    # then every page shows the three questions, each once, and nothing of the answer key
    stems = [slot.question.stem for slot in contest_round.slots.select_related("question")]
    for html in pages:
        assert sorted(re.findall(r'name="positions" value="(\d+)"', html)) == ["0", "1", "2"]
        for stem in stems:
            assert html.count(stem) == 1
        assert "correct" not in html and "is_correct" not in html and '"answer"' not in html


def test_an_edited_question_is_shown_as_edited_on_the_next_entry_form(client, contest):
    question = contest.rounds.get().slots.filter(question__qtype="single").get().question
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        before = entry_form(client, contest)
        option = question.options.order_by("sort_order").first()
        question.stem = "<p>Cơ quan nào ban hành luật?</p>"
        question.save()
        option.text = "Quốc hội khóa XV"
        option.save()
        question.save()  # the admin saves the question with its options: updated_at moves
        after = entry_form(client, contest)
    assert "Cơ quan nào ban hành luật?" not in before
    assert "Cơ quan nào ban hành luật?" in after and "Quốc hội khóa XV" in after


def test_a_signed_in_visitor_gets_their_details_not_the_shared_blank_form(client, contest, province):
    user = make_user()
    make_profile(province["hamlet"], "Y Bhăm", user=user, phone="0911222333")
    with time_machine.travel(OPENS + dt.timedelta(hours=1), tick=False):
        blank = entry_form(client, contest)  # an anonymous visitor first: the blank form is kept
        client.force_login(user)
        own = entry_form(client, contest)
    assert "Y Bhăm" not in blank and "0911222333" not in blank
    assert 'value="Y Bhăm"' in own and 'value="0911222333"' in own


def test_rendered_fragments_are_bounded_and_renewed():
    fragments = RenderedFragments(size=2, seconds=600)
    renders = []

    def render(text):
        renders.append(text)
        return text

    with time_machine.travel(OPENS, tick=False) as clock:
        assert [fragments.get((key,), lambda key=key: render(key)) for key in "aab"] == ["a", "a", "b"]
        assert renders == ["a", "b"]  # the second "a" was not rendered again
        fragments.get(("c",), lambda: render("c"))  # "a" is the least recently used: dropped
        fragments.get(("b",), lambda: render("b"))
        fragments.get(("a",), lambda: render("a"))
        assert renders == ["a", "b", "c", "a"]
        clock.shift(dt.timedelta(seconds=601))
        fragments.get(("a",), lambda: render("a"))  # re-rendered once its period is over
    assert renders == ["a", "b", "c", "a", "a"] and len(fragments.entries) == 2
