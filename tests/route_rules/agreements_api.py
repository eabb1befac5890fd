"""Routes of the welfare programme API (/api/v1/partners/, agreements/, offers/, outlets/, institutions/, usage/).

Offers and union institutions are public to read; the rest is internal: anonymous callers get
401, members an empty list and 404 on any record, the officer of unit B 404 on unit A's records.
TLĐ's partners, agreements and outlets are read by every unit below (`above=READ_DOWN`).
"""

from tests.route_rules import READ_DOWN, Rule, everyone, signed_in

# A record of company A (An Giang): its officer, the reviewer and administrator above it and the
# system administrator see it; a member and the officer of company B (Hà Nội) do not.
INTERNAL_RECORD = {**signed_in(200, anonymous=401), "member": 404, "officer_b": 404}


def partner_of_a(tree, actors):
    from tests.factories import PartnerFactory

    return {"pk": PartnerFactory(unit=tree.company_a).pk}


def agreement_of_a(tree, actors):
    from tests.factories import AgreementFactory, PartnerFactory

    return {"pk": AgreementFactory(partner=PartnerFactory(unit=tree.company_a)).pk}


def public_offer_of_a(tree, actors):
    from tests.factories import AgreementFactory, OfferFactory, PartnerFactory

    return {"pk": OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tree.company_a))).pk}


def outlet_of_a(tree, actors):
    from tests.factories import OutletFactory, PartnerFactory

    return {"pk": OutletFactory(partner=PartnerFactory(unit=tree.company_a)).pk}


def institution_of_a(tree, actors):
    from tests.factories import InstitutionFactory

    return {"pk": InstitutionFactory(unit=tree.company_a).pk}


def usage_of_a(tree, actors):
    from tests.factories import BenefitUsageFactory

    return {"pk": BenefitUsageFactory(unit=tree.company_a).pk}


RULES = {
    "partner-list": Rule(signed_in(200, anonymous=401)),
    "partner-detail": Rule(INTERNAL_RECORD, kwargs=partner_of_a, above=READ_DOWN),
    "agreement-list": Rule(signed_in(200, anonymous=401)),
    "agreement-detail": Rule(INTERNAL_RECORD, kwargs=agreement_of_a, above=READ_DOWN),
    "offer-list": Rule(everyone(200)),
    "offer-detail": Rule(everyone(200), kwargs=public_offer_of_a),
    "offer-outlets": Rule(everyone(200), kwargs=public_offer_of_a),
    "outlet-list": Rule(signed_in(200, anonymous=401)),
    "outlet-detail": Rule(INTERNAL_RECORD, kwargs=outlet_of_a, above=READ_DOWN),
    "institution-list": Rule(everyone(200)),
    "institution-detail": Rule(everyone(200), kwargs=institution_of_a),
    "usage-list": Rule(signed_in(200, anonymous=401)),
    "usage-detail": Rule(INTERNAL_RECORD, kwargs=usage_of_a),
}
