"""REST API of the enrollment app: heartbeats, lesson visits, my enrolments."""
from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from courses.models import LessonPage
from lms.converters import MAX_ID

from . import selectors, services
from .models import Attendance, TrainingSession
from .selectors import activities as activity_reads


def _id_field(**kwargs) -> serializers.IntegerField:
    """An id in a request body: a number the database can hold (else 400, not a 500)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class HeartbeatSerializer(serializers.Serializer):
    lesson = _id_field()
    video = _id_field()
    start = serializers.FloatField(min_value=0)
    end = serializers.FloatField(min_value=0)
    rate = serializers.FloatField(min_value=0.1, max_value=16, default=1.0)


class HeartbeatResultSerializer(serializers.Serializer):
    coverage_percent = serializers.FloatField()
    watched_seconds = serializers.FloatField()
    position = serializers.FloatField()


def _plain_heartbeat(data) -> dict | None:
    """The heartbeat's fields when the player sent them plainly valid (numbers in range), which
    the serializer would accept unchanged; None sends the request through HeartbeatSerializer,
    which explains what is wrong. Heartbeats are the most frequent request: this skips the
    serializer's machinery on the common path, never its rules."""
    if not isinstance(data, dict):
        return None
    fields = {"lesson": data.get("lesson"), "video": data.get("video"), "start": data.get("start"),
              "end": data.get("end"), "rate": data.get("rate", 1.0)}
    if not all(type(fields[name]) is int and 0 < fields[name] <= MAX_ID for name in ("lesson", "video")):
        return None
    for name in ("start", "end", "rate"):
        value = fields[name]
        if type(value) not in (int, float) or not math.isfinite(value):
            return None
        fields[name] = float(value)
    if fields["start"] < 0 or fields["end"] < 0 or not 0.1 <= fields["rate"] <= 16:
        return None
    return fields


@extend_schema(request=HeartbeatSerializer, responses=HeartbeatResultSerializer)
@api_view(["POST"])
def heartbeat(request):
    """One watched interval from the player (about every 15 s while playing)."""
    fields = _plain_heartbeat(request.data)
    if fields is None:
        data = HeartbeatSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
    try:
        progress = services.heartbeat(user=request.user, lesson_id=fields["lesson"], video_id=fields["video"],
                                      start=fields["start"], end=fields["end"], rate=fields["rate"])
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except ValidationError as error:
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"coverage_percent": progress.coverage_percent, "watched_seconds": progress.watched_seconds,
                     "position": progress.position})


class LessonVisitSerializer(serializers.Serializer):
    lesson = _id_field()


@extend_schema(
    request=LessonVisitSerializer,
    responses=inline_serializer("LessonVisitResult", {
        "enrolled": serializers.BooleanField(),
        "positions": serializers.DictField(child=serializers.FloatField())}))
@api_view(["POST"])
def visit(request):
    """The learner opened a lesson."""
    data = LessonVisitSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    lesson = LessonPage.objects.live().filter(pk=data.validated_data["lesson"]).first()
    if lesson is None:
        return Response({"lesson": [_("There is no such lesson.")]}, status=status.HTTP_400_BAD_REQUEST)
    progress = services.lesson_visit(user=request.user, lesson=lesson)
    return Response({"enrolled": progress is not None,
                     "positions": selectors.video_positions(request.user, lesson.pk)})


@extend_schema(responses=inline_serializer("MyEnrollment", {
    "course": serializers.IntegerField(), "title": serializers.CharField(), "status": serializers.CharField(),
    "percent": serializers.IntegerField(), "due_date": serializers.DateField(allow_null=True),
    "continue_url": serializers.CharField(), "completed_at": serializers.DateTimeField(allow_null=True)},
    many=True))
@api_view(["GET"])
def mine(request):
    """My enrolments with progress."""
    return Response([{
        "course": row.enrollment.course_id, "title": row.enrollment.course.title, "status": row.enrollment.status,
        "percent": row.percent, "due_date": row.enrollment.due_date, "continue_url": row.continue_url,
        "completed_at": row.enrollment.completed_at,
    } for row in selectors.my_learning(request.user)])


class AttendanceRowSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    full_name = serializers.CharField()
    id_code = serializers.CharField()
    unit = serializers.CharField()
    present = serializers.BooleanField(allow_null=True)


class AttendanceMarkSerializer(serializers.Serializer):
    enrollment = _id_field()
    present = serializers.BooleanField()


class AttendanceUpdateSerializer(serializers.Serializer):
    marks = AttendanceMarkSerializer(many=True)


def _session_for(request, pk: int) -> TrainingSession:
    session = TrainingSession.objects.select_related("training_class__org_unit").filter(pk=pk).first()
    if session is None or not services.can_run_class(request.user, session.training_class):
        raise NotFound()
    return session


@extend_schema(responses=inline_serializer("TrainingSessionItem", {
    "id": serializers.IntegerField(), "title": serializers.CharField(), "class_title": serializers.CharField(),
    "modality": serializers.CharField(), "starts_at": serializers.DateTimeField(),
    "ends_at": serializers.DateTimeField(), "place": serializers.CharField(),
    "meeting_url": serializers.CharField()}, many=True))
@api_view(["GET"])
def sessions(request):
    """Live and in-person sessions of the classes the caller trains or manages."""
    classes = activity_reads.classes_visible(request.user).values("pk")
    rows = (TrainingSession.objects.filter(training_class__in=classes).exclude(modality="online_self_paced")
            .select_related("training_class").order_by("starts_at")[:500])
    return Response([{"id": s.pk, "title": s.title, "class_title": s.training_class.title, "modality": s.modality,
                      "starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place,
                      "meeting_url": s.meeting_url} for s in rows])


@extend_schema(methods=["GET"], responses=AttendanceRowSerializer(many=True))
@extend_schema(methods=["POST"], request=AttendanceUpdateSerializer,
               responses=inline_serializer("AttendanceSaved", {"changed": serializers.IntegerField()}))
@api_view(["GET", "POST"])
def session_attendance(request, pk: int):
    """The attendance checklist of a session (trainer of the class or manager of its unit)."""
    session = _session_for(request, pk)
    if request.method == "GET":
        rows = activity_reads.session_attendance(session, viewer=request.user)
        return Response(AttendanceRowSerializer(rows, many=True).data)
    data = AttendanceUpdateSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    marks = {m["enrollment"]: m["present"] for m in data.validated_data["marks"]}
    try:
        changed = services.attendance_record(by=request.user, session=session, marks=marks,
                                             source=Attendance.Source.API)
    except ValidationError as error:
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"changed": changed})
