"""Template context: what the navigation needs to know about the user."""
from .selectors import is_department_admin, is_staff_member


def roles(request):
    user = getattr(request, "user", None)
    return {
        "user_is_staff_member": bool(user and is_staff_member(user)),
        "user_is_department_admin": bool(user and user.is_authenticated and is_department_admin(user)),
    }
