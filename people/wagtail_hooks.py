"""Wagtail admin: org units, profiles, roles, and roster uploads, every view scoped to
the editor's subtrees by the permission policy of people.permissions."""
from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView

from lms import audit
from lms.admin_export import SafeExportIndexView

from . import admin_activation, admin_second_factor, admin_views
from .admin_forms import OrgUnitForm, ScopedProfileForm, ScopedRoleAssignmentForm
from .models import OrgUnit, Profile, Role, RoleAssignment
from .permissions import ScopedDeleteBulkAction, ScopedViewSet
from .selectors import is_department_admin


class OrgUnitViewSet(ScopedViewSet):
    model = OrgUnit
    unit_field = ""
    # Any role picks among the units it holds (a trainer authoring a quiz); forms still validate the choice.
    chooser_policy_options = {"roles": tuple(Role.values), "require_model_permission": False}
    icon = "site"
    menu_label = _("Org units")
    menu_order = 210
    add_to_admin_menu = True
    # the first column, a string, is Wagtail's title column: each row links to the unit's form
    list_display = ["tree_label", "code", "level_name", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    edit_handler = ObjectList([
        FieldPanel("parent"), FieldPanel("name"), FieldPanel("code"), FieldPanel("level_name"),
        FieldPanel("is_active"),
    ], base_form_class=OrgUnitForm)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("path")


class ProfileIndexView(SafeExportIndexView):
    """The learner list; its CSV/XLSX download is an export of personal data (audited)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.is_export:
            audit.record(action="person.export", request=request, subject=str(self.model._meta.verbose_name_plural),
                         details={"format": request.GET.get("export"), "query": request.GET.urlencode()[:500]})
        return response


class ProfileEditView(EditView):
    """Opening a person's record shows their ID code and date of birth: audited (Decree 13/2023)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.record(action="person.view", request=request, subject=self.object.full_name,
                     subject_id=str(self.object.pk), unit_path=self.object.org_unit.path)
        return response


class ProfileViewSet(ScopedViewSet):
    model = Profile
    index_view_class = ProfileIndexView
    edit_view_class = ProfileEditView
    icon = "user"
    menu_label = _("Learners")
    menu_order = 220
    add_to_admin_menu = True
    # the ID code is stored encrypted: sorting by it would sort ciphertexts, so its column does not sort
    list_display = ["full_name", Column("id_code", label=_("ID code")), "org_unit", "category",
                    "in_target_population", "user"]
    list_filter = ["category", "area", "ethnic_minority_area", "in_target_population", "is_active"]
    search_fields = ["full_name", "id_code", "email"]
    list_export = ["id_code", "full_name", "org_unit", "category", "area", "ethnic_minority_area",
                   "in_target_population", "email", "phone"]
    export_filename = "hoc-vien"
    # A copy would carry a person's ID code and date of birth into a new form: never needed.
    copy_view_enabled = False
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
    copy_view_enabled = False
    edit_handler = ObjectList([FieldPanel("user"), FieldPanel("role"), FieldPanel("org_unit")],
                              base_form_class=ScopedRoleAssignmentForm)


register_snippet(OrgUnitViewSet)
register_snippet(ProfileViewSet)
register_snippet(RoleAssignmentViewSet)
# After Wagtail's own bulk delete (order 0), so that ours is the one registered for scoped models.
hooks.register("register_bulk_action", ScopedDeleteBulkAction, order=100)


@hooks.register("register_admin_urls")
def roster_urls():
    return [
        path("roster/", admin_views.roster_index, name="people_roster_index"),
        path("roster/<int:pk>/", admin_views.roster_detail, name="people_roster_detail"),
        path("roster/<int:pk>/status.json", admin_views.roster_status, name="people_roster_status"),
        path("roster/invite/", admin_views.send_invitations, name="people_roster_invite"),
        path("roster/template.xlsx", admin_views.roster_template, name="people_roster_template"),
        path("activation-sheets/", admin_activation.activation_sheet, name="people_activation_sheet"),
        path("second-factors/", admin_second_factor.second_factors, name="people_second_factors"),
    ]


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


@hooks.register("register_admin_menu_item")
def activation_sheet_menu_item():
    return RosterMenuItem(_("Activation sheets"), reverse("people_activation_sheet"), icon_name="key", order=226)


class DepartmentAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return is_department_admin(request.user)


@hooks.register("register_admin_menu_item")
def second_factor_menu_item():
    return DepartmentAdminMenuItem(_("Second factors of staff"), reverse("people_second_factors"), icon_name="lock",
                                   order=232)


@hooks.register("register_admin_menu_item")
def roster_menu_item():
    return RosterMenuItem(_("Roster import"), reverse("people_roster_index"), icon_name="upload", order=225)


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    """Only department admins may open the site history (people.admin_reports)."""
    if not is_department_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
