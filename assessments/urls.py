"""Pages of the assessments app: quizzes and attempts, contests, surveys."""
from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:pk>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/save/", views.attempt_save, name="attempt_save"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="result"),
]

urlpatterns += [
    path("contests/", views.contest_list, name="contests"),
    path("contests/<slug:slug>/", views.contest_detail, name="contest"),
    path("contests/<slug:slug>/rounds/<int:number>/enter/", views.round_enter, name="round_enter"),
    path("contests/<slug:slug>/rounds/<int:number>/leaderboard/", views.round_leaderboard, name="leaderboard"),
    path("contests/<slug:slug>/entries/<str:token>/", views.entry_done, name="entry_done"),
]

urlpatterns += [
    path("surveys/<int:pk>/", views.survey_page, name="survey"),
]
