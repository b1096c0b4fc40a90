"""The editorial content of training: catalog -> course -> module -> lesson, as Wagtail pages.

Pages hold what authors write and the settings that enrollment/ evaluates (video
coverage threshold, required lessons, quiz pass marks); enrolments and progress
are plain models of enrollment/, which shows its ticks through the
``courses_lesson_progress`` hook (courses.hooks).
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)
from lms.text import fold
from people.models import Category

from .blocks import LessonBodyBlock
from .forms import CoursePageForm
from .permissions import CoursePermissionTester


class Topic(models.TextChoices):
    DIGITAL_TRANSFORMATION = "digital_transformation", _("Digital transformation in legal dissemination and education")
    LEGAL_REPORTER_SKILLS = "legal_reporter_skills", _("Skills of legal reporters and propagandists")
    GRASSROOTS_MEDIATION = "grassroots_mediation", _("Grassroots mediation")
    SME_LEGAL_SUPPORT = "sme_legal_support", _("Legal support for small and medium enterprises")
    LAW_KNOWLEDGE = "law_knowledge", _("Knowledge of new laws")


class Modality(models.TextChoices):
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended (online and in person)")
    IN_PERSON = "in_person", _("In person")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone signed in may enrol")
    APPROVAL = "approval", _("Restricted: a manager approves each request")
    ASSIGNED = "assigned", _("By assignment only")


class CourseLanguage(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")


AUTHORING_GUIDE = _(
    "<p><strong>How to build a course.</strong> 1. Fill in this page and save a draft. "
    "2. Add <em>modules</em> under the course and <em>lessons</em> under each module; a lesson's body "
    "holds text, a video lecture (chosen from Video lectures, once transcoded), audio, documents, "
    "images, a quiz (from the question bank), legal citations and callouts. "
    "3. Use Preview to check each page. 4. When the course is ready, choose "
    "<em>Submit to Department approval</em>: the Department of Justice reviews and publishes it. "
    "To open a new run of a finished course, copy the course with its subpages.</p>"
)


# set by courses.routing on a page it found and knows no view restriction applies to
UNRESTRICTED_ATTRIBUTE = "_courses_unrestricted"


class KnownRestrictionsMixin:
    """A page found by courses.routing, which knows from its cached tree that no view
    restriction applies, answers Wagtail's restriction check without its two queries."""

    def get_view_restrictions(self):
        if getattr(self, UNRESTRICTED_ATTRIBUTE, False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class CatalogPage(KnownRestrictionsMixin, Page):
    """The course catalog: lists, filters and searches the published courses below it."""

    intro = models.CharField(_("introduction"), max_length=500, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalog")

    def route(self, request, path_components):
        """Find a course, module or lesson by its whole URL path: from the cache, or in one query.

        Wagtail walks the tree one level at a time (two queries a level); a lesson sits
        three levels below the catalog, and its page is the one learners load most. The
        page types allow only courses, modules and lessons at depths 1, 2 and 3 below
        the catalog. Anything else (a lesson's sub-routes, unknown paths) goes Wagtail's
        own way.
        """
        from .selectors import page_below_catalog

        # a course, a module or a lesson: the page type follows from the depth (cached; one query on a miss)
        model = {1: CoursePage, 2: ModulePage, 3: LessonPage}.get(len(path_components))
        if model is not None:
            page = page_below_catalog(self, model, f"{self.url_path}{'/'.join(path_components)}/", request)
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(catalog=self, params=request.GET, request=request))
        return context


class CoursePage(KnownRestrictionsMixin, Page):
    """A course: what learners see before they start, and the completion rules."""

    summary = models.TextField(_("summary"), max_length=600,
                               help_text=_("Two or three sentences shown in the catalog and to search engines."))
    objectives = RichTextField(_("learning objectives"), blank=True, features=["bold", "italic", "ol", "ul"])
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    language = models.CharField(_("language"), max_length=8, choices=CourseLanguage.choices,
                                default=CourseLanguage.VIETNAMESE)
    modality = models.CharField(_("modality"), max_length=16, choices=Modality.choices, default=Modality.ONLINE)
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=5, decimal_places=1, default=1,
                                          validators=[MinValueValidator(0)])
    cover_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("cover image"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    trainers = ParentalManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True,
                                       related_name="courses_taught")
    enrolment_policy = models.CharField(_("enrolment"), max_length=16, choices=EnrolmentPolicy.choices,
                                        default=EnrolmentPolicy.OPEN)
    counts_toward_target = models.BooleanField(
        _("counts toward the plan's training target"), default=True,
        help_text=_("Completing this course counts as trained in digital-transformation skills."))
    video_coverage_threshold = models.PositiveSmallIntegerField(
        _("video coverage to complete a lesson (%)"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a lesson's video a learner must watch for the lesson to count as done."))
    quiz_pass_percent = models.PositiveSmallIntegerField(
        _("quiz pass mark (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("Leave empty to use each quiz's own pass mark."))

    content_panels = Page.content_panels + [
        HelpPanel(AUTHORING_GUIDE, heading=_("Authoring guide")),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("language"), FieldPanel("modality")]),
        FieldPanel("audience"),
        FieldRowPanel([FieldPanel("estimated_hours"), FieldPanel("counts_toward_target")]),
        FieldPanel("enrolment_policy"),
        FieldPanel("cover_image"),
        FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([
            FieldPanel("video_coverage_threshold"),
            FieldPanel("quiz_pass_percent"),
        ], heading=_("Completion rules"),
            help_text=_("Lessons marked required, their videos watched to the threshold, and the quizzes "
                        "that must be passed.")),
    ]
    base_form_class = CoursePageForm
    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.ModulePage"]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("folded_text"),
        index.FilterField("topic"),
        index.FilterField("language"),
        index.FilterField("modality"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(video_coverage_threshold__gte=1, video_coverage_threshold__lte=100),
                                   name="courses_coursepage_coverage_range"),
            models.CheckConstraint(condition=Q(quiz_pass_percent__isnull=True) | Q(quiz_pass_percent__lte=100),
                                   name="courses_coursepage_pass_percent_range"),
        ]

    def folded_text(self) -> str:
        """Title, summary, topic and objectives without diacritics: "chuyen doi so" finds "Chuyển đổi số"."""
        with translation.override(settings.LANGUAGE_CODE):  # the same words whoever (re)indexes
            topic = str(self.get_topic_display())
        return fold(" ".join([self.title, self.summary, topic, strip_tags(self.objectives or "")]))

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(course=self, request=request))
        return context


class CourseAudience(models.Model):
    """One audience category (people.models.Category) a course is meant for."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="audiences")
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)

    class Meta:
        verbose_name = _("audience category")
        constraints = [models.UniqueConstraint(fields=["course", "category"], name="unique_course_audience")]

    def __str__(self) -> str:
        return str(self.get_category_display())


class ModulePage(KnownRestrictionsMixin, Page):
    """A module (học phần) of a course: a group of lessons."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_context

        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(module=self, request=request))
        return context


class LessonPage(KnownRestrictionsMixin, RoutablePageMixin, Page):
    """A lesson: a StreamField body of text, video, audio, documents, images, quizzes and citations."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    is_required = models.BooleanField(_("required to complete the course"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("is_required")]),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(lesson=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        """The lesson (and its sub-routes) for those it is open to (selectors.lesson_open_to); others
        are sent to sign in or to the course page, with a message that says why."""
        from media_pipeline import playback

        from .selectors import lesson_open_to

        if not lesson_open_to(lesson=self, request=request):
            return self._refused(request)
        response = super().serve(request, *args, **kwargs)
        playback.remember(request, response)
        return response

    def _refused(self, request):
        from django.contrib import messages
        from django.contrib.auth.views import redirect_to_login
        from django.shortcuts import redirect

        from .selectors import course_of

        if not request.user.is_authenticated:
            messages.info(request, _("This lesson belongs to a course for its enrolled learners only: "
                                     "sign in with an account enrolled in it."))
            return redirect_to_login(request.get_full_path())
        messages.warning(request, _("The lessons of this course are open to its enrolled learners only. "
                                    "Ask to enrol on this page, or ask the manager of your unit."))
        course = course_of(self)
        return redirect(course.get_url(request) if course is not None else "/")

    @path("")
    def lesson(self, request):
        return self.render(request)

    @path("transcript/<id:video_id>/<str:language>/", name="transcript")
    def transcript(self, request, video_id: int, language: str):
        from .views import lesson_transcript

        return lesson_transcript(request, lesson=self, video_id=video_id, language=language)
