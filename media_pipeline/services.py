"""Writes of the media pipeline: create, process (probe + transcode + publish),
captions, retry, delete. Tasks, views and commands call these.

A processing run writes under a fresh key ``videos/hls/<id>/<run>/`` and is
published by one transaction that sets the renditions, the key and
``status=ready`` together; anything a killed run left behind is removed by the
next run.
"""
from __future__ import annotations

import logging
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from . import hls
from .ladder import AUDIO_PROFILE, Rung, select_ladder
from .models import Caption, Upload, Video, VideoRendition
from .probe import MediaError, ProbeResult, probe
from .transcode import SPRITE_COLUMNS, SPRITE_ROWS, THUMB_HEIGHT, THUMB_WIDTH, build_command, run, tile_sprites
from .validators import validate_hls_quoted_string

logger = logging.getLogger(__name__)
GB = 1024 ** 3


class TransientStorageError(Exception):
    """Storage could not be reached; the task retries with backoff."""


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from botocore import exceptions as boto

        errors += [boto.EndpointConnectionError, boto.ConnectionClosedError, boto.ReadTimeoutError,
                   boto.ConnectTimeoutError]
    except ImportError:  # boto3 is only needed with S3 storage
        pass
    return tuple(errors)


# --- limits ----------------------------------------------------------------------

def upload_check(*, user, size: int, upload_id=None) -> None:
    """Raise MediaError when ``size`` bytes exceed the file limit or the user's quota.

    The quota counts the user's videos and the declared length of their open resumable uploads
    (``upload_id``, the upload being finished, is not counted twice).
    """
    if size <= 0:
        raise MediaError("empty")
    if size > settings.MEDIA_MAX_UPLOAD_GB * GB:
        raise MediaError("too_large", str(settings.MEDIA_MAX_UPLOAD_GB))
    if user is not None and not user.is_superuser:
        if quota_used(user=user, upload_id=upload_id) + size > settings.MEDIA_USER_QUOTA_GB * GB:
            raise MediaError("quota", str(settings.MEDIA_USER_QUOTA_GB))


def quota_used(*, user, upload_id=None) -> int:
    """Bytes counted against ``user``'s quota: their videos plus their open uploads' declared lengths."""
    videos = Video.objects.filter(owner=user).aggregate(total=Sum("size_bytes"))["total"] or 0
    open_uploads = Upload.objects.filter(owner=user, video__isnull=True).exclude(pk=upload_id)
    return videos + (open_uploads.aggregate(total=Sum("length"))["total"] or 0)


def upload_open(*, user, filename: str, title: str, length: int) -> Upload:
    """Open a resumable upload of ``length`` bytes, reserving them against the user's quota.

    The check and the insert run under a lock on the user's row: parallel sessions of one user
    cannot together pass the quota. Raises MediaError (nothing stored).
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        upload_check(user=user, size=length)
        return Upload.objects.create(owner=user, filename=filename, title=title, length=length)


def time_limits(duration_s: float) -> tuple[int, int]:
    """Soft and hard Celery time limits for transcoding ``duration_s`` of video."""
    soft = int(300 + duration_s * settings.MEDIA_TRANSCODE_SECONDS_PER_SECOND)
    return soft, soft + 120


# --- create ------------------------------------------------------------------

def _is_local_storage() -> bool:
    try:
        default_storage.path("probe")
    except NotImplementedError:
        return False
    return True


def _apply_probe(video: Video, result: ProbeResult) -> None:
    video.duration_s, video.width, video.height = result.duration_s, result.width, result.height
    video.frame_rate, video.container = result.frame_rate, result.container
    video.video_codec, video.audio_codec = result.video_codec, result.audio_codec


def video_create_from_path(*, path: Path, filename: str, title: str, owner=None, is_public: bool = False,
                           move: bool = False, enqueue: bool = True, upload_id=None) -> Video:
    """Probe a local file, store it as a new Video and (unless ``enqueue`` is False) queue its transcoding.

    ``upload_id``: the resumable upload this file finishes (its reservation is not counted twice).
    Raises MediaError (nothing stored) when the file is not a usable video.
    """
    size = path.stat().st_size
    upload_check(user=owner, size=size, upload_id=upload_id)
    result = probe(path)
    video = Video(title=title or Path(filename).stem, owner=owner, is_public=is_public, size_bytes=size)
    _apply_probe(video, result)
    if move and _is_local_storage():
        # a finished resumable upload already lies on this disk: move it, never copy gigabytes
        name = video.original.field.generate_filename(video, filename)
        target = Path(default_storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), target)
        video.original.name = name
    else:
        with path.open("rb") as handle:
            video.original.save(filename, File(handle), save=False)
    with transaction.atomic():
        video.save()
        if enqueue:
            transaction.on_commit(lambda: enqueue_processing(video))
    return video


def video_create(*, uploaded_file, title: str, owner=None, is_public: bool = False) -> Video:
    """Create a Video from a Django UploadedFile (small uploads through a form)."""
    upload_check(user=owner, size=uploaded_file.size)
    if hasattr(uploaded_file, "temporary_file_path"):
        return video_create_from_path(path=Path(uploaded_file.temporary_file_path()),
                                      filename=uploaded_file.name, title=title, owner=owner, is_public=is_public)
    work = _work_dir(f"form-{uuid.uuid4().hex}")
    try:
        local = work / Path(uploaded_file.name).name
        with local.open("wb") as handle:
            for chunk in uploaded_file.chunks():
                handle.write(chunk)
        return video_create_from_path(path=local, filename=uploaded_file.name, title=title, owner=owner,
                                      is_public=is_public)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def enqueue_processing(video: Video) -> None:
    from .tasks import process_video

    soft, hard = time_limits(video.duration_s)
    process_video.apply_async(args=[video.pk], soft_time_limit=soft, time_limit=hard)


# --- process -----------------------------------------------------------------

def _work_dir(name: str) -> Path:
    path = Path(settings.MEDIA_WORK_DIR) / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _remove_stale_work(video_id: int) -> None:
    """Scratch folders of this video's earlier runs that a killed worker left behind.

    Each run has its own folder, so a duplicate delivery running at the same time
    never deletes the files of a run still in progress: only folders older than the
    task's hard time limit go.
    """
    import time

    _soft, hard = time_limits(Video.objects.get(pk=video_id).duration_s)
    for folder in Path(settings.MEDIA_WORK_DIR).glob(f"video-{video_id}-*"):
        if time.time() - folder.stat().st_mtime > hard:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _local_original(video: Video, work: Path):
    """A local path to the original: the file itself on local storage, else a download."""
    if _is_local_storage():
        yield Path(video.original.path)
        return
    local = work / "source"
    with video.original.open("rb") as remote, local.open("wb") as handle:
        shutil.copyfileobj(remote, handle, length=8 * 1024 * 1024)
    yield local


def _fail(video_id: int, error: MediaError) -> Video:
    Video.objects.filter(pk=video_id).update(
        status=Video.Status.FAILED, failure_code=error.code, failure_detail=(error.value or error.detail)[:2000])
    logger.info("video %s failed: %s %s", video_id, error.code, error.detail)
    return Video.objects.get(pk=video_id)


def _set_status(video_id: int, status: str, **fields) -> None:
    Video.objects.filter(pk=video_id).update(status=status, **fields)


def _delete_tree(prefix: str) -> None:
    """Delete every file under ``prefix`` in the default storage."""
    try:
        folders, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{prefix}/{name}")
    for folder in folders:
        _delete_tree(f"{prefix}/{folder}")
    if _is_local_storage():
        shutil.rmtree(default_storage.path(prefix), ignore_errors=True)


def _remove_stale_runs(video: Video) -> None:
    root = f"videos/hls/{video.pk}"
    try:
        folders, _files = default_storage.listdir(root)
    except FileNotFoundError:
        return
    for folder in folders:
        if f"{root}/{folder}" != video.hls_key:
            _delete_tree(f"{root}/{folder}")


def _upload_tree(local_root: Path, prefix: str) -> None:
    for path in sorted(local_root.rglob("*")):
        if path.is_file() and path.name != "ffmpeg_master.m3u8":
            name = f"{prefix}/{path.relative_to(local_root).as_posix()}"
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:  # a fresh key never collides; refuse to publish a renamed file
                raise OSError(f"storage renamed {name} to {saved}")


def video_process(*, video_id: int, profiles: list[str] | None = None) -> Video:
    """Probe, transcode in one ffmpeg run, store and publish. Idempotent.

    A ready video is left alone; a failed one stays failed until ``video_retry``.
    MediaError ends in ``failed`` with a reason (no retry); storage outages
    raise TransientStorageError for the task to retry.
    """
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.status in (Video.Status.READY, Video.Status.FAILED):
            return video
        video.status, video.progress_percent = Video.Status.PROBING, 0
        video.save(update_fields=["status", "progress_percent"])
    _remove_stale_work(video_id)
    work = _work_dir(f"video-{video_id}-{uuid.uuid4().hex[:8]}")
    try:
        _remove_stale_runs(video)
        with _local_original(video, work) as source:
            try:
                result = probe(source)
            except MediaError as error:
                return _fail(video_id, error)
            _apply_probe(video, result)
            video.status = Video.Status.TRANSCODING
            video.save(update_fields=["status", "duration_s", "width", "height", "frame_rate", "container",
                                      "video_codec", "audio_codec"])
            rungs = select_ladder(result.height, profiles)
            out = work / "out"
            args, plan = build_command(source, out, result, rungs)
            try:
                run(args, result.duration_s,
                    on_progress=lambda p: Video.objects.filter(pk=video_id).update(progress_percent=p))
            except MediaError as error:
                return _fail(video_id, error)
        renditions = _measure(out, plan.rungs, result, plan.has_audio)
        sheets = tile_sprites(out)
        (out / "thumbnails.vtt").write_text(hls.sprite_vtt(
            result.duration_s, plan.sprite_interval_s, sheets, SPRITE_COLUMNS, SPRITE_ROWS, THUMB_WIDTH,
            THUMB_HEIGHT))
        run_key = f"videos/hls/{video_id}/{uuid.uuid4().hex[:12]}"
        try:
            _upload_tree(out, run_key)
        except _storage_errors() as exc:
            raise TransientStorageError(str(exc)) from exc
        return _publish(video_id, run_key, renditions)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(out: Path, rungs: list[Rung], result: ProbeResult, has_audio: bool) -> list[VideoRendition]:
    ffmpeg_variants = hls.read_master(out / "ffmpeg_master.m3u8")
    renditions = []
    for index, variant in enumerate(ffmpeg_variants):
        measured = hls.measure_variant(out / variant["URI"])
        is_audio = has_audio and index == len(rungs)
        rung = None if is_audio else rungs[index]
        width, height = (variant.get("RESOLUTION", "0x0").split("x") + ["0"])[:2]
        renditions.append(VideoRendition(
            profile=AUDIO_PROFILE if is_audio else rung.profile, width=int(width), height=int(height),
            target_bitrate=64_000 if is_audio else rung.total_bps if has_audio else rung.video_kbps * 1000,
            measured_bitrate=measured.average_bps, peak_bitrate=measured.peak_bps,
            codecs=variant.get("CODECS", "mp4a.40.2" if is_audio else "avc1.640028"), playlist=variant["URI"],
        ))
    return renditions


def _publish(video_id: int, run_key: str, renditions: list[VideoRendition]) -> Video:
    """The one flip that makes a run visible: renditions, key and status together."""
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.status != Video.Status.TRANSCODING:  # deleted or reset meanwhile
            transaction.on_commit(lambda: _delete_tree(run_key))
            return video
        old_key = video.hls_key
        video.renditions.exclude(profile__in=[r.profile for r in renditions]).delete()
        for rendition in renditions:
            VideoRendition.objects.update_or_create(
                video=video, profile=rendition.profile,
                defaults={field: getattr(rendition, field) for field in (
                    "width", "height", "target_bitrate", "measured_bitrate", "peak_bitrate", "codecs", "playlist")})
        video.hls_key = run_key
        master_write(video)
        video.status, video.progress_percent, video.ready_at = Video.Status.READY, 100, timezone.now()
        video.failure_code = video.failure_detail = ""
        video.save()
        if old_key and old_key != run_key:
            transaction.on_commit(lambda: _delete_tree(old_key))
    return video


def master_write(video: Video) -> None:
    """(Re)write master.m3u8 and the subtitle playlists of the published run."""
    variants = [
        hls.MasterVariant(uri=r.playlist, peak_bps=r.peak_bitrate, average_bps=r.measured_bitrate,
                          codecs=r.codecs, width=r.width, height=r.height,
                          frame_rate=video.frame_rate if r.height else 0.0)
        for r in video.renditions.order_by("-height")
    ]
    tracks = []
    for caption in video.captions.all():
        vtt_name = f"subs/{caption.language}.vtt"
        playlist_name = f"subs/{caption.language}.m3u8"
        with caption.file.open("rb") as handle:
            _replace(video.output_name(vtt_name), handle.read())
        _replace(video.output_name(playlist_name),
                 hls.subtitle_playlist(caption.language + ".vtt", video.duration_s).encode())
        tracks.append(hls.SubtitleTrack(uri=playlist_name, language=caption.language, name=caption.label,
                                        default=caption.is_default))
    _replace(video.output_name("master.m3u8"), hls.master_playlist(variants, tracks).encode("utf-8"))


def _replace(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def scratch_cleanup(max_age_hours: int = 48) -> int:
    """Delete scratch folders and unfinished uploads older than ``max_age_hours``; returns the count."""
    import time
    from datetime import timedelta

    removed = 0
    for folder in Path(settings.MEDIA_WORK_DIR).glob("*"):
        if time.time() - folder.stat().st_mtime > max_age_hours * 3600:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    stale = Upload.objects.filter(video__isnull=True, created_at__lt=timezone.now() - timedelta(hours=max_age_hours))
    for upload in stale:
        (Path(settings.MEDIA_UPLOAD_DIR) / f"{upload.pk}.part").unlink(missing_ok=True)
        upload.delete()
        removed += 1
    return removed


# --- captions, retry, delete ---------------------------------------------------

def caption_add(*, video: Video, language: str, label: str, content: bytes, is_default: bool = False) -> Caption:
    """Attach a WebVTT caption (replacing one in the same language) and refresh the master playlist."""
    from .captions import validate_vtt

    validate_hls_quoted_string(label)  # before any file is stored
    validate_hls_quoted_string(language)
    text = validate_vtt(content)
    with transaction.atomic():
        Caption.objects.filter(video=video, language=language).delete()
        if is_default:
            Caption.objects.filter(video=video).update(is_default=False)
        caption = Caption(video=video, language=language, label=label, is_default=is_default)
        caption.file.save(f"{language}.vtt", ContentFile(text.encode("utf-8")), save=False)
        caption.full_clean()
        caption.save()
        if video.is_ready:
            master_write(video)
    return caption


def video_retry(*, video: Video) -> Video:
    """Send a failed video through the pipeline again."""
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.status != Video.Status.FAILED:
            return locked
        locked.status, locked.progress_percent = Video.Status.UPLOADED, 0
        locked.failure_code = locked.failure_detail = ""
        locked.save()
        transaction.on_commit(lambda: enqueue_processing(locked))
    return locked


def video_delete(*, video: Video) -> None:
    """Delete a video and every file it has (original, renditions, captions)."""
    video_id, original = video.pk, video.original.name
    caption_files = [c.file.name for c in video.captions.all()]
    video.delete()

    def remove_files():
        _delete_tree(f"videos/hls/{video_id}")
        for name in [original, *caption_files]:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove_files)
