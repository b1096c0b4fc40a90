"""Reads of the media pipeline: which videos a user may manage, and playback URLs.

Playback goes through signed URLs: ``/video/<token>/<file>``. The token names
the video and expires (MEDIA_SIGNED_URL_MAX_AGE) unless the video is public;
relative URIs inside the playlists resolve under the same token.
"""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse

from .models import Video

STREAM_SALT = "media_pipeline.stream"


def manageable_videos(user) -> QuerySet[Video]:
    """Videos ``user`` may edit: all with ``manage_all_videos``, else their own."""
    qs = Video.objects.select_related("owner")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm("media_pipeline.manage_all_videos"):
        return qs
    return qs.filter(owner=user)


def stream_token(video: Video) -> str:
    return signing.dumps(video.pk, salt=STREAM_SALT, compress=True)


def video_for_token(token: str) -> Video | None:
    """The ready video a token names, or None when the token is bad or expired."""
    try:
        video_id = signing.loads(token, salt=STREAM_SALT)
    except signing.BadSignature:
        return None
    video = Video.objects.filter(pk=video_id, status=Video.Status.READY).first()
    if video is None:
        return None
    if not video.is_public:
        try:
            signing.loads(token, salt=STREAM_SALT, max_age=settings.MEDIA_SIGNED_URL_MAX_AGE)
        except signing.SignatureExpired:
            return None
    return video


def stream_url(video: Video, name: str = "master.m3u8") -> str:
    """A signed URL of one published file of ``video`` (the master playlist by default)."""
    return reverse("media_pipeline:stream", args=[stream_token(video), name])


def player_context(video: Video) -> dict:
    """What the player template needs; empty sources when the video is not ready."""
    if not video.is_ready:
        return {"video": video, "ready": False}
    token = stream_token(video)

    def url(name):
        return reverse("media_pipeline:stream", args=[token, name])

    captions = [{"language": c.language, "label": c.label, "default": c.is_default,
                 "url": url(f"subs/{c.language}.vtt")} for c in video.captions.all()]
    renditions = list(video.renditions.all())  # one query, or none when prefetched
    has_audio = any(rendition.profile == "audio" for rendition in renditions)
    # the quality menu, tallest first: rendered by the server, so it is there before the player loads
    qualities = sorted({rendition.height for rendition in renditions if rendition.height}, reverse=True)
    return {
        "video": video, "ready": True, "master_url": url("master.m3u8"), "poster_url": url("poster.jpg"),
        "thumbnails_url": url("thumbnails.vtt"), "captions": captions, "qualities": qualities,
        "audio_url": url("audio.m4a") if has_audio else "",
    }
