"""The programme in the administration site: scoped to the administrator's units."""

from django.urls import reverse

from tests.factories import AgreementFactory, PartnerFactory


def test_a_unit_administrator_lists_their_subtree_and_tld_but_changes_only_their_subtree(client, actors, tree):
    own = AgreementFactory(partner=PartnerFactory(unit=tree.company_a), title="Thỏa thuận Công ty A")
    national = AgreementFactory(partner=PartnerFactory(unit=tree.tld), title="Thỏa thuận toàn quốc")
    other = AgreementFactory(partner=PartnerFactory(unit=tree.company_b), title="Thỏa thuận Hà Nội")
    client.force_login(actors.admin_an_giang)

    page = client.get(reverse("admin:agreements_agreement_changelist")).content.decode()
    assert "Thỏa thuận Công ty A" in page and "Thỏa thuận toàn quốc" in page and "Thỏa thuận Hà Nội" not in page

    own_page = client.get(reverse("admin:agreements_agreement_change", args=[own.pk])).content.decode()
    assert 'name="title"' in own_page
    national_page = client.get(reverse("admin:agreements_agreement_change", args=[national.pk]))
    assert national_page.status_code == 200 and 'name="title"' not in national_page.content.decode()
    assert client.get(reverse("admin:agreements_agreement_change", args=[other.pk])).status_code in (302, 404)


def test_officers_do_not_get_into_the_programme_admin(client, actors):
    client.force_login(actors.officer_a)
    assert client.get(reverse("admin:agreements_agreement_changelist")).status_code != 200


def test_the_offers_of_an_agreement_show_inside_its_admin_page(client, actors, tree):
    from agreements.models import Offer
    from tests.factories import AgreementFactory, OfferFactory

    agreement = AgreementFactory(unit=tree.an_giang)
    OfferFactory(agreement=agreement, title="Giảm 10% tiền phòng")
    assert Offer.objects.filter(agreement=agreement).exists()
    client.force_login(actors.system_admin)  # a role, not a superuser

    from django.urls import reverse

    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).content.decode()

    assert "Giảm 10% tiền phòng" in page
