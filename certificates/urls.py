from django.urls import path

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)

from . import api, views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.mine, name="mine"),
    path("certificates/<id:pk>/pdf/", views.download, name="download"),
    path("certificates/<id:pk>/openbadge.jwt", views.openbadge, name="openbadge"),
    path("verify/", views.verify_index, name="verify_index"),
    path("verify/issuer.json", views.issuer, name="issuer"),
    path("verify/jwks.json", views.jwks, name="jwks"),
    path("verify/revocation-list.jwt", views.status_list, name="status_list"),
    path("verify/<str:code>/", views.verify, name="verify"),
]

api_urlpatterns = [
    path("verify/<str:code>/", api.verify, name="api_verify"),
    path("mine/", api.mine, name="api_mine"),
]
