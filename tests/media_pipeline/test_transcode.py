"""The pipeline end to end on a real generated clip: probe, one ffmpeg run, publish."""
from pathlib import Path

import av
import pytest
from django.core.files.storage import default_storage

from media_pipeline import hls, services
from media_pipeline.models import Video
from media_pipeline.tasks import process_video
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TARGETS = {"720p": 2_896_000, "480p": 1_296_000, "360p": 796_000, "240p": 364_000, "audio": 64_000}


def stored(name: str) -> Path:
    return Path(default_storage.path(name))


def test_clip_is_transcoded_to_the_full_ladder_through_the_task(clip_copy, django_capture_on_commit_callbacks):
    # given an uploaded 720p clip; the task is queued on commit and runs eagerly here
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_create_from_path(path=clip_copy, filename=clip_copy.name, title="Chuyển đổi số",
                                                owner=make_user())
    video.refresh_from_db()
    # then it is ready with one rendition per rung, never upscaled
    assert video.status == Video.Status.READY, (video.failure_code, video.failure_detail)
    assert (video.width, video.height, video.video_codec, video.audio_codec) == (1280, 720, "h264", "aac")
    assert sorted(video.renditions.values_list("profile", flat=True)) == sorted(TARGETS)
    assert video.progress_percent == 100

    # the master playlist: BANDWIDTH, RESOLUTION, CODECS on every variant, plus audio-only
    master = stored(video.output_name("master.m3u8"))
    variants = hls.read_master(master)
    assert len(variants) == 5
    by_height = {}
    for variant in variants:
        assert int(variant["BANDWIDTH"]) > 0 and "CODECS" in variant
        if "RESOLUTION" in variant:
            width, height = map(int, variant["RESOLUTION"].split("x"))
            by_height[height] = variant
            assert variant["CODECS"].startswith("avc1.64") and "mp4a.40.2" in variant["CODECS"]
        else:
            assert variant["CODECS"] == "mp4a.40.2"
    assert sorted(by_height) == [240, 360, 480, 720]

    # each rung's segments are <= 6 s and its measured bitrate within 25% of the target (video + audio)
    for variant in variants:
        playlist = master.parent / variant["URI"]
        parts = hls.segments(playlist)
        assert parts and max(duration for duration, _ in parts) <= 6.0
        size = sum((playlist.parent / uri).stat().st_size for _, uri in parts)
        measured = size * 8 / sum(duration for duration, _ in parts)
        profile = f"{variant['RESOLUTION'].split('x')[1]}p" if "RESOLUTION" in variant else "audio"
        assert abs(measured - TARGETS[profile]) / TARGETS[profile] < 0.25, (profile, measured)
        # BANDWIDTH covers the peak, so it is never below what was measured on average
        assert int(variant["BANDWIDTH"]) >= int(measured * 0.99)

    # poster, scrubbing sprite + VTT, downloadable audio-only file
    for name in ("poster.jpg", "sprite_001.jpg", "thumbnails.vtt", "audio.m4a"):
        assert stored(video.output_name(name)).stat().st_size > 0, name
    assert "sprite_001.jpg#xywh=0,0,160,90" in stored(video.output_name("thumbnails.vtt")).read_text()
    with av.open(str(stored(video.output_name("audio.m4a")))) as audio:
        assert [s.type for s in audio.streams] == ["audio"]
        assert audio.streams[0].codec_context.name == "aac"


def keyframe_times(playlist: Path) -> list[float]:
    init_name = next(line.split('URI="')[1].rstrip('"') for line in playlist.read_text().splitlines()
                     if line.startswith("#EXT-X-MAP"))
    joined = playlist.parent / "joined.mp4"
    joined.write_bytes((playlist.parent / init_name).read_bytes() + b"".join(
        (playlist.parent / uri).read_bytes() for _duration, uri in hls.segments(playlist)))
    times = []
    with av.open(str(joined)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.is_keyframe and packet.pts is not None:
                times.append(round(float(packet.pts * stream.time_base), 2))
    joined.unlink()
    return times


def test_keyframes_are_aligned_across_rungs_every_two_seconds(clip_copy):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a")
    video = services.video_process(video_id=video.pk)
    rungs = [stored(video.output_name(r.playlist)) for r in video.renditions.exclude(profile="audio")]
    times = [keyframe_times(playlist) for playlist in rungs]
    assert all(t == times[0] for t in times), times  # the same instants in every rung
    assert [round(b - a, 2) for a, b in zip(times[0], times[0][1:])] == [2.0]  # a 3 s clip: 0 s and 2 s


def test_rerun_of_a_finished_job_does_nothing(clip_copy):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a")
    video = services.video_process(video_id=video.pk)
    key, ready_at = video.hls_key, video.ready_at
    process_video(video.pk)
    video.refresh_from_db()
    assert (video.hls_key, video.ready_at, video.status) == (key, ready_at, Video.Status.READY)


def test_ffmpeg_failure_ends_failed_with_a_reason_and_no_retry(clip_copy, settings, monkeypatch):
    calls = []
    original = services.video_process

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, "video_process", counting)
    settings.FFMPEG_BINARY = "/bin/false"
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a")
    process_video.delay(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED and video.failure_code == "transcode_failed"
    assert video.renditions.count() == 0 and not video.hls_key
    assert len(calls) == 1


def test_retry_after_failure_completes(clip_copy, settings, django_capture_on_commit_callbacks):
    settings.FFMPEG_BINARY = "/bin/false"
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a")
    services.video_process(video_id=video.pk)
    settings.FFMPEG_BINARY = ""
    with django_capture_on_commit_callbacks(execute=True):
        services.video_retry(video=video)
    video.refresh_from_db()
    assert video.status == Video.Status.READY


def test_delete_removes_every_file(clip_copy, django_capture_on_commit_callbacks):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a")
    video = services.video_process(video_id=video.pk)
    original = stored(video.original.name)
    run_dir = stored(video.hls_key)
    assert original.exists() and run_dir.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert not original.exists() and not run_dir.exists()
    assert Video.objects.count() == 0
