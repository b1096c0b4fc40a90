"""Forms: reading a question's answer from a posted form, contest registration, surveys.

Question fields are named ``q<position>`` (``q<position>-<id>`` for matching
and ordering rows), the same on the quiz page and the contest entry page.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import grading


def response_from_post(item: dict, data, prefix: str = "q") -> object:
    """The raw response to question ``item`` (as ``grading.present`` shows it) in posted ``data``."""
    name = f"{prefix}{item['position']}"
    kind = item["type"]
    if kind == grading.MULTIPLE:
        return data.getlist(name)
    if kind == grading.MATCHING:
        return {str(option["id"]): data.get(f"{name}-{option['id']}", "") for option in item["options"]}
    if kind == grading.ORDERING:
        ranks = []
        for index, option in enumerate(item["options"]):
            try:
                rank = int(data.get(f"{name}-{option['id']}", ""))
            except ValueError:
                return None
            ranks.append((rank, index, option["id"]))
        return [pk for _rank, _index, pk in sorted(ranks)]
    return data.get(name, "")


def prepare_for_form(items: list[dict]) -> list[dict]:
    """Add what the form fields need: the chosen match of each prompt, the rank of each ordering item."""
    for item in items:
        response = item.get("response")
        if item["type"] == grading.MATCHING:
            for option in item["options"]:
                option["selected"] = (response or {}).get(str(option["id"]), "")
        elif item["type"] == grading.ORDERING:
            order = response or [option["id"] for option in item["options"]]
            ranks = {pk: index + 1 for index, pk in enumerate(order)}
            item["ranks"] = list(range(1, len(item["options"]) + 1))
            for index, option in enumerate(item["options"]):
                option["rank"] = ranks.get(option["id"], index + 1)
        elif item["type"] == grading.MULTIPLE and response is None:
            item["response"] = []
    return items


def posted_sequence(item: dict, data) -> int:
    try:
        return int(data.get(f"seq{item['position']}", ""))
    except ValueError:
        return 0


class EntrantForm(forms.Form):
    """Who is entering a contest round: name, where (org unit or address), and how to reach them."""

    full_name = forms.CharField(label=_("Full name"), max_length=255,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    org_unit = forms.ModelChoiceField(label=_("Your unit, commune or ward"), queryset=None, required=False)
    address = forms.CharField(label=_("Or your address"), max_length=255, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    prediction = forms.IntegerField(label=_("Your prediction"), min_value=0, max_value=10**9,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, units=None, tiebreak_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        if tiebreak_label:
            self.fields["prediction"].label = tiebreak_label

    def clean_phone(self):
        phone = "".join(ch for ch in self.cleaned_data["phone"] if ch.isdigit() or ch == "+")
        if phone and not 9 <= len(phone.lstrip("+")) <= 15:
            raise forms.ValidationError(_("Enter a phone number of 9 to 15 digits."), code="bad_phone")
        return phone

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("org_unit") and not (cleaned.get("address") or "").strip():
            self.add_error("address", forms.ValidationError(_("Choose your unit or write your address."),
                                                            code="no_location"))
        if not cleaned.get("phone") and not cleaned.get("email") and "phone" not in self.errors \
                and "email" not in self.errors:
            self.add_error("phone", forms.ValidationError(_("Give a phone number or an e-mail address."),
                                                          code="no_contact"))
        return cleaned


class BankUploadForm(forms.Form):
    file = forms.FileField(label=_("Question file (.xlsx)"))
