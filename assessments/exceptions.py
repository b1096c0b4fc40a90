"""Errors a learner can meet while taking a quiz or entering a contest.

Each is a translated ValidationError with a ``code``; the API maps codes to
HTTP statuses (``status``) and pages show the message.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AssessmentError(ValidationError):
    status = 400
    default_message = _("This cannot be done now.")
    default_code = "invalid"

    def __init__(self, message=None, code=None, params=None):
        super().__init__(message or self.default_message, code=code or self.default_code, params=params)


class QuizNotOpen(AssessmentError):
    status = 403
    default_message = _("This quiz is not open now. Check its opening and closing times.")
    default_code = "not_open"


class QuizAccessDenied(AssessmentError):
    status = 403
    default_message = _("This quiz is not open to you. If it belongs to a course, enrol in that course first, "
                        "then open the quiz from the course's lesson.")
    default_code = "access_denied"


class NoAttemptsLeft(AssessmentError):
    status = 403
    default_message = _("You have used every attempt this quiz allows.")
    default_code = "no_attempts_left"


class QuizEmpty(AssessmentError):
    status = 409
    default_message = _("This quiz has no questions yet. Tell the trainer.")
    default_code = "empty"


class AttemptNotLive(AssessmentError):
    status = 409
    default_message = _("This attempt is already finished. Open its result instead.")
    default_code = "not_live"


class TimeUp(AssessmentError):
    status = 409
    default_message = _("The time for this attempt is up; answers can no longer be changed.")
    default_code = "time_up"


class StaleAnswer(AssessmentError):
    status = 409
    default_message = _("A newer answer to this question is already saved; this older one was ignored.")
    default_code = "stale"


class QuestionClosed(AssessmentError):
    status = 409
    default_message = _("With sequential navigation you cannot go back to an earlier question.")
    default_code = "question_closed"


class InvalidAnswer(AssessmentError):
    status = 400
    default_message = _("This answer does not fit the question.")
    default_code = "invalid_answer"


class NoSuchQuestion(AssessmentError):
    status = 404
    default_message = _("This attempt has no question at that position. Reload the page and answer again.")
    default_code = "no_such_question"


class NoSuchQuiz(AssessmentError):
    status = 404
    default_message = _("No such quiz. Open it again from its course.")
    default_code = "not_found"


class NoSuchAttempt(AssessmentError):
    status = 404
    default_message = _("No such attempt of yours. Open the quiz again from its page.")
    default_code = "not_found"


class ReviewNotAllowed(AssessmentError):
    status = 403
    default_message = _("The review of this attempt is not available yet.")
    default_code = "review_not_allowed"


class ContestClosed(AssessmentError):
    status = 403
    default_message = _("This round is not open for entries now.")
    default_code = "round_closed"


class EntryLimitReached(AssessmentError):
    status = 403
    default_message = _("You have already sent every entry allowed for this round.")
    default_code = "entry_limit"


class EntryExpired(AssessmentError):
    status = 400
    default_message = _("This entry form has expired or is not valid. Open the round again and answer anew.")
    default_code = "entry_expired"


class NotEligible(AssessmentError):
    status = 403
    default_message = _("This contest is open to the people of certain units only. Log in with your account.")
    default_code = "not_eligible"


class TooManyRequests(AssessmentError):
    status = 429
    default_message = _("Too many entries from this connection. Try again in an hour.")
    default_code = "throttled"


class AlreadyAnswered(AssessmentError):
    status = 409
    default_message = _("You have already answered this survey. Thank you!")
    default_code = "already_answered"


class SurveySubjectNotAllowed(AssessmentError):
    status = 403
    default_message = _("You can rate only a course or a class you are enrolled in. Open the survey from "
                        "that course's page.")
    default_code = "subject_not_allowed"
