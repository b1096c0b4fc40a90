"""The HLS ladder: which rungs a source gets (never upscaled) and their bitrates."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    profile: str
    height: int
    video_kbps: int
    audio_kbps: int = 96

    @property
    def total_bps(self) -> int:
        return (self.video_kbps + self.audio_kbps) * 1000


LADDER = (
    Rung("1080p", 1080, 4500),
    Rung("720p", 720, 2800),
    Rung("480p", 480, 1200),
    Rung("360p", 360, 700),
    Rung("240p", 240, 300, audio_kbps=64),
)
AUDIO_ONLY_KBPS = 64
AUDIO_PROFILE = "audio"


def select_ladder(source_height: int, profiles: list[str] | None = None) -> list[Rung]:
    """Rungs no taller than the source; a source below 240p gets one rung at its own height.

    ``profiles`` restricts the ladder to the named rungs (benchmarks choose one).
    """
    rungs = [rung for rung in LADDER if rung.height <= source_height]
    if profiles is not None:
        rungs = [rung for rung in rungs if rung.profile in profiles]
    if not rungs:
        height = max(2, source_height - source_height % 2)
        rungs = [Rung(f"{height}p", height, 200, audio_kbps=64)]
    return rungs
