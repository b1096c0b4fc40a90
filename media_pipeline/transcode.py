"""One ffmpeg process that decodes the source once and writes every output:
the HLS ladder (fMP4 segments, aligned keyframes every 2 s), the audio-only
rendition, a downloadable audio file, the poster and the thumbnail sprite.

The command is built with ffmpeg-python; progress comes from ffmpeg's
``-progress`` output and is reported through a callback.
"""
from __future__ import annotations

import math
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from django.conf import settings

from .ladder import AUDIO_ONLY_KBPS, Rung
from .probe import MediaError, ProbeResult

SEGMENT_SECONDS = 4
KEYFRAME_SECONDS = 2
SPRITE_INTERVAL_S = 10
# The poster is what a lesson page shows before play (at most ~960 px wide), so it is part of
# the page's weight: 540 lines at JPEG quality 5 stay in the tens of kilobytes.
POSTER_HEIGHT = 540
SPRITE_COLUMNS = 10
SPRITE_ROWS = 10
THUMB_WIDTH, THUMB_HEIGHT = 160, 90


def ffmpeg_binary() -> str:
    """FFMPEG_BINARY when set, else the binary shipped in the imageio-ffmpeg wheel."""
    if settings.FFMPEG_BINARY:
        return settings.FFMPEG_BINARY
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def sprite_interval(duration_s: float) -> float:
    """Seconds between sprite thumbnails: 10 s, longer for very long lectures (at most 4
    sprite sheets), shorter for short clips (ffmpeg's tile filter needs two frames)."""
    per_sheet = SPRITE_COLUMNS * SPRITE_ROWS
    interval = max(SPRITE_INTERVAL_S, math.ceil(duration_s / (4 * per_sheet)))
    return float(max(1, min(interval, int(duration_s / 3))))


@dataclass
class Plan:
    """What one run writes, relative to its output folder."""

    rungs: list[Rung]
    has_audio: bool
    sprite_interval_s: float

    def variant_dir(self, index: int) -> str:
        return f"v{index}"

    @property
    def audio_variant_index(self) -> int | None:
        return len(self.rungs) if self.has_audio else None


def build_command(source: Path, out_dir: Path, probe: ProbeResult, rungs: list[Rung],
                  preset: str | None = None) -> tuple[list[str], Plan]:
    """The ffmpeg argument list for one run, and the plan of what it writes."""
    fps = probe.frame_rate if 1 <= probe.frame_rate <= 120 else 25
    gop = max(1, round(fps * KEYFRAME_SECONDS))
    plan = Plan(rungs=rungs, has_audio=probe.has_audio, sprite_interval_s=sprite_interval(probe.duration_s))
    source_input = ffmpeg.input(str(source), f=probe.demuxer, protocol_whitelist="file")

    video_branches = source_input.video.filter_multi_output("split", len(rungs) + 2)
    scaled = [video_branches[index].filter("scale", -2, rung.height) for index, rung in enumerate(rungs)]
    codec_args: dict[str, object] = {}
    for index, rung in enumerate(rungs):
        codec_args.update({
            f"b:v:{index}": f"{rung.video_kbps}k",
            f"maxrate:v:{index}": f"{int(rung.video_kbps * 1.1)}k",
            f"bufsize:v:{index}": f"{rung.video_kbps * 2}k",
        })
    if probe.has_audio:
        # each rung carries its own audio (so BANDWIDTH covers both), plus one audio-only variant
        audio_branches = source_input.audio.filter_multi_output("asplit", len(rungs) + 2)
        streams, stream_map = [], []
        for index, rung in enumerate(rungs):
            streams += [scaled[index], audio_branches[index]]
            codec_args[f"b:a:{index}"] = f"{rung.audio_kbps}k"
            stream_map.append(f"v:{index},a:{index}")
        streams.append(audio_branches[len(rungs)])
        codec_args[f"b:a:{len(rungs)}"] = f"{AUDIO_ONLY_KBPS}k"
        stream_map.append(f"a:{len(rungs)}")
    else:
        streams, stream_map = scaled, [f"v:{index}" for index in range(len(rungs))]

    hls = ffmpeg.output(
        *streams, str(out_dir / "v%v" / "index.m3u8"),
        f="hls", hls_time=SEGMENT_SECONDS, hls_playlist_type="vod", hls_segment_type="fmp4",
        hls_flags="independent_segments", hls_fmp4_init_filename="init.mp4",
        hls_segment_filename=str(out_dir / "v%v" / "seg_%05d.m4s"),
        master_pl_name="ffmpeg_master.m3u8", var_stream_map=" ".join(stream_map),
        **{"c:v": "libx264", "profile:v": "high", "preset": preset or settings.MEDIA_X264_PRESET,
           "pix_fmt": "yuv420p", "g": gop, "keyint_min": gop, "sc_threshold": 0,
           "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})", "c:a": "aac", "ar": 48000, "ac": 2,
           **codec_args},
    )
    poster_at = min(max(probe.duration_s * 0.1, 0.0), 30.0)
    poster = ffmpeg.output(
        video_branches[len(rungs)].filter("select", f"gte(t,{poster_at:.3f})")
        .filter("scale", -2, min(POSTER_HEIGHT, probe.height // 2 * 2)),
        str(out_dir / "poster.jpg"), **{"frames:v": 1, "q:v": 5})
    # single thumbnails (tiled into sprite sheets afterwards: ffmpeg's tile filter would hold
    # its output until a sheet is full, which stalls -progress for the whole run)
    (out_dir / "thumbs").mkdir(parents=True, exist_ok=True)
    sprite = ffmpeg.output(
        video_branches[len(rungs) + 1].filter("fps", f"1/{plan.sprite_interval_s:g}")
        .filter("scale", THUMB_WIDTH, THUMB_HEIGHT),
        str(out_dir / "thumbs" / "%05d.jpg"), **{"q:v": 5, "fps_mode": "passthrough"})
    outputs = [hls, poster, sprite]
    if probe.has_audio:
        outputs.append(ffmpeg.output(audio_branches[len(rungs) + 1], str(out_dir / "audio.m4a"),
                                     **{"c:a": "aac", "b:a": f"{AUDIO_ONLY_KBPS}k", "ac": 2,
                                        "movflags": "+faststart"}))
    args = ffmpeg.merge_outputs(*outputs).compile(cmd=ffmpeg_binary())
    # global options go before the inputs (ffmpeg-python appends them at the end)
    args[1:1] = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1", "-nostats"]
    for index in range(len(rungs) + (1 if probe.has_audio else 0)):
        (out_dir / f"v{index}").mkdir(parents=True, exist_ok=True)
    return args, plan


def tile_sprites(out_dir: Path) -> list[str]:
    """Tile the single thumbnails into sprite sheets (sprite_001.jpg, ...); returns their names."""
    from PIL import Image

    thumbs = sorted((out_dir / "thumbs").glob("*.jpg"))
    per_sheet = SPRITE_COLUMNS * SPRITE_ROWS
    names = []
    for sheet_index in range(0, len(thumbs), per_sheet):
        batch = thumbs[sheet_index:sheet_index + per_sheet]
        rows = math.ceil(len(batch) / SPRITE_COLUMNS)
        columns = min(SPRITE_COLUMNS, len(batch))
        sheet = Image.new("RGB", (columns * THUMB_WIDTH, rows * THUMB_HEIGHT))
        for cell, thumb in enumerate(batch):
            with Image.open(thumb) as image:
                sheet.paste(image, ((cell % SPRITE_COLUMNS) * THUMB_WIDTH, (cell // SPRITE_COLUMNS) * THUMB_HEIGHT))
        name = f"sprite_{sheet_index // per_sheet + 1:03d}.jpg"
        sheet.save(out_dir / name, quality=80)
        names.append(name)
    for thumb in thumbs:
        thumb.unlink()
    (out_dir / "thumbs").rmdir()
    return names


def run(args: list[str], duration_s: float, on_progress: Callable[[int], None] | None = None) -> None:
    """Run ffmpeg, reporting whole percents; raises MediaError with ffmpeg's last words on failure."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = -1
    assert process.stdout is not None
    for line in process.stdout:
        key, _sep, value = line.strip().partition("=")
        if key == "out_time_us" and value.isdigit() and duration_s > 0:
            percent = min(99, int(int(value) / 1_000_000 * 100 / duration_s))
            if percent != last and on_progress:
                on_progress(percent)
            last = percent
    stderr = process.stderr.read() if process.stderr else ""
    if process.wait() != 0:
        raise MediaError("transcode_failed", stderr.strip().splitlines()[-1][:300] if stderr.strip() else "ffmpeg")
