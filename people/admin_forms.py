"""Wagtail admin forms that keep every choice inside the editor's org scope."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms import audit
from lms.text import nfc

from .models import OrgUnit, Profile
from .selectors import managed_paths, visible_org_units, visible_profiles


class ScopedProfileForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "org_unit" in self.fields and for_user is not None:
            self.fields["org_unit"].queryset = visible_org_units(for_user)

    def clean_full_name(self):
        return nfc(self.cleaned_data["full_name"])

    def clean_id_code(self):
        code = self.cleaned_data["id_code"].strip().upper()
        others = Profile.objects.filter(id_code=code)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if self.for_user is not None and others.exists() \
                and not visible_profiles(self.for_user).filter(pk__in=others.values("pk")).exists():
            # the same answer whoever holds the code and wherever: no unit, no name; and it is audited
            audit.record(action="person.probe", actor=self.for_user, subject=_("Learner form"))
            raise forms.ValidationError(
                _("This ID code cannot be added by your unit. If this person now works in your unit, ask the "
                  "Department of Justice to move their record."), code="id_code_elsewhere")
        return code


class ScopedRoleAssignmentForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "org_unit" in self.fields and for_user is not None:
            self.fields["org_unit"].queryset = visible_org_units(for_user)


class OrgUnitForm(WagtailAdminModelForm):
    """Edits a tree node: the parent is chosen here and the node placed with treebeard."""

    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none(), required=False,
                                    help_text=_("Leave empty for the province (the top of the tree)."))

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        queryset = visible_org_units(for_user) if for_user is not None else OrgUnit.objects.order_by("path")
        if self.instance.pk:
            queryset = queryset.exclude(path__startswith=self.instance.path)
            self.initial.setdefault("parent", self.instance.get_parent())
        self.fields["parent"].queryset = queryset
        self.fields["parent"].required = for_user is not None and managed_paths(for_user) is not None

    def clean_name(self):
        return nfc(self.cleaned_data["name"])

    def save(self, commit=True):
        node = self.instance
        parent = self.cleaned_data.get("parent")
        if node.pk is None:
            if parent is None:
                return OrgUnit.add_root(instance=node)
            return OrgUnit.objects.get(pk=parent.pk).add_child(instance=node)
        node.save()
        current = node.get_parent()
        if parent is not None and (current is None or current.pk != parent.pk):
            node.move(OrgUnit.objects.get(pk=parent.pk), pos="sorted-child")
        return OrgUnit.objects.get(pk=node.pk)
