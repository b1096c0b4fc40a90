"""Coverage merging: overlapping, out-of-order, forged intervals and 2x playback."""
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from enrollment.coverage import FIRST_ALLOWANCE_S, MAX_RATE, SLACK_S, Coverage, apply_heartbeat, merge, total

intervals = st.lists(st.tuples(st.floats(0, 1000, allow_nan=False), st.floats(0, 1000, allow_nan=False))
                     .map(lambda pair: (min(pair), max(pair))), max_size=40)


@given(intervals)
def test_merge_is_the_exact_union(raw):
    merged = merge(raw)
    # sorted and disjoint
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:]))
    # every point is covered by the merge exactly when it is covered by some input
    rng = random.Random(len(raw))
    for _ in range(200):
        x = rng.uniform(0, 1000)
        assert any(s <= x < e for s, e in raw) == any(s <= x < e for s, e in merged)
    assert total(merged) <= total(raw) + 1e-6


def watch(coverage, heartbeats):
    """Feed (arrival time, start, end, rate) heartbeats; returns the accepted seconds."""
    return [apply_heartbeat(coverage, start=s, end=e, rate=r, now=t).accepted_seconds for t, s, e, r in heartbeats]


def test_overlapping_and_repeated_heartbeats_count_each_second_once():
    coverage = Coverage(duration=120)
    watch(coverage, [(0, 0, 15, 1), (15, 10, 30, 1), (30, 10, 30, 1), (45, 30, 45, 1)])
    assert coverage.intervals == [(0, 45)]
    assert coverage.watched_seconds == 45


@settings(max_examples=50)
@given(st.randoms())
def test_out_of_order_heartbeats_give_the_same_union(rng):
    # a learner watches 0..300 s in 15 s heartbeats; the network delivers them shuffled
    pieces = [(i * 15.0, (i + 1) * 15.0) for i in range(20)]
    rng.shuffle(pieces)
    coverage = Coverage(duration=300)
    for arrival, (start, end) in enumerate(pieces):
        apply_heartbeat(coverage, start=start, end=end, rate=1, now=arrival * 15.0)
    assert coverage.intervals == [(0, 300)]


def test_a_forged_heartbeat_cannot_complete_a_lecture_at_once():
    coverage = Coverage(duration=3600)
    result = apply_heartbeat(coverage, start=0, end=3600, rate=16, now=1000.0)
    assert result.capped
    assert coverage.watched_seconds == FIRST_ALLOWANCE_S * MAX_RATE + SLACK_S
    # nor by many forged heartbeats sent in the same second
    for _ in range(50):
        apply_heartbeat(coverage, start=0, end=3600, rate=2, now=1000.5)
    assert coverage.watched_seconds <= FIRST_ALLOWANCE_S * MAX_RATE + SLACK_S + 50 * SLACK_S + 1.0 + 1e-6
    assert coverage.percent < 5


@given(st.integers(min_value=60, max_value=3600))
def test_coverage_never_grows_faster_than_twice_wall_clock(duration):
    coverage = Coverage(duration=duration)
    now = 0.0
    for step in range(40):
        now += 15
        apply_heartbeat(coverage, start=0, end=duration, rate=MAX_RATE, now=now)  # greedy forger
        assert coverage.watched_seconds <= (now + FIRST_ALLOWANCE_S) * MAX_RATE + (step + 1) * SLACK_S + 1e-6


def test_honest_learner_at_2x_completes_in_half_the_time():
    duration = 600
    coverage = Coverage(duration=duration)
    now, position = 0.0, 0.0
    while position < duration:  # every 15 s of wall clock, 30 s of video
        end = min(duration, position + 30)
        result = apply_heartbeat(coverage, start=position, end=end, rate=2, now=now)
        assert not result.capped
        position, now = end, now + 15
    assert coverage.percent == 100.0
    assert now <= duration / 2 + 15


def test_intervals_are_clipped_to_the_video():
    coverage = Coverage(duration=10)
    apply_heartbeat(coverage, start=-5, end=50, rate=1, now=0)
    assert coverage.intervals == [(0, 10)]
    assert coverage.position == 10
