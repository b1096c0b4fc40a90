"""URLconf of bench/heartbeat.py: the platform plus a bare Django view (the baseline)."""
from django.http import JsonResponse
from django.urls import path

from lms.urls import urlpatterns as platform


def bare(request):
    """The same Django stack (sessions, CSRF, authentication middleware), no work."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench-bare/", bare), *platform]
