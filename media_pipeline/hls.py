"""HLS playlists: measuring what ffmpeg wrote, and writing our master playlist.

We write the master ourselves (from the renditions in the database) so that
BANDWIDTH is the measured peak of video + audio, and so that subtitle groups
can be added whenever a caption is added, without transcoding again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


@dataclass
class VariantMeasure:
    average_bps: int
    peak_bps: int
    max_segment_s: float
    segment_count: int


def parse_attributes(line: str) -> dict[str, str]:
    return {key: value.strip('"') for key, value in _ATTRIBUTE.findall(line.split(":", 1)[1])}


def read_master(path: Path) -> list[dict[str, str]]:
    """The variants of a master playlist: attributes plus "URI"."""
    variants, pending = [], None
    for line in path.read_text().splitlines():
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = parse_attributes(line)
        elif pending is not None and line and not line.startswith("#"):
            pending["URI"] = line.strip()
            variants.append(pending)
            pending = None
    return variants


def segments(playlist: Path) -> list[tuple[float, str]]:
    """(duration, URI) of each media segment."""
    result, duration = [], None
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif duration is not None and line and not line.startswith("#"):
            result.append((duration, line.strip()))
            duration = None
    return result


def measure_variant(playlist: Path) -> VariantMeasure:
    """Average and peak bitrate (bit/s) over the segments of a media playlist."""
    parts = segments(playlist)
    total_bytes = sum((playlist.parent / uri).stat().st_size for _d, uri in parts)
    total_s = sum(duration for duration, _uri in parts) or 1.0
    peak = max(((playlist.parent / uri).stat().st_size * 8 / max(duration, 0.5)) for duration, uri in parts)
    return VariantMeasure(average_bps=int(total_bytes * 8 / total_s), peak_bps=int(peak),
                          max_segment_s=max(d for d, _u in parts), segment_count=len(parts))


@dataclass
class MasterVariant:
    uri: str
    peak_bps: int
    average_bps: int
    codecs: str
    width: int = 0
    height: int = 0
    frame_rate: float = 0.0


@dataclass
class SubtitleTrack:
    uri: str
    language: str
    name: str
    default: bool


_NOT_IN_QUOTED_STRING = re.compile(r'[\x00-\x1f\x7f]+')


def _quoted(value: str) -> str:
    """``value`` made safe inside an RFC 8216 quoted-string: no CR, LF (nor other control
    characters) and no double quote, whatever was stored (input is validated too)."""
    return _NOT_IN_QUOTED_STRING.sub(" ", str(value)).replace('"', "'").strip()


def master_playlist(variants: list[MasterVariant], subtitles: list[SubtitleTrack]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for track in subtitles:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="{_quoted(track.name)}",'
            f'LANGUAGE="{_quoted(track.language)}",DEFAULT={"YES" if track.default else "NO"},'
            f'AUTOSELECT=YES,FORCED=NO,URI="{_quoted(track.uri)}"')
    for variant in variants:
        attributes = [f"BANDWIDTH={variant.peak_bps}", f"AVERAGE-BANDWIDTH={variant.average_bps}"]
        if variant.height:
            attributes.append(f"RESOLUTION={variant.width}x{variant.height}")
        attributes.append(f'CODECS="{_quoted(variant.codecs)}"')
        if variant.frame_rate:
            attributes.append(f"FRAME-RATE={variant.frame_rate:.3f}")
        if subtitles:
            attributes.append('SUBTITLES="subs"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), _NOT_IN_QUOTED_STRING.sub("", variant.uri)]
    return "\n".join(lines) + "\n"


def subtitle_playlist(vtt_name: str, duration_s: float) -> str:
    """A one-segment media playlist around a whole WebVTT file."""
    target = max(1, int(duration_s + 0.999))
    return "\n".join([
        "#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD", f"#EXTINF:{duration_s:.3f},", vtt_name, "#EXT-X-ENDLIST", "",
    ])


def _timestamp(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def sprite_vtt(duration_s: float, interval_s: float, sheets: list[str], columns: int, rows: int,
               width: int, height: int) -> str:
    """WebVTT cues pointing at regions of the sprite sheets (for scrubbing previews)."""
    lines, start, index = ["WEBVTT", ""], 0.0, 0
    per_sheet = columns * rows
    while start < duration_s and index // per_sheet < len(sheets):
        end = min(start + interval_s, duration_s)
        sheet, cell = sheets[index // per_sheet], index % per_sheet
        x, y = (cell % columns) * width, (cell // columns) * height
        lines += [f"{_timestamp(start)} --> {_timestamp(end)}", f"{sheet}#xywh={x},{y},{width},{height}", ""]
        start, index = end, index + 1
    return "\n".join(lines)
