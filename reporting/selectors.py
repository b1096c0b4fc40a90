"""The dashboard's figures, computed in SQL from the other apps' selectors.

For a period and a node of the org tree (a unit, or everything the user manages):

* population, trained people, those trained online and the month of each
  person's first training come from one statement (``reporting.sql``: the
  population of ``people.selectors.population_at`` joined to the training events
  of ``enrollment.selectors.reporting``, aggregated per learner), grouped by
  unit, category, area, ethnic-minority flag and month; the grouped rows (a few
  thousand at most, never one per person) are added up the tree in Python;
* training activities come from one query grouped by organising unit and month;
* satisfaction from one grouped query (``assessments.selectors.satisfaction_by_unit_path``),
  added up each subtree by path prefix;
* the monthly trend is read off the same grouped rows.

Definitions: docs/REPORTING.md. Every unit is seen only within the user's scope
(``people.selectors``): a unit manager's node is their subtree, nothing above it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import satisfaction_by_unit_path
from enrollment.selectors.reporting import training_activities
from people.models import Area, Category, OrgUnit
from people.selectors import managed_paths, visible_org_units

from .figures import Figures, Row, TrendPoint, marks_for
from .periods import Period
from .sql import PeopleGroup, PeopleList, people_groups

STEP = OrgUnit.steplen


# --- scope -------------------------------------------------------------------------------------

@dataclass
class Scope:
    """The org units a user manages, in tree order; ``roots`` are the tops of their subtrees."""

    paths: list[str] | None
    units: list[OrgUnit]
    by_path: dict[str, OrgUnit] = field(default_factory=dict)
    by_code: dict[str, OrgUnit] = field(default_factory=dict)
    by_id: dict[int, OrgUnit] = field(default_factory=dict)
    roots: list[OrgUnit] = field(default_factory=list)

    parents: set[str] = field(default_factory=set)

    def __post_init__(self):
        for unit in self.units:
            self.by_path[unit.path] = unit
            self.by_code[unit.code] = unit
            self.by_id[unit.pk] = unit
            self.parents.add(unit.path[:-STEP])
        self.roots = [u for u in self.units if not any(u.path[:end] in self.by_path
                                                        for end in range(STEP, len(u.path), STEP))]

    @property
    def is_empty(self) -> bool:
        return not self.units

    def children_of(self, unit: OrgUnit | None) -> list[OrgUnit]:
        if unit is None:
            return list(self.roots)
        return [u for u in self.units if u.depth == unit.depth + 1 and u.path.startswith(unit.path)]

    def ancestors_of(self, unit: OrgUnit) -> list[OrgUnit]:
        return [self.by_path[unit.path[:end]] for end in range(STEP, len(unit.path), STEP)
                if unit.path[:end] in self.by_path]


def scope_for(user) -> Scope:
    """What ``user`` may report on: the subtrees they manage (department admin, unit manager)."""
    return Scope(paths=managed_paths(user), units=list(visible_org_units(user)))


def node_of(scope: Scope, code: str | None) -> OrgUnit | None:
    """The unit named by ``code`` if the user manages it; None for "everything I manage".

    Raises PermissionDenied for a unit outside the scope (views answer 404)."""
    if not code:
        return scope.roots[0] if len(scope.roots) == 1 else None
    unit = scope.by_code.get(code)
    if unit is None:
        raise PermissionDenied(_("You do not manage this unit."))
    return unit


def node_for(user, unit_code: str | None) -> tuple[OrgUnit | None, str]:
    """The node ``user`` asked for and its label, without computing figures (PermissionDenied as above)."""
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))
    unit = node_of(scope, unit_code)
    return unit, unit.name if unit else _("All units you manage")


def _node_paths(scope: Scope, node: OrgUnit | None) -> list[str]:
    return [node.path] if node is not None else [root.path for root in scope.roots]


# --- the counts ----------------------------------------------------------------------------------

def activity_rows(*, period: Period, paths: list[str], now: dt.datetime) -> list[dict]:
    """Training activities and those held online, grouped by organising unit and month (one query)."""
    return [{**row, "month": _month(row["month"])} for row in
            training_activities(since=period.since, until=period.effective_until(now), paths=paths)
            .order_by().values("organiser_id", month=TruncMonth("starts_at"))
            .annotate(total=Count("pk"), online=Count("pk", filter=Q(is_online=True)))]


@dataclass
class Rollup:
    """Figures of every unit's subtree under a node, the node's breakdowns and its monthly trend."""

    by_path: dict[str, Figures]
    by_category: dict[str, Figures]
    by_area: dict[str, Figures]
    by_ethnic: dict[bool, Figures]
    first_trained: dict[dt.date, int]  # people by the month of their first training in the period
    activities: dict[dt.date, tuple[int, int]]  # (all, online) activities held in each month


def rollup(*, scope: Scope, period: Period, paths: list[str], now: dt.datetime) -> Rollup:
    """Counts for every unit under ``paths``, each unit's figures covering its whole subtree
    (two statements: people, activities; then a few hundred grouped rows added up the tree)."""
    by_path: dict[str, Figures] = defaultdict(Figures)
    by_category: dict[str, Figures] = defaultdict(Figures)
    by_area: dict[str, Figures] = defaultdict(Figures)
    by_ethnic: dict[bool, Figures] = defaultdict(Figures)
    first_trained: dict[dt.date, int] = defaultdict(int)
    activities: dict[dt.date, tuple[int, int]] = defaultdict(lambda: (0, 0))
    shortest = min((len(p) for p in paths), default=0)

    def add_up(unit_id: int, figures: Figures) -> bool:
        unit = scope.by_id.get(unit_id)
        if unit is None:  # outside what the user manages: never shown
            return False
        for end in range(max(shortest, STEP), len(unit.path) + 1, STEP):
            by_path[unit.path[:end]].add(figures)
        return True

    # plain integer sums first (a few thousand grouped rows), Figures only per unit and per value
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_value: dict[tuple[str, object], list[int]] = defaultdict(lambda: [0, 0, 0])
    group: PeopleGroup
    for group in people_groups(since=period.since, until=period.effective_until(now), snapshot=period.snapshot(now),
                               paths=paths):
        if group.unit_id not in scope.by_id:  # outside what the user manages: never shown
            continue
        trained = group.people if group.first_month else 0
        for sums in (per_unit[group.unit_id], per_value["category", group.category], per_value["area", group.area],
                     per_value["ethnic", group.ethnic_minority_area]):
            sums[0] += group.people
            sums[1] += trained
            sums[2] += group.online
        if group.first_month:
            first_trained[group.first_month] += trained
    for unit_id, (population, trained, online) in per_unit.items():
        add_up(unit_id, Figures(population=population, trained=trained, trained_online=online))
    breakdowns = {"category": by_category, "area": by_area, "ethnic": by_ethnic}
    for (dimension, value), (population, trained, online) in per_value.items():
        breakdowns[dimension][value].add(Figures(population=population, trained=trained, trained_online=online))
    for row in activity_rows(period=period, paths=paths, now=now):
        if add_up(row["organiser_id"], Figures(activities=row["total"], activities_online=row["online"])):
            total, online = activities[row["month"]]
            activities[row["month"]] = (total + row["total"], online + row["online"])
    return Rollup(by_path=dict(by_path), by_category=dict(by_category), by_area=dict(by_area),
                  by_ethnic=dict(by_ethnic), first_trained=dict(first_trained), activities=dict(activities))


def trend(*, period: Period, totals: Rollup, population: int, now: dt.datetime) -> list[TrendPoint]:
    """Month by month: people trained since the period began (by the month of their first training
    in it) against the population, and the activities held that month."""
    points, trained = [], 0
    for month in months_between(period.since, period.effective_until(now)):
        trained += totals.first_trained.get(month, 0)
        total, online = totals.activities.get(month, (0, 0))
        points.append(TrendPoint(month=month, trained=trained, population=population, activities=total,
                                 activities_online=online))
    return points


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def months_between(since: dt.datetime, until: dt.datetime) -> list[dt.date]:
    """First days of the months from ``since`` up to the one holding the last instant before ``until``."""
    first = timezone.localtime(since).date().replace(day=1)
    last = timezone.localtime(until - dt.timedelta(microseconds=1)).date().replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


# --- the dashboard -------------------------------------------------------------------------------

@dataclass
class Dashboard:
    period: Period
    now: dt.datetime
    running: bool
    node: Row
    node_unit: OrgUnit | None
    breadcrumbs: list[OrgUnit]
    children: list[Row]
    by_category: list[Row]
    by_area: list[Row]
    by_ethnic: list[Row]
    trend: list[TrendPoint]

    @property
    def rows(self) -> list[Row]:
        return [self.node, *self.children]


def _unit_row(unit: OrgUnit, figures: Figures, scope: Scope) -> Row:
    return Row(key=unit.code, label=unit.name, figures=figures, unit_id=unit.pk, code=unit.code, path=unit.path,
               depth=unit.depth, level_name=unit.level_name, has_children=unit.path in scope.parents)


def _marked(rows: list[Row], period: Period, now: dt.datetime) -> list[Row]:
    running, elapsed = period.is_running(now), period.elapsed_fraction(now)
    for row in rows:
        row.marks = marks_for(row.figures, period.targets, running=running, elapsed=elapsed)
    return rows


class SubtreeSatisfaction:
    """Respondents and satisfied of any unit's subtree in a period, from one grouped query."""

    def __init__(self, *, paths: list[str], period: Period, now: dt.datetime):
        self.totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        steplen = OrgUnit.steplen
        by_path = satisfaction_by_unit_path(paths=paths, since=period.since, until=period.effective_until(now))
        for path, rate in by_path.items():
            for end in range(steplen, len(path) + 1, steplen):  # the unit and each unit above it
                total = self.totals[path[:end]]
                total[0] += rate.respondents
                total[1] += rate.satisfied

    def of(self, unit: OrgUnit) -> tuple[int, int]:
        respondents, satisfied = self.totals.get(unit.path, (0, 0))
        return respondents, satisfied


def _satisfaction(node: Row, node_unit: OrgUnit | None, children: list[tuple[Row, OrgUnit]], period: Period,
                  now: dt.datetime, paths: list[str]) -> None:
    """Respondents and satisfied for the node and each child (one query for all)."""
    subtrees = SubtreeSatisfaction(paths=paths, period=period, now=now)
    for row, unit in children:
        row.figures.respondents, row.figures.satisfied = subtrees.of(unit)
    if node_unit is not None:
        node.figures.respondents, node.figures.satisfied = subtrees.of(node_unit)
    else:  # everything the user manages: the sum of their disjoint subtrees
        node.figures.respondents = sum(row.figures.respondents for row, _unit in children)
        node.figures.satisfied = sum(row.figures.satisfied for row, _unit in children)


def _breakdowns(totals: Rollup) -> tuple[list[Row], list[Row], list[Row]]:
    by_category = [Row(key=value, label=str(label), figures=totals.by_category[value])
                   for value, label in Category.choices if value in totals.by_category]
    by_area = [Row(key=value, label=str(label), figures=totals.by_area[value])
               for value, label in [*Area.choices, ("", _("Not recorded"))] if value in totals.by_area]
    by_ethnic = [Row(key=key, label=str(label), figures=totals.by_ethnic[flag])
                 for flag, key, label in [(True, "yes", _("Ethnic-minority areas")),
                                          (False, "no", _("Other areas"))] if flag in totals.by_ethnic]
    return by_category, by_area, by_ethnic


def dashboard(*, user, period: Period, unit_code: str | None = None, now: dt.datetime | None = None,
              with_satisfaction: bool = True, with_trend: bool = True) -> Dashboard:
    """Every figure of the dashboard for ``user``'s node ``unit_code`` (None: their top) in ``period``.

    Raises PermissionDenied when the user manages no unit or not this one.
    """
    now = now or timezone.now()
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))
    node_unit = node_of(scope, unit_code)
    paths = _node_paths(scope, node_unit)
    totals = rollup(scope=scope, period=period, paths=paths, now=now)
    children_units = scope.children_of(node_unit)
    children = [_unit_row(child, totals.by_path.get(child.path, Figures()), scope) for child in children_units]
    if node_unit is not None:
        node = _unit_row(node_unit, totals.by_path.get(node_unit.path, Figures()), scope)
    else:
        node_figures = Figures()
        for child in children:
            node_figures.add(child.figures)
        node = Row(key="", label=_("All units you manage"), figures=node_figures, has_children=bool(children))
    if with_satisfaction:
        _satisfaction(node, node_unit, list(zip(children, children_units)), period, now, paths)
    by_category, by_area, by_ethnic = _breakdowns(totals)
    return Dashboard(
        period=period, now=now, running=period.is_running(now), node=_marked([node], period, now)[0],
        node_unit=node_unit, breadcrumbs=scope.ancestors_of(node_unit) if node_unit else [],
        children=_marked(children, period, now), by_category=_marked(by_category, period, now),
        by_area=_marked(by_area, period, now), by_ethnic=_marked(by_ethnic, period, now),
        trend=trend(period=period, totals=totals, population=node.figures.population, now=now) if with_trend else [],
    )


def unit_table(*, user, period: Period, unit_code: str | None = None, now: dt.datetime | None = None,
               with_satisfaction: bool = False) -> list[Row]:
    """One row per unit under the node (the node first), in tree order: the yearly report's table."""
    now = now or timezone.now()
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))
    node_unit = node_of(scope, unit_code)
    paths = _node_paths(scope, node_unit)
    totals = rollup(scope=scope, period=period, paths=paths, now=now)
    units = [u for u in scope.units if any(u.path.startswith(p) for p in paths)]
    rows = [_unit_row(unit, totals.by_path.get(unit.path, Figures()), scope) for unit in units]
    if with_satisfaction:
        subtrees = SubtreeSatisfaction(paths=paths, period=period, now=now)
        for row, unit in zip(rows, units):
            row.figures.respondents, row.figures.satisfied = subtrees.of(unit)
    return _marked(rows, period, now)


# --- lists of people -------------------------------------------------------------------------------

def people(*, user, period: Period, unit_code: str | None = None, trained: bool,
           now: dt.datetime | None = None) -> PeopleList:
    """People of the node's target population who were (``trained=True``) or were not trained in
    the period, ordered by unit and name (dict rows; see ``reporting.sql.PeopleList``)."""
    now = now or timezone.now()
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))
    paths = _node_paths(scope, node_of(scope, unit_code))
    return PeopleList(since=period.since, until=period.effective_until(now), snapshot=period.snapshot(now),
                      paths=paths, trained=trained)


def category_label(value: str) -> str:
    return str(dict(Category.choices).get(value, value))


def area_label(value: str) -> str:
    return str(dict(Area.choices).get(value, "")) if value else ""
