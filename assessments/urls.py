"""Pages of the assessments app: quizzes and attempts, contests, surveys."""
from django.urls import path, register_converter

from . import views


class IdConverter:
    """A database id: digits that fit 64 bits (a longer number is no page, not an overflow in the database)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "assessments_id")

app_name = "assessments"

urlpatterns = [
    path("quizzes/<assessments_id:pk>/", views.quiz_detail, name="quiz"),
    path("quizzes/<assessments_id:pk>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<assessments_id:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<assessments_id:pk>/save/", views.attempt_save, name="attempt_save"),
    path("attempts/<assessments_id:pk>/result/", views.attempt_result, name="result"),
]

urlpatterns += [
    path("contests/", views.contest_list, name="contests"),
    path("contests/<slug:slug>/", views.contest_detail, name="contest"),
    path("contests/<slug:slug>/rounds/<assessments_id:number>/enter/", views.round_enter, name="round_enter"),
    path("contests/<slug:slug>/rounds/<assessments_id:number>/leaderboard/", views.round_leaderboard, name="leaderboard"),
    path("contests/<slug:slug>/entries/<str:token>/", views.entry_done, name="entry_done"),
]

urlpatterns += [
    path("surveys/<assessments_id:pk>/", views.survey_page, name="survey"),
]
