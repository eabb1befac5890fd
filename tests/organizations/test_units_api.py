"""/api/v1/units/: scoped lists, filters, subtree, token auth."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_anonymous_gets_401(tree):
    assert api().get(reverse("unit-list")).status_code == 401


def test_reviewer_lists_their_subtree(actors, tree):
    response = api(actors.reviewer_an_giang).get(reverse("unit-list"))
    assert codes(response) == {"AG", "AG-CT", "AG-CT-A", "AG-BV"}


def test_filters_parent_kind_and_search(actors, tree):
    client = api(actors.system_admin)
    assert codes(client.get(reverse("unit-list"), {"parent": "AG"})) == {"AG-CT", "AG-BV"}
    assert codes(client.get(reverse("unit-list"), {"kind": "ldld_tinh"})) == {"AG", "HN"}
    assert codes(client.get(reverse("unit-list"), {"search": "HA NOI"})) == {"HN"}
    assert codes(client.get(reverse("unit-list"), {"parent": "NO-SUCH"})) == set()


def test_detail_carries_the_parent_code_and_names(actors, tree):
    row = api(actors.officer_a).get(reverse("unit-detail", args=[tree.company_a.pk])).json()
    assert row["parent_code"] == "AG-CT"
    assert row["kind"] == "cdcs" and row["province_name"] == "An Giang"


def test_officer_of_another_unit_gets_404(actors, tree):
    assert api(actors.officer_b).get(reverse("unit-detail", args=[tree.company_a.pk])).status_code == 404
    assert api(actors.officer_b).get(reverse("unit-subtree", args=[tree.an_giang.pk])).status_code == 404


def test_subtree_lists_the_unit_and_everything_below(actors, tree):
    response = api(actors.reviewer_an_giang).get(reverse("unit-subtree", args=[tree.chau_thanh.pk]))
    assert codes(response) == {"AG-CT", "AG-CT-A"}


def test_units_are_read_only_through_the_api(actors, tree):
    client = api(actors.system_admin)
    assert client.post(reverse("unit-list"), {"code": "X", "name": "X"}).status_code == 405
    assert client.delete(reverse("unit-detail", args=[tree.company_b.pk])).status_code == 405


def test_token_auth(actors, tree):
    response = APIClient().post(reverse("api-token"), {"username": "can_bo_a", "password": TEST_PASSWORD})
    token = response.json()["token"]
    assert Token.objects.get(user=actors.officer_a).key == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert codes(client.get(reverse("unit-list"))) == {"AG-CT-A"}


def test_list_query_count_does_not_grow_with_the_page(actors, tree, django_assert_max_num_queries):
    from tests.factories import UnitFactory

    for n in range(40):
        UnitFactory(parent=tree.hospital, code=f"AG-BV-{n}")
    with django_assert_max_num_queries(6):
        api(actors.system_admin).get(reverse("unit-list"))


def test_schema_and_docs_are_served_locally(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/units/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs
