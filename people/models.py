"""Org units, profiles, role assignments and roster imports.

The org tree is a materialised path (treebeard's MP_Node, which Wagtail already
ships): a subtree is ``path__startswith``, one indexed range scan, at any depth.
Levels are data (``level_name``), never hard-coded, because local government is
moving from three levels to two.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .crypto import BlindIndexField, EncryptedCharField, EncryptedDateField


class OrgUnit(MP_Node):
    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(
        _("code"), max_length=64, unique=True,
        help_text=_("Short unique code used in roster files, e.g. SO-TP or XA-TAN-AN."),
    )
    level_name = models.CharField(
        _("level"), max_length=100, blank=True,
        help_text=_("Free text: province, department/agency, commune, ..."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    @property
    def tree_label(self) -> str:
        """The name indented by depth, for flat listings of the tree."""
        return "\u2014 " * (self.depth - 1) + self.name

    tree_label.fget.short_description = _("Name")  # the admin list's first column (a link to the unit)


class Category(models.TextChoices):
    """Learner categories named by the plan (see the glossary)."""

    CBCCVC = "cbccvc", _("Officials, civil servants, public employees (CBCCVC)")
    LLVT = "llvt", _("Armed-forces officers (LLVT)")
    LEGAL_REPORTER = "legal_reporter", _("Legal reporter")
    LEGAL_PROPAGANDIST = "legal_propagandist", _("Legal propagandist")
    GRASSROOTS_MEDIATOR = "grassroots_mediator", _("Grassroots mediator")
    TEACHER = "teacher", _("Teacher")
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Profile(models.Model):
    """A person of the province: rostered by the department or self-registered.

    A rostered person may have no account yet (``user`` is null) until they
    claim the profile or accept an invitation. The ID code, date of birth and
    phone are encrypted at rest; a person is found by ID code through
    ``id_code_index`` (see people.crypto).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="profile",
    )
    full_name = models.CharField(_("full name"), max_length=255)
    id_code = EncryptedCharField(
        _("ID code"), max_length=32, index_field="id_code_index",
        help_text=_("Personal identification number, unique in the province."),
    )
    id_code_index = BlindIndexField(_("ID code index"), source="id_code", unique=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="profiles",
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    area = models.CharField(_("area"), max_length=8, choices=Area.choices, blank=True)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    in_target_population = models.BooleanField(
        _("in the plan's target population"), default=False,
        help_text=_("Counts toward the plan's share of officials trained."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["org_unit", "category"])]

    def __str__(self) -> str:
        # never the ID code: lists built from str() (bulk actions, choosers) are shown to many roles
        return f"{self.full_name} — {self.org_unit.name}" if self.org_unit_id else self.full_name

    def validate_unique(self, exclude=None):
        """The ID code is unique through its blind index, which no form edits: check the code here so
        a duplicate is a form error on the ID code field, not an IntegrityError."""
        errors = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if self.id_code and "id_code" not in (exclude or ()):
            others = Profile.objects.filter(id_code=self.id_code)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                errors.setdefault("id_code", []).append(self.unique_error_message(Profile, ["id_code"]))
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    DEPARTMENT_ADMIN = "department_admin", _("Department admin")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    TRAINER = "trainer", _("Trainer")


class RoleAssignment(models.Model):
    """A role held over one org unit's subtree. Learner is implicit: anyone with a profile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="unique_role_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org_unit}"


class RosterImport(models.Model):
    """One uploaded roster file and the background job that validates and imports it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Validating")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected: the file has errors")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="rosters/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}


class ProfileMembership(models.Model):
    """A past stretch of a person's unit, category and flags, for reports on past periods.

    Only closed stretches are stored: the current one is the Profile row itself,
    valid since the last stretch ended (or since the profile was created). A
    profile that never changed has no rows here. Written by
    ``services.memberships_record`` when a tracked field changes.
    """

    profile = models.ForeignKey(Profile, verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="memberships")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    area = models.CharField(_("area"), max_length=8, choices=Area.choices, blank=True)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    in_target_population = models.BooleanField(_("in the plan's target population"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("past membership")
        verbose_name_plural = _("past memberships")
        ordering = ["profile", "valid_from"]
        indexes = [models.Index(fields=["valid_to", "valid_from"]), models.Index(fields=["profile", "valid_to"])]
        constraints = [models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                              name="membership_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.org_unit_id} {self.valid_from:%Y-%m-%d} – {self.valid_to:%Y-%m-%d}"


class AccountActivation(models.Model):
    """A one-time secret that lets a rostered person set up their own account.

    Either an invitation link (e-mailed) or an activation code (printed on the unit's
    activation sheet and handed over by the unit manager, for people without e-mail).
    Only a hash of the secret is stored; a secret works once, until it expires, and a new
    one for the same person and kind replaces the old. Facts others can read (ID code,
    date of birth) never open an account.
    """

    class Kind(models.TextChoices):
        LINK = "link", _("Invitation link")
        CODE = "code", _("Activation code")

    profile = models.ForeignKey(Profile, verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="activations")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("account activation")
        verbose_name_plural = _("account activations")
        indexes = [models.Index(fields=["profile", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
