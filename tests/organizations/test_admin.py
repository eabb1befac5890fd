"""The administration pages, scoped to the administrator's subtree."""

from django.urls import reverse

from organizations.models import Unit


def add_unit(client, admin_user, **fields):
    client.force_login(admin_user)
    data = {"code": "MOI", "name": "Công đoàn cơ sở Mới", "short_name": "", "kind": "", "province": "", "is_active": "on"}
    data.update(fields)
    return client.post(reverse("admin:organizations_unit_add"), data)


def test_unit_admin_adds_a_unit_under_their_subtree(client, tree, actors):
    from organizations.models import UnitKind

    kind = UnitKind.objects.get(code="cdcs")
    response = add_unit(client, actors.admin_an_giang, parent_code="AG-CT", kind=kind.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="MOI")
    assert unit.is_in_subtree_of(tree.chau_thanh) and unit.depth == tree.chau_thanh.depth + 1


def test_unit_admin_cannot_add_outside_their_subtree(client, tree, actors):
    from organizations.models import UnitKind

    kind = UnitKind.objects.get(code="cdcs")
    response = add_unit(client, actors.admin_an_giang, parent_code="HN", kind=kind.pk)
    assert response.status_code == 200
    assert "Không có đơn vị mã “HN” trong phạm vi bạn quản lý." in response.content.decode()
    assert not Unit.objects.filter(code="MOI").exists()


def test_unit_admin_sees_only_people_of_their_subtree(client, tree, actors):
    client.force_login(actors.admin_an_giang)
    page = client.get(reverse("admin:organizations_user_changelist")).content.decode()
    assert "can_bo_a" in page and "doan_vien" in page
    assert "can_bo_b" not in page
    response = client.get(reverse("admin:organizations_user_change", args=[actors.officer_b.pk]))
    assert response.status_code == 302  # "does not exist": sent back to the list


def test_a_unit_admin_cannot_make_anyone_superuser(client, tree, actors):
    client.force_login(actors.admin_an_giang)
    page = client.get(reverse("admin:organizations_user_change", args=[actors.officer_a.pk])).content.decode()
    assert 'name="is_superuser"' not in page


def test_a_unit_admin_cannot_grant_roles_outside_their_subtree_or_system_admin(client, tree, actors):
    from organizations.models import RoleAssignment

    client.force_login(actors.admin_an_giang)
    response = client.post(
        reverse("admin:organizations_roleassignment_add"),
        {"user": actors.officer_a.pk, "unit": tree.company_b.pk, "role": "officer", "department": ""},
    )
    assert response.status_code == 200 and not RoleAssignment.objects.filter(unit=tree.company_b, user=actors.officer_a)
    response = client.post(
        reverse("admin:organizations_roleassignment_add"),
        {"user": actors.officer_a.pk, "unit": tree.company_a.pk, "role": "system_admin", "department": ""},
    )
    assert response.status_code == 200 and not RoleAssignment.objects.filter(role="system_admin", user=actors.officer_a)


def test_departments_admin_is_scoped(client, tree, actors):
    from tests.factories import DepartmentFactory

    DepartmentFactory(unit=tree.an_giang, name="Ban Tuyên giáo LĐLĐ An Giang")
    DepartmentFactory(unit=tree.ha_noi, name="Ban Tuyên giáo LĐLĐ Hà Nội")
    client.force_login(actors.admin_an_giang)
    page = client.get(reverse("admin:organizations_department_changelist")).content.decode()
    assert "Ban Tuyên giáo LĐLĐ An Giang" in page and "LĐLĐ Hà Nội" not in page
