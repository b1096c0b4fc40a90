"""Forms of the certificates admin: template editing (scoped choices), revoke, re-issue, bulk issue."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from enrollment.selectors.activities import classes_visible
from lms.text import nfc
from people.selectors import visible_org_units


class CertificateTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            if "issuing_unit" in self.fields:
                self.fields["issuing_unit"].queryset = visible_org_units(for_user)
            if "training_class" in self.fields:
                self.fields["training_class"].queryset = classes_visible(for_user)

    def clean_title(self):
        return nfc(self.cleaned_data["title"])

    def clean_signer_name(self):
        return nfc(self.cleaned_data["signer_name"])


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=255,
                             help_text=_("Shown on the public verification page."))


class ReissueForm(forms.Form):
    learner_name = forms.CharField(label=_("Name as it must appear"), max_length=255)
    reason = forms.CharField(label=_("Reason for re-issuing"), max_length=255,
                             help_text=_("e.g. the name was misspelt on the profile."))

    def clean_learner_name(self):
        return nfc(self.cleaned_data["learner_name"])


class BulkIssueForm(forms.Form):
    training_class = forms.ModelChoiceField(label=_("Class"), queryset=None,
                                            help_text=_("Certificates are issued to every learner who completed "
                                                        "the class and has none yet."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = classes_visible(user)
