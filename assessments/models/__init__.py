"""Models of the assessments app, one module per area (the app outgrew one file)."""
from .contests import Contest, ContestEntrant, ContestEntry, ContestRound, RoundSlot, TiebreakKind
from .questions import Difficulty, Question, QuestionCategory, QuestionOption, QuestionTag, QuestionType, Scoring
from .quizzes import Attempt, AttemptQuestion, GradingMethod, OverdueHandling, Quiz, QuizSlot, ReviewWhen
from .surveys import Survey, SurveyAnswer, SurveyItem, SurveyResponse

__all__ = [
    "Attempt", "AttemptQuestion", "Contest", "ContestEntrant", "ContestEntry", "ContestRound", "Difficulty",
    "GradingMethod", "OverdueHandling", "Question", "QuestionCategory", "QuestionOption", "QuestionTag",
    "QuestionType", "Quiz", "QuizSlot", "ReviewWhen", "RoundSlot", "Scoring", "Survey", "SurveyAnswer",
    "SurveyItem", "SurveyResponse", "TiebreakKind",
]
