"""Keep a user's admin groups in step with their roles, however the role was edited;
keep the history of a person's unit and flags, however the profile was saved;
record every role change in the audit trail, whichever screen or command made it."""
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from lms import audit
from lms.models import AuditAction

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


def _audit_role_change(assignment: RoleAssignment, change: str) -> None:
    user, unit = assignment.user, assignment.org_unit
    audit.record(
        action=AuditAction.ROLE_CHANGE, subject=audit.actor_name(user) or user.get_username(),
        subject_id=str(user.pk), unit_path=unit.path,
        details={"change": change, "role": assignment.role, "org_unit": unit.code, "username": user.get_username()},
    )


@receiver(post_save, sender=RoleAssignment, dispatch_uid="people_audit_role_saved")
def audit_role_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _audit_role_change(instance, "granted" if created else "changed")


@receiver(post_delete, sender=RoleAssignment, dispatch_uid="people_audit_role_deleted")
def audit_role_deleted(sender, instance, **kwargs):
    _audit_role_change(instance, "revoked")
