"""What a user may see: the one place every app asks.

A department admin or unit manager sees the subtrees of the org units their
roles are held over; a trainer sees the subtrees they train in (read only);
everyone else sees nothing but themselves. Superusers see everything.

``scope_queryset(qs, user, unit_field)`` filters any queryset that points at an
org unit (directly or through a relation path such as ``"profile__org_unit"``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from .models import OrgUnit, Profile, ProfileMembership, Role, RoleAssignment

MANAGING_ROLES = (Role.DEPARTMENT_ADMIN, Role.UNIT_MANAGER)
# Profiles whose person has not signed in yet: no account, or one held for them (unusable password).
WITHOUT_OWN_ACCOUNT = Q(user__isnull=True) | Q(user__password__startswith="!")


def _minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def roles_of(user) -> list[RoleAssignment]:
    """Every role assignment of ``user`` (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_assignments_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("org_unit"))
        user._role_assignments_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return any(assignment.role in roles for assignment in roles_of(user))


def is_department_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.DEPARTMENT_ADMIN)


def is_staff_member(user) -> bool:
    """Holds any role (department admin, unit manager, trainer) or is a superuser."""
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user))


def managed_paths(user, roles: Iterable[str] = MANAGING_ROLES) -> list[str] | None:
    """Tree paths of the subtrees ``user`` holds one of ``roles`` over.

    ``None`` means "everything" (superuser); an empty list means nothing.
    """
    if getattr(user, "is_superuser", False):
        return None
    roles = tuple(roles)
    return _minimal_paths(a.org_unit.path for a in roles_of(user) if a.role in roles)


def _path_filter(paths: list[str], unit_field: str) -> Q:
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{lookup: path})
    return condition


def scope_queryset(qs: QuerySet, user, unit_field: str = "org_unit",
                   roles: Iterable[str] = MANAGING_ROLES) -> QuerySet:
    """Restrict ``qs`` to rows whose org unit lies in a subtree ``user`` manages.

    ``unit_field`` is the lookup path from the queryset's model to an OrgUnit
    (``""`` when the queryset is of OrgUnit itself).
    """
    paths = managed_paths(user, roles)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(_path_filter(paths, unit_field))


def visible_org_units(user, roles: Iterable[str] = MANAGING_ROLES) -> QuerySet[OrgUnit]:
    """Org units in the subtrees ``user`` manages, in tree order."""
    return scope_queryset(OrgUnit.objects.order_by("path"), user, unit_field="", roles=roles)


def visible_profiles(user) -> QuerySet[Profile]:
    """Profiles a user may see: those in their managed subtrees, and always their own."""
    qs = Profile.objects.select_related("org_unit")
    paths = managed_paths(user)
    if paths is None:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(_path_filter(paths, "org_unit") | Q(user_id=user.pk))


def can_manage_unit(user, unit: OrgUnit) -> bool:
    """True when ``unit`` lies in a subtree ``user`` manages."""
    paths = managed_paths(user)
    return paths is None or any(unit.path.startswith(path) for path in paths)


def can_view_profile(user, profile: Profile) -> bool:
    own = profile.user_id is not None and profile.user_id == getattr(user, "pk", None)
    return own or can_manage_unit(user, profile.org_unit)


def staff_with_second_factor(user):
    """Users holding a role in ``user``'s subtrees, each with ``has_2fa`` (a confirmed authenticator),
    by name: the department admin's list of second factors."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    roles = scope_queryset(RoleAssignment.objects.all(), user)
    return (get_user_model().objects.filter(pk__in=roles.values("user_id"))
            .annotate(has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            .order_by("last_name", "first_name", "username"))


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Profile.objects.select_related("org_unit").filter(user=user).first()


def profile_by_id_code(code: str) -> Profile | None:
    """The person with this ID code (typed: spaces around and case do not matter), found through the
    blind index (people.crypto), or None. Not scoped: callers decide who may see the result."""
    if not (code or "").strip():
        return None
    return Profile.objects.select_related("org_unit", "user").filter(id_code=code).first()


def id_code_from_stored(value: str | None) -> str:
    """An ID code as raw SQL over ``population_at`` returns it (``person_code``: the ciphertext),
    decrypted; "" for none. Reports decrypt only the rows they render."""
    return Profile._meta.get_field("id_code").decrypt(value) or ""


def subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """``unit`` and every unit below it."""
    return OrgUnit.objects.filter(path__startswith=unit.path).order_by("path")


def org_unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


# --- the plan's target population, at any moment (reporting) --------------------------

@dataclass(frozen=True)
class Population:
    """The target population just before a moment, in two querysets that together list
    each person once: ``past`` (ProfileMembership stretches that covered the moment, for
    people who changed since) and ``current`` (Profile rows, for everyone else).

    Both carry the same names: ``person_id``, ``account_id`` (the user, or None),
    ``unit_id``, ``unit_path``, ``category``, ``area``, ``ethnic_minority_area``, and for
    lists ``person_name``, ``person_code``, ``unit_name`` and ``unit_code``, so a caller can
    group or filter each the same way and add (or union) the two results. ``person_code`` is
    decrypted by the ORM; raw SQL built from these querysets gets the ciphertext and passes it
    through ``id_code_from_stored``.
    """

    past: QuerySet
    current: QuerySet

    @property
    def parts(self) -> tuple[QuerySet, QuerySet]:
        return (self.past, self.current)


def population_at(before, paths: Iterable[str] | None = None) -> Population:
    """People in the plan's target population and active just before ``before`` (an aware
    datetime), placed in the unit they belonged to then; ``paths`` limits them to those
    subtrees (None: the whole province). One indexed scan of each table, any depth.
    """
    past = ProfileMembership.objects.filter(valid_from__lt=before, valid_to__gte=before, in_target_population=True,
                                            is_active=True)
    changed_since = ProfileMembership.objects.filter(profile_id=OuterRef("pk"), valid_to__gte=before)
    current = Profile.objects.filter(created_at__lt=before, in_target_population=True, is_active=True) \
        .exclude(Exists(changed_since))
    if paths is not None:
        paths = _minimal_paths(paths)
        past = past.filter(_path_filter(paths, "org_unit"))
        current = current.filter(_path_filter(paths, "org_unit"))
    unit = {"unit_id": F("org_unit_id"), "unit_path": F("org_unit__path"), "unit_name": F("org_unit__name"),
            "unit_code": F("org_unit__code")}
    past = past.annotate(person_id=F("profile_id"), account_id=F("profile__user_id"),
                         person_name=F("profile__full_name"), person_code=F("profile__id_code"), **unit)
    current = current.annotate(person_id=F("pk"), account_id=F("user_id"), person_name=F("full_name"),
                               person_code=F("id_code"), **unit)
    return Population(past=past, current=current)
