"""Who may edit certificate templates in the Wagtail admin: managers of the issuing unit.

A permission policy by role and org unit (people.selectors) rather than Django
model permissions, so the role groups of people/ need not know this app.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from people.selectors import MANAGING_ROLES, can_manage_unit, managed_paths, scope_queryset


def is_manager(user) -> bool:
    """A department admin, a unit manager or a superuser."""
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False) \
        and managed_paths(user) != []


class ManagedUnitPolicy(BasePermissionPolicy):
    """Managers may view, add, change and delete objects whose unit (``unit_field``) they manage."""

    def __init__(self, model, unit_field: str):
        super().__init__(model)
        self.unit_field = unit_field

    def user_has_permission(self, user, action):
        return is_manager(user)

    def user_has_any_permission(self, user, actions):
        return is_manager(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role__in=MANAGING_ROLES), is_active=True).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        unit = getattr(instance, self.unit_field, None)
        return is_manager(user) and (unit is None or can_manage_unit(user, unit))

    def instances_user_has_any_permission_for(self, user, actions):
        if not is_manager(user):
            return self.model._default_manager.none()
        return scope_queryset(self.model._default_manager.all(), user, self.unit_field)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)
