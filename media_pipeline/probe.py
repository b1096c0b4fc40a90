"""Sniffing and probing uploaded files before anything else touches them.

The content is sniffed by its first bytes (an HTML page or an HLS playlist
renamed .mp4 is refused here), then opened with PyAV (the pip ffmpeg build has
no ffprobe): container and codecs must be on the allow-lists, and the first
video frame must decode, so a truncated file fails now and not mid-transcode.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from django.utils.translation import gettext_lazy as _

ALLOWED_CONTAINERS = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts", "flv", "mpeg"}
ALLOWED_VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "mpeg1video", "mjpeg",
                        "prores", "theora", "msmpeg4v3", "wmv2"}
ALLOWED_AUDIO_CODECS = {"aac", "mp3", "mp2", "opus", "vorbis", "ac3", "eac3", "flac", "alac", "pcm_s16le",
                        "pcm_s24le", "pcm_f32le", "pcm_s16be", "wmav2"}

MESSAGES = {
    "empty": _("The file is empty."),
    "not_video": _("This file is not a video. Upload an MP4, MOV, MKV, WebM or AVI lecture recording."),
    "unsupported_container": _("The video format “%(value)s” is not supported. Convert it to MP4 (H.264) and try again."),
    "unsupported_codec": _("The codec “%(value)s” is not supported. Convert the video to MP4 (H.264 + AAC) and try again."),
    "no_video_stream": _("The file has no picture (video stream). For a sound-only lecture, use an audio document."),
    "corrupt": _("The file is damaged or incomplete (the upload may have been cut off). Upload it again."),
    "too_large": _("The file is larger than the limit of %(value)s GB."),
    "quota": _("Your video storage quota (%(value)s GB) would be exceeded. Delete old videos or ask the department."),
    "transcode_failed": _("Transcoding failed: %(value)s"),
    "timeout": _("Transcoding took too long and was stopped. Try a shorter or smaller file."),
}


class MediaError(Exception):
    """A user-facing, translated reason why a file cannot be used."""

    def __init__(self, code: str, value: str = "", detail: str = "") -> None:
        self.code, self.value, self.detail = code, value, detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"value": self.value} if "%(" in str(MESSAGES[self.code]) \
            else str(MESSAGES[self.code])


def describe_failure(code: str, value: str = "") -> str:
    """The translated sentence for a stored failure code."""
    return MediaError(code, value).message if code in MESSAGES else value


def sniff(head: bytes) -> str | None:
    """Guess the container family from the first bytes; None when it is not a video container."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"FLV"):
        return "flv"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg"
    if head[:1] == b"\x47" and (len(head) < 189 or head[188:189] == b"\x47"):
        return "mpegts"
    return None


@dataclass(frozen=True)
class ProbeResult:
    container: str
    demuxer: str
    duration_s: float
    width: int
    height: int
    frame_rate: float
    video_codec: str
    audio_codec: str
    has_audio: bool


def probe(path: str | Path) -> ProbeResult:
    """Sniff and probe ``path``; raises MediaError with a user-facing reason."""
    import av

    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise MediaError("empty")
    with path.open("rb") as handle:
        head = handle.read(512)
    if sniff(head) is None:
        raise MediaError("not_video")
    try:
        # "file" only: a hostile file cannot make the demuxer open other protocols.
        container = av.open(str(path), options={"protocol_whitelist": "file"})
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError("corrupt", detail=str(exc)) from None
    try:
        names = set(container.format.name.split(","))
        if not names & ALLOWED_CONTAINERS:
            raise MediaError("unsupported_container", container.format.name)
        video = next((s for s in container.streams if s.type == "video"), None)
        audio = next((s for s in container.streams if s.type == "audio"), None)
        if video is None:
            raise MediaError("no_video_stream")
        video_codec = video.codec_context.name
        if video_codec not in ALLOWED_VIDEO_CODECS:
            raise MediaError("unsupported_codec", video_codec)
        audio_codec = audio.codec_context.name if audio is not None else ""
        if audio is not None and audio_codec not in ALLOWED_AUDIO_CODECS:
            raise MediaError("unsupported_codec", audio_codec)
        duration = float(container.duration / 1_000_000) if container.duration else 0.0
        if not duration and video.duration and video.time_base:
            duration = float(video.duration * video.time_base)
        rate = video.average_rate or video.guessed_rate or Fraction(25)
        width, height = video.codec_context.width, video.codec_context.height
        try:
            frame = next(container.decode(video=0))
        except (StopIteration, av.FFmpegError):
            raise MediaError("corrupt", detail="no decodable video frame") from None
        width, height = width or frame.width, height or frame.height
        if not duration or not width or not height:
            raise MediaError("corrupt", detail="no duration or picture size")
        return ProbeResult(
            container=container.format.name, demuxer=container.format.name.split(",")[0],
            duration_s=duration, width=width, height=height, frame_rate=float(rate),
            video_codec=video_codec, audio_codec=audio_codec, has_audio=audio is not None,
        )
    finally:
        container.close()
