"""Hook points through which higher layers decide who may take a quiz and what a person may rate.

assessments/ sits below courses and enrolment and never imports them, yet a quiz
embedded in a course lesson is only for that course's learners. The layers above
register a Wagtail hook:

* ``assessments_quiz_access``: ``fn(user, quiz) -> bool | None`` — True allows,
  False denies, None has no opinion. Any False denies; with no hook registered,
  or only None/True answers, the quiz is open to every logged-in user.

It is asked before an attempt starts (pages, API, any caller of
``services.attempt_start``) and before the quiz's landing page (or its API
resource) is shown. Staff who may author the quiz are not asked about: see
``selectors.may_take_quiz``.

* ``assessments_survey_subjects``: ``fn(user) -> dict[str, str]`` — the subjects ``user`` may
  rate in a satisfaction survey, ``{subject key: label}`` (``{"course:12": "Kỹ năng hòa giải"}``).
  enrollment/ answers with the courses and classes the person is enrolled in. A subject no hook
  offers is refused: with no hook registered nobody can answer a survey about anything.
"""
from __future__ import annotations

from wagtail import hooks

QUIZ_ACCESS_HOOK = "assessments_quiz_access"


def quiz_access_denied(user, quiz) -> bool:
    """True when a registered ``assessments_quiz_access`` hook answers False for (user, quiz)."""
    return any(fn(user, quiz) is False for fn in hooks.get_hooks(QUIZ_ACCESS_HOOK))


SURVEY_SUBJECTS_HOOK = "assessments_survey_subjects"


def survey_subjects(user) -> dict[str, str]:
    """Every ``assessments_survey_subjects`` hook's subjects for ``user``, merged (earlier hooks win)."""
    subjects: dict[str, str] = {}
    for fn in hooks.get_hooks(SURVEY_SUBJECTS_HOOK):
        for key, label in (fn(user) or {}).items():
            subjects.setdefault(str(key), str(label))
    return subjects
