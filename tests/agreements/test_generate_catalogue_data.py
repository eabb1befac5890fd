"""`generate_catalogue_data`: national-scale catalogue rows, written as the models would write them."""

from io import StringIO

from django.core.management import call_command
from django.db.models import F
from django.utils import translation

from agreements.models import Agreement, Offer, Outlet, Partner
from organizations.models import Province, Unit
from unionportal.text import fold


def generate(**counts) -> str:
    out = StringIO()
    call_command("generate_catalogue_data", stdout=out, **counts)
    return out.getvalue()


def test_it_builds_a_tree_when_there_is_none_and_writes_the_rows(db):
    output = generate(partners=40, offers=300, outlets=500, seed=3)

    assert "300 ưu đãi" in output
    assert Unit.objects.filter(depth=1).count() == 1 and Unit.objects.filter(depth=2).count() == 34
    assert (Partner.objects.count(), Offer.objects.count(), Outlet.objects.count()) == (40, 300, 500)
    assert Agreement.objects.count() >= 40
    assert not Agreement.objects.filter(scope="provinces", provinces__isnull=True).exists()
    assert not Outlet.objects.exclude(ward__province_id=F("province_id")).exists()


def test_search_keys_are_the_ones_save_would_write(db):
    generate(partners=20, offers=100, outlets=100)

    with translation.override("vi"):
        for offer in Offer.objects.select_related("agreement__partner")[:30]:
            assert offer.search_key == offer.build_search_key()
    for partner in Partner.objects.all()[:10]:
        assert partner.search_key == fold(f"{partner.name} {partner.tax_code} {partner.sector}")
    for outlet in Outlet.objects.all()[:10]:
        assert outlet.search_key == fold(f"{outlet.name} {outlet.address}")


def test_the_same_seed_gives_the_same_rows_and_a_second_run_adds_without_clashing(db):
    generate(partners=10, offers=50, outlets=20, seed=7)
    first = list(Offer.objects.order_by("pk").values_list("title", "search_key"))
    generate(partners=10, offers=50, outlets=20, seed=7)

    assert list(Offer.objects.order_by("pk").values_list("title", "search_key"))[50:] == first
    assert Partner.objects.values("tax_code").distinct().count() == 20


def test_generated_offers_are_found_by_the_catalogue_query(db):
    generate(partners=60, offers=600, outlets=50)
    an_giang = Province.objects.get(code=91)

    found = Offer.objects.in_force().covering(province=an_giang).search("khach san")

    assert found.exists()
    assert all("khach san" in key for key in found.values_list("search_key", flat=True))
