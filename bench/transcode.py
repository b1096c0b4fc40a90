"""Benchmark: the video pipeline against ffmpeg itself doing the same ladder.

On a generated 60 s 1080p30 clip, with the 720p/480p/240p + audio ladder:
  (a) the pipeline's task end to end (probe, one ffmpeg run, measure, store, publish) on local storage,
  (b) the equivalent single hand-written ffmpeg command (same outputs),
  (c) the same rungs as separate ffmpeg processes, one after the other (each decodes the source).
Medians of --runs runs (>= 3). Goals on 2 cores: a/b <= 1.05, c/a >= 1.4, speed >= 1.3x real time,
each rung's average bitrate within 10% of its target. Also the peak memory of the transcoding
process and of the web process while 1 GB streams through the resumable-upload endpoint.

    .venv/bin/python bench/transcode.py [--runs 3] [--seconds 60]

Ends with one JSON line.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROFILES = ["720p", "480p", "240p"]


def hand_written(ffmpeg: str, source: Path, out: Path, gop: int) -> list[str]:
    """What an engineer would type for the same outputs, in one process."""
    for index in range(4):
        (out / f"v{index}").mkdir(parents=True, exist_ok=True)
    (out / "thumbs").mkdir(exist_ok=True)
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source),
        "-filter_complex",
        "[0:v]split=5[a][b][c][p][t];[a]scale=-2:720[v0];[b]scale=-2:480[v1];[c]scale=-2:240[v2];"
        "[p]select='gte(t,6)',scale=-2:720[pv];[t]fps=1/10,scale=160:90[tv];[0:a]asplit=5[a0][a1][a2][a3][a4]",
        "-map", "[v0]", "-map", "[a0]", "-map", "[v1]", "-map", "[a1]", "-map", "[v2]", "-map", "[a2]",
        "-map", "[a3]",
        "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*2)",
        "-b:v:0", "2800k", "-maxrate:v:0", "3080k", "-bufsize:v:0", "5600k",
        "-b:v:1", "1200k", "-maxrate:v:1", "1320k", "-bufsize:v:1", "2400k",
        "-b:v:2", "300k", "-maxrate:v:2", "330k", "-bufsize:v:2", "600k",
        "-c:a", "aac", "-ar", "48000", "-ac", "2", "-b:a:0", "96k", "-b:a:1", "96k", "-b:a:2", "64k", "-b:a:3", "64k",
        "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
        "-hls_flags", "independent_segments", "-hls_segment_filename", str(out / "v%v" / "seg_%05d.m4s"),
        "-master_pl_name", "master.m3u8", "-var_stream_map", "v:0,a:0 v:1,a:1 v:2,a:2 a:3",
        str(out / "v%v" / "index.m3u8"),
        "-map", "[pv]", "-frames:v", "1", str(out / "poster.jpg"),
        "-map", "[tv]", "-fps_mode", "passthrough", str(out / "thumbs" / "%05d.jpg"),
        "-map", "[a4]", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(out / "audio.m4a"),
    ]


def separate(ffmpeg: str, source: Path, out: Path, gop: int) -> list[list[str]]:
    """The same rungs, one process each (each decodes the source again)."""
    commands = []
    for index, (height, kbps, akbps) in enumerate([(720, 2800, 96), (480, 1200, 96), (240, 300, 64)]):
        folder = out / f"v{index}"
        folder.mkdir(parents=True, exist_ok=True)
        commands.append([
            ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source),
            "-vf", f"scale=-2:{height}", "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast",
            "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
            "-b:v", f"{kbps}k", "-maxrate", f"{int(kbps * 1.1)}k", "-bufsize", f"{kbps * 2}k",
            "-c:a", "aac", "-b:a", f"{akbps}k", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
            "-hls_segment_type", "fmp4", "-hls_segment_filename", str(folder / "seg_%05d.m4s"),
            str(folder / "index.m3u8")])
    (out / "v3").mkdir(exist_ok=True)
    commands.append([ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source), "-vn",
                     "-c:a", "aac", "-b:a", "64k", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
                     "-hls_segment_type", "fmp4", "-hls_segment_filename", str(out / "v3" / "seg_%05d.m4s"),
                     str(out / "v3" / "index.m3u8")])
    return commands


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def upload_peak_mb(size_mb: int) -> float:
    """Stream size_mb through the tus PATCH view in this process; return the RSS growth in MB."""
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIRequest

    from media_pipeline import tus
    from media_pipeline.models import Upload

    user = get_user_model().objects.get_or_create(username="bench-uploader", defaults={"is_superuser": True})[0]
    upload = Upload.objects.create(owner=user, filename="big.bin", length=size_mb * 1024 * 1024)
    tus.upload_path(upload).parent.mkdir(parents=True, exist_ok=True)
    tus.upload_path(upload).touch()
    source = Path(tempfile.mkdtemp()) / "big.bin"
    with source.open("wb") as handle:
        handle.truncate(size_mb * 1024 * 1024)  # sparse: reading it costs no memory either
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with source.open("rb") as body:
        environ = {
            "REQUEST_METHOD": "PATCH", "PATH_INFO": f"/media-upload/tus/{upload.pk}", "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "wsgi.input": body, "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
            "CONTENT_TYPE": "application/offset+octet-stream", "CONTENT_LENGTH": str(size_mb * 1024 * 1024),
            "HTTP_UPLOAD_OFFSET": "0", "HTTP_TUS_RESUMABLE": "1.0.0",
        }
        request = WSGIRequest(environ)
        request.user = user
        upload_before_finish = tus._finish
        tus._finish = lambda u: tus._tus_response(204)  # the bytes, not the probing, are measured here
        try:
            response = tus._patch(request, upload)
        finally:
            tus._finish = upload_before_finish
    assert response.status_code == 204, response.status_code
    assert tus.upload_path(upload).stat().st_size == size_mb * 1024 * 1024
    tus.upload_path(upload).unlink()
    source.unlink()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return after - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--upload-mb", type=int, default=1024)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-transcode-"))
    os.environ.setdefault("VAR_DIR", str(workdir / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from media_pipeline import hls, services
    from media_pipeline.ladder import select_ladder
    from media_pipeline.testclips import make_clip
    from media_pipeline.transcode import ffmpeg_binary

    call_command("migrate", verbosity=0)
    ffmpeg = ffmpeg_binary()
    source = make_clip(workdir / "lecture-1080p.mp4", seconds=args.seconds, width=1920, height=1080, fps=30)
    gop = 60

    def uploaded():
        """The upload step (not timed): the clip stored as a new Video, as the upload page leaves it."""
        copy = workdir / "upload.mp4"
        copy.write_bytes(source.read_bytes())
        return services.video_create_from_path(path=copy, filename="lecture.mp4", title="bench", enqueue=False,
                                               move=True)

    def pipeline(video) -> None:
        video = services.video_process(video_id=video.pk, profiles=PROFILES)  # what the Celery task runs
        assert video.status == "ready", (video.failure_code, video.failure_detail)
        pipeline.last = video

    def baseline() -> None:
        out = workdir / "b"
        subprocess.run(hand_written(ffmpeg, source, out, gop), check=True)

    def separately() -> None:
        out = workdir / "c"
        for command in separate(ffmpeg, source, out, gop):
            subprocess.run(command, check=True)

    results = {"a": [], "b": [], "c": []}
    for _ in range(args.runs):
        video = uploaded()
        results["a"].append(timed(lambda: pipeline(video)))
        results["b"].append(timed(baseline))
        results["c"].append(timed(separately))
    a, b, c = (statistics.median(results[key]) for key in "abc")
    transcode_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    # bitrates of the pipeline's last run, within 10% of target
    from django.core.files.storage import default_storage

    video = pipeline.last
    deviations = {}
    for rendition in video.renditions.all():
        playlist = Path(default_storage.path(video.output_name(rendition.playlist)))
        parts = hls.segments(playlist)
        bps = sum((playlist.parent / uri).stat().st_size for _, uri in parts) * 8 / sum(d for d, _ in parts)
        deviations[rendition.profile] = round((bps - rendition.target_bitrate) / rendition.target_bitrate, 3)
    assert [r.profile for r in select_ladder(1080, PROFILES)] == PROFILES

    upload_mb = upload_peak_mb(args.upload_mb)
    print(f"clip: {args.seconds} s 1080p30; ladder {', '.join(PROFILES)} + audio; {args.runs} runs (medians)")
    print(f"(a) pipeline task end to end:        {a:7.2f} s   runs {[round(x, 2) for x in results['a']]}")
    print(f"(b) one hand-written ffmpeg command: {b:7.2f} s   runs {[round(x, 2) for x in results['b']]}")
    print(f"(c) separate ffmpeg per rung:        {c:7.2f} s   runs {[round(x, 2) for x in results['c']]}")
    print(f"    a/b = {a / b:.3f}   (goal <= 1.05)")
    print(f"    c/a = {c / a:.3f}   (goal >= 1.4)")
    print(f"    speed = {args.seconds / a:.2f}x real time   (goal >= 1.3)")
    print(f"    bitrate deviation from target: {deviations}   (goal within 10%)")
    print(f"    transcoding process peak RSS: {transcode_peak_mb:.0f} MB")
    print(f"    web process growth while {args.upload_mb} MB streamed through the upload: {upload_mb:.1f} MB")
    print(json.dumps({
        "a_over_b": round(a / b, 3), "c_over_a": round(c / a, 3), "speed_x_realtime": round(args.seconds / a, 2),
        "transcode_peak_mb": round(transcode_peak_mb, 1), "upload_web_peak_mb": round(upload_mb, 1),
        "bitrate_deviation": deviations,
    }))


if __name__ == "__main__":
    main()
