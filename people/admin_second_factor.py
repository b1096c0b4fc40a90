"""Second factors of staff, for the department admin: who has one, and a reset for a lost phone.

A reset removes the person's authenticators and backup codes and gives the admin a one-time
setup code to hand over (in person or by phone); with it the person enrols a new authenticator
(people.views.otp_setup). Every reset is in the audit trail.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms import audit

from . import services
from .models import RoleAssignment
from .selectors import is_department_admin, managed_paths

User = get_user_model()


def _staff(user):
    """Users holding a role in ``user``'s subtrees, with whether they have an authenticator."""
    roles = RoleAssignment.objects.all()
    paths = managed_paths(user)
    if paths is not None:
        from django.db.models import Q

        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(org_unit__path__startswith=path)
        roles = roles.filter(condition)
    return (User.objects.filter(pk__in=roles.values("user_id"))
            .annotate(has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            .order_by("last_name", "first_name", "username"))


@require_http_methods(["GET", "POST"])
def second_factors(request):
    if not is_department_admin(request.user):
        raise PermissionDenied
    staff = _staff(request.user)
    issued = None
    if request.method == "POST":
        person = get_object_or_404(staff, pk=request.POST.get("user") if str(request.POST.get("user", "")).isdigit()
                                   else 0)
        code = services.second_factor_reset(user=person, by=request.user)
        audit.record(action="otp.reset", request=request, subject=person.get_username(), subject_id=str(person.pk))
        issued = {"person": person, "code": f"{code[:5]}-{code[5:]}"}
    return render(request, "people/admin/second_factors.html", {
        "staff": staff, "issued": issued, "me": request.user.pk,
        "title": _("Second factors of staff")})
