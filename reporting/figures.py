"""The figures of a report and their marks against a target: plain arithmetic, no queries.

Shares are percentages rounded half up to one decimal; marks compare the exact
fractions (never the rounded numbers) with the target.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded half up to one decimal; None when ``whole`` is 0."""
    if not whole:
        return None
    tenths, remainder = divmod(part * 1000, whole)
    if remainder * 2 >= whole:
        tenths += 1
    return Decimal(tenths).scaleb(-1)


@dataclass
class Figures:
    """Counts for one unit's subtree (or one category, area...) in one period."""

    population: int = 0          # target population at the end of the period
    trained: int = 0             # of them, trained in the period
    trained_online: int = 0      # of the trained, those who took part online
    activities: int = 0          # training activities held in the period
    activities_online: int = 0   # of them, held online
    respondents: int | None = None  # satisfaction survey respondents (None: not computed)
    satisfied: int | None = None

    def add(self, other: Figures) -> None:
        for name in ("population", "trained", "trained_online", "activities", "activities_online"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.respondents is not None:
            self.respondents = (self.respondents or 0) + other.respondents
            self.satisfied = (self.satisfied or 0) + (other.satisfied or 0)

    @property
    def not_trained(self) -> int:
        return self.population - self.trained

    @property
    def trained_share(self) -> Decimal | None:
        return percent(self.trained, self.population)

    @property
    def online_share(self) -> Decimal | None:
        """The plan's measure: training activities held online / all training activities."""
        return percent(self.activities_online, self.activities)

    @property
    def online_participant_share(self) -> Decimal | None:
        """Beside it: of the people trained, the share who took part online."""
        return percent(self.trained_online, self.trained)

    @property
    def satisfaction(self) -> Decimal | None:
        if self.respondents is None:
            return None
        return percent(self.satisfied or 0, self.respondents)


@dataclass(frozen=True)
class Mark:
    code: str  # reached | on_track | behind | missed | no_data | no_target
    label: str
    symbol: str

    @property
    def is_good(self) -> bool:
        return self.code in ("reached", "on_track")


MARKS = {
    "reached": (_("Target reached"), "✔"),
    "on_track": (_("On track"), "➚"),
    "behind": (_("Behind"), "✘"),
    "missed": (_("Target missed"), "✘"),
    "no_data": (_("No data yet"), "–"),
    "no_target": (_("No target set"), ""),
}


def make_mark(code: str) -> Mark:
    label, symbol = MARKS[code]
    return Mark(code=code, label=str(label), symbol=symbol)


def mark(part: int, whole: int, target: Decimal | None, *, running: bool,
         elapsed: tuple[int, int] | None = None) -> Mark:
    """How ``part``/``whole`` stands against ``target`` (a percentage).

    Reached when the exact share is at least the target. While the period runs, a
    cumulative figure (``elapsed`` given: the trained share) is on track when it is at
    least the target pro-rated to the time elapsed; any other figure is behind until
    it reaches the target. Once the period is over, a figure below target has missed it.
    """
    if target is None:
        return make_mark("no_target")
    if not whole:
        return make_mark("no_data")
    share = Fraction(part * 100, whole)
    goal = Fraction(target)
    if share >= goal:
        return make_mark("reached")
    if not running:
        return make_mark("missed")
    if elapsed is not None:
        done, total = elapsed
        if total and share >= goal * Fraction(done, total):
            return make_mark("on_track")
    return make_mark("behind")


@dataclass
class FigureMarks:
    trained: Mark
    online: Mark
    satisfaction: Mark


def marks_for(figures: Figures, targets, *, running: bool, elapsed: tuple[int, int]) -> FigureMarks:
    return FigureMarks(
        trained=mark(figures.trained, figures.population, targets.trained, running=running, elapsed=elapsed),
        online=mark(figures.activities_online, figures.activities, targets.online, running=running),
        satisfaction=mark(figures.satisfied or 0, figures.respondents or 0, targets.satisfaction, running=running),
    )


@dataclass
class TrendPoint:
    month: dt.date
    trained: int              # trained since the period began, up to the end of this month
    population: int
    activities: int           # activities held in this month
    activities_online: int

    @property
    def trained_share(self) -> Decimal | None:
        return percent(self.trained, self.population)

    @property
    def online_share(self) -> Decimal | None:
        return percent(self.activities_online, self.activities)


@dataclass
class Row:
    """One line of a table: a unit (with its subtree) or a category / area value."""

    key: str
    label: str
    figures: Figures
    marks: FigureMarks | None = None
    unit_id: int | None = None
    code: str = ""
    path: str = ""
    depth: int = 0
    level_name: str = ""
    has_children: bool = False
    extra: dict = field(default_factory=dict)
