"""Wagtail admin (templates with a PDF preview, certificate pages) and the links certificates/
adds to enrollment's "My learning" page through its hooks (enrollment never imports this app)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)
from people.permissions import ScopedViewSet

from . import admin_views, selectors, services
from .forms import CertificateTemplateForm, PrivateFileInput
from .models import PLACEHOLDERS, CertificateTemplate


def _placeholder_help() -> str:
    items = "".join(f"<li><code>{{{name}}}</code> — {label}</li>" for name, label in PLACEHOLDERS.items())
    return f"<p>{_('Placeholders the body text may use:')}</p><ul>{items}</ul>"


class CertificateTemplateViewSet(ScopedViewSet):
    """Managers of the issuing unit (a template without one applies province-wide: every manager)."""

    model = CertificateTemplate
    unit_field = "issuing_unit"
    # the role groups of people/ do not list this app's models: holding a managing role is the permission
    policy_options = {"require_model_permission": False, "unitless_rows": True}
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificate templates")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "course", "training_class", "issuing_unit", "orientation", "updated_at"]
    search_fields = ["name", "title"]
    edit_handler = ObjectList([
        MultiFieldPanel([FieldPanel("name"), FieldPanel("course"), FieldPanel("training_class"),
                         FieldPanel("issuing_unit")], heading=gettext_lazy("Where it applies")),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("body"), HelpPanel(content=lazy(_placeholder_help, str)()),
                         FieldPanel("decision_number"), FieldPanel("number_prefix")],
                        heading=pgettext_lazy("certificate template", "Text")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("signer_title"), FieldPanel("signer_name"),
                         FieldPanel("signature", widget=PrivateFileInput),
                         FieldPanel("seal", widget=PrivateFileInput)],
                        heading=gettext_lazy("Signature")),
        MultiFieldPanel([FieldPanel("orientation"), FieldPanel("background_image"),
                         FieldPanel("show_national_motto")], heading=gettext_lazy("Layout")),
    ], base_form_class=CertificateTemplateForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "training_class", "issuing_unit")


register_snippet(CertificateTemplateViewSet)


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path("certificates/", admin_views.certificate_index, name="certificates_admin_index"),
        path("certificates/issue/", admin_views.bulk_issue, name="certificates_admin_bulk"),
        path("certificates/zip/", admin_views.download_zip, name="certificates_admin_zip"),
        path("certificates/register.xlsx", admin_views.download_register, name="certificates_admin_register"),
        path("certificates/<id:pk>/", admin_views.certificate_detail, name="certificates_admin_detail"),
        path("certificates/<id:pk>/pdf/", admin_views.certificate_pdf, name="certificates_admin_pdf"),
        path("certificates/<id:pk>/revoke/", admin_views.certificate_revoke, name="certificates_admin_revoke"),
        path("certificates/<id:pk>/reissue/", admin_views.certificate_reissue, name="certificates_admin_reissue"),
    ]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see(request.user)


@hooks.register("register_admin_menu_item")
def certificates_menu_item():
    return CertificatesMenuItem(gettext_lazy("Certificates"), reverse("certificates_admin_index"),
                                icon_name="doc-full", order=310)


@hooks.register("enrollment_learning_row")
def learning_row(request, enrollment) -> str:
    """A "Download certificate" link on the enrolment's row of My learning."""
    certificate = selectors.current_certificate(enrollment.pk)
    if certificate is None or certificate.learner_id != request.user.pk:
        return ""
    return render_to_string("certificates/learning_row.html", {"certificate": certificate}, request=request)


@hooks.register("enrollment_completion_notice")
def completion_notice(enrollment) -> bool:
    """The certificate e-mail (issue_certificate, after every completion) is the congratulation."""
    return True


@hooks.register("enrollment_learning_links")
def learning_links(request):
    return [(_("My certificates"), reverse("certificates:mine"))]


# A person who holds certificates stays: the certificates are records (the verification page, the register)
# and point at their account. Deleting one in the admin is refused with a message, not a server error.

@hooks.register("before_delete_user")
def keep_certificate_holders(request, user):
    if selectors.certificate_holders([user]):
        messages.error(request, _("%(name)s holds certificates, which are kept as records: deactivate the account "
                                  "instead of deleting it.") % {"name": services.learner_name_of(user)})
        return redirect("wagtailusers_users:edit", user.pk)
    return None


@hooks.register("before_bulk_action")
def keep_certificate_holders_in_bulk(request, action_type, objects, action_class_instance):
    if action_type != "delete" or get_user_model() not in getattr(action_class_instance, "models", []):
        return None
    holders = selectors.certificate_holders(list(objects))
    if holders:
        messages.error(request, _("Not deleted: %(names)s hold certificates, which are kept as records. Deactivate "
                                  "these accounts instead.") % {
            "names": ", ".join(services.learner_name_of(user) for user in holders)})
        return redirect("wagtailusers_users:index")
    return None
