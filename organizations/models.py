"""The tree of union units, the people who work in it and the roles they hold."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Lower, Substr
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from organizations.choices import DepartmentKind, Role
from organizations.scoping import ScopedQuerySet
from unionportal import audit
from unionportal.text import fold


class Province(models.Model):
    """Tỉnh/thành phố: one of the 34 provinces (since 2025), loaded from `vietnam-provinces`."""

    code = models.PositiveSmallIntegerField(_("mã tỉnh"), primary_key=True)
    name = models.CharField(_("tên tỉnh/thành phố"), max_length=100)
    search_key = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)


class Ward(models.Model):
    """Phường/xã/đặc khu: a ward of a province (two-level administration since 2025)."""

    code = models.PositiveIntegerField(_("mã phường/xã"), primary_key=True)
    name = models.CharField(_("tên phường/xã"), max_length=100)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="wards", verbose_name=_("tỉnh/thành phố"))

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("phường/xã")
        verbose_name_plural = _("phường/xã")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.Model):
    """Loại đơn vị: TLĐ, LĐLĐ tỉnh/thành phố, công đoàn ngành, …, công đoàn cơ sở (data, not code)."""

    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại đơn vị"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(audit.AuditedQuerySet, MP_NodeQuerySet, ScopedQuerySet):
    unit_field = ""

    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        key = fold(text)
        return self.filter(search_key__contains=key) if key else self

    def children_of(self, unit: "Unit"):
        return self.filter(path__startswith=unit.path, depth=unit.depth + 1)

    def with_parent_code(self):
        """Annotate `parent_code` with one indexed lookup per row, no Python loop."""
        parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
        return self.annotate(parent_code=Subquery(parent.values("code")[:1]))

    def subtree_of(self, unit: "Unit"):
        """The unit and every unit under it: one range scan on the indexed path."""
        return self.filter(path__startswith=unit.path)


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """Đơn vị công đoàn: one node of the tree from TLĐ down to a grassroots union (CĐCS).

    The tree is a materialized path (django-treebeard): "all units under X" is a prefix
    query on the indexed `path`, whatever the depth.
    """

    steplen = 4

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("loại đơn vị"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("tỉnh/thành phố")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_key = models.CharField(max_length=400, editable=False, default="")

    objects = UnitManager()
    # Lịch sử thay đổi (unionportal/audit.py); `numchild` and `search_key` follow from the rest.
    history = audit.history(
        excluded_fields=["numchild", "search_key"], verbose_name=_("lịch sử thay đổi đơn vị"),
        verbose_name_plural=_("lịch sử thay đổi đơn vị"),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [models.Index(fields=["kind", "path"]), models.Index(fields=["province", "path"])]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def search_key_for(code: str, name: str, short_name: str) -> str:
        return fold(f"{code} {name} {short_name}")

    def save(self, *args, **kwargs):
        self.search_key = self.search_key_for(self.code, self.name, self.short_name)
        super().save(*args, **kwargs)

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def ancestor_paths(self) -> list[str]:
        """Paths of every unit above this one, root first."""
        return [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]

    def is_in_subtree_of(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)


class Department(models.Model):
    """Ban chuyên môn of a unit: Ban Tuyên giáo, Ban Chính sách – Pháp luật, Ban Nữ công, …"""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="departments", verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại ban"), max_length=40, choices=DepartmentKind.choices)
    name = models.CharField(_("tên ban"), max_length=150)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("ban chuyên môn")
        verbose_name_plural = _("ban chuyên môn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="department_unique_name_per_unit",
                violation_error_message=_("Đơn vị đã có ban này."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PortalUserManager(UserManager):
    def get_by_login(self, login: str):
        """A user by username or (case-insensitive) email."""
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(username=login)


class User(AbstractUser):
    """Người dùng: an officer, reviewer, administrator or member (đoàn viên) of the portal."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    member_card_number = models.CharField(_("số thẻ đoàn viên"), max_length=30, blank=True)
    member_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("công đoàn cơ sở của đoàn viên"),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_unique_email",
                violation_error_message=_("Email này đã được dùng cho tài khoản khác."),
            ),
            models.UniqueConstraint(
                fields=["member_card_number"],
                condition=~models.Q(member_card_number=""),
                name="user_unique_member_card",
                violation_error_message=_("Số thẻ đoàn viên này đã được đăng ký."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @property
    def is_member(self) -> bool:
        return bool(self.member_card_number)


class RoleAssignmentQuerySet(ScopedQuerySet):
    unit_field = "unit"


class RoleAssignment(models.Model):
    """Phân quyền: a user holds a role (officer, reviewer, administrator) in one unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("người dùng"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ban")
    )
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="role_assignment_unique",
                violation_error_message=_("Người dùng đã có vai trò này tại đơn vị."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
