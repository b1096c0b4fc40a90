"""Keep a user's admin groups in step with their roles, however the role was edited."""
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import RoleAssignment
from .services import role_groups_ensure, role_groups_sync


@receiver([post_save, post_delete], sender=RoleAssignment, dispatch_uid="people_sync_role_groups")
def sync_role_groups(sender, instance, **kwargs):
    role_groups_sync(instance.user)


@receiver(post_migrate, dispatch_uid="people_refresh_role_groups")
def refresh_role_groups(sender, **kwargs):
    """Give each role's group the permissions of apps migrated since (idempotent)."""
    role_groups_ensure()
