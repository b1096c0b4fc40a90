"""The admin form of a plan phase: milestones must fall within the phase, one per year."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class PhaseForm(WagtailAdminModelForm):
    def is_valid(self):
        # the milestone forms are cleaned after the phase form's clean(), so check them here
        valid = super().is_valid()
        starts_on, ends_on = self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
        formset = self.formsets.get("milestones")
        if formset is None or not starts_on or not ends_on:
            return valid
        seen = set()
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            year = data.get("year")
            if data.get("DELETE") or year is None:
                continue
            if not starts_on.year <= year <= ends_on.year:
                form.add_error("year", ValidationError(
                    _("The year must fall within the phase (%(start)s–%(end)s).") % {
                        "start": starts_on.year, "end": ends_on.year}, code="year_outside"))
                valid = False
            elif year in seen:
                form.add_error("year", ValidationError(_("There is already a milestone for this year."),
                                                       code="year_twice"))
                valid = False
            seen.add(year)
        return valid
