"""Demo data: a realistic slice of the union tree and one login per role, for trying the portal.

`seed()` is idempotent: every unit is found by its `code`, every department by (unit, name),
every user by `username` and every role by (user, unit, role); what exists is left alone
unless a demo field differs, so a second run writes nothing.

Other apps add their own demo data with a module `<app>/demo.py` exposing `seed() -> DemoCounts`;
the `seed_demo` command lists those apps (see `DEMO_APPS` there) and runs them after this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import translation

from organizations.choices import DepartmentKind, Role, UnitKindCode
from organizations.models import Department, Province, RoleAssignment, Unit, UnitKind, User
from organizations.reference_data import ensure_reference_data

# One shared password, printed by the command: these accounts exist only to try the portal.
DEMO_PASSWORD = "DemoCongDoan@2026"
DEMO_EMAIL_DOMAIN = "demo.congdoan.vn"

# The <h1> of templates/home.html per role (priority: administrators > reviewer > officer > member).
HEADING_MEMBER = "Ưu đãi dành cho đoàn viên"
HEADING_OFFICER = "Công việc của đơn vị"
HEADING_REVIEWER = "Báo cáo chờ duyệt"
HEADING_ADMIN = "Quản trị đơn vị"

TLD_CODE = "TLD"
BANK_UNION_CODE = "CDN-NH"
AN_GIANG = 91
HA_NOI = 1


def federation_code(province_code: int) -> str:
    return f"LDLD-{province_code:02d}"


def _account(
    username: str,
    full_name: str,
    role_label: str,
    home_heading: str,
    *,
    role: str | None,
    unit_code: str,
    department: str | None = None,
    member_card_number: str = "",
) -> dict:
    return {
        "username": username,
        "password": DEMO_PASSWORD,
        "role_label": role_label,
        "home_heading": home_heading,
        "full_name": full_name,
        "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
        # None for the member: a member holds no role, they belong to `unit_code` as member_unit.
        "role": role,
        "unit_code": unit_code,
        "department": department,
        "member_card_number": member_card_number,
    }


# The contract other code relies on: username, password, role_label, home_heading.
# The other keys say what `seed()` creates for the account.
AN_GIANG_DEMO_GRASSROOTS = f"{federation_code(AN_GIANG)}-KCN-01"
DEMO_ACCOUNTS: list[dict] = [
    _account(
        "quantri", "Nguyễn Quốc Hưng", "Quản trị hệ thống", HEADING_ADMIN,
        role=Role.SYSTEM_ADMIN, unit_code=TLD_CODE, department=DepartmentKind.OFFICE,
    ),
    _account(
        "duyet.angiang", "Trần Thị Thu Hà", "Cán bộ duyệt báo cáo", HEADING_REVIEWER,
        role=Role.REVIEWER, unit_code=federation_code(AN_GIANG), department=DepartmentKind.PROPAGANDA,
    ),
    _account(
        "duyet.nganhang", "Lê Minh Tuấn", "Cán bộ duyệt báo cáo", HEADING_REVIEWER,
        role=Role.REVIEWER, unit_code=BANK_UNION_CODE, department=DepartmentKind.PROPAGANDA,
    ),
    _account(
        "canbo.cdcs", "Phạm Thị Lan", "Cán bộ đầu mối", HEADING_OFFICER,
        role=Role.OFFICER, unit_code=AN_GIANG_DEMO_GRASSROOTS,
    ),
    _account(
        "canbo.angiang", "Võ Văn Phúc", "Cán bộ đầu mối", HEADING_OFFICER,
        role=Role.OFFICER, unit_code=federation_code(AN_GIANG), department=DepartmentKind.POLICY_LAW,
    ),
    _account(
        "canbo.nganhang", "Đặng Thị Mai", "Cán bộ đầu mối", HEADING_OFFICER,
        role=Role.OFFICER, unit_code=BANK_UNION_CODE, department=DepartmentKind.PROPAGANDA,
    ),
    _account(
        "quantri.hanoi", "Bùi Đức Thắng", "Quản trị đơn vị", HEADING_ADMIN,
        role=Role.UNIT_ADMIN, unit_code=federation_code(HA_NOI), department=DepartmentKind.OFFICE,
    ),
    _account(
        "doanvien", "Huỳnh Thị Ngọc Ánh", "Đoàn viên", HEADING_MEMBER,
        role=None, unit_code=AN_GIANG_DEMO_GRASSROOTS, member_card_number="9126000123",
    ),
]


# --- The tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    short_name: str = ""
    province: int | None = None
    departments: tuple[str, ...] = ()
    children: tuple[DemoUnit, ...] = ()


_FEDERATION_DEPARTMENTS = (
    DepartmentKind.PROPAGANDA,
    DepartmentKind.POLICY_LAW,
    DepartmentKind.WOMEN,
    DepartmentKind.OFFICE,
)
_TLD_DEPARTMENTS = _FEDERATION_DEPARTMENTS + (DepartmentKind.SOCIO_ECONOMIC,)

G = UnitKindCode.GRASSROOTS
MID = UnitKindCode.INTERMEDIATE


def _branch(parent_code: str, suffix: str, name: str, province: int | None, grassroots: list[str]) -> DemoUnit:
    """An intermediate union with its grassroots unions numbered 01, 02, … under its code."""
    code = f"{parent_code}-{suffix}"
    return DemoUnit(
        code=code, name=name, kind=MID, province=province,
        children=tuple(
            DemoUnit(code=f"{code}-{n:02d}", name=child, kind=G, province=province)
            for n, child in enumerate(grassroots, start=1)
        ),
    )


def _an_giang_units() -> tuple[DemoUnit, ...]:
    code = federation_code(AN_GIANG)
    return (
        _branch(code, "KCN", "Công đoàn các Khu công nghiệp tỉnh An Giang", AN_GIANG, [
            "Công đoàn cơ sở Công ty TNHH May Xuất khẩu Long Xuyên",
            "Công đoàn cơ sở Công ty Cổ phần Chế biến Thủy sản Bình Long",
            "Công đoàn cơ sở Công ty TNHH Thức ăn Chăn nuôi Mỹ Thới",
        ]),
        _branch(code, "LX", "Liên đoàn Lao động khu vực Long Xuyên", AN_GIANG, [
            "Công đoàn cơ sở Bệnh viện Đa khoa Trung tâm An Giang",
            "Công đoàn cơ sở Trường Đại học An Giang",
            "Công đoàn cơ sở Công ty Cổ phần Điện nước An Giang",
        ]),
        _branch(code, "CD", "Liên đoàn Lao động khu vực Châu Đốc", AN_GIANG, [
            "Công đoàn cơ sở Trường Trung học phổ thông Thủ Khoa Nghĩa",
            "Công đoàn cơ sở Công ty TNHH Du lịch Núi Sam",
        ]),
        _branch(code, "RG", "Liên đoàn Lao động khu vực Rạch Giá", AN_GIANG, [
            "Công đoàn cơ sở Công ty Cổ phần Xi măng Kiên Giang",
            "Công đoàn cơ sở Bệnh viện Đa khoa Rạch Giá",
        ]),
        _branch(code, "VC", "Công đoàn Viên chức tỉnh An Giang", AN_GIANG, [
            "Công đoàn cơ quan Sở Giáo dục và Đào tạo tỉnh An Giang",
            "Công đoàn cơ quan Sở Y tế tỉnh An Giang",
        ]),
    )


def _ha_noi_units() -> tuple[DemoUnit, ...]:
    code = federation_code(HA_NOI)
    return (
        _branch(code, "KCN", "Công đoàn các Khu công nghiệp và Chế xuất Hà Nội", HA_NOI, [
            "Công đoàn cơ sở Công ty TNHH Điện tử Thăng Long",
            "Công đoàn cơ sở Công ty TNHH Linh kiện Ô tô Nội Bài",
            "Công đoàn cơ sở Công ty Cổ phần Dược phẩm Quang Minh",
        ]),
        _branch(code, "DA", "Liên đoàn Lao động khu vực Đông Anh", HA_NOI, [
            "Công đoàn cơ sở Công ty Cổ phần May Đông Anh",
            "Công đoàn cơ sở Trường Trung học phổ thông Cổ Loa",
            "Công đoàn cơ sở Bệnh viện Đa khoa Đông Anh",
        ]),
        _branch(code, "HK", "Liên đoàn Lao động khu vực Hoàn Kiếm", HA_NOI, [
            "Công đoàn cơ sở Công ty TNHH Du lịch Hồ Gươm",
            "Công đoàn cơ sở Khách sạn Thống Nhất Hà Nội",
            "Công đoàn cơ sở Trường Trung học cơ sở Trưng Vương",
        ]),
        _branch(code, "VC", "Công đoàn Viên chức Thành phố Hà Nội", HA_NOI, [
            "Công đoàn cơ quan Sở Giáo dục và Đào tạo Hà Nội",
            "Công đoàn cơ quan Sở Y tế Hà Nội",
            "Công đoàn cơ sở Thư viện Hà Nội",
        ]),
    )


def _bank_units() -> tuple[DemoUnit, ...]:
    c = BANK_UNION_CODE
    return (
        DemoUnit(
            code=f"{c}-AGR", kind=MID, short_name="Công đoàn Agribank",
            name="Công đoàn Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
            children=(
                DemoUnit(code=f"{c}-AGR-01", kind=G, province=AN_GIANG,
                         name="Công đoàn cơ sở Agribank Chi nhánh tỉnh An Giang"),
                DemoUnit(code=f"{c}-AGR-02", kind=G, province=HA_NOI,
                         name="Công đoàn cơ sở Agribank Chi nhánh Thành phố Hà Nội"),
            ),
        ),
        DemoUnit(
            code=f"{c}-CTG", kind=MID, short_name="Công đoàn VietinBank",
            name="Công đoàn Ngân hàng TMCP Công thương Việt Nam",
            children=(
                DemoUnit(code=f"{c}-CTG-01", kind=G, province=AN_GIANG,
                         name="Công đoàn cơ sở VietinBank Chi nhánh An Giang"),
                DemoUnit(code=f"{c}-CTG-02", kind=G, province=HA_NOI,
                         name="Công đoàn cơ sở VietinBank Chi nhánh Hoàn Kiếm"),
            ),
        ),
        DemoUnit(code=f"{c}-VCB", kind=MID, short_name="Công đoàn Vietcombank",
                 name="Công đoàn Ngân hàng TMCP Ngoại thương Việt Nam"),
        DemoUnit(code=f"{c}-BIDV", kind=MID, short_name="Công đoàn BIDV",
                 name="Công đoàn Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
        DemoUnit(code=f"{c}-VBSP", kind=MID, short_name="Công đoàn NHCSXH",
                 name="Công đoàn Ngân hàng Chính sách xã hội"),
        DemoUnit(code=f"{c}-HVNH", kind=G, province=HA_NOI, name="Công đoàn Học viện Ngân hàng"),
        DemoUnit(code=f"{c}-NHNN", kind=G, province=HA_NOI, name="Công đoàn cơ quan Ngân hàng Nhà nước Việt Nam"),
    )


def _central_units() -> tuple[DemoUnit, ...]:
    """Central sector unions and one corporation union, each directly under TLĐ."""
    sector = UnitKindCode.CENTRAL_SECTOR
    depts = _FEDERATION_DEPARTMENTS
    return (
        DemoUnit(code=BANK_UNION_CODE, kind=sector, short_name="CĐNHVN", departments=depts,
                 name="Công đoàn Ngân hàng Việt Nam", children=_bank_units()),
        DemoUnit(code="CDN-GD", kind=sector, short_name="CĐGDVN", departments=depts,
                 name="Công đoàn Giáo dục Việt Nam", children=(
                     DemoUnit(code="CDN-GD-01", kind=G, province=HA_NOI,
                              name="Công đoàn Trường Đại học Sư phạm Hà Nội"),
                 )),
        DemoUnit(code="CDN-YT", kind=sector, short_name="CĐYTVN", departments=depts,
                 name="Công đoàn Y tế Việt Nam", children=(
                     DemoUnit(code="CDN-YT-01", kind=G, province=HA_NOI, name="Công đoàn Bệnh viện Bạch Mai"),
                 )),
        DemoUnit(code="CDN-CT", kind=sector, short_name="CĐCTVN", departments=depts,
                 name="Công đoàn Công Thương Việt Nam"),
        DemoUnit(code="CDN-VC", kind=sector, short_name="CĐVCVN", departments=depts,
                 name="Công đoàn Viên chức Việt Nam"),
        DemoUnit(code="TCT-HK", kind=UnitKindCode.CORPORATION, short_name="CĐ TCT HKVN",
                 name="Công đoàn Tổng Công ty Hàng không Việt Nam", children=(
                     DemoUnit(code="TCT-HK-01", kind=G, province=HA_NOI,
                              name="Công đoàn cơ sở Công ty TNHH Kỹ thuật Máy bay"),
                 )),
    )


def federation_names(province_name: str) -> tuple[str, str]:
    """Name and short name of a province's federation.

    The package names centrally governed cities "Thành phố Hà Nội" and provinces plainly
    "An Giang": the federation is "Liên đoàn Lao động Thành phố Hà Nội" / "… tỉnh An Giang".
    """
    if province_name.startswith("Thành phố "):
        title, bare = "Thành phố", province_name.removeprefix("Thành phố ")
    else:
        title, bare = "tỉnh", province_name.removeprefix("Tỉnh ").removeprefix("tỉnh ")
    return f"Liên đoàn Lao động {title} {bare}", f"LĐLĐ {bare}"


def demo_tree() -> DemoUnit:
    """TLĐ with the 34 provincial federations (from the Province rows) and the central unions."""
    below_federation = {AN_GIANG: _an_giang_units(), HA_NOI: _ha_noi_units()}
    federations = []
    for province in Province.objects.order_by("code"):
        name, short_name = federation_names(province.name)
        federations.append(DemoUnit(
            code=federation_code(province.code), name=name, short_name=short_name,
            kind=UnitKindCode.PROVINCIAL, province=province.code, departments=_FEDERATION_DEPARTMENTS,
            children=below_federation.get(province.code, ()),
        ))
    return DemoUnit(
        code=TLD_CODE, name="Tổng Liên đoàn Lao động Việt Nam", short_name="TLĐ",
        kind=UnitKindCode.CONFEDERATION, departments=_TLD_DEPARTMENTS,
        children=(*federations, *_central_units()),
    )


def _walk(spec: DemoUnit):
    yield spec
    for child in spec.children:
        yield from _walk(child)


# --- Seeding ----------------------------------------------------------------------------------


@dataclass
class DemoCounts:
    """What a demo step wrote; every app's `demo.seed()` returns one."""

    created: int = 0
    updated: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, *, created: bool) -> None:
        if created:
            self.created += 1
            self.details[what] = self.details.get(what, 0) + 1
        else:
            self.updated += 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _DemoPassword:
    """Hashes the demo password at most once per run and checks each stored hash at most once.

    Demo users share one hash, so a re-run costs a single hash check, not one per user.
    """

    def __init__(self) -> None:
        self._hash: str | None = None
        self._checked: dict[str, bool] = {}

    def encoded(self) -> str:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def seed() -> DemoCounts:
    """Create or complete the demo tree, departments and accounts; return what was written."""
    counts = DemoCounts()
    # Department names are data, stored in Vietnamese whatever language the shell runs in.
    with transaction.atomic(), translation.override("vi"):
        ensure_reference_data()
        specs = list(_walk(demo_tree()))
        units = _seed_units(specs, counts)
        departments = _seed_departments(specs, units, counts)
        _seed_accounts(units, departments, counts)
    return counts


def _seed_units(specs: list[DemoUnit], counts: DemoCounts) -> dict[str, Unit]:
    """Units by code, creating the missing ones top-down so each parent exists first."""
    kinds = dict(UnitKind.objects.values_list("code", "id"))
    units = {u.code: u for u in Unit.objects.filter(code__in=[s.code for s in specs])}

    def place(spec: DemoUnit, parent: Unit | None) -> None:
        wanted = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind_id": kinds[spec.kind],
            "province_id": spec.province,
        }
        unit = units.get(spec.code)
        if unit is None:
            # treebeard computes path/depth and the parent's numchild; an existing unit is never moved.
            fields = {"code": spec.code, **wanted}
            unit = Unit.objects.add_root(fields) if parent is None else Unit.objects.add_child(parent, fields)
            units[spec.code] = unit
            counts.add("đơn vị", created=True)
        else:
            changed = [name for name, value in wanted.items() if getattr(unit, name) != value]
            if changed:
                for name in changed:
                    setattr(unit, name, wanted[name])
                unit.save(update_fields=[*changed, "search_key"])
                counts.add("đơn vị", created=False)
        for child in spec.children:
            place(child, unit)

    place(specs[0], None)
    return units


def _seed_departments(
    specs: list[DemoUnit], units: dict[str, Unit], counts: DemoCounts
) -> dict[tuple[int, str], Department]:
    """Departments by (unit id, name); the name of a demo department is its kind's label."""
    wanted = [(units[s.code], kind) for s in specs for kind in s.departments]
    unit_ids = {unit.id for unit, _ in wanted}
    existing = {(d.unit_id, d.name): d for d in Department.objects.filter(unit_id__in=unit_ids)}
    missing = [
        Department(unit=unit, kind=kind, name=str(kind.label))
        for unit, kind in wanted
        if (unit.id, str(kind.label)) not in existing
    ]
    if missing:
        Department.objects.bulk_create(missing)
        for _ in missing:
            counts.add("ban chuyên môn", created=True)
        existing = {(d.unit_id, d.name): d for d in Department.objects.filter(unit_id__in=unit_ids)}
    return existing


def _seed_accounts(
    units: dict[str, Unit], departments: dict[tuple[int, str], Department], counts: DemoCounts
) -> None:
    password = _DemoPassword()
    users = {u.username: u for u in User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS])}
    roles = {
        (r.user_id, r.unit_id, r.role): r
        for r in RoleAssignment.objects.filter(user__in=list(users.values()))
    }
    for account in DEMO_ACCOUNTS:
        is_member = account["role"] is None
        wanted = {
            "full_name": account["full_name"],
            "email": account["email"],
            "member_card_number": account["member_card_number"],
            "member_unit_id": units[account["unit_code"]].id if is_member else None,
            "is_active": True,
        }
        user = users.get(account["username"])
        if user is None:
            user = User(username=account["username"], **wanted)
            # Fails loudly if the shared password ever stops passing AUTH_PASSWORD_VALIDATORS.
            validate_password(DEMO_PASSWORD, user)
            user.password = password.encoded()
            user.save()
            counts.add("tài khoản", created=True)
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, wanted[name])
            if not password.matches(user.password):
                user.password = password.encoded()
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                counts.add("tài khoản", created=False)
        if is_member:
            continue
        unit = units[account["unit_code"]]
        department = (
            departments.get((unit.id, str(DepartmentKind(account["department"]).label)))
            if account["department"]
            else None
        )
        assignment = roles.get((user.id, unit.id, account["role"]))
        if assignment is None:
            RoleAssignment.objects.create(user=user, unit=unit, role=account["role"], department=department)
            counts.add("phân quyền", created=True)
        elif assignment.department_id != (department.id if department else None):
            assignment.department = department
            assignment.save(update_fields=["department"])
            counts.add("phân quyền", created=False)
