from django.urls import path

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)

from . import api, views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.untrained, name="untrained"),
    path("csv/<slug:table>/", views.table_csv, name="csv"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<id:pk>/", views.export_detail, name="export"),
    path("exports/<id:pk>/status.json", views.export_status, name="export_status"),
    path("exports/<id:pk>/download/", views.export_download, name="export_download"),
]

api_urlpatterns = [
    path("periods/", api.PeriodsView.as_view(), name="periods"),
    path("figures/", api.FiguresView.as_view(), name="figures"),
    path("units/", api.UnitsView.as_view(), name="units"),
]
