"""Races: concurrent finishes and starts, on the real database (PostgreSQL in CI; SQLite serialises writers)."""
import threading

import pytest
from django.db import connections

from assessments import selectors, services
from assessments.exceptions import AttemptNotLive
from assessments.models import Attempt
from tests.factories import make_category, make_question, make_quiz, make_unit, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def run_together(function, times=2):
    """Run ``function`` in ``times`` threads released at the same moment; return results or errors."""
    barrier = threading.Barrier(times)
    results = [None] * times

    def worker(index):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def quiz():
    unit = make_unit("Sở Tư pháp", "SO-TP-RACE")
    category = make_category(unit)
    return make_quiz(unit, [make_question(category, "single"), make_question(category, "short_answer")],
                     max_attempts=0)


def test_two_concurrent_finishes_give_one_grade(quiz):
    # given an attempt with a right answer saved
    learner = make_user()
    attempt = services.attempt_start(user=learner, quiz=quiz)
    slot = attempt.questions.get(spec__type="single")
    right = selectors.attempt_tokens(attempt).option(next(o["id"] for o in slot.spec["options"] if o["correct"]))
    services.answer_save(attempt_id=attempt.pk, user=learner, position=slot.position, response=right, sequence=1)
    finishes = []
    from assessments.signals import attempt_finished

    def count(sender, attempt, **kwargs):
        finishes.append(attempt.pk)

    attempt_finished.connect(count)
    try:
        # when two finishes arrive at once
        results = run_together(lambda: services.attempt_finish(attempt_id=attempt.pk, user=learner), times=4)
    finally:
        attempt_finished.disconnect(count)
    # then one wins, the others get a conflict, and the grade is computed once
    winners = [r for r in results if isinstance(r, Attempt)]
    losers = [r for r in results if isinstance(r, AttemptNotLive)]
    assert (len(winners), len(losers)) == (1, 3), results
    assert finishes == [attempt.pk]
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (Attempt.State.FINISHED, 1)


def test_two_concurrent_starts_give_one_live_attempt(quiz):
    learner = make_user()
    results = run_together(lambda: services.attempt_start(user=learner, quiz=quiz), times=4)
    assert all(isinstance(r, Attempt) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
