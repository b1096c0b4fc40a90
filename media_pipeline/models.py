"""Videos, their renditions (one row per ladder rung) and captions.

After Wagtail's image/rendition pattern: a ``VideoRendition`` row per (video,
profile), created with ``get_or_create``. Transcoded files live under a fresh
key per run (``hls_key``); the run is published by one database flip that sets
the key, the renditions and ``status=ready`` together, so a killed worker never
leaves a "ready" video with missing files.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import validate_hls_quoted_string


def original_upload_to(instance: "Video", filename: str) -> str:
    return f"videos/originals/{uuid.uuid4().hex}/{filename}"


class Video(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PROBING = "probing", _("Checking the file")
        TRANSCODING = "transcoding", _("Transcoding")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=255)
    original = models.FileField(_("original file"), upload_to=original_upload_to, max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    is_public = models.BooleanField(
        _("public"), default=False,
        help_text=_("Public videos are served to anyone; private ones only through expiring links."))
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    duration_s = models.FloatField(_("duration (s)"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    frame_rate = models.FloatField(_("frame rate"), default=0)
    container = models.CharField(_("container"), max_length=64, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=32, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure_code = models.CharField(_("failure code"), max_length=32, blank=True)
    failure_detail = models.TextField(_("failure detail"), blank=True)
    hls_key = models.CharField(_("published output folder"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at"]
        permissions = [("manage_all_videos", _("Can manage every user's videos"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    def output_name(self, name: str) -> str:
        """Storage name of a published output file (master.m3u8, poster.jpg, ...)."""
        return f"{self.hls_key}/{name}"


class VideoRendition(models.Model):
    """One rung of the ladder (or the audio-only rendition) of a published run."""

    video = models.ForeignKey(Video, verbose_name=_("video"), on_delete=models.CASCADE, related_name="renditions")
    profile = models.CharField(pgettext_lazy("encoding", "profile"), max_length=16)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    target_bitrate = models.PositiveIntegerField(_("target bitrate (bit/s)"))
    measured_bitrate = models.PositiveIntegerField(_("measured bitrate (bit/s)"), default=0)
    peak_bitrate = models.PositiveIntegerField(_("peak bitrate (bit/s)"), default=0)
    codecs = models.CharField(_("codecs"), max_length=64)
    playlist = models.CharField(_("playlist"), max_length=500)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["-height", "-target_bitrate"]
        constraints = [models.UniqueConstraint(fields=["video", "profile"], name="unique_rendition_per_profile")]

    def __str__(self) -> str:
        return f"{self.video} — {self.profile}"

    @property
    def is_audio_only(self) -> bool:
        return self.height == 0


def caption_upload_to(instance: "Caption", filename: str) -> str:
    return f"videos/captions/{instance.video_id}/{uuid.uuid4().hex[:8]}-{instance.language}.vtt"


class Caption(models.Model):
    """A WebVTT subtitle track; language as a BCP-47 tag (vi, en, hmn, tay, ...)."""

    video = models.ForeignKey(Video, verbose_name=_("video"), on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language (BCP-47)"), max_length=35, validators=[validate_hls_quoted_string],
                                help_text=_("For example vi, en, or an ethnic-minority language such as hmn or km."))
    label = models.CharField(_("label"), max_length=64, validators=[validate_hls_quoted_string],
                             help_text=_("Shown in the player's captions menu."))
    file = models.FileField(_("WebVTT file"), upload_to=caption_upload_to, max_length=500)
    is_default = models.BooleanField(_("on by default"), default=False)

    class Meta:
        verbose_name = _("caption")
        verbose_name_plural = _("captions")
        ordering = ["-is_default", "label"]
        constraints = [models.UniqueConstraint(fields=["video", "language"], name="unique_caption_language")]

    def __str__(self) -> str:
        return f"{self.video} — {self.label}"


class Upload(models.Model):
    """A resumable (tus) upload in progress: bytes land in a file under MEDIA_ROOT/uploads."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    video = models.OneToOneField(Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    @property
    def is_complete(self) -> bool:
        return self.offset >= self.length
