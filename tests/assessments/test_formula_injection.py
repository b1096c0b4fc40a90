"""Contest and quiz result files name entrants as they named themselves: never as a formula
(issue 13, finding 7). Failed before lms.sheets: the contest XLSX wrote "=1+1" as a formula."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from assessments.bank_xlsx import read_bank, write_bank
from people.models import Role
from tests.factories import make_category, make_contest, make_question, make_staff
from tests.spreadsheets import FORMULA_NAMES, assert_names_visible, xlsx_cells

pytestmark = pytest.mark.django_db


def test_the_contest_results_xlsx_keeps_formula_names_as_text(client, province):
    from assessments.services import contests as contest_services

    category = make_category(province["justice"])
    contest = make_contest(province["justice"], [make_question(category, "true_false")],
                           opens_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    contest_round = contest.rounds.get()
    with time_machine.travel(dt.datetime(2026, 3, 3, tzinfo=dt.UTC), tick=False):
        for number, name in enumerate(FORMULA_NAMES):
            ticket = contest_services.entry_ticket(contest_round=contest_round)
            contest_services.contest_entry_submit(contest_round=contest_round, ticket=ticket, responses={0: "true"},
                                                  prediction=2, full_name=name, org_unit=province["dako"],
                                                  phone=f"+8491111111{number}")
    client.force_login(make_staff(Role.UNIT_MANAGER, province["justice"]))
    response = client.get(reverse("assessments_contest_export", args=[contest.pk]))
    values = xlsx_cells(response.content)
    assert_names_visible(values)
    assert "'+84911111110" in values  # the phone too: text, visibly
    assert 1 in values and 2 in values  # round, place and prediction stay numbers


def test_a_bank_with_a_distractor_starting_with_a_dash_re_imports_unchanged(province):
    category = make_category(province["justice"])
    question = make_question(category, "matching", options=[
        ("Luật Hòa giải ở cơ sở", False, "2013"), ("Hiến pháp", False, "1992"), ("", False, "2012")])
    content = write_bank([question])
    assert "'- => 2012" in xlsx_cells(content)  # no formula, the distractor visibly text
    parsed = read_bank(content)
    assert parsed.errors == []
    assert [(option["text"], option["match"]) for option in parsed.questions[0].options] == [
        ("Luật Hòa giải ở cơ sở", "2013"), ("Hiến pháp", "1992"), ("", "2012")]
