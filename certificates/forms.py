"""Forms of the certificates app: template editing (scoped choices), revoke, re-issue, bulk issue, and the
public verification forms (a code typed from a paper copy, a PDF file checked against the records)."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from enrollment.selectors.activities import classes_visible
from lms.text import nfc
from people.selectors import visible_org_units


class PrivateFileInput(forms.ClearableFileInput):
    """A file input that names the current file without linking to it: the file is private (a seal or
    a signature) and has no public address."""

    template_name = "certificates/widgets/private_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["file_name"] = str(value).rsplit("/", 1)[-1] if value else ""
        return context


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


class VerifyCodeForm(forms.Form):
    """The code printed under the QR code, or the whole verification address pasted."""

    code = forms.CharField(label=_("Verification code"), max_length=300,
                           help_text=_("Printed under the QR code, after /verify/ in the address."),
                           error_messages={"required": _("Enter the code printed on the certificate.")})

    def clean_code(self):
        text = self.cleaned_data["code"].strip()
        if "/" in text:  # an address: keep its last path segment
            text = [part for part in urlsplit(text).path.split("/") if part][-1:] or [""]
            text = text[0]
        text = re.sub(r"\s+", "", text)
        if not text:
            raise forms.ValidationError(_("Enter the code printed on the certificate."), code="empty")
        return text


class VerifyFileForm(forms.Form):
    """A certificate PDF, compared byte for byte (by its SHA-256) with the PDFs the platform issued."""

    file = forms.FileField(label=_("Certificate PDF"),
                           help_text=_("The PDF as it was downloaded or received by e-mail. It is not kept."))

    @staticmethod
    def too_large_message() -> str:
        return _("This file is larger than any certificate (at most %(size)d MB).") % {
            "size": settings.CERTIFICATE_CHECK_MAX_BYTES // 1_000_000}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CERTIFICATE_CHECK_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message(), code="too_large")
        digest = hashlib.sha256()
        head = b""
        for chunk in upload.chunks():
            head = head or chunk[:5]
            digest.update(chunk)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This file is not a PDF."), code="not_pdf")
        upload.sha256 = digest.hexdigest()
        return upload
