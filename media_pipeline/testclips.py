"""Generated lecture clips (ffmpeg test pattern + tone) for the demo, tests and benchmarks."""
from __future__ import annotations

import subprocess
from pathlib import Path

from .transcode import ffmpeg_binary


def make_clip(path: Path, *, seconds: float = 3, width: int = 1280, height: int = 720, fps: int = 30,
              audio: bool = True) -> Path:
    """Write an H.264/AAC MP4 with a moving pattern and light noise (so bitrates behave as real video)."""
    args = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
            f"testsrc2=size={width}x{height}:rate={fps},noise=alls=10:allf=t"]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    args += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "128k"]
    subprocess.run([*args, str(path)], check=True)
    return path
