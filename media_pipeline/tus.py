"""A tus 1.0.0 server (core + creation + termination) for resumable uploads.

Bytes stream from the request to a file under MEDIA_UPLOAD_DIR in 1 MB reads,
never held in memory. When the last byte arrives the file is probed and
becomes a Video (moved, not copied); a bad file is refused with a translated
message in a JSON body, and its bytes are removed.

No database transaction is open while a body streams (on SQLite one held the
write lock for the whole upload: a parallel login waited 31 s and failed with
"database is locked"). A PATCH holds a lock on the part file instead, and
moves the offset afterwards in one short compare-and-set UPDATE.
"""
from __future__ import annotations

import base64
import fcntl
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .models import Upload
from .probe import MediaError

TUS_VERSION = "1.0.0"
CHUNK = 1024 * 1024


def _tus_response(status: int = 204, **headers) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for key, value in headers.items():
        response[key.replace("_", "-")] = str(value)
    return response


def _error(status: int, message: str, code: str) -> JsonResponse:
    response = JsonResponse({"error": message, "code": code}, status=status)
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _metadata(header: str) -> dict[str, str]:
    result = {}
    for pair in filter(None, (item.strip() for item in header.split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            result[key] = base64.b64decode(value).decode("utf-8") if value else ""
        except (ValueError, UnicodeDecodeError):
            continue
    return result


def _can_upload(user) -> bool:
    return user.has_perm("media_pipeline.add_video")


def upload_path(upload: Upload) -> Path:
    return Path(settings.MEDIA_UPLOAD_DIR) / f"{upload.pk}.part"


@login_required
@require_http_methods(["OPTIONS", "POST"])
def create(request):
    if request.method == "OPTIONS":
        return _tus_response(Tus_Version=TUS_VERSION, Tus_Extension="creation,termination",
                             Tus_Max_Size=settings.MEDIA_MAX_UPLOAD_GB * services.GB)
    if not _can_upload(request.user):
        return _error(403, _("You may not upload videos."), "forbidden")
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _error(400, _("The upload did not say how large the file is."), "no_length")
    try:
        services.upload_check(user=request.user, size=length)
    except MediaError as error:
        return _error(413, error.message, error.code)
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    filename = Path(meta.get("filename") or "video").name[:200] or "video"
    try:
        upload = services.upload_open(user=request.user, filename=filename, title=meta.get("title", "")[:255],
                                      length=length)
    except MediaError as error:  # the quota, counted again under a lock (a parallel session took it)
        return _error(413, error.message, error.code)
    path = upload_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return _tus_response(201, Location=reverse("media_pipeline:tus_resource", args=[upload.pk]))


@login_required
@require_http_methods(["HEAD", "PATCH", "DELETE", "OPTIONS"])
def resource(request, upload_id: uuid.UUID):
    upload = Upload.objects.filter(pk=upload_id, owner=request.user).first()
    if upload is None:
        return _tus_response(404)
    if request.method == "OPTIONS":
        return _tus_response(Tus_Version=TUS_VERSION, Tus_Extension="creation,termination")
    if request.method == "HEAD":
        return _tus_response(200, Upload_Offset=upload.offset, Upload_Length=upload.length)
    if request.method == "DELETE":
        upload_path(upload).unlink(missing_ok=True)
        upload.delete()
        return _tus_response(204)
    return _patch(request, upload)


def _patch(request, upload: Upload):
    if request.content_type != "application/offset+octet-stream":
        return _tus_response(415)
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _tus_response(400)
    if offset != upload.offset:
        return _tus_response(409, Upload_Offset=upload.offset)
    if upload.video_id is not None:  # finished already (a repeated last PATCH)
        return _finished(upload)
    path = upload_path(upload)
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        return _tus_response(404)
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another PATCH of this upload is still streaming
            return _tus_response(409, Upload_Offset=upload.offset)
        handle.seek(offset)
        written = 0
        while True:
            chunk = request.read(min(CHUNK, upload.length - offset - written))
            if not chunk:
                break
            handle.write(chunk)
            written += len(chunk)
        handle.flush()
        # the bytes are on disk; the offset moves in one short statement, and only from where we began
        moved = Upload.objects.filter(pk=upload.pk, offset=offset, video__isnull=True).update(offset=offset + written)
        if not moved:
            upload = Upload.objects.filter(pk=upload.pk).first()
            return _tus_response(409, Upload_Offset=upload.offset) if upload else _tus_response(404)
        upload.offset = offset + written
        if not upload.is_complete:
            return _tus_response(204, Upload_Offset=upload.offset)
        return _finish(upload)  # still under the file lock: a parallel last PATCH cannot finish it twice


def _finish(upload: Upload):
    path = upload_path(upload)
    try:
        video = services.video_create_from_path(path=path, filename=upload.filename, title=upload.title,
                                                owner=upload.owner, move=True, upload_id=upload.pk)
    except MediaError as error:
        path.unlink(missing_ok=True)
        upload.delete()
        return _error(422, error.message, error.code)
    Upload.objects.filter(pk=upload.pk).update(video=video)
    upload.video = video
    return _finished(upload)


def _finished(upload: Upload):
    video = upload.video
    response = _tus_response(204, Upload_Offset=upload.offset)
    response["Video-Id"] = video.pk
    response["Video-Url"] = reverse("media_pipeline_admin_detail", args=[video.pk])
    response["Access-Control-Expose-Headers"] = "Video-Id, Video-Url, Upload-Offset"
    return response
