from django.urls import path

from . import tus, views

app_name = "media_pipeline"

urlpatterns = [
    path("video/<int:pk>/", views.watch, name="watch"),
    path("video/<str:token>/<path:name>", views.stream, name="stream"),
    path("media-upload/tus/", tus.create, name="tus_create"),
    path("media-upload/tus/<uuid:upload_id>", tus.resource, name="tus_resource"),
]
