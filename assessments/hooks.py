"""Hook point through which higher layers decide who may take a quiz.

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
"""
from __future__ import annotations

from wagtail import hooks

QUIZ_ACCESS_HOOK = "assessments_quiz_access"


def quiz_access_denied(user, quiz) -> bool:
    """True when a registered ``assessments_quiz_access`` hook answers False for (user, quiz)."""
    return any(fn(user, quiz) is False for fn in hooks.get_hooks(QUIZ_ACCESS_HOOK))
