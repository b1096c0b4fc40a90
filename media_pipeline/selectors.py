"""Reads of the media pipeline: which videos a user may manage, and playback URLs.

Playback goes through signed URLs: ``/video/<token>/<file>``, made and checked by
media_pipeline.playback (public videos: unbound; private ones: bound to the viewer's session
and short-lived).
"""
from __future__ import annotations

from django.db.models import QuerySet

from . import playback
from .models import Video


def manageable_videos(user) -> QuerySet[Video]:
    """Videos ``user`` may edit: all with ``manage_all_videos``, else their own."""
    qs = Video.objects.select_related("owner")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm("media_pipeline.manage_all_videos"):
        return qs
    return qs.filter(owner=user)


def stream_token(video: Video, request=None) -> str:
    """The token of ``video``'s links for the viewer of ``request`` (playback.token_for)."""
    return playback.token_for(video, request)


def video_for_token(token: str, request) -> Video | None:
    """The ready video a token names, or None when the token is bad, expired, bound to another
    browser, or public while the video no longer is."""
    found = playback.video_id_for(token, request)
    if found is None:
        return None
    video_id, public = found
    video = Video.objects.filter(pk=video_id, status=Video.Status.READY).first()
    if video is None or (public and not video.is_public):
        return None
    return video


def stream_url(video: Video, name: str = "master.m3u8", request=None) -> str:
    """A signed URL of one published file of ``video`` (the master playlist by default)."""
    return playback.stream_url(stream_token(video, request), name)


def player_context(video: Video, request=None, *, defer: bool = False) -> dict:
    """What the player template needs; empty sources when the video is not ready. Links to a
    private video are bound to ``request``, or are grants when ``defer`` (HTML that is cached
    for every viewer and bound when served: playback.bind_links)."""
    if not video.is_ready:
        return {"video": video, "ready": False}
    token = playback.token_for(video, request, defer=defer)

    def url(name):
        return playback.stream_url(token, name)

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
