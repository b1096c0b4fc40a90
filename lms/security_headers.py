"""Security headers every response carries: the Content-Security-Policy and the Permissions-Policy.

The policy itself is settings (``CONTENT_SECURITY_POLICY``, ``PERMISSIONS_POLICY`` in
lms/settings/base.py); this middleware is django-csp's, so a view can still adjust it with
``csp.decorators`` (the API docs page does). Two additions:

* Wagtail's admin sets inline ``style`` attributes from its own scripts (see ``ADMIN_POLICY_UPDATE``):
  under ``/admin/`` style-src also allows ``'unsafe-inline'``. Scripts never: the admin's inline
  scripts are replaced by data attributes that lms/static/lms/admin-init.js reads (lms.wagtail_csp).
* The header strings are built once per process, not per request (the lesson page and the catalog
  are benchmarked against a bare view); a view that adjusts the policy or asks for a nonce gets
  django-csp's own per-response build.
"""
from __future__ import annotations

from functools import cached_property

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.urls import reverse

# What the Wagtail 8 admin needs beyond the site's policy. Its own bundles insert <style> elements and
# style attributes (wagtailadmin/js/vendor.js: tippy.js, which places every dropdown and tooltip, injects
# its style sheet): measured with a strict style-src, the page editor reported several violations per
# page in the e2e authoring journey. Inline style cannot run code; scripts stay 'self' only.
ADMIN_POLICY_UPDATE = {"style-src": ["'unsafe-inline'"]}


def permissions_policy_header() -> str:
    return ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())


class SecurityHeadersMiddleware(CSPMiddleware):
    @cached_property
    def admin_prefix(self) -> str:
        return reverse("wagtailadmin_home")

    @cached_property
    def site_policy(self) -> str:
        return build_policy()

    @cached_property
    def admin_policy(self) -> str:
        return build_policy(update=ADMIN_POLICY_UPDATE)

    @cached_property
    def permissions_policy(self) -> str:
        return permissions_policy_header()

    def _is_admin(self, request) -> bool:
        return request.path_info.startswith(self.admin_prefix)

    def process_response(self, request, response):
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages are inline HTML, as django-csp allows
        adjusted = any(hasattr(response, name) for name in ("_csp_config", "_csp_update", "_csp_replace",
                                                             "_csp_exempt"))
        if adjusted or getattr(request, "_csp_nonce", None) or HEADER in response:
            return super().process_response(request, response)
        response.headers[HEADER] = self.admin_policy if self._is_admin(request) else self.site_policy
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and self._is_admin(request):
            update = {key: list(value) for key, value in ADMIN_POLICY_UPDATE.items()}
            for key, value in (parts.update or {}).items():
                update[key] = update.get(key, []) + ([value] if isinstance(value, str) else list(value))
            parts.update = update
        return parts
