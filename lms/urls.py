"""Root URLconf: the composition root wires every app's URLs together."""
from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from assessments import api as assessments_api
from certificates.urls import api_urlpatterns as certificates_api_urlpatterns
from courses import api as courses_api
from enrollment.urls import api_urlpatterns as enrollment_api_urlpatterns
from people import admin_reports as people_admin_reports
from people import api as people_api
from people.urls import auth_urlpatterns
from reporting.urls import api_urlpatterns as reporting_api_urlpatterns

from . import views

# No ".json" suffix routes: the API speaks JSON by content negotiation, and the suffix variants
# reached actions that take no format argument (500s found by tests/lms/test_permission_crawl.py).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("people/org-units", people_api.OrgUnitViewSet, basename="org-unit")
router.register("people/profiles", people_api.ProfileViewSet, basename="profile")
router.register("assessments/quizzes", assessments_api.QuizViewSet, basename="quiz")
router.register("assessments/attempts", assessments_api.AttemptViewSet, basename="attempt")
router.register("courses/courses", courses_api.CourseViewSet, basename="course")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Ahead of Wagtail's own: the site history is the department admin's alone (people.admin_reports).
    path("admin/reports/site-history/", people_admin_reports.site_history),
    path("admin/reports/site-history/results/", people_admin_reports.site_history_results),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("people.urls")),
    path("assessments/", include("assessments.urls")),
    path("api/v1/enrollment/", include((enrollment_api_urlpatterns, "enrollment_api"))),
    path("api/v1/certificates/", include((certificates_api_urlpatterns, "certificates_api"))),
    path("api/v1/reporting/", include((reporting_api_urlpatterns, "reporting_api"))),
    path("api/v1/", include(router.urls)),
    path("learning/", include("enrollment.urls")),
    path("reports/", include("reporting.urls")),
    path("", include("certificates.urls")),
    path("", include("media_pipeline.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's start-up script as a file: no inline script (CSP)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("sitemap.xml", sitemap),
]

if settings.DEBUG:
    # The development server serves the public media folders only (Wagtail images), as nginx does in
    # production: rosters, reports, lecture videos and certificates are served by views that check rights.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(?:{'|'.join(settings.MEDIA_PUBLIC_FOLDERS)})/.*)$",
                serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]
