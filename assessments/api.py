"""REST API for taking quizzes: start, questions (never answers), save answer, finish, review.

The same services and selectors as the pages, so the same rules: the server's
clock, stale answers refused, review only when the quiz allows it. A learner
reaches only their own attempts.
"""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from . import richtext, selectors, services
from .services.attempts import MAX_POSITION, MAX_SEQUENCE
from .exceptions import AssessmentError, NoSuchAttempt, NoSuchQuiz, QuizAccessDenied, ReviewNotAllowed
from .models import Attempt, Quiz


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    passed = serializers.BooleanField()
    attempts = serializers.IntegerField()
    method = serializers.CharField()


class QuizSerializer(serializers.ModelSerializer):
    attempts_left = serializers.SerializerMethodField()
    best_result = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = ["id", "title", "opens_at", "closes_at", "time_limit_minutes", "max_attempts", "grading_method",
                  "pass_percent", "sequential", "is_open", "attempts_left", "best_result"]

    def get_attempts_left(self, quiz) -> int | None:
        return selectors.attempts_left(self.context["request"].user, quiz)

    def get_is_open(self, quiz) -> bool:
        return services.quiz_is_open(quiz, self.context["now"])

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_best_result(self, quiz) -> dict | None:
        result = selectors.best_result(self.context["request"].user, quiz)
        return ResultSerializer(result).data if result else None


class RichTextField(serializers.CharField):
    """Stored rich text as sanitised HTML (``richtext.render``): links and images expanded, nothing
    outside the allow-list (an imported stem may hold anything)."""

    def to_representation(self, value) -> str:
        return str(richtext.render(value))


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The option's name in this attempt (opaque; not the option's id).")
    text = serializers.CharField()


class ChoiceSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The choice's name in this attempt (opaque).")
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    """A question as the learner sees it: stem, options in display order, their saved answer."""

    position = serializers.IntegerField()
    type = serializers.CharField()
    stem = RichTextField()
    mark = serializers.CharField()
    options = OptionSerializer(many=True)
    choices = ChoiceSerializer(many=True)
    response = serializers.JSONField(allow_null=True)
    sequence = serializers.IntegerField()
    closed = serializers.BooleanField()


class AttemptSerializer(serializers.ModelSerializer):
    seconds_left = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "number", "state", "started_at", "deadline", "seconds_left", "finished_at",
                  "current_position", "score", "max_score", "percent", "passed", "questions"]

    def get_seconds_left(self, attempt) -> int | None:
        return selectors.seconds_left(attempt, self.context.get("now"))

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, attempt) -> list[dict]:
        if not attempt.is_live:
            return []
        return QuestionSerializer(selectors.attempt_questions(attempt), many=True).data


class AnswerInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION)
    response = serializers.JSONField(allow_null=True, help_text="Option name (the `id` shown); list of names; "
                                                                 "text; number; {prompt name: choice key}; "
                                                                 "names in order.")
    sequence = serializers.IntegerField(min_value=1, max_value=MAX_SEQUENCE,
                                        help_text="The client's counter for this question; must grow with each save.")


class AnswerSavedSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    sequence = serializers.IntegerField()
    saved_at = serializers.DateTimeField()


class AdvanceInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION)


class ReviewItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    type = serializers.CharField()
    stem = RichTextField()
    mark = serializers.CharField()
    your_answer = serializers.ListField(child=serializers.CharField(), required=False)
    awarded = serializers.CharField(required=False, allow_null=True)
    correct = serializers.BooleanField(required=False)
    partly_correct = serializers.BooleanField(required=False)
    correct_answer = serializers.ListField(child=serializers.CharField(), required=False)
    feedback = serializers.ListField(child=serializers.CharField(), required=False)
    general_feedback = RichTextField(required=False)


def as_id(value) -> int | None:
    """A database id from a URL, or None: letters, signs and numbers beyond 64 bits are no id (a 404,
    not a server error on the database's integer conversion)."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def error_response(error: AssessmentError) -> Response:
    return Response({"detail": error.message % (error.params or {}) if error.params else str(error.message),
                     "code": error.code}, status=error.status)


CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="Finished, time up, stale or closed question")}


class QuizViewSet(viewsets.ReadOnlyModelViewSet):
    """Quizzes a learner can take (courses embed them; the course decides who sees the link)."""

    serializer_class = QuizSerializer
    queryset = Quiz.objects.order_by("pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_object(self):
        if as_id(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)) is None:
            raise NotFound(NoSuchQuiz().message)
        return super().get_object()

    @extend_schema(responses={200: QuizSerializer, 403: ErrorSerializer})
    def retrieve(self, request, *args, **kwargs):
        """The quiz's landing data; 403 when a higher layer keeps the caller out (a course's quiz)."""
        quiz = self.get_object()
        if not selectors.may_take_quiz(request.user, quiz):
            return error_response(QuizAccessDenied())
        return Response(self.get_serializer(quiz).data)

    @extend_schema(request=None, responses={201: AttemptSerializer, 403: ErrorSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start an attempt, or get the live one back."""
        quiz = self.get_object()
        try:
            attempt = services.attempt_start(user=request.user, quiz=quiz)
        except AssessmentError as error:
            return error_response(error)
        return Response(AttemptSerializer(attempt, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class AttemptViewSet(viewsets.GenericViewSet):
    """The caller's own attempts."""

    serializer_class = AttemptSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Attempt.objects.none()
        return Attempt.objects.filter(user=self.request.user).select_related("quiz").order_by("pk")

    def _own(self, pk) -> Attempt:
        """The caller's attempt ``pk``; NoSuchAttempt (404) for another's, a missing one or an id that
        is not one (letters, beyond 64 bits)."""
        attempt_id = as_id(pk)
        attempt = self.get_queryset().filter(pk=attempt_id).first() if attempt_id is not None else None
        if attempt is None:
            raise NoSuchAttempt()
        return attempt

    def handle_exception(self, exc):
        if isinstance(exc, NoSuchAttempt):
            return error_response(exc)
        return super().handle_exception(exc)

    def _current(self, pk) -> Attempt:
        """The attempt with the server's clock applied (closed if its time and grace ran out)."""
        attempt = self._own(pk)
        if attempt.is_live:
            attempt = services.attempt_close_if_expired(attempt_id=attempt.pk)
        return attempt

    def _data(self, attempt):
        return AttemptSerializer(attempt, context={"request": self.request}).data

    @extend_schema(responses=AttemptSerializer)
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            AttemptSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses=AttemptSerializer)
    def retrieve(self, request, pk=None):
        """The attempt and, while it is live, its questions with the saved answers (never the right ones)."""
        return Response(self._data(self._current(pk)))

    @extend_schema(request=AnswerInputSerializer, responses={200: AnswerSavedSerializer, 400: ErrorSerializer,
                                                             **CONFLICT})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Autosave one answer."""
        attempt = self._own(pk)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            slot = services.answer_save(attempt_id=attempt.pk, user=request.user, **data.validated_data)
        except AssessmentError as error:
            if error.code == "time_up":
                services.attempt_close_if_expired(attempt_id=attempt.pk)
            return error_response(error)
        return Response({"position": slot.position, "sequence": slot.sequence, "saved_at": slot.answered_at})

    @extend_schema(request=AdvanceInputSerializer, responses={200: AttemptSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Sequential navigation: go to the next question (no way back)."""
        attempt = self._own(pk)
        data = AdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attempt = services.attempt_advance(attempt_id=attempt.pk, user=request.user, **data.validated_data)
        except AssessmentError as error:
            return error_response(error)
        return Response(self._data(attempt))

    @extend_schema(request=None, responses={200: AttemptSerializer, **CONFLICT})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Submit the attempt for grading. A second finish gets 409 and changes nothing."""
        attempt = self._own(pk)
        try:
            attempt = services.attempt_finish(attempt_id=attempt.pk, user=request.user)
        except AssessmentError as error:
            return error_response(error)
        return Response(self._data(attempt))

    @extend_schema(responses={200: ReviewItemSerializer(many=True), 403: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        """The review, each part only when the quiz's review options allow it."""
        attempt = self._current(pk)
        policy = selectors.review_policy(attempt)
        if not policy.any:
            return error_response(ReviewNotAllowed())
        return Response(ReviewItemSerializer(selectors.attempt_review(attempt, policy), many=True).data)
