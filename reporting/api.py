"""REST API of the reports: the dashboard's figures as JSON (for the national PBGDPL portal).

Scoped like the pages: a caller sees the units they manage and nothing else; a
unit outside their subtrees answers 404, a caller who manages none 403.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .definitions import definitions
from .periods import default_period, period_from_key, periods_available
from .selectors import dashboard, scope_for, unit_table

MARK_CODES = ["reached", "on_track", "behind", "missed", "no_data", "no_target"]


class TargetsSerializer(serializers.Serializer):
    trained = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                       help_text="Target share of the population trained (%).")
    online = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                      help_text="Target share of training activities held online (%).")
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                            help_text="Target satisfaction (%).")
    from_milestone = serializers.BooleanField(help_text="True when a yearly milestone sets these targets.")


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"2026" for a year, "phase-1" for a phase.')
    kind = serializers.ChoiceField(choices=["phase", "year"])
    label = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    phase_name = serializers.CharField()
    plan_wording = serializers.CharField()
    targets = TargetsSerializer()


class FiguresSerializer(serializers.Serializer):
    population = serializers.IntegerField(help_text="Target population at the end of the period.")
    trained = serializers.IntegerField()
    not_trained = serializers.IntegerField()
    trained_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    trained_online = serializers.IntegerField(help_text="Of the trained, those who took part online.")
    online_participant_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    activities = serializers.IntegerField(help_text="Training activities held in the period.")
    activities_online = serializers.IntegerField()
    online_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    respondents = serializers.IntegerField(allow_null=True, help_text="Null where not computed.")
    satisfied = serializers.IntegerField(allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class MarkSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=MARK_CODES)
    label = serializers.CharField()


class MarksSerializer(serializers.Serializer):
    trained = MarkSerializer()
    online = MarkSerializer()
    satisfaction = MarkSerializer()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Unit code, or the category / area value.")
    label = serializers.CharField()
    level_name = serializers.CharField()
    depth = serializers.IntegerField()
    figures = FiguresSerializer()
    marks = MarksSerializer()


class TrendPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    trained = serializers.IntegerField(help_text="Trained since the period began, up to this month.")
    population = serializers.IntegerField()
    trained_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    activities = serializers.IntegerField(help_text="Training activities held this month.")
    activities_online = serializers.IntegerField()
    online_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class DefinitionSerializer(serializers.Serializer):
    term = serializers.CharField()
    meaning = serializers.CharField()


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    figures_up_to = serializers.DateTimeField(source="now")
    unit = RowSerializer(source="node")
    children = RowSerializer(many=True)
    by_category = RowSerializer(many=True)
    by_area = RowSerializer(many=True)
    by_ethnic_minority_area = RowSerializer(many=True, source="by_ethnic")
    trend = TrendPointSerializer(many=True)
    definitions = DefinitionSerializer(many=True)


class UnitTableSerializer(serializers.Serializer):
    period = PeriodSerializer()
    units = RowSerializer(many=True)


PERIOD_PARAM = OpenApiParameter("period", OpenApiTypes.STR, description='"2026" or "phase-1"; default: this year.')
UNIT_PARAM = OpenApiParameter("unit", OpenApiTypes.STR, description="Org unit code; default: your top unit.")


def _period(request):
    key = request.query_params.get("period", "")
    period = period_from_key(key) if key else default_period()
    if period is None:
        raise ValidationError({"period": _("This period does not exist. Choose one from the list.")})
    return period


def _require_scope(user) -> None:
    if scope_for(user).is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))


class PeriodsView(APIView):
    """The plan's phases and years, each with the targets that apply."""

    @extend_schema(responses=PeriodSerializer(many=True))
    def get(self, request):
        _require_scope(request.user)
        return Response(PeriodSerializer(periods_available(), many=True).data)


class FiguresView(APIView):
    """Every figure of the dashboard for one unit (its subtree) and period: the unit, its children,
    the breakdowns by category, area and ethnic-minority areas, and the monthly trend."""

    @extend_schema(parameters=[PERIOD_PARAM, UNIT_PARAM], responses=DashboardSerializer)
    def get(self, request):
        _require_scope(request.user)
        period = _period(request)
        try:
            board = dashboard(user=request.user, period=period, unit_code=request.query_params.get("unit") or None)
        except (PermissionDenied, Http404):
            raise NotFound(_("There is no such unit among those you manage.")) from None
        board.definitions = [{"term": term, "meaning": meaning} for term, meaning in definitions()]
        for row in board.rows:
            row.key = row.code or row.key
        return Response(DashboardSerializer(board).data)


class UnitsView(APIView):
    """One row per org unit under the given unit (all units you manage by default), in tree order;
    satisfaction is not computed here (``respondents`` is null): ask ``figures`` per unit."""

    @extend_schema(parameters=[PERIOD_PARAM, UNIT_PARAM], responses=UnitTableSerializer)
    def get(self, request):
        _require_scope(request.user)
        period = _period(request)
        try:
            rows = unit_table(user=request.user, period=period, unit_code=request.query_params.get("unit") or None)
        except PermissionDenied:
            raise NotFound(_("There is no such unit among those you manage.")) from None
        return Response(UnitTableSerializer({"period": period, "units": rows}).data)
