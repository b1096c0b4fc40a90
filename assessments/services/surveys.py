"""Survey responses: one per respondent, survey and subject; anonymous surveys keep no user.

The subject is what is rated: a course or a class the respondent is enrolled in, as the layers
above offer it (``selectors.survey_subjects``); anything else is refused, so nobody adds answers
to a unit's satisfaction figure by inventing subjects.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.text import nfc
from people.selectors import profile_of

from ..exceptions import AlreadyAnswered, SurveySubjectNotAllowed
from ..models import Survey, SurveyAnswer, SurveyItem, SurveyResponse
from ..models.surveys import LIKERT_MAX
from ..selectors import respondent_hash, survey_subjects

MAX_TEXT = 2000


def survey_submit(*, survey: Survey, user, answers: dict[int, object], subject_key: str = "",
                  now=None) -> SurveyResponse:
    """Store ``user``'s answers (item id -> 1..5 or text) about ``subject_key`` (e.g. ``"course:12"``).

    Raises SurveySubjectNotAllowed when the subject is not a course or class ``user`` is enrolled in
    (``selectors.survey_subjects``), ValidationError listing the missing or out-of-range answers,
    AlreadyAnswered for a second response on the same subject.
    """
    now = now or timezone.now()
    if not survey.is_active:
        raise ValidationError(_("This survey is closed."), code="closed")
    if subject_key not in survey_subjects(user):
        raise SurveySubjectNotAllowed()
    items = list(survey.items.order_by("sort_order"))
    rows, errors = [], {}
    for item in items:
        raw = answers.get(item.pk)
        if item.kind == SurveyItem.Kind.LIKERT:
            try:
                value = int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                value = 0
            if value is None:
                if item.required:
                    errors[str(item.pk)] = _("Choose a value from 1 to 5.")
                continue
            if not 1 <= value <= LIKERT_MAX:
                errors[str(item.pk)] = _("Choose a value from 1 to 5.")
                continue
            rows.append(SurveyAnswer(item=item, value=value))
        else:
            text = nfc(str(raw or ""))[:MAX_TEXT]
            if not text:
                if item.required:
                    errors[str(item.pk)] = _("This answer is required.")
                continue
            rows.append(SurveyAnswer(item=item, text=text))
    if errors:
        raise ValidationError(errors, code="incomplete")
    profile = profile_of(user)
    try:
        with transaction.atomic():
            response = SurveyResponse(
                survey=survey, subject_key=subject_key, submitted_at=now,
                user=None if survey.is_anonymous else user,
                respondent_hash=respondent_hash(survey=survey, user=user, subject_key=subject_key),
                org_unit=profile.org_unit if profile else None)
            response.full_clean(validate_constraints=False)
            response.save()
            for row in rows:
                row.response = response
            SurveyAnswer.objects.bulk_create(rows)
    except IntegrityError:
        raise AlreadyAnswered() from None
    return response
