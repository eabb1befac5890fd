"""Officers' side of the welfare programme (/chuong-trinh-phuc-loi/).

Members (no role anywhere) get 404 on every page; the objects are company A's, so the officer of
company B gets 404 and the reviewer above A (and An Giang's unit administrator) may read but get
403 on every page that changes something. Creating needs an officer role (or system administrator,
who records for TLĐ). TLĐ's own records are shared with every unit below (`above=`: read by
all, changed by none of them; an outlet of TLĐ's partner is inspected by any officer).
"""

from tests.route_rules import ACT_DOWN, EDIT_DOWN, LOGIN, READ_DOWN, Rule

READ = {"anonymous": LOGIN, "member": 404, "officer_a": 200, "officer_b": 200, "reviewer": 200, "unit_admin": 200, "system_admin": 200}
CREATE = {**READ, "reviewer": 403, "unit_admin": 403}
READ_A = {**READ, "officer_b": 404}
EDIT_A = {**READ_A, "reviewer": 403, "unit_admin": 403}


def _partner_a(tree, actors):
    from tests.factories import PartnerFactory

    return PartnerFactory(unit=tree.company_a)


def partner_a(tree, actors):
    return {"pk": _partner_a(tree, actors).pk}


def agreement_a(tree, actors):
    from tests.factories import AgreementFactory

    return {"pk": AgreementFactory(partner=_partner_a(tree, actors)).pk}


def document_a(tree, actors):
    from django.core.files.base import ContentFile

    from agreements.models import AgreementDocument
    from tests.agreements.officer_scans import use_temporary_scan_storage
    from tests.factories import AgreementFactory

    use_temporary_scan_storage()

    document = AgreementDocument(
        agreement=AgreementFactory(partner=_partner_a(tree, actors)),
        original_name="thoa-thuan.pdf",
        content_type="application/pdf",
        size=20,
    )
    document.file.save("scan", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"pk": document.pk}


def offer_a(tree, actors):
    from tests.factories import AgreementFactory, OfferFactory

    return {"pk": OfferFactory(agreement=AgreementFactory(partner=_partner_a(tree, actors))).pk}


def outlet_a(tree, actors):
    from tests.factories import OutletFactory

    return {"pk": OutletFactory(partner=_partner_a(tree, actors)).pk}


def institution_a(tree, actors):
    from tests.factories import InstitutionFactory

    return {"pk": InstitutionFactory(unit=tree.company_a).pk}


def usage_a(tree, actors):
    from tests.factories import BenefitUsageFactory

    return {"pk": BenefitUsageFactory(unit=tree.company_a).pk}


def complaint_a(tree, actors):
    from agreements.models import OutletComplaint
    from tests.factories import AgreementFactory, OfferFactory

    offer = OfferFactory(agreement=AgreementFactory(partner=_partner_a(tree, actors)))
    return {"pk": OutletComplaint.objects.create(offer=offer, kind="refused", reporter=actors.member).pk}


RULES: dict[str, Rule] = {
    "agreements:partner-list": Rule(READ),
    "agreements:partner-create": Rule(CREATE),
    "agreements:partner-detail": Rule(READ_A, kwargs=partner_a, above=READ_DOWN),
    "agreements:partner-update": Rule(EDIT_A, kwargs=partner_a, above=EDIT_DOWN),
    "agreements:agreement-list": Rule(READ),
    "agreements:agreement-create": Rule(CREATE),
    "agreements:agreement-detail": Rule(READ_A, kwargs=agreement_a, above=READ_DOWN),
    "agreements:agreement-update": Rule(EDIT_A, kwargs=agreement_a, above=EDIT_DOWN),
    "agreements:agreement-terminate": Rule(EDIT_A, kwargs=agreement_a, above=EDIT_DOWN),
    "agreements:document-upload": Rule(EDIT_A, kwargs=agreement_a, above=EDIT_DOWN),
    # A scan never admits it exists to anyone outside the agreement's scope, signed in or not.
    "agreements:document-download": Rule({**READ_A, "anonymous": 404}, kwargs=document_a, above=READ_DOWN),
    "agreements:offer-create": Rule(EDIT_A, kwargs=agreement_a, above=EDIT_DOWN),
    "agreements:offer-update": Rule(EDIT_A, kwargs=offer_a, above=EDIT_DOWN),
    "agreements:outlet-list": Rule(READ),
    "agreements:outlet-create": Rule(CREATE),
    "agreements:outlet-update": Rule(EDIT_A, kwargs=outlet_a, above=EDIT_DOWN),
    "agreements:outlet-notice": Rule(READ_A, kwargs=outlet_a, above=READ_DOWN),
    # Any outlet the officer sees may be inspected; reading is not enough (reviewers: 403).
    "agreements:inspection-create": Rule(EDIT_A, kwargs=outlet_a, above=ACT_DOWN),
    "agreements:ward-options": Rule(READ),
    "agreements:institution-manage-list": Rule(READ),
    "agreements:institution-create": Rule(CREATE),
    "agreements:institution-update": Rule(EDIT_A, kwargs=institution_a, above=EDIT_DOWN),
    "agreements:usage-list": Rule(READ),
    "agreements:usage-create": Rule(CREATE),
    "agreements:usage-update": Rule(EDIT_A, kwargs=usage_a),
    "agreements:complaint-queue": Rule(READ),
    # Reviewers read the complaint (200) but cannot answer it (POST → 403, see the tests).
    "agreements:complaint-handle": Rule(READ_A, kwargs=complaint_a),
}
