"""Wagtail admin: question banks, quizzes, contests and surveys as snippets, scoped to the
author's org units (trainers included); bank import/export, quiz results and contest results pages."""
from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSetGroup

from people.permissions import ScopedViewSet

from . import admin_views
from .admin_forms import AuthorScopedForm, QuestionForm, SurveyForm
from .models import Contest, ContestRound, Question, QuestionCategory, Quiz, Survey
from .selectors import AUTHOR_ROLES


class AuthorViewSet(ScopedViewSet):
    """Authors (department admins, unit managers, trainers) see what belongs to their units."""

    policy_options = {"roles": AUTHOR_ROLES}


class QuestionCategoryViewSet(AuthorViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["name", "org_unit"]
    search_fields = ["name"]
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("org_unit"), FieldPanel("description")],
                              base_form_class=AuthorScopedForm)


class QuestionViewSet(AuthorViewSet):
    model = Question
    unit_field = "category__org_unit"
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "qtype", "difficulty", "category", "is_active"]
    list_filter = ["qtype", "difficulty", "is_active"]
    search_fields = ["stem", "code"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("category"), FieldPanel("qtype"), FieldPanel("difficulty")]),
        FieldPanel("stem"),
        InlinePanel("options", label=_("Options"), heading=_("Options (see the help for each type)")),
        MultiFieldPanel([FieldPanel("true_false_answer"),
                         FieldRowPanel([FieldPanel("numeric_answer"), FieldPanel("numeric_tolerance")]),
                         FieldRowPanel([FieldPanel("case_sensitive"), FieldPanel("diacritics_sensitive")])],
                        heading=_("Answer (true/false, numeric, short answer)")),
        FieldRowPanel([FieldPanel("default_mark"), FieldPanel("scoring")]),
        FieldPanel("general_feedback"), FieldPanel("tags"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("is_active")]),
    ], base_form_class=QuestionForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")


class QuizCreateView(CreateView):
    """Records who created the quiz: its creator always sees its results."""

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class QuizViewSet(AuthorViewSet):
    model = Quiz
    add_view_class = QuizCreateView
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "org_unit", "opens_at", "closes_at", "time_limit_minutes"]
    search_fields = ["title"]
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("org_unit"), FieldPanel("description"),
        InlinePanel("slots", label=_("Question or random draw"), heading=_("Questions")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                         FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("grace_seconds")]),
                         FieldPanel("overdue_handling")], heading=_("Timing")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("grading_method"),
                                        FieldPanel("pass_percent")]),
                         FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options"),
                                        FieldPanel("sequential")])], heading=_("Attempts and grading")),
        MultiFieldPanel([FieldPanel("review_answers"), FieldPanel("review_correctness"),
                         FieldPanel("review_correct_answers"), FieldPanel("review_feedback")],
                        heading=_("Review options")),
    ], base_form_class=AuthorScopedForm)


class ContestViewSet(AuthorViewSet):
    model = Contest
    icon = "pick"
    menu_label = _("Contests")
    list_display = ["title", "org_unit", "audience", "is_published"]
    search_fields = ["title"]
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("slug"), FieldPanel("org_unit"), FieldPanel("intro"), FieldPanel("rules"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("entries_per_round"), FieldPanel("is_published")]),
        FieldPanel("allowed_units"),
    ], base_form_class=AuthorScopedForm)


class ContestRoundViewSet(AuthorViewSet):
    model = ContestRound
    unit_field = "contest__org_unit"
    icon = "date"
    menu_label = _("Contest rounds")
    list_display = ["__str__", "opens_at", "closes_at"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("contest"), FieldPanel("number"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at"), FieldPanel("time_limit_minutes")]),
        FieldRowPanel([FieldPanel("tiebreak_question"), FieldPanel("tiebreak_kind")]),
        FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
        InlinePanel("slots", label=_("Question or random draw"), heading=_("Questions")),
    ], base_form_class=AuthorScopedForm)


class SurveyViewSet(AuthorViewSet):
    model = Survey
    icon = "form"
    menu_label = _("Surveys")
    list_display = ["title", "org_unit", "is_anonymous", "is_active"]
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("org_unit"), FieldPanel("intro"),
        FieldRowPanel([FieldPanel("is_anonymous"), FieldPanel("is_active")]),
        InlinePanel("items", label=_("Question"), heading=_("Questions")),
    ], base_form_class=SurveyForm)


class AssessmentsGroup(SnippetViewSetGroup):
    menu_label = _("Assessments")
    menu_icon = "tasks"
    menu_order = 240
    items = (QuestionCategoryViewSet, QuestionViewSet, QuizViewSet, ContestViewSet, ContestRoundViewSet,
             SurveyViewSet)


register_snippet(AssessmentsGroup)


@hooks.register("register_admin_urls")
def assessments_admin_urls():
    return [
        path("assessments/bank/", admin_views.bank_index, name="assessments_bank"),
        path("assessments/bank/<int:pk>/export.xlsx", admin_views.bank_export, name="assessments_bank_export"),
        path("assessments/quiz-results/", admin_views.quiz_results_index, name="assessments_quiz_results_index"),
        path("assessments/quiz-results/<int:pk>/", admin_views.quiz_results, name="assessments_quiz_results"),
        path("assessments/quiz-results/<int:pk>/export.xlsx", admin_views.quiz_results_export,
             {"extension": "xlsx"}, name="assessments_quiz_results_xlsx"),
        path("assessments/quiz-results/<int:pk>/export.csv", admin_views.quiz_results_export,
             {"extension": "csv"}, name="assessments_quiz_results_csv"),
        path("assessments/contest-results/", admin_views.contest_results, name="assessments_contest_results"),
        path("assessments/contest-results/<int:pk>/export.xlsx", admin_views.contest_export,
             name="assessments_contest_export"),
    ]


class AuthorMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_author(request.user)


class ResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_export_results(request.user)


@hooks.register("register_admin_menu_item")
def bank_menu_item():
    return AuthorMenuItem(_("Question bank import/export"), reverse("assessments_bank"), icon_name="upload",
                          order=245)


@hooks.register("register_admin_menu_item")
def quiz_results_menu_item():
    return ResultsMenuItem(_("Quiz results"), reverse("assessments_quiz_results_index"), icon_name="table",
                           order=246)


@hooks.register("register_admin_menu_item")
def contest_results_menu_item():
    return ResultsMenuItem(_("Contest results"), reverse("assessments_contest_results"), icon_name="download",
                           order=247)
