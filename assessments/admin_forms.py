"""Wagtail admin forms: every choice inside the author's org scope, a question's data checked, and the
filters of the staff results page."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from wagtail.admin.forms import WagtailAdminModelForm

from lms.text import nfc
from people.models import OrgUnit
from people.selectors import visible_org_units

from .models import Attempt
from .selectors import AUTHOR_ROLES, authored_categories, authored_questions, manageable_contests
from .services.bank import question_problems


def _live_rows(formset) -> list[dict]:
    if formset is None or not formset.is_valid():
        return []
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class AuthorScopedForm(WagtailAdminModelForm):
    """Limits org units, categories, questions and contests to what the author may use."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.author = for_user
        if for_user is None:
            return
        if "org_unit" in self.fields:
            self.fields["org_unit"].queryset = visible_org_units(for_user, roles=AUTHOR_ROLES)
        if "category" in self.fields:
            self.fields["category"].queryset = authored_categories(for_user)
        if "contest" in self.fields:
            self.fields["contest"].queryset = manageable_contests(for_user)
        if "allowed_units" in self.fields:
            self.fields["allowed_units"].queryset = OrgUnit.objects.filter(is_active=True).order_by("path")
        slots = getattr(self, "formsets", {}).get("slots")
        if slots is not None:
            for form in [*slots.forms, slots.empty_form]:
                if "category" in form.fields:
                    form.fields["category"].queryset = authored_categories(for_user)

    def _check_slots(self) -> None:
        if self.author is None:
            return
        rows = _live_rows(getattr(self, "formsets", {}).get("slots"))
        question_ids = {row["question"].pk for row in rows if row.get("question")}
        allowed = set(authored_questions(self.author).filter(pk__in=question_ids).values_list("pk", flat=True))
        if question_ids - allowed:
            self.add_error(None, forms.ValidationError(
                _("Some questions belong to a bank outside your units. Choose questions of your own banks."),
                code="question_out_of_scope"))
        for row in rows:
            if bool(row.get("question")) == bool(row.get("category")):
                self.add_error(None, forms.ValidationError(
                    _("Each line takes either one question or a category to draw from, not both."),
                    code="slot_question_or_category"))
                break

    def clean(self):
        cleaned = super().clean()
        self._check_slots()
        return cleaned


class QuestionForm(AuthorScopedForm):
    def clean(self):
        cleaned = super().clean()
        options = [{"text": nfc(row.get("text") or ""), "match": row.get("match_text") or "",
                    "correct": row.get("is_correct")} for row in _live_rows(self.formsets.get("options"))]
        if cleaned.get("qtype"):
            for problem in question_problems(qtype=cleaned["qtype"], options=options,
                                             true_false_answer=cleaned.get("true_false_answer"),
                                             numeric_answer=cleaned.get("numeric_answer")):
                self.add_error(None, forms.ValidationError(problem, code="question_incomplete"))
        return cleaned


class SurveyForm(AuthorScopedForm):
    def clean(self):
        cleaned = super().clean()
        overall = [row for row in _live_rows(self.formsets.get("items")) if row.get("is_overall")]
        if len(overall) > 1:
            self.add_error(None, forms.ValidationError(
                _("Mark only one question as the overall satisfaction question."), code="two_overall"))
        return cleaned


class QuizResultsFilterForm(forms.Form):
    """The staff results page's filters (a GET form: the exports take the same query string)."""

    state = forms.ChoiceField(label=_l("State"), required=False,
                              choices=[("", _l("Any state")), *Attempt.State.choices])
    passed = forms.TypedChoiceField(label=_l("Passed"), required=False, empty_value=None,
                                    coerce=lambda value: value == "yes",
                                    choices=[("", _l("Passed or not")), ("yes", _l("Passed")),
                                             ("no", _l("Not passed"))])
    org_unit = forms.ModelChoiceField(label=_l("Org unit (with the units below it)"), required=False,
                                      queryset=OrgUnit.objects.none(), empty_label=_l("All units"))
    learner = forms.CharField(label=_l("Learner (name, username or ID code)"), required=False, max_length=100)
    started_from = forms.DateField(label=_l("Started from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    started_until = forms.DateField(label=_l("Started until"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        start, until = cleaned.get("started_from"), cleaned.get("started_until")
        if start and until and until < start:
            self.add_error("started_until", forms.ValidationError(
                _("The end date comes before the start date."), code="date_range"))
        return cleaned
