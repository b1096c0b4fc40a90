from django.urls import path

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)

from . import api, views

app_name = "enrollment"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("enrol/<id:course_id>/", views.enrol, name="enrol"),
    path("withdraw/<id:enrollment_id>/", views.withdraw, name="withdraw"),
    path("email/", views.email_preferences, name="email_preferences"),
    path("email/stop/<str:token>/", views.email_stop, name="email_stop"),
]

api_urlpatterns = [
    path("heartbeat/", api.heartbeat, name="api_heartbeat"),
    path("visit/", api.visit, name="api_visit"),
    path("mine/", api.mine, name="api_mine"),
    path("sessions/", api.sessions, name="api_sessions"),
    path("sessions/<id:pk>/attendance/", api.session_attendance, name="api_session_attendance"),
]
