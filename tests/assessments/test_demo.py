"""The demo seeder: idempotent, and every demo question can be asked."""
import pytest

from assessments import selectors, services
from assessments.demo import seed_assessments
from assessments.models import Contest, Question, Quiz, Survey
from people.demo import seed_people
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_playable():
    seed_people(learners=5)
    first = seed_assessments()
    second = seed_assessments()
    assert first == second
    assert (Question.objects.count(), Quiz.objects.count(), Contest.objects.count(), Survey.objects.count()) == (
        10, 1, 1, 1)
    for question in Question.objects.prefetch_related("options"):
        spec = services.question_spec(question)
        assert services.question_problems(
            qtype=question.qtype, options=spec["options"], true_false_answer=question.true_false_answer,
            numeric_answer=question.numeric_answer) == [], question.code
    contest = Contest.objects.get()
    current = selectors.current_round(contest)
    assert services.contests.round_is_open(current, current.opens_at)
    attempt = services.attempt_start(user=make_user(), quiz=Quiz.objects.get())
    assert attempt.questions.count() == 10
