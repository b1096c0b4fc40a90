"""REST API of the courses app: the public catalog and course outlines, for other portals
(the national PBGDPL portal shares data with the provincial one). Read only, and only
what anyone may already see on the site: live courses without view restrictions."""
from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from lms.converters import ID_REGEX
from people.models import Category

from .models import CourseLanguage, CoursePage, Modality, Topic
from .selectors import catalog_courses, course_outline, published_courses, search_course_ids


class CourseFilter(django_filters.FilterSet):
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    language = django_filters.ChoiceFilter(choices=CourseLanguage.choices)
    modality = django_filters.ChoiceFilter(choices=Modality.choices)
    audience = django_filters.ChoiceFilter(choices=Category.choices, field_name="audiences__category")
    q = django_filters.CharFilter(method="search", label="search (with or without diacritics)")

    class Meta:
        model = CoursePage
        fields = ["topic", "language", "modality", "audience", "q"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(pk__in=search_course_ids(value))


class CourseSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    audience = serializers.SerializerMethodField()

    class Meta:
        model = CoursePage
        fields = ["id", "title", "slug", "url", "summary", "topic", "audience", "language", "modality",
                  "estimated_hours", "counts_toward_target", "first_published_at", "last_published_at"]

    def get_url(self, course) -> str:
        return course.get_full_url(self.context.get("request"))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Category.choices)))
    def get_audience(self, course):
        return [row.category for row in course.audiences.all()]


class OutlineLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    is_required = serializers.BooleanField()
    estimated_minutes = serializers.IntegerField()


class OutlineModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    lessons = OutlineLessonSerializer(many=True)


class CourseOutlineSerializer(CourseSerializer):
    objectives = serializers.CharField()
    video_coverage_threshold = serializers.IntegerField()
    quiz_pass_percent = serializers.IntegerField(allow_null=True)
    modules = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = CourseSerializer.Meta.fields + ["objectives", "video_coverage_threshold", "quiz_pass_percent",
                                                 "modules"]

    @extend_schema_field(OutlineModuleSerializer(many=True))
    def get_modules(self, course):
        request = self.context.get("request")
        _site_id, root_url, _path = course.get_url_parts(request)

        def absolute(url: str) -> str:  # the caller is another portal: links with the site's host
            return f"{root_url}{url}" if url.startswith("/") else url

        data = OutlineModuleSerializer(course_outline(course, request), many=True).data
        for module in data:
            module["url"] = absolute(module["url"])
            for lesson in module["lessons"]:
                lesson["url"] = absolute(lesson["url"])
        return data


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """Published courses of the catalog (list, with filters) and a course's outline (detail)."""

    lookup_value_regex = ID_REGEX  # a non-id or an id past the database's range: 404, not 500

    permission_classes = [permissions.AllowAny]
    filterset_class = CourseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, maybe no tables
            return CoursePage.objects.none()
        if self.action == "list":
            return catalog_courses()
        return published_courses()

    def get_serializer_class(self):
        return CourseOutlineSerializer if self.action == "retrieve" else CourseSerializer
