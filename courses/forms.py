"""The course editing form: audience categories as checkboxes, trainers chosen among trainers."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from people.models import Category, Role


class CoursePageForm(WagtailAdminPageForm):
    audience = forms.MultipleChoiceField(
        label=_("audience"), choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The learner categories this course is meant for; the catalog filters on them."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["audience"] = [row.category for row in self.instance.audiences.all()]
        if "trainers" in self.fields:
            # trainers of the province, plus whoever the course already lists
            listed = [user.pk for user in self.instance.trainers.all()] if self.instance.pk else []
            self.fields["trainers"].queryset = get_user_model().objects.filter(
                Q(role_assignments__role=Role.TRAINER) | Q(pk__in=listed)).distinct().order_by("username")

    def save(self, commit=True):
        page = super().save(commit=False)
        audience_model = page._meta.get_field("audiences").related_model
        page.audiences = [audience_model(category=value) for value in self.cleaned_data.get("audience", [])]
        if commit:
            page.save()
            self.save_m2m()
        return page
