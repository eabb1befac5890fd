"""`manage.py seed_demo`: the demo tree and one login per role, loaded idempotently."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from organizations.choices import DepartmentKind, Role, UnitKindCode
from organizations.demo import BANK_UNION_CODE, DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN
from organizations.management.commands.seed_demo import demo_modules
from organizations.models import Department, Province, RoleAssignment, Unit, UnitKind, User
from organizations.scoping import get_scope

HEADING_BY_ROLE = {
    Role.SYSTEM_ADMIN: "Quản trị đơn vị",
    Role.UNIT_ADMIN: "Quản trị đơn vị",
    Role.REVIEWER: "Báo cáo chờ duyệt",
    Role.OFFICER: "Công việc của đơn vị",
    None: "Ưu đãi dành cho đoàn viên",
}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The default hasher costs ~0.3 s per hash; the suite logs every demo account in twice.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_demo() -> str:
    out = StringIO()
    # pytest-django runs with DEBUG off, where the command asks for --force.
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "units": list(Unit.objects.values_list("code", "path", "name", "short_name", "kind_id", "province_id")),
        "departments": list(Department.objects.order_by("id").values_list("unit_id", "kind", "name")),
        "users": list(User.objects.order_by("id").values_list("username", "email", "password", "member_unit_id")),
        "roles": list(RoleAssignment.objects.order_by("id").values_list("user_id", "unit_id", "role", "department_id")),
    }


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed_demo()
    first = snapshot()

    output = seed_demo()

    assert snapshot() == first
    assert "không thay đổi gì" in output
    assert len(first["units"]) > 80
    assert len({code for code, *_ in first["units"]}) == len(first["units"])


@pytest.mark.django_db
def test_it_completes_a_partly_seeded_database():
    seed_demo()
    Unit.objects.get(code="LDLD-91").departments.all().delete()
    User.objects.filter(username="doanvien").delete()
    User.objects.filter(username="quantri").update(full_name="Ai đó", password="!")

    seed_demo()

    assert Unit.objects.get(code="LDLD-91").departments.count() == 4
    assert User.objects.get(username="quantri").full_name == "Nguyễn Quốc Hưng"
    assert authenticate(username="quantri", password=DEMO_ACCOUNTS[0]["password"]) is not None
    assert authenticate(username="doanvien", password=DEMO_ACCOUNTS[0]["password"]) is not None


@pytest.mark.django_db
def test_the_34_provincial_federations_stand_under_tld_each_with_its_province():
    seed_demo()
    tld = Unit.objects.get(code="TLD")

    federations = Unit.objects.children_of(tld).filter(kind__code=UnitKindCode.PROVINCIAL)

    assert tld.is_root() and tld.kind.code == UnitKindCode.CONFEDERATION
    assert tld.name == "Tổng Liên đoàn Lao động Việt Nam"
    assert federations.count() == 34
    assert set(federations.values_list("province_id", flat=True)) == set(Province.objects.values_list("code", flat=True))
    assert federations.get(code="LDLD-91").name == "Liên đoàn Lao động tỉnh An Giang"
    assert federations.get(code="LDLD-01").name == "Liên đoàn Lao động Thành phố Hà Nội"
    assert not federations.filter(name__contains="tỉnh Thành phố").exists()
    assert not federations.filter(name__contains="Thành phố Thành phố").exists()


@pytest.mark.django_db
def test_an_giang_and_ha_noi_have_intermediate_and_a_dozen_grassroots_unions():
    seed_demo()
    for code in ("LDLD-91", "LDLD-01"):
        federation = Unit.objects.get(code=code)
        below = Unit.objects.subtree_of(federation).exclude(pk=federation.pk)

        assert below.filter(kind__code=UnitKindCode.INTERMEDIATE, depth=federation.depth + 1).count() >= 3
        grassroots = below.filter(kind__code=UnitKindCode.GRASSROOTS)
        assert grassroots.count() >= 12
        assert set(grassroots.values_list("province_id", flat=True)) == {federation.province_id}
    assert Unit.objects.filter(name="Công đoàn các Khu công nghiệp tỉnh An Giang").exists()


@pytest.mark.django_db
def test_the_bank_union_and_the_other_central_unions_sit_under_tld():
    seed_demo()
    tld = Unit.objects.get(code="TLD")
    bank = Unit.objects.get(code=BANK_UNION_CODE)

    children = Unit.objects.children_of(bank)

    assert bank.parent_path == tld.path
    assert (bank.name, bank.short_name, bank.kind.code) == (
        "Công đoàn Ngân hàng Việt Nam", "CĐNHVN", UnitKindCode.CENTRAL_SECTOR,
    )
    assert children.filter(name="Công đoàn Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam").exists()
    assert children.filter(name="Công đoàn Ngân hàng TMCP Công thương Việt Nam").exists()
    assert children.filter(kind__code=UnitKindCode.INTERMEDIATE).count() >= 3
    assert Unit.objects.subtree_of(bank).filter(kind__code=UnitKindCode.GRASSROOTS).count() >= 2
    central = set(Unit.objects.children_of(tld).filter(kind__code=UnitKindCode.CENTRAL_SECTOR).values_list("name", flat=True))
    assert {"Công đoàn Giáo dục Việt Nam", "Công đoàn Y tế Việt Nam", "Công đoàn Công Thương Việt Nam"} <= central
    assert Unit.objects.children_of(tld).filter(kind__code=UnitKindCode.CORPORATION).count() == 1


@pytest.mark.django_db
def test_tld_and_every_provincial_federation_have_their_departments():
    seed_demo()
    federation_kinds = {DepartmentKind.PROPAGANDA, DepartmentKind.POLICY_LAW, DepartmentKind.WOMEN, DepartmentKind.OFFICE}

    tld_kinds = set(Department.objects.filter(unit__code="TLD").values_list("kind", flat=True))

    assert tld_kinds == federation_kinds | {DepartmentKind.SOCIO_ECONOMIC}
    for federation in Unit.objects.filter(kind__code=UnitKindCode.PROVINCIAL):
        assert set(federation.departments.values_list("kind", flat=True)) == federation_kinds
    assert Department.objects.get(unit__code="LDLD-91", kind=DepartmentKind.PROPAGANDA).name == "Ban Tuyên giáo"


@pytest.mark.django_db
def test_every_demo_account_logs_in_by_username_and_by_email_with_its_role():
    seed_demo()

    for account in DEMO_ACCOUNTS:
        by_username = authenticate(username=account["username"], password=account["password"])
        by_email = authenticate(username=f"{account['username']}@{DEMO_EMAIL_DOMAIN}", password=account["password"])

        assert by_username is not None, account["username"]
        assert by_email == by_username
        assert not by_username.is_superuser
        assert by_username.full_name
        assert account["home_heading"] == HEADING_BY_ROLE[account["role"]]
        roles = list(RoleAssignment.objects.filter(user=by_username).values_list("role", "unit__code"))
        if account["role"] is None:
            assert roles == []
            assert by_username.is_member
            assert by_username.member_unit.kind.code == UnitKindCode.GRASSROOTS
            assert by_username.member_unit.is_in_subtree_of(Unit.objects.get(code="LDLD-91"))
        else:
            assert roles == [(account["role"], account["unit_code"])]


@pytest.mark.django_db
def test_the_demo_roles_give_the_scope_the_role_promises():
    seed_demo()
    user = {a["username"]: User.objects.get(username=a["username"]) for a in DEMO_ACCOUNTS}
    an_giang_grassroots = Unit.objects.get(code="LDLD-91-KCN-01")

    assert get_scope(user["quantri"]).is_system_admin
    assert Unit.objects.reviewable_by(user["duyet.angiang"]).filter(pk=an_giang_grassroots.pk).exists()
    assert not Unit.objects.reviewable_by(user["duyet.nganhang"]).filter(pk=an_giang_grassroots.pk).exists()
    assert list(Unit.objects.editable_by(user["canbo.cdcs"])) == [an_giang_grassroots]
    assert Unit.objects.manageable_by(user["quantri.hanoi"]).filter(code="LDLD-01-KCN-01").exists()
    assert not Unit.objects.manageable_by(user["quantri.hanoi"]).filter(code="LDLD-91").exists()
    assert RoleAssignment.objects.get(user=user["duyet.angiang"]).department.kind == DepartmentKind.PROPAGANDA


@pytest.mark.django_db
def test_the_shared_password_passes_the_password_validators():
    seed_demo()
    for account in DEMO_ACCOUNTS:
        validate_password(account["password"], User.objects.get(username=account["username"]))


@pytest.mark.django_db
def test_the_output_lists_the_demo_logins_and_says_they_are_demo():
    output = seed_demo()

    assert "TÀI KHOẢN DEMO" in output
    for account in DEMO_ACCOUNTS:
        assert account["username"] in output
    assert DEMO_ACCOUNTS[0]["password"] in output
    assert "Liên đoàn Lao động tỉnh An Giang — Ban Tuyên giáo" in output


@pytest.mark.django_db
def test_it_refuses_to_run_on_a_live_server_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="mật khẩu công khai"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username="quantri").exists()


def test_an_app_without_a_demo_module_is_skipped():
    modules = demo_modules(["organizations", "unionportal"])

    assert [m.__name__ for m in modules] == ["organizations.demo"]


@pytest.mark.django_db
def test_it_reloads_the_reference_data_after_a_flush():
    # `manage.py flush` empties the kinds and provinces that migration 0002 loaded.
    UnitKind.objects.all().delete()
    Province.objects.all().delete()

    seed_demo()

    assert Province.objects.count() == 34
    assert Unit.objects.filter(kind__code=UnitKindCode.PROVINCIAL).count() == 34
