"""Activation sheets: printable one-time codes for the people of a unit who have no e-mail.

The unit manager picks a unit of their subtree; every person there without an account of
their own gets a new code (earlier codes stop working) and the sheet is shown once, ready
to print and cut into slips. Codes are stored only as hashes, so a lost sheet is replaced
by printing a new one. Producing a sheet is an export of personal data: it is audited.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import audit

from . import services
from .forms import ActivationSheetForm
from .selectors import managed_paths, visible_org_units


def activation_sheet(request):
    if managed_paths(request.user) == []:
        raise PermissionDenied
    form = ActivationSheetForm(request.POST or None, units=visible_org_units(request.user))
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        issued = services.activation_sheet_create(user=request.user, unit=unit,
                                                  include_subunits=form.cleaned_data["include_subunits"])
        audit.record(action="person.export", request=request, subject=_("Activation sheet: %(unit)s") % {
            "unit": unit.name}, unit_path=unit.path, details={"people": len(issued)})
        expires = timezone.localtime() + dt.timedelta(seconds=settings.ACCOUNT_ACTIVATION_CODE_MAX_AGE)
        return render(request, "people/admin/activation_sheet_print.html", {
            "unit": unit, "expires": expires, "claim_url": settings.SITE_URL + reverse("people:claim"),
            "slips": [{"name": profile.full_name, "unit": profile.org_unit.name,
                       "code": services.printed_code(code)} for profile, code in issued],
        })
    return render(request, "people/admin/activation_sheet.html", {"form": form})
