"""Issue 13, finding 4: a learner stuffed a unit's satisfaction figure by answering one survey many
times under invented subjects (``?subject=`` was free text). Now the subject must be a course or a
class the person is enrolled in (enrollment answers the ``assessments_survey_subjects`` hook), and a
second answer on the same subject is refused with a message."""
import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from assessments import selectors, services
from assessments.exceptions import AlreadyAnswered, SurveySubjectNotAllowed
from assessments.models import SurveyResponse
from tests.factories import (
    make_catalog, make_course, make_enrollment_row, make_profile, make_survey, make_training_class, make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(province):
    catalog = make_catalog()
    taken, other = make_course(catalog, title="Kỹ năng hòa giải ở cơ sở"), make_course(catalog)
    learner = make_user()
    make_profile(province["tanan"], user=learner)
    training_class = make_training_class(taken, province["tanan"], dt.date(2026, 3, 2), title="Lớp hòa giải K1")
    make_enrollment_row(learner, taken, training_class=training_class)
    return {"learner": learner, "taken": taken, "other": other, "class": training_class,
            "survey": make_survey(province["justice"])}


def answers(survey, overall=5):
    items = list(survey.items.order_by("sort_order"))
    return {f"item{items[0].pk}": str(overall), f"item{items[1].pk}": "4"}


def test_enrollment_offers_the_courses_and_classes_a_person_is_enrolled_in(setting):
    assert selectors.survey_subjects(setting["learner"]) == {
        f"course:{setting['taken'].pk}": "Kỹ năng hòa giải ở cơ sở", f"class:{setting['class'].pk}": "Lớp hòa giải K1"}
    assert selectors.survey_subjects(make_user()) == {}


def test_invented_subjects_do_not_count(client, setting):
    # given a learner enrolled in one course (in one class)
    client.force_login(setting["learner"])
    survey = setting["survey"]
    url = f"/assessments/surveys/{survey.pk}/"
    # when they answer under every subject they can think of
    statuses = {}
    for subject in (f"course:{setting['taken'].pk}", f"class:{setting['class'].pk}", f"course:{setting['other'].pk}",
                    "course:999999", f"course:0{setting['taken'].pk}", "x" * 100, ""):
        statuses[subject] = client.post(url, {"subject": subject, **answers(survey)}).status_code
    # then only the course and the class they are enrolled in count
    assert list(statuses.values()) == [200, 200, 403, 403, 403, 403, 400]
    assert SurveyResponse.objects.count() == 2
    assert selectors.satisfaction_rate(survey=survey).respondents == 2
    refused = client.get(f"{url}?subject=course:{setting['other'].pk}")
    assert refused.status_code == 403 and "đã ghi danh" in refused.content.decode()


def test_a_second_answer_on_the_same_subject_is_refused_with_a_message(client, setting):
    client.force_login(setting["learner"])
    survey = setting["survey"]
    url = f"/assessments/surveys/{survey.pk}/?subject=course:{setting['taken'].pk}"
    assert client.post(url, answers(survey)).status_code == 200
    again = client.post(url, answers(survey, overall=1))
    assert again.status_code == 409 and "Anh/chị đã trả lời phiếu khảo sát này" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(AlreadyAnswered):
        services.survey_submit(survey=survey, user=setting["learner"], subject_key=f"course:{setting['taken'].pk}",
                               answers={int(k[4:]): v for k, v in answers(survey).items()})


def test_the_service_checks_the_subject_whoever_calls_it(setting):
    with pytest.raises(SurveySubjectNotAllowed):
        services.survey_submit(survey=setting["survey"], user=setting["learner"], answers={},
                               subject_key=f"course:{setting['other'].pk}")


def test_without_a_subject_the_learner_chooses_among_theirs(client, setting):
    client.force_login(setting["learner"])
    html = client.get(f"/assessments/surveys/{setting['survey'].pk}/").content.decode()
    assert 'name="subject"' in html and "Kỹ năng hòa giải ở cơ sở" in html and "Lớp hòa giải K1" in html
    assert setting["other"].title not in html


def test_a_named_survey_holds_one_response_per_person_and_subject_in_the_database(setting):
    survey = make_survey(setting["survey"].org_unit, is_anonymous=False)
    row = {"survey": survey, "subject_key": "course:1", "user": setting["learner"], "submitted_at": timezone.now()}
    SurveyResponse.objects.create(respondent_hash="a", **row)
    with pytest.raises(IntegrityError):
        SurveyResponse.objects.create(respondent_hash="b", **row)
