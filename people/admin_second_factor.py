"""Second factors of staff, for the department admin: who has one, and a reset for a lost phone.

A reset removes the person's authenticators and backup codes and gives the admin a one-time
setup code to hand over (in person or by phone); with it the person enrols a new authenticator
(people.views.otp_setup). Every reset is in the audit trail.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms import audit

from . import services
from .selectors import is_department_admin, staff_with_second_factor


@require_http_methods(["GET", "POST"])
def second_factors(request):
    if not is_department_admin(request.user):
        raise PermissionDenied
    staff = staff_with_second_factor(request.user)
    issued = None
    if request.method == "POST":
        chosen = request.POST.get("user", "")
        person = get_object_or_404(staff, pk=int(chosen) if chosen.isdigit() and len(chosen) < 19 else 0)
        code = services.second_factor_reset(user=person, by=request.user)
        audit.record(action="otp.reset", request=request, subject=person.get_username(), subject_id=str(person.pk))
        issued = {"person": person, "code": services.printed_code(code)}
    return render(request, "people/admin/second_factors.html", {
        "staff": staff, "issued": issued, "me": request.user.pk,
        "title": _("Second factors of staff")})
