"""Every admin page loads the script that starts Wagtail's widgets without inline scripts (lms.wagtail_csp)."""
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_init_script():
    return format_html('<script src="{}"></script>', static("lms/admin-init.js"))
