"""The audit history of units: a spreadsheet import inserts and updates units in bulk, and each
new or changed unit still gets a version naming who imported it; the admin shows the history.

Actors: the system administrator, the An Giang unit administrator, a Hà Nội unit administrator.
"""

from django.urls import reverse

from organizations.models import Unit
from tests.factories import user_with_role
from tests.organizations.test_unit_import import DA_NANG_ROWS, csv_bytes, run


def test_a_bulk_import_leaves_one_version_per_new_and_changed_unit(tree, actors):
    rows = [
        *DA_NANG_ROWS,
        ["AG-BV", "Công đoàn Bệnh viện Đa khoa An Giang", "CĐ BVĐK", "cdcs", "AG", "91"],  # renamed
        ["AG-CT-A", "Công đoàn cơ sở Công ty A", "", "cdcs", "AG-CT", "91"],  # unchanged
    ]
    before = {u.code: u.history.count() for u in Unit.objects.all()}

    result = run(csv_bytes(rows), actors.system_admin, dry_run=False)

    assert result.applied and (result.new, result.updated, result.unchanged) == (5, 1, 1)
    for code in ("DN", "DN-H1", "DN-H1-1", "DN-H1-2", "AG-NEW"):
        version = Unit.objects.get(code=code).history.get()
        assert (version.history_type, version.history_user, version.history_change_reason) == (
            "+", actors.system_admin, "unit_tree_import")
    hospital = Unit.objects.get(code="AG-BV")
    old, new = hospital.history.order_by("history_date", "history_id")[:2]
    assert (old.name, new.name) == ("Công đoàn Bệnh viện An Giang", "Công đoàn Bệnh viện Đa khoa An Giang")
    assert (new.history_type, new.history_user) == ("~", actors.system_admin)
    assert Unit.objects.get(code="AG-CT-A").history.count() == before["AG-CT-A"]
    # The parents that got new children changed only `numchild`, which the history does not keep.
    assert Unit.objects.get(code="AG").history.count() == before["AG"]


def test_a_refused_import_leaves_no_version(tree, actors):
    rows = [*DA_NANG_ROWS, ["BAD", "", "", "cdcs", "AG", "91"]]
    count = Unit.history.count()

    result = run(csv_bytes(rows), actors.system_admin, dry_run=False)

    assert not result.applied and Unit.history.count() == count


def test_an_admin_edit_is_recorded_and_the_history_page_is_scoped(client, tree, actors):
    client.force_login(actors.admin_an_giang)
    url = reverse("admin:organizations_unit_change", args=[tree.hospital.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "code": "AG-BV", "name": "Công đoàn Bệnh viện tỉnh An Giang", "short_name": "", "kind": tree.hospital.kind_id,
        "province": 91, "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = tree.hospital.history.latest("history_date")
    assert (latest.name, latest.history_user) == ("Công đoàn Bệnh viện tỉnh An Giang", actors.admin_an_giang)

    history = client.get(reverse("admin:organizations_unit_history", args=[tree.hospital.pk]))
    assert history.status_code == 200 and "Công đoàn Bệnh viện tỉnh An Giang" in history.content.decode()

    version = reverse("admin:organizations_unit_simple_history", args=[tree.hospital.pk, latest.history_id])
    assert client.get(version).status_code == 200
    assert 'name="_save"' not in client.get(version).content.decode()  # no reverting to an old version

    client.force_login(user_with_role(tree.ha_noi, "unit_admin", username="quan_tri_hn"))
    assert client.get(reverse("admin:organizations_unit_history", args=[tree.hospital.pk])).status_code == 404
    assert client.get(version).status_code == 404
    for outsider in (actors.officer_a, actors.reviewer_an_giang):
        client.force_login(outsider)
        assert client.get(version).status_code != 200
