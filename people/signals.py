"""Keep a user's admin groups in step with their roles, however the role was edited;
keep the history of a person's unit and flags, however the profile was saved."""
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from .models import Profile, RoleAssignment
from .services import MEMBERSHIP_FIELDS, membership_state, memberships_record, role_groups_ensure, role_groups_sync


@receiver([post_save, post_delete], sender=RoleAssignment, dispatch_uid="people_sync_role_groups")
def sync_role_groups(sender, instance, **kwargs):
    role_groups_sync(instance.user)


@receiver(post_migrate, dispatch_uid="people_refresh_role_groups")
def refresh_role_groups(sender, **kwargs):
    """Give each role's group the permissions of apps migrated since (idempotent)."""
    role_groups_ensure()


def _tracks(update_fields) -> bool:
    return update_fields is None or bool({f.removesuffix("_id") for f in update_fields}
                                         & {f.removesuffix("_id") for f in MEMBERSHIP_FIELDS})


@receiver(pre_save, sender=Profile, dispatch_uid="people_profile_state_before")
def remember_profile_state(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._membership_before = None
    if raw or instance.pk is None or not _tracks(update_fields):
        return
    instance._membership_before = Profile.objects.filter(pk=instance.pk).values(*MEMBERSHIP_FIELDS).first()


@receiver(post_save, sender=Profile, dispatch_uid="people_profile_membership_history")
def record_profile_membership(sender, instance, created, raw=False, **kwargs):
    """A change of unit, category or flags closes the person's current stretch (reports on past periods)."""
    before = getattr(instance, "_membership_before", None)
    if raw or created or before is None or before == membership_state(instance):
        return
    memberships_record(changes=[(instance.pk, before)])
