"""The attempt state machine, with the clock frozen (time-machine)."""
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from assessments import selectors, services
from assessments.exceptions import (
    AttemptNotLive, InvalidAnswer, NoAttemptsLeft, QuestionClosed, QuizNotOpen, StaleAnswer, TimeUp,
)
from assessments.models import Attempt, OverdueHandling
from assessments.signals import attempt_finished
from tests.factories import make_category, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def bank(province):
    category = make_category(province["justice"], "Hiến pháp 2013")
    return {
        "category": category,
        "single": make_question(category, "single"),
        "short": make_question(category, "short_answer"),
        "numeric": make_question(category, "numeric", numeric_answer=Decimal("12.5"), numeric_tolerance=0),
    }


@pytest.fixture
def learner(province):
    return make_user("hocvien.a")


def right_option(slot):
    """The right option as the learner names it: the attempt's token, not the option's id."""
    right = next(o["id"] for o in slot.spec["options"] if o["correct"])
    return selectors.attempt_tokens(slot.attempt).option(right)


def slot_of(attempt, qtype):
    return attempt.questions.get(spec__type=qtype)


def test_start_freezes_the_questions_and_resumes_the_live_attempt(province, bank, learner):
    # given
    quiz = make_quiz(province["justice"], [bank["single"], bank["short"]], time_limit_minutes=10)
    # when
    with time_machine.travel(START, tick=False):
        attempt = services.attempt_start(user=learner, quiz=quiz)
        again = services.attempt_start(user=learner, quiz=quiz)
    # then
    assert again.pk == attempt.pk
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert attempt.deadline == START + dt.timedelta(minutes=10)
    assert attempt.questions.count() == 2 and attempt.max_score == 2
    # an edit to the bank does not change the running attempt
    bank["short"].options.update(text="Luật")
    assert slot_of(attempt, "short_answer").spec["options"][0]["text"] == "Hiến pháp"


def test_deadline_is_the_close_when_it_comes_before_the_time_limit(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["single"]], time_limit_minutes=60,
                     closes_at=START + dt.timedelta(minutes=15))
    with time_machine.travel(START, tick=False):
        attempt = services.attempt_start(user=learner, quiz=quiz)
    assert attempt.deadline == START + dt.timedelta(minutes=15)


def test_quiz_window_and_attempt_limit(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["single"]], opens_at=START, closes_at=START + dt.timedelta(days=1),
                     max_attempts=1)
    with time_machine.travel(START - dt.timedelta(minutes=1), tick=False), pytest.raises(QuizNotOpen):
        services.attempt_start(user=learner, quiz=quiz)
    with time_machine.travel(START, tick=False):
        attempt = services.attempt_start(user=learner, quiz=quiz)
        services.attempt_finish(attempt_id=attempt.pk, user=learner)
        with pytest.raises(NoAttemptsLeft):
            services.attempt_start(user=learner, quiz=quiz)


def test_answers_autosave_and_grade(province, bank, learner, django_capture_on_commit_callbacks):
    quiz = make_quiz(province["justice"], [bank["single"], bank["short"], bank["numeric"]], pass_percent=60)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    single = slot_of(attempt, "single")
    services.answer_save(attempt_id=attempt.pk, user=learner, position=single.position,
                         response=right_option(single), sequence=1)
    services.answer_save(attempt_id=attempt.pk, user=learner, position=slot_of(attempt, "short_answer").position,
                         response="  hien PHAP ", sequence=1)
    services.answer_save(attempt_id=attempt.pk, user=learner, position=slot_of(attempt, "numeric").position,
                         response="12,4", sequence=1)
    received = []

    def on_finished(sender, attempt, **kwargs):
        received.append(attempt.pk)

    attempt_finished.connect(on_finished)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            finished = services.attempt_finish(attempt_id=attempt.pk, user=learner)
    finally:
        attempt_finished.disconnect(on_finished)
    assert (finished.state, finished.score, finished.max_score) == (Attempt.State.FINISHED, 2, 3)
    assert finished.percent == Decimal("66.67") and finished.passed is True
    assert received == [attempt.pk]
    with pytest.raises(AttemptNotLive):
        services.attempt_finish(attempt_id=attempt.pk, user=learner)
    assert Attempt.objects.get(pk=attempt.pk).score == 2


def test_a_stale_answer_never_overwrites_a_newer_one(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["short"]])
    attempt = services.attempt_start(user=learner, quiz=quiz)
    services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Hiến pháp", sequence=5)
    with pytest.raises(StaleAnswer):
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Luật", sequence=4)
    with pytest.raises(StaleAnswer):
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Luật", sequence=5)
    slot = attempt.questions.get()
    assert (slot.response, slot.sequence) == ("Hiến pháp", 5)


def test_an_answer_that_does_not_fit_is_refused(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["single"]])
    attempt = services.attempt_start(user=learner, quiz=quiz)
    with pytest.raises(InvalidAnswer):
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response=123456, sequence=1)
    assert attempt.questions.get().response is None


def test_answer_saved_three_seconds_before_the_deadline_is_accepted(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["short"]], time_limit_minutes=5, grace_seconds=10)
    with time_machine.travel(START, tick=False) as clock:
        attempt = services.attempt_start(user=learner, quiz=quiz)
        clock.move_to(START + dt.timedelta(minutes=5) - dt.timedelta(seconds=3))
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Hiến pháp", sequence=1)
    assert attempt.questions.get().response == "Hiến pháp"


def test_answers_after_close_plus_grace_are_refused_and_the_saved_one_is_graded(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["short"]], time_limit_minutes=5, grace_seconds=10)
    with time_machine.travel(START, tick=False) as clock:
        attempt = services.attempt_start(user=learner, quiz=quiz)
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Hiến pháp", sequence=1)
        # within the grace period: accepted, and the attempt is overdue
        clock.move_to(START + dt.timedelta(minutes=5, seconds=9))
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="hiến pháp", sequence=2)
        assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OVERDUE
        # past the grace period: refused, nothing overwritten
        clock.move_to(START + dt.timedelta(minutes=5, seconds=11))
        with pytest.raises(TimeUp):
            services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Luật", sequence=3)
        assert attempt.questions.get().response == "hiến pháp"
        closed = services.attempt_close_if_expired(attempt_id=attempt.pk)
    assert (closed.state, closed.score) == (Attempt.State.FINISHED, 1)


def test_the_sweep_grades_an_abandoned_attempt_on_its_autosaved_answers(province, bank, learner):
    # given a learner who answered two questions and closed the browser
    quiz = make_quiz(province["justice"], [bank["single"], bank["short"], bank["numeric"]], time_limit_minutes=20)
    other = make_quiz(province["justice"], [bank["single"]], time_limit_minutes=60)
    with time_machine.travel(START, tick=False) as clock:
        attempt = services.attempt_start(user=learner, quiz=quiz)
        running = services.attempt_start(user=learner, quiz=other)
        single = slot_of(attempt, "single")
        services.answer_save(attempt_id=attempt.pk, user=learner, position=single.position,
                             response=right_option(single), sequence=1)
        services.answer_save(attempt_id=attempt.pk, user=learner, position=slot_of(attempt, "numeric").position,
                             response="12.5", sequence=1)
        # when the beat sweep runs after the time and the grace are over
        clock.move_to(START + dt.timedelta(minutes=21))
        from assessments.tasks import close_expired_attempts

        closed = close_expired_attempts.apply().get()  # the task as the worker runs it, without a broker
        # then it is graded on what was saved, never blank; the other attempt still runs
        attempt.refresh_from_db()
        assert closed == 1
        assert (attempt.state, attempt.score, attempt.finished_at) == (
            Attempt.State.FINISHED, 2, START + dt.timedelta(minutes=21))
        assert Attempt.objects.get(pk=running.pk).state == Attempt.State.IN_PROGRESS
        # running it again changes nothing
        assert services.attempts_close_expired() == 0


def test_a_quiz_may_refuse_to_count_attempts_not_submitted_in_time(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["short"]], time_limit_minutes=5,
                     overdue_handling=OverdueHandling.ABANDON)
    with time_machine.travel(START, tick=False) as clock:
        attempt = services.attempt_start(user=learner, quiz=quiz)
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response="Hiến pháp", sequence=1)
        clock.move_to(START + dt.timedelta(hours=1))
        services.attempts_close_expired()
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (Attempt.State.ABANDONED, None)
    assert selectors.best_result(learner, quiz) is None


def test_sequential_navigation_closes_earlier_questions(province, bank, learner):
    quiz = make_quiz(province["justice"], [bank["single"], bank["short"]], sequential=True)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_advance(attempt_id=attempt.pk, user=learner, position=0)
    with pytest.raises(QuestionClosed):
        services.answer_save(attempt_id=attempt.pk, user=learner, position=0, response=None, sequence=9)
    services.answer_save(attempt_id=attempt.pk, user=learner, position=1, response="x", sequence=1)


@pytest.mark.parametrize("method, expected", [
    ("highest", 100), ("last", 0), ("first", 0), ("average", Decimal("33.33"))])
def test_best_result_follows_the_grading_method(province, bank, learner, method, expected):
    quiz = make_quiz(province["justice"], [bank["single"]], max_attempts=0, grading_method=method, pass_percent=50)
    first = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_finish(attempt_id=first.pk, user=learner)
    second = services.attempt_start(user=learner, quiz=quiz)
    slot = second.questions.get()
    services.answer_save(attempt_id=second.pk, user=learner, position=0, response=right_option(slot), sequence=1)
    services.attempt_finish(attempt_id=second.pk, user=learner)
    third = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_finish(attempt_id=third.pk, user=learner)
    # then
    result = selectors.best_result(learner, quiz)
    assert result.percent == expected and result.attempts == 3
    assert result.passed is (expected >= 50)


def test_random_draws_come_from_the_category_without_repeats(province, bank, learner):
    extra = [make_question(bank["category"], "true_false") for _n in range(4)]
    inactive = make_question(bank["category"], "true_false", is_active=False)
    quiz = make_quiz(province["justice"], [bank["single"]], draws=[(bank["category"], 50)])
    attempt = services.attempt_start(user=learner, quiz=quiz, seed=7)
    drawn = list(attempt.questions.values_list("question_id", flat=True))
    assert len(drawn) == len(set(drawn)) == 3 + len(extra)
    assert inactive.pk not in drawn
    assert drawn[0] == bank["single"].pk


def test_review_follows_the_quiz_review_options(province, bank, learner):
    close = START + dt.timedelta(days=7)
    quiz = make_quiz(province["justice"], [bank["single"]], closes_at=close, review_correct_answers="after_close",
                     review_feedback="never")
    with time_machine.travel(START, tick=False) as clock:
        attempt = services.attempt_start(user=learner, quiz=quiz)
        assert selectors.review_policy(attempt).any is False
        attempt = services.attempt_finish(attempt_id=attempt.pk, user=learner)
        policy = selectors.review_policy(attempt)
        assert (policy.answers, policy.correctness, policy.correct_answers, policy.feedback) == (
            True, True, False, False)
        clock.move_to(close)
        assert selectors.review_policy(attempt).correct_answers is True
        assert timezone.now() == close


def test_the_database_refuses_a_second_live_attempt(province, bank, learner):
    from django.db import IntegrityError, transaction

    quiz = make_quiz(province["justice"], [bank["single"]], max_attempts=0)
    services.attempt_start(user=learner, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, user=learner, number=2, started_at=timezone.now())
