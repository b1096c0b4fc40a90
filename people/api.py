"""REST API of the people app, scoped like every other view (people.selectors)."""
from __future__ import annotations

from rest_framework import serializers, viewsets

from lms.converters import ID_REGEX

from .models import OrgUnit, Profile
from .selectors import visible_org_units, visible_profiles


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level_name", "depth", "parent", "is_active"]

    def get_parent(self, unit) -> str | None:
        if unit.depth == 1:
            return None
        parent_path = unit.path[: -OrgUnit.steplen]
        return self.context["codes_by_path"].get(parent_path)


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Org units the caller manages (their subtrees)."""

    lookup_value_regex = ID_REGEX  # a non-id or an id past the database's range: 404, not 500

    serializer_class = OrgUnitSerializer
    filterset_fields = ["code", "depth", "is_active"]

    def get_queryset(self):
        return visible_org_units(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["codes_by_path"] = dict(OrgUnit.objects.values_list("path", "code"))
        return context


class ProfileSerializer(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = ["id", "id_code", "full_name", "org_unit", "category", "area", "ethnic_minority_area",
                  "in_target_population", "is_active", "has_account"]

    def get_has_account(self, profile) -> bool:
        return profile.user_id is not None


class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Profiles in the caller's subtrees (and the caller's own)."""

    lookup_value_regex = ID_REGEX  # a non-id or an id past the database's range: 404, not 500

    serializer_class = ProfileSerializer
    filterset_fields = ["category", "area", "ethnic_minority_area", "in_target_population", "is_active"]

    def get_queryset(self):
        return visible_profiles(self.request.user).order_by("id")
