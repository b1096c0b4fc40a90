"""Wagtail admin: org units, profiles, roles, and roster uploads, all scoped to
the editor's subtrees through people.selectors."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    DeleteView, EditView, HistoryView, InspectView, SnippetViewSet, UsageView,
)

from . import admin_views
from .admin_forms import OrgUnitForm, ScopedProfileForm, ScopedRoleAssignmentForm
from .models import OrgUnit, Profile, RoleAssignment
from .selectors import can_manage_unit, scope_queryset


def _scoped(view_class, unit_of):
    """A view class whose object must lie in the editor's subtree."""

    class Scoped(view_class):
        def get_object(self, *args, **kwargs):
            obj = super().get_object(*args, **kwargs)
            if not can_manage_unit(self.request.user, unit_of(obj)):
                raise PermissionDenied
            return obj

    Scoped.__name__ = f"Scoped{view_class.__name__}"
    return Scoped


def _scoped_chooser(unit_field: str) -> type[SnippetChooserViewSet]:
    """The chooser modal (a form's "Choose …" button) lists only what the editor's subtrees hold."""

    def get_object_list(view):
        return scope_queryset(view.model_class._default_manager.all(), view.request.user, unit_field=unit_field)

    return type("ScopedChooserViewSet", (SnippetChooserViewSet,), {
        "choose_view_class": type("ScopedChooseView", (ChooseView,), {"get_object_list": get_object_list}),
        "choose_results_view_class": type("ScopedChooseResultsView", (ChooseResultsView,),
                                          {"get_object_list": get_object_list}),
    })


class ScopedViewSet(SnippetViewSet):
    unit_field = "org_unit"

    @property
    def chooser_viewset_class(self):
        return _scoped_chooser(self.unit_field)

    def unit_of(self, obj):
        return getattr(obj, self.unit_field) if self.unit_field else obj

    def get_queryset(self, request):
        return scope_queryset(self.model._default_manager.all(), request.user, unit_field=self.unit_field)

    @property
    def edit_view_class(self):
        return _scoped(EditView, self.unit_of)

    @property
    def delete_view_class(self):
        return _scoped(DeleteView, self.unit_of)

    @property
    def inspect_view_class(self):
        return _scoped(InspectView, self.unit_of)

    @property
    def history_view_class(self):
        return _scoped(HistoryView, self.unit_of)

    @property
    def usage_view_class(self):
        return _scoped(UsageView, self.unit_of)


class OrgUnitViewSet(ScopedViewSet):
    model = OrgUnit
    unit_field = ""
    icon = "site"
    menu_label = _("Org units")
    menu_order = 210
    add_to_admin_menu = True
    list_display = [Column("tree_label", label=_("Name")), "code", "level_name", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    edit_handler = ObjectList([
        FieldPanel("parent"), FieldPanel("name"), FieldPanel("code"), FieldPanel("level_name"),
        FieldPanel("is_active"),
    ], base_form_class=OrgUnitForm)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("path")


class ProfileViewSet(ScopedViewSet):
    model = Profile
    icon = "user"
    menu_label = _("Learners")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["full_name", "id_code", "org_unit", "category", "in_target_population", "user"]
    list_filter = ["category", "area", "ethnic_minority_area", "in_target_population", "is_active"]
    search_fields = ["full_name", "id_code", "email"]
    list_export = ["id_code", "full_name", "org_unit", "category", "area", "ethnic_minority_area",
                   "in_target_population", "email", "phone"]
    export_filename = "hoc-vien"
    edit_handler = ObjectList([
        FieldPanel("full_name"), FieldPanel("id_code"), FieldPanel("date_of_birth"), FieldPanel("email"),
        FieldPanel("phone"), FieldPanel("org_unit"), FieldPanel("category"), FieldPanel("area"),
        FieldPanel("ethnic_minority_area"), FieldPanel("in_target_population"), FieldPanel("is_active"),
    ], base_form_class=ScopedProfileForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("org_unit", "user")


class RoleAssignmentViewSet(ScopedViewSet):
    model = RoleAssignment
    icon = "key"
    menu_label = _("Roles")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["user", "role", "org_unit"]
    list_filter = ["role"]
    edit_handler = ObjectList([FieldPanel("user"), FieldPanel("role"), FieldPanel("org_unit")],
                              base_form_class=ScopedRoleAssignmentForm)


register_snippet(OrgUnitViewSet)
register_snippet(ProfileViewSet)
register_snippet(RoleAssignmentViewSet)


@hooks.register("register_admin_urls")
def roster_urls():
    return [
        path("roster/", admin_views.roster_index, name="people_roster_index"),
        path("roster/<int:pk>/", admin_views.roster_detail, name="people_roster_detail"),
        path("roster/<int:pk>/status.json", admin_views.roster_status, name="people_roster_status"),
        path("roster/invite/", admin_views.send_invitations, name="people_roster_invite"),
        path("roster/template.xlsx", admin_views.roster_template, name="people_roster_template"),
    ]


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


@hooks.register("register_admin_menu_item")
def roster_menu_item():
    return RosterMenuItem(_("Roster import"), reverse("people_roster_index"), icon_name="upload", order=225)
