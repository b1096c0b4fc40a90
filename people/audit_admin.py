"""The audit trail in the Wagtail admin: the department admin searches, filters and exports it.

A read-only ``ModelViewSet`` over ``lms.AuditEvent``: its permission policy allows "view" to
department admins (and superusers) and nothing to anyone else, so unit managers and trainers
are refused every view it generates, and nobody adds, edits, copies or deletes an event. The
viewset lives in people because people knows who a department admin is (lms imports no app);
``PeopleConfig.ready`` imports this module, which registers it.
"""
from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms import audit, sheets
from lms.models import AuditAction, AuditEvent

from .models import Role
from .selectors import is_department_admin


class AuditTrailPermissionPolicy(BasePermissionPolicy):
    """Department admins read the trail; no one writes it through the admin."""

    def user_has_permission(self, user, action):
        return (action == "view" and getattr(user, "is_active", False)
                and getattr(user, "is_authenticated", False) and is_department_admin(user))

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role=Role.DEPARTMENT_ADMIN), is_active=True,
        ).distinct()


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    actor = django_filters.CharFilter(label=_("actor"), method="filter_actor")
    time = django_filters.DateFromToRangeFilter(label=_("time"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["action"]

    def filter_actor(self, queryset, name, value):
        return queryset.filter(Q(actor_name__icontains=value) | Q(actor_username__icontains=value))


EXPORT_FIELDS = ["time", "actor_name", "actor_username", "action", "subject", "subject_id", "unit_path", "ip",
                 "path", "details"]


class AuditEventIndexView(IndexView):
    """The list, its filters, and its export through lms.sheets (text never becomes a formula)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit.record(action=AuditAction.AUDIT_EXPORT, request=self.request,
                     details={"format": spreadsheet_format, "filters": self.request.GET.dict()})
        headers = [self.get_heading(queryset, name) for name in EXPORT_FIELDS]
        rows = ([event.time, event.actor_name, event.actor_username, event.get_action_display(), event.subject,
                 event.subject_id, event.unit_path, event.ip or "", event.path,
                 ", ".join(f"{key}={value}" for key, value in (event.details or {}).items())]
                for event in queryset.iterator(chunk_size=2000))
        name = f"nhat-ky-hoat-dong-{timezone.localtime():%Y%m%d-%H%M}"
        if spreadsheet_format == self.FORMAT_CSV:
            response = StreamingHttpResponse(sheets.csv_stream(headers, rows), content_type=sheets.CSV_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        response = HttpResponse(sheets.xlsx_bytes(headers, rows, title=str(AuditEvent._meta.verbose_name_plural)),
                                content_type=sheets.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    name = "audit-trail"
    icon = "list-ul"
    menu_label = _("Audit trail")
    menu_order = 9000
    add_to_admin_menu = True
    index_view_class = AuditEventIndexView
    inspect_view_class = InspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AuditEventFilterSet
    search_fields = ["subject", "subject_id"]
    search_backend_name = None  # plain icontains: the trail is not in the search index
    list_display = [
        DateColumn("time", label=_("time"), sort_key="time"),
        Column("actor_name", label=_("actor")),
        Column("actor_username", label=_("username")),
        Column("get_action_display", label=_("action"), sort_key="action"),
        Column("subject", label=_("concerning")),
        Column("ip", label=_("IP address")),
    ]
    list_export = EXPORT_FIELDS
    inspect_view_fields = EXPORT_FIELDS
    # Nothing to edit: no form is ever shown, but ModelViewSet wants fields to build its (refused) forms.
    form_fields = []


register_permission_policy(AuditEvent, AuditTrailPermissionPolicy(AuditEvent))


@hooks.register("register_admin_viewset")
def register_audit_trail():
    return AuditEventViewSet()
