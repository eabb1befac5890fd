"""Routes of the members' catalogue: public offers and institutions, members' reports."""

from tests.route_rules import LOGIN, Rule, everyone, signed_in


def offer_of_a(tree, actors):
    from tests.factories import AgreementFactory, OfferFactory, PartnerFactory

    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.company_a))
    return {"pk": OfferFactory(agreement=agreement).pk}


def institution_of_a(tree, actors):
    from tests.factories import InstitutionFactory

    return {"pk": InstitutionFactory(unit=tree.company_a).pk}


RULES = {
    # Public: no login; every visitor sees the same offers in force and open institutions.
    "agreements:offer-list": Rule(everyone(200)),
    "agreements:offer-detail": Rule(everyone(200), kwargs=offer_of_a),
    "agreements:offer-print": Rule(everyone(200), kwargs=offer_of_a),
    "agreements:institution-list": Rule(everyone(200)),
    "agreements:institution-detail": Rule(everyone(200), kwargs=institution_of_a),
    # Reporting an outlet: members only (a card number); officers and administrators are not members.
    # A member reports any public offer, whichever unit signed it (writers: see tests/route_rules/__init__.py).
    "agreements:complaint-create": Rule(
        {**signed_in(403, anonymous=LOGIN), "member": 200}, kwargs=offer_of_a, writers=("member",)
    ),
    "agreements:complaint-mine": Rule(signed_in(200)),
}
