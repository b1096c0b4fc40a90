"""The one permission policy of the admin: which rows a user may see or touch.

Every model that holds personal or unit data is registered with a
``ScopedPermissionPolicy``: a role must allow the action (Django model permission,
given by the role's group, or just holding one of the policy's roles) AND the row's
org unit must lie in a subtree where the user holds one of those roles. Wagtail asks
the registered policy from every generic view (index, edit, delete, copy, history,
usage, inspect, bulk actions), and ``ScopedViewSet`` below makes sure that every view
a viewset generates, the chooser's too, fetches its object or list through it, so a
view Wagtail adds tomorrow cannot escape the policy by looking rows up itself.

tests/people/test_admin_crawl.py visits every URL pattern of the project as each role
with the ids of out-of-scope rows and fails on any leak.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import classproperty
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .selectors import MANAGING_ROLES, managed_paths, scope_queryset

ANY_ACCESS = ("view", "add", "change", "delete")


def unit_of(instance, unit_field: str):
    """The org unit ``unit_field`` (a ``__`` path, "" for an OrgUnit itself) points at, or None."""
    if not unit_field:
        return instance
    value = instance
    for part in unit_field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Role permission for the action, and the row's org unit in the user's subtrees.

    ``roles``: the roles whose subtrees count. ``require_model_permission``: also require
    the Django model permission for the action (the role groups of people.services give
    them); False when holding one of ``roles`` is permission enough (apps whose models the
    role groups do not list). ``unitless_rows``: rows with no unit (a province-wide
    template) are visible to every holder of the roles.
    """

    def __init__(self, model, *, unit_field: str = "org_unit", roles: Iterable[str] = MANAGING_ROLES,
                 require_model_permission: bool = True, unitless_rows: bool = False):
        super().__init__(model)
        self.unit_field = unit_field
        self.roles = tuple(roles)
        self.require_model_permission = require_model_permission
        self.unitless_rows = unitless_rows

    # --- what the role allows, whatever the row -------------------------------------------

    def _paths(self, user) -> list[str] | None:
        if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
            return []
        return managed_paths(user, self.roles)

    def user_has_permission(self, user, action):
        if self._paths(user) == []:
            return False
        return not self.require_model_permission or super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        holders = get_user_model().objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role__in=self.roles), is_active=True)
        if self.require_model_permission:
            holders = holders.filter(pk__in=super().users_with_any_permission(actions).values("pk"))
        return holders.distinct()

    # --- which rows -----------------------------------------------------------------------

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        manager = self.model._default_manager
        if not self.user_has_any_permission(user, actions):
            return manager.none()
        scoped = scope_queryset(manager.all(), user, unit_field=self.unit_field, roles=self.roles)
        if self.unitless_rows and self.unit_field:
            scoped = manager.filter(Q(pk__in=scoped.values("pk")) | Q(**{f"{self.unit_field}__isnull": True}))
        return scoped

    def instances_user_has_permission_for(self, user, action) -> QuerySet:
        return self.instances_user_has_any_permission_for(user, [action])

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if not self.user_has_any_permission(user, actions):
            return False
        paths = self._paths(user)
        if paths is None:
            return True
        unit = unit_of(instance, self.unit_field)
        if unit is None:
            return self.unitless_rows
        return any(unit.path.startswith(path) for path in paths)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


def register_scoped_policy(model, **options) -> ScopedPermissionPolicy:
    """Register (once) and return the scoped policy of ``model``; Wagtail's views and bulk actions
    find it through ``wagtail.permissions.policy_registry``."""
    policy = ScopedPermissionPolicy(model, **options)
    register_permission_policy(model, policy, exact_class=True)
    return policy


# --- viewsets whose every view goes through the policy ------------------------------------------

def _scoped_view_class(view_class, policy: ScopedPermissionPolicy):
    """``view_class`` with every way it fetches rows filtered or checked by ``policy``.

    Generic on purpose: whatever view a viewset constructs (edit, copy, delete, history,
    usage, inspect, revisions, the chooser's choose/chosen/chosen-multiple), a single
    object is refused unless the user may act on it, and a list holds only such rows.
    """
    overrides = {}

    if hasattr(view_class, "get_object"):
        def get_object(self, *args, **kwargs):
            obj = super(scoped, self).get_object(*args, **kwargs)
            if obj is not None and not policy.user_has_any_permission_for_instance(self.request.user, ANY_ACCESS,
                                                                                    obj):
                raise PermissionDenied
            return obj
        overrides["get_object"] = get_object

    if hasattr(view_class, "get_object_list"):
        def get_object_list(self, *args, **kwargs):
            objects = super(scoped, self).get_object_list(*args, **kwargs)
            allowed = policy.instances_user_has_any_permission_for(self.request.user, ANY_ACCESS)
            return objects.filter(pk__in=allowed.values("pk"))
        overrides["get_object_list"] = get_object_list

    if hasattr(view_class, "get_objects"):
        def get_objects(self, *args, **kwargs):
            objects = super(scoped, self).get_objects(*args, **kwargs)
            allowed = policy.instances_user_has_any_permission_for(self.request.user, ANY_ACCESS)
            return objects.filter(pk__in=allowed.values("pk"))
        overrides["get_objects"] = get_objects

    if not overrides:
        return view_class
    scoped = type(f"Scoped{view_class.__name__}", (view_class,), overrides)
    return scoped


class ScopedChooserViewSet(SnippetChooserViewSet):
    """The "Choose …" modal of a form: lists and returns only rows the policy allows."""

    scoped_policy: ScopedPermissionPolicy | None = None

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(_scoped_view_class(view_class, self.scoped_policy), **kwargs)


class ScopedViewSet(SnippetViewSet):
    """A snippet viewset over a model with a registered ``ScopedPermissionPolicy``.

    Subclasses set ``model``, ``unit_field`` and ``policy_options`` (passed to the policy);
    the policy is registered when the viewset is, before Wagtail builds any view.
    """

    unit_field = "org_unit"
    policy_options: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped_policy = register_scoped_policy(self.model, unit_field=self.unit_field, **self.policy_options)

    @property
    def permission_policy(self):
        return self.scoped_policy

    # The chooser of a form may list by other roles than the model's admin (a trainer picks the unit of a
    # question bank among the units they train in, without managing those units): its own options.
    chooser_policy_options: dict | None = None

    @property
    def chooser_viewset_class(self):
        policy = self.scoped_policy
        if self.chooser_policy_options is not None:
            policy = ScopedPermissionPolicy(self.model, unit_field=self.unit_field, **self.chooser_policy_options)
        return type(f"{self.model.__name__}ChooserViewSet", (ScopedChooserViewSet,), {"scoped_policy": policy})

    def get_queryset(self, request):
        return self.scoped_policy.instances_user_has_any_permission_for(request.user, ANY_ACCESS)

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(_scoped_view_class(view_class, self.scoped_policy), **kwargs)


class ScopedDeleteBulkAction(DeleteBulkAction):
    """Bulk delete of every snippet model with a scoped policy: ``?id=all`` means every row the
    user may delete, and rows the user may not touch are neither listed nor named (Wagtail's own
    action lists them as "items you cannot delete", by name). Registered after Wagtail's own."""

    @classproperty
    def models(cls):
        return [model for model in get_snippet_models()
                if isinstance(policy_registry.get_by_type(model, fallback=False), ScopedPermissionPolicy)]

    def get_all_objects_in_listing_query(self, parent_id):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "delete") \
            .values_list("pk", flat=True)

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            ids = list(self.get_all_objects_in_listing_query(None))
        allowed = self.permission_policy.instances_user_has_permission_for(self.request.user, "delete")
        objects = list(allowed.filter(pk__in=[i for i in ids if str(i).isdigit()]))
        return objects, {"items_with_no_access": []}

