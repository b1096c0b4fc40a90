"""One SQL statement per report, composed from the other apps' selector querysets.

The ORM cannot join a grouped subquery, and per-person correlated subqueries are
too slow at province scale, so the statements here are built from the SQL the
selectors' querysets generate (``query.sql_with_params()``), never from their
tables directly:

    WITH people  AS (past memberships UNION ALL current profiles)         -- people.selectors.population_at
         events  AS (counted completions UNION ALL counted attendance),   -- enrollment.selectors.reporting
         trained AS (per learner: first training, took part online)       -- one hash aggregate
    SELECT ... FROM people LEFT JOIN trained ON trained.learner_id = people.account_id

so completions and attendance are read once, whatever the number of units.
Works on PostgreSQL and SQLite (CTEs, UNION ALL of plain SELECTs, no FILTER clause).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from enrollment.selectors.reporting import training_events
from people.models import OrgUnit
from people.selectors import id_code_from_stored, population_at

PEOPLE_COLUMNS = ("person_id", "person_name", "person_code", "unit_id", "unit_name", "unit_code", "unit_path",
                  "category", "area", "ethnic_minority_area", "account_id")
EVENT_COLUMNS = ("learner_id", "at", "online")
NARROW_LIMIT = 5000  # up to this many accounts, a subtree's events are read by learner


def _union(querysets, columns) -> tuple[str, list]:
    """``SELECT columns FROM (qs1) UNION ALL SELECT columns FROM (qs2) ...`` with its parameters."""
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        sql, part_params = queryset.values(*columns).order_by().query.sql_with_params()
        names = ", ".join(f"q{index}.{column}" for column in columns)
        parts.append(f"SELECT {names} FROM ({sql}) q{index}")
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _with(*, since: dt.datetime, until: dt.datetime, snapshot: dt.datetime,
          paths: list[str] | None) -> tuple[str, list]:
    population = population_at(snapshot, paths)
    learners = None
    if paths is not None and all(len(path) > OrgUnit.steplen for path in paths):
        # below the top of the tree, read only the subtree's people's events, through the enrolments'
        # user index (an id list: PostgreSQL will not drive an index from an OR of two subqueries);
        # for a province or a large department, reading every event once is cheaper
        ids = [i for part in population.parts for i in part.filter(account_id__isnull=False)
               .values_list("account_id", flat=True)[:NARROW_LIMIT + 1]]
        if len(ids) <= NARROW_LIMIT:
            learners = [ids or [0]]  # 0: no such user, a list that compiles and matches nothing
    events_sql, events_params = _union(training_events(since=since, until=until, learners=learners), EVENT_COLUMNS)
    people_sql, people_params = _union(population.parts, PEOPLE_COLUMNS)
    sql = (f"WITH people AS ({people_sql}), events AS ({events_sql}), "
           "trained AS (SELECT learner_id, MIN(at) AS first_at, MAX(online) AS online FROM events "
           "GROUP BY learner_id) ")
    return sql, people_params + events_params


def _month_of(column: str) -> tuple[str, list]:
    """SQL for the first day of the month of ``column`` in the platform's time zone (the backend's own)."""
    return connection.ops.datetime_trunc_sql("month", column, (), timezone.get_current_timezone_name())


def to_month(value) -> dt.date | None:
    """A month bucket as the database returns it outside the ORM (datetime, date or text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value) or dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)


def to_datetime(value) -> dt.datetime | None:
    """A stored timestamp as the database returns it outside the ORM (aware datetime or UTC text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


@dataclass(frozen=True)
class PeopleGroup:
    unit_id: int
    category: str
    area: str
    ethnic_minority_area: bool
    first_month: dt.date | None  # month of the first training in the window; None: not trained
    people: int
    online: int  # of them, took part online


def people_groups(*, since: dt.datetime, until: dt.datetime, snapshot: dt.datetime,
                  paths: list[str] | None) -> list[PeopleGroup]:
    """The population just before ``snapshot``, grouped by unit, category, area, ethnic-minority flag
    and month of first training in ``[since, until)`` (one statement)."""
    with_sql, params = _with(since=since, until=until, snapshot=snapshot, paths=paths)
    month_sql, month_params = _month_of("trained.first_at")
    sql = (with_sql + f", grouped AS (SELECT people.unit_id, people.category, people.area, "
           f"people.ethnic_minority_area, {month_sql} AS first_month, COALESCE(trained.online, 0) AS online "
           "FROM people LEFT JOIN trained ON trained.learner_id = people.account_id) "
           "SELECT unit_id, category, area, ethnic_minority_area, first_month, COUNT(*), SUM(online) FROM grouped "
           "GROUP BY unit_id, category, area, ethnic_minority_area, first_month")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *month_params])
        rows = cursor.fetchall()
    months = {month: to_month(month) for month in {row[4] for row in rows}}  # a few dozen distinct values
    return [PeopleGroup(unit_id=unit_id, category=category, area=area or "", ethnic_minority_area=bool(ethnic),
                        first_month=months[month], people=count, online=int(online or 0))
            for unit_id, category, area, ethnic, month, count, online in rows]


class PeopleList:
    """People of the population who were (or were not) trained, ordered by unit path and name.

    Quacks like a sliceable queryset for ``Paginator`` (``count()``, ``[a:b]``) and streams with
    ``iterator()`` (a server-side cursor on PostgreSQL). Rows are dicts with PEOPLE_COLUMNS,
    ``first_training`` (aware datetime or None) and ``trained_online`` (bool).
    """

    def __init__(self, *, since: dt.datetime, until: dt.datetime, snapshot: dt.datetime, paths: list[str] | None,
                 trained: bool):
        self.since, self.until, self.snapshot, self.paths, self.trained = since, until, snapshot, paths, trained
        self._count: int | None = None

    def _sql(self, select: str, tail: str = "") -> tuple[str, list]:
        with_sql, params = _with(since=self.since, until=self.until, snapshot=self.snapshot, paths=self.paths)
        condition = "IS NOT NULL" if self.trained else "IS NULL"
        return (with_sql + f"SELECT {select} FROM people LEFT JOIN trained ON trained.learner_id = people.account_id "
                f"WHERE trained.learner_id {condition} {tail}"), params

    NAMES = (*PEOPLE_COLUMNS, "first_training", "trained_online")

    @classmethod
    def _row(cls, row) -> dict:
        data = dict(zip(cls.NAMES, row))
        data["first_training"] = to_datetime(data["first_training"])
        data["trained_online"] = bool(data["trained_online"])
        data["ethnic_minority_area"] = bool(data["ethnic_minority_area"])
        data["area"] = data["area"] or ""
        data["person_code"] = id_code_from_stored(data["person_code"])  # encrypted at rest: decrypted per row
        return data

    def _select(self) -> str:
        return ", ".join(f"people.{c}" for c in PEOPLE_COLUMNS) + ", trained.first_at, COALESCE(trained.online, 0)"

    ORDER = "ORDER BY people.unit_path, people.person_name, people.person_id"

    def count(self) -> int:
        if self._count is None:
            sql, params = self._sql("COUNT(*)")
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("PeopleList supports plain slices only")
        start = int(key.start or 0)
        stop = self.count() if key.stop is None else int(key.stop)
        sql, params = self._sql(self._select(), f"{self.ORDER} LIMIT {max(stop - start, 0)} OFFSET {start}")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [self._row(row) for row in cursor.fetchall()]

    def iterator(self, chunk_size: int = 2000):
        sql, params = self._sql(self._select(), self.ORDER)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while True:
                rows = cursor.fetchmany(chunk_size)
                if not rows:
                    break
                for row in rows:
                    yield self._row(row)
