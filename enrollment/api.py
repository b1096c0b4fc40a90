"""REST API of the enrollment app: heartbeats, lesson visits, my enrolments."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from courses.models import LessonPage

from . import selectors, services


class HeartbeatSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    video = serializers.IntegerField()
    start = serializers.FloatField(min_value=0)
    end = serializers.FloatField(min_value=0)
    rate = serializers.FloatField(min_value=0.1, max_value=16, default=1.0)


class HeartbeatResultSerializer(serializers.Serializer):
    coverage_percent = serializers.FloatField()
    watched_seconds = serializers.FloatField()
    position = serializers.FloatField()


@extend_schema(request=HeartbeatSerializer, responses=HeartbeatResultSerializer)
@api_view(["POST"])
def heartbeat(request):
    """One watched interval from the player (about every 15 s while playing)."""
    data = HeartbeatSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        progress = services.heartbeat(user=request.user, lesson_id=data.validated_data["lesson"],
                                      video_id=data.validated_data["video"], start=data.validated_data["start"],
                                      end=data.validated_data["end"], rate=data.validated_data["rate"])
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except ValidationError as error:
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(HeartbeatResultSerializer(progress).data)


@extend_schema(
    request=inline_serializer("LessonVisit", {"lesson": serializers.IntegerField()}),
    responses=inline_serializer("LessonVisitResult", {
        "enrolled": serializers.BooleanField(),
        "positions": serializers.DictField(child=serializers.FloatField())}))
@api_view(["POST"])
def visit(request):
    """The learner opened a lesson."""
    lesson = LessonPage.objects.live().filter(pk=request.data.get("lesson")).first()
    if lesson is None:
        return Response({"detail": "lesson"}, status=status.HTTP_400_BAD_REQUEST)
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
