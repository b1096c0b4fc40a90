"""Playback (signed HLS files) and the watch page."""
from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Video

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl", ".m4s": "video/iso.segment", ".mp4": "video/mp4",
    ".m4a": "audio/mp4", ".vtt": "text/vtt; charset=utf-8", ".jpg": "image/jpeg",
}


@require_GET
def stream(request, token: str, name: str):
    """One file of a published run, for a valid token; never anything outside the run."""
    video = selectors.video_for_token(token, request)
    clean = posixpath.normpath(name)
    if video is None or clean.startswith(("..", "/")) or clean != name:
        raise Http404
    storage_name = video.output_name(clean)
    if not default_storage.exists(storage_name):
        raise Http404
    extension = posixpath.splitext(clean)[1]
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(clean)[0] or "application/octet-stream"
    cache = "public, max-age=86400" if video.is_public else "private, max-age=3600"
    if extension == ".m3u8":
        with default_storage.open(storage_name, "rb") as handle:
            response = HttpResponse(handle.read(), content_type=content_type)
    else:
        try:
            path = default_storage.path(storage_name)
        except NotImplementedError:  # object storage: an expiring link straight to the object
            return HttpResponseRedirect(default_storage.url(storage_name))
        if settings.MEDIA_X_ACCEL_PREFIX:  # nginx sends the file
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_PREFIX + storage_name
        else:
            response = FileResponse(open(path, "rb"), content_type=content_type)
        if extension == ".m4a":
            response["Content-Disposition"] = f'attachment; filename="video-{video.pk}-audio.m4a"'
    response["Cache-Control"] = cache
    return response


def watch(request, pk: int):
    """The player page of one video: public videos for anyone, others for those who manage them."""
    video = get_object_or_404(Video, pk=pk)
    if not video.is_public and not selectors.manageable_videos(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return render(request, "media_pipeline/watch.html", selectors.player_context(video, request))
