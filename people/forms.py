"""Forms of the people app; they validate input and call services, nothing more."""
from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Category, OrgUnit


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="mismatch"))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ActivationCodeForm(PasswordPairMixin):
    code = forms.CharField(label=_("Activation code"), max_length=32,
                           help_text=_("The code on the activation sheet your unit's manager gave you, e.g. 7KQ2M-XW9PD."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    email = forms.EmailField(label=_("E-mail (optional)"), required=False,
                             help_text=_("Used to reset your password."))
    field_order = ["code", "email", "password1", "password2"]


class ActivationSheetForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    include_subunits = forms.BooleanField(label=_("Include the units below it"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class SetPasswordForm(PasswordPairMixin):
    pass


class RegisterForm(PasswordPairMixin):
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    email = forms.EmailField(label=_("E-mail"))
    category = forms.ChoiceField(label=_("I register as"), choices=[
        (Category.CITIZEN, Category.CITIZEN.label), (Category.BUSINESS, Category.BUSINESS.label)])
    org_unit = forms.ModelChoiceField(label=_("Commune or ward where you live or work"),
                                      queryset=OrgUnit.objects.filter(is_active=True).order_by("path"))
    field_order = ["full_name", "email", "category", "org_unit", "password1", "password2"]


class OTPTokenForm(forms.Form):
    token = forms.CharField(label=_("6-digit code from your authenticator app"), max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class OTPVerifyForm(forms.Form):
    token = forms.CharField(label=_("6-digit code from your authenticator app"), max_length=16,
                            help_text=_("Lost your phone? Enter one of your backup codes instead."),
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))


class OTPSetupForm(OTPTokenForm):
    """The first authenticator of an account is accepted only with proof the person holds more than the
    password: the code e-mailed to the account's address, or the setup code a department admin gave."""

    confirmation = forms.CharField(
        label=_("Confirmation code"), max_length=32,
        help_text=_("The code we e-mailed to you, or the setup code a department admin gave you."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}))
    field_order = ["confirmation", "token"]


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx or .csv)"))
