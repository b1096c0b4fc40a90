"""Forms of the manager and trainer pages (classes, sessions, attendance, assignment) and of learners' e-mail choices."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from people.models import Category
from people.selectors import visible_org_units

from .models import SESSION_MODALITIES

SHEET_TYPES = ".xlsx,.csv"


def _courses():
    return CoursePage.objects.live().order_by("title")


class ClassForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    title = forms.CharField(label=_("Class name"), max_length=255)
    org_unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=None)
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    min_attendance_percent = forms.IntegerField(label=_("Attendance needed to complete (%)"), min_value=0,
                                                max_value=100, initial=80)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses()
        self.fields["org_unit"].queryset = visible_org_units(user)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A class cannot end before it starts."))
        return data


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Session title"), max_length=255)
    modality = forms.ChoiceField(label=_("Modality"), choices=SESSION_MODALITIES)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place (in person)"), max_length=255, required=False)
    meeting_url = forms.URLField(label=_("Meeting link (online, live)"), required=False, assume_scheme="https")


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    include_subtree = forms.BooleanField(label=_("Include the units below it"), required=False, initial=True)
    categories = forms.MultipleChoiceField(label=_("Categories (none ticked: everyone)"), required=False,
                                           choices=Category.choices, widget=forms.CheckboxSelectMultiple)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses()
        self.fields["org_unit"].queryset = visible_org_units(user)

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("The due date has already passed."))
        return due


class AssignSheetForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    due_date = forms.DateField(label=_("Due date for rows without one"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("List of people (XLSX or CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": SHEET_TYPES}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses()


class ClassLearnersForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    include_subtree = forms.BooleanField(label=_("Include the units below it"), required=False, initial=True)
    categories = forms.MultipleChoiceField(label=_("Categories (none ticked: everyone)"), required=False,
                                           choices=Category.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = visible_org_units(user)


class SheetForm(forms.Form):
    file = forms.FileField(label=_("Attendance sheet (XLSX or CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": SHEET_TYPES}))


class EmailPreferencesForm(forms.Form):
    assignments = forms.BooleanField(label=_("When a course is assigned to me"), required=False)
    reminders = forms.BooleanField(label=_("Reminders before a due date"), required=False)
    completions = forms.BooleanField(label=_("Congratulations when I complete a course"), required=False)
