"""Wagtail's site-history report, for department admins only.

The report lists log entries of every model the user holds a model permission on, by
content type, whatever the row's org unit: a unit manager would read the names (and,
in entries written before names stopped carrying ID codes, the ID codes) of people in
other units. Nobody below the department needs it, so it is refused rather than
filtered. lms/urls.py routes the report's two addresses here, ahead of Wagtail's.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from .selectors import is_department_admin


class DepartmentSiteHistoryView(LogEntriesView):
    def dispatch(self, request, *args, **kwargs):
        if not is_department_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


site_history = DepartmentSiteHistoryView.as_view()
site_history_results = DepartmentSiteHistoryView.as_view(results_only=True)
