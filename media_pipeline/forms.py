from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Video
from .validators import validate_hls_quoted_string


class VideoForm(forms.ModelForm):
    class Meta:
        model = Video
        fields = ["title", "is_public"]


class VideoUploadForm(forms.Form):
    """The no-JavaScript fallback: one plain upload (the page uses resumable uploads when it can)."""

    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("Video file"))


class CaptionForm(forms.Form):
    language = forms.RegexField(
        label=_("Language (BCP-47 code)"), max_length=35, regex=r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$",
        help_text=_("vi for Vietnamese, en for English; ethnic-minority languages by their code, e.g. hmn (Hmong), km (Khmer)."),
        error_messages={"invalid": _("Use a language code such as vi, en or hmn.")})
    label = forms.CharField(label=_("Name shown in the player"), max_length=64,
                            validators=[validate_hls_quoted_string])
    file = forms.FileField(label=_("Caption file (.vtt or .srt)"))
    is_default = forms.BooleanField(label=_("On by default"), required=False)
