"""Wagtail admin: the plan's phases and targets (department admins), and a link to the reports."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import PhaseForm
from .models import Phase
from .selectors import scope_for


class PhaseViewSet(SnippetViewSet):
    """Editable by whoever holds the reporting.*_phase permissions: the department admins' group."""

    model = Phase
    icon = "date"
    menu_label = _("Plan targets")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "starts_on", "ends_on", "trained_target", "online_target", "satisfaction_target"]
    ordering = ["starts_on"]
    edit_handler = ObjectList([
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("trained_target"), FieldPanel("online_target"),
                           FieldPanel("satisfaction_target")]),
            FieldPanel("plan_wording"),
        ], heading=_("Targets")),
        InlinePanel("milestones", heading=_("Yearly milestones"), label=_("milestone"),
                    help_text=_("Optional: a target for one year of the phase. Empty fields use the phase's.")),
    ], base_form_class=PhaseForm)


register_snippet(PhaseViewSet)


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return not scope_for(request.user).is_empty


@hooks.register("register_admin_menu_item")
def reports_menu_item():
    return ReportsMenuItem(_("Reports"), reverse("reporting:dashboard"), icon_name="table", order=255)
