"""Satisfaction surveys: one answer per person and subject, anonymity, the satisfaction rate."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail import hooks

from assessments import selectors, services
from assessments.exceptions import AlreadyAnswered
from assessments.models import SurveyResponse
from tests.factories import make_profile, make_survey, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rated_subjects")]


@pytest.fixture
def rated_subjects():
    """Everyone may rate course 1, course 2 and class 7 (enrollment's answer is tested in test_survey_subjects)."""
    subjects = {"course:1": "Khóa 1", "course:2": "Khóa 2", "class:7": "Lớp 7"}
    with hooks.register_temporarily("assessments_survey_subjects", lambda user: subjects):
        yield subjects


def answer(survey, user, overall, subject="course:1", **extra):
    items = list(survey.items.order_by("sort_order"))
    return services.survey_submit(survey=survey, user=user, subject_key=subject,
                                  answers={items[0].pk: overall, items[1].pk: 4, items[2].pk: "Rất bổ ích"}, **extra)


def test_the_satisfaction_rate_counts_4_and_5_on_the_overall_question(province):
    survey = make_survey(province["justice"])
    for value in (5, 4, 4, 3, 1):
        answer(survey, make_user(), value)
    answer(survey, make_user(), 5, subject="course:2")
    rate = selectors.satisfaction_rate(survey=survey, subject_keys=["course:1"])
    assert (rate.respondents, rate.satisfied, rate.rate) == (5, 3, Decimal("60.00"))
    assert selectors.satisfaction_rate(survey=survey).rate == Decimal("66.67")
    assert selectors.satisfaction_rate(subject_keys=["course:9"]).rate is None


def test_rate_per_org_unit_and_period(province):
    survey = make_survey(province["justice"])
    commune_user = make_user()
    make_profile(province["hamlet"], user=commune_user)
    answer(survey, commune_user, 5, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    answer(survey, make_user(), 2, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert selectors.satisfaction_rate(org_unit=province["dako"]).rate == 100
    assert selectors.satisfaction_rate(since=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)).respondents == 0


def test_one_answer_per_person_and_subject_even_when_anonymous(province):
    survey = make_survey(province["justice"], is_anonymous=True)
    learner = make_user()
    response = answer(survey, learner, 5)
    assert response.user is None  # anonymous: who answered is not kept
    with pytest.raises(AlreadyAnswered):
        answer(survey, learner, 1)
    assert selectors.has_answered(learner, survey, "course:1")
    answer(survey, learner, 4, subject="course:2")
    assert SurveyResponse.objects.count() == 2


def test_a_named_survey_keeps_the_respondent(province):
    survey = make_survey(province["justice"], is_anonymous=False)
    learner = make_user()
    assert answer(survey, learner, 3).user == learner


def test_missing_or_out_of_range_answers_are_refused(province):
    survey = make_survey(province["justice"])
    items = list(survey.items.order_by("sort_order"))
    with pytest.raises(ValidationError) as error:
        services.survey_submit(survey=survey, user=make_user(), answers={items[0].pk: 7}, subject_key="course:1")
    assert set(error.value.message_dict) == {str(items[0].pk), str(items[1].pk)}
    assert SurveyResponse.objects.count() == 0


def test_the_survey_page(client, province):
    survey = make_survey(province["justice"])
    client.force_login(make_user())
    items = list(survey.items.order_by("sort_order"))
    page = client.get(f"/assessments/surveys/{survey.pk}/?subject=class:7")
    assert page.status_code == 200 and "Rất hài lòng" in page.content.decode()
    missing = client.post(f"/assessments/surveys/{survey.pk}/", {"subject": "class:7", f"item{items[0].pk}": "5"})
    assert missing.status_code == 400
    done = client.post(f"/assessments/surveys/{survey.pk}/", {"subject": "class:7", f"item{items[0].pk}": "5",
                                                              f"item{items[1].pk}": "4"})
    assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
    assert selectors.satisfaction_rate(subject_keys=["class:7"]).rate == 100
