"""Who may manage certificates: department admins and unit managers (people.selectors).

Certificate templates in the admin go through people.permissions' scoped policy.
"""
from __future__ import annotations

from people.selectors import managed_paths


def is_manager(user) -> bool:
    """A department admin, a unit manager or a superuser."""
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False) \
        and managed_paths(user) != []
