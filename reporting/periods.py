"""Periods a report can cover: a phase of the plan, or one calendar year of a phase.

A period is a half-open window of local days ``[starts_on, ends_on + 1 day)`` in
the platform's time zone, with the targets that apply to it: a year uses its
milestone where one is set, else the phase's target.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Phase


@dataclass(frozen=True)
class Targets:
    trained: Decimal | None
    online: Decimal | None
    satisfaction: Decimal | None
    from_milestone: bool = False


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # "phase" | "year"
    label: str
    starts_on: dt.date
    ends_on: dt.date
    phase_id: int
    phase_name: str
    plan_wording: str
    targets: Targets

    @property
    def since(self) -> dt.datetime:
        return local_midnight(self.starts_on)

    @property
    def until(self) -> dt.datetime:
        return local_midnight(self.ends_on + dt.timedelta(days=1))

    def snapshot(self, now: dt.datetime) -> dt.datetime:
        """When the population is taken: the period's end, or now while it runs (or before it begins)."""
        return min(self.until, now)

    def effective_until(self, now: dt.datetime) -> dt.datetime:
        """The end of what has happened in the period: its end, or now while it runs."""
        return max(self.since, self.snapshot(now))

    def is_running(self, now: dt.datetime) -> bool:
        return self.since <= now < self.until

    def elapsed_fraction(self, now: dt.datetime) -> tuple[int, int]:
        """(seconds elapsed, seconds in the period), for pro-rating a target while it runs."""
        total = int((self.until - self.since).total_seconds())
        return int((self.effective_until(now) - self.since).total_seconds()), total


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())


def _phase_period(phase: Phase) -> Period:
    return Period(key=f"phase-{phase.pk}", kind="phase", label=phase.name, starts_on=phase.starts_on,
                  ends_on=phase.ends_on, phase_id=phase.pk, phase_name=phase.name, plan_wording=phase.plan_wording,
                  targets=Targets(phase.trained_target, phase.online_target, phase.satisfaction_target))


def _year_period(phase: Phase, year: int) -> Period:
    milestone = phase.milestone_for(year)

    def pick(name):
        value = getattr(milestone, name) if milestone else None
        return value if value is not None else getattr(phase, name)

    targets = Targets(pick("trained_target"), pick("online_target"), pick("satisfaction_target"),
                      from_milestone=milestone is not None)
    starts_on = max(dt.date(year, 1, 1), phase.starts_on)
    ends_on = min(dt.date(year, 12, 31), phase.ends_on)
    return Period(key=str(year), kind="year", label=_("Year %(year)s") % {"year": year}, starts_on=starts_on,
                  ends_on=ends_on, phase_id=phase.pk, phase_name=phase.name, plan_wording=phase.plan_wording,
                  targets=targets)


def periods_available() -> list[Period]:
    """Every phase, each followed by its years, in time order."""
    periods = []
    for phase in Phase.objects.prefetch_related("milestones").order_by("starts_on"):
        periods.append(_phase_period(phase))
        periods.extend(_year_period(phase, year) for year in phase.years)
    return periods


def period_from_key(key: str | None) -> Period | None:
    """The period named ``key`` ("2026" or "phase-3"), or None when there is none such."""
    key = (key or "").strip()
    if key.startswith("phase-") and key[6:].isdigit():
        phase = Phase.objects.prefetch_related("milestones").filter(pk=int(key[6:])).first()
        return _phase_period(phase) if phase else None
    if key.isdigit() and len(key) == 4:
        year = int(key)
        phase = Phase.objects.prefetch_related("milestones").filter(
            starts_on__lte=dt.date(year, 12, 31), ends_on__gte=dt.date(year, 1, 1)).order_by("starts_on").first()
        return _year_period(phase, year) if phase else None
    return None


def default_period(now: dt.datetime | None = None) -> Period | None:
    """This year when a phase covers it, else the latest phase that has begun, else the first."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    current = period_from_key(str(today.year))
    if current is not None:
        return current
    phase = (Phase.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
             or Phase.objects.order_by("starts_on").first())
    return period_from_key(f"phase-{phase.pk}") if phase else None
