"""Watched coverage of a video, merged from the player's heartbeats.

Pure functions, no Django. A heartbeat claims "I watched [start, end) at this
playback rate". Claims are merged as an interval union, so overlapping,
repeated and out-of-order heartbeats count each second once. A claim can never
add more new coverage than the wall-clock time since the previous heartbeat
allows at the fastest playback rate (2x), so a forged heartbeat cannot complete
a lecture at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Interval = tuple[float, float]

MAX_RATE = 2.0          # the fastest speed the player offers
MIN_RATE = 0.25
SLACK_S = 2.0           # network jitter between two heartbeats
FIRST_ALLOWANCE_S = 20  # wall-clock seconds granted to the first heartbeat of a video


def merge(intervals: list[Interval]) -> list[Interval]:
    """The union of ``intervals`` as sorted, disjoint intervals (touching ones joined)."""
    result: list[list[float]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def total(intervals: list[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def uncovered_parts(merged: list[Interval], start: float, end: float) -> list[Interval]:
    """The parts of [start, end) that ``merged`` does not cover, in order."""
    parts, cursor = [], start
    for s, e in merged:
        if e <= cursor:
            continue
        if s >= end:
            break
        if s > cursor:
            parts.append((cursor, min(s, end)))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        parts.append((cursor, end))
    return parts


@dataclass
class Coverage:
    duration: float
    intervals: list[Interval] = field(default_factory=list)
    last_heartbeat_at: float | None = None  # server time (seconds) of the last accepted heartbeat
    position: float = 0.0

    @property
    def watched_seconds(self) -> float:
        return total(self.intervals)

    @property
    def percent(self) -> float:
        return 100.0 * self.watched_seconds / self.duration if self.duration > 0 else 0.0


@dataclass(frozen=True)
class HeartbeatResult:
    accepted_seconds: float   # new coverage added
    claimed_seconds: float    # new coverage the heartbeat asked for
    capped: bool              # True when the wall-clock budget cut the claim


def apply_heartbeat(coverage: Coverage, *, start: float, end: float, rate: float, now: float) -> HeartbeatResult:
    """Merge one heartbeat into ``coverage`` (in place) within the wall-clock budget."""
    duration = coverage.duration
    start, end = max(0.0, min(start, duration)), max(0.0, min(end, duration))
    rate = max(MIN_RATE, min(float(rate or 1.0), MAX_RATE))
    if coverage.last_heartbeat_at is None:
        elapsed = FIRST_ALLOWANCE_S
    else:
        elapsed = max(0.0, now - coverage.last_heartbeat_at)
    budget = elapsed * MAX_RATE + SLACK_S
    new_parts = uncovered_parts(coverage.intervals, start, end) if end > start else []
    claimed = total(new_parts)
    accepted: list[Interval] = []
    remaining = budget
    for s, e in new_parts:  # credit in playing order until the budget runs out
        if remaining <= 0:
            break
        take = min(e - s, remaining)
        accepted.append((s, s + take))
        remaining -= take
    coverage.intervals = merge(coverage.intervals + accepted)
    coverage.last_heartbeat_at = now if coverage.last_heartbeat_at is None else max(coverage.last_heartbeat_at, now)
    coverage.position = end if end > 0 else coverage.position
    gained = total(accepted)
    return HeartbeatResult(accepted_seconds=gained, claimed_seconds=claimed, capped=gained < claimed - 1e-9)
