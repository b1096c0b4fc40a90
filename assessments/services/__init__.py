"""Writes of the assessments app (HackSoft style: keyword-only, typed, atomic).

Split by area: ``bank`` (question specs, checks, draws, XLSX import), ``attempts``
(the quiz attempt state machine), ``contests``, ``surveys``. Other apps use the
names re-exported here.
"""
from .attempts import (
    answer_save, attempt_advance, attempt_close_if_expired, attempt_finish, attempt_start,
    attempts_close_expired, quiz_is_open,
)
from .bank import draw_questions, question_problems, question_references_update, question_spec
from .contests import contest_entry_submit, contest_rounds_create_weekly, entry_ticket
from .surveys import survey_submit

__all__ = [
    "answer_save", "attempt_advance", "attempt_close_if_expired", "attempt_finish", "attempt_start",
    "attempts_close_expired", "contest_entry_submit", "contest_rounds_create_weekly", "draw_questions",
    "entry_ticket", "question_problems", "question_references_update", "question_spec", "quiz_is_open", "survey_submit",
]
