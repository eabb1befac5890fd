"""Officers' side of campaigns (/tuyen-truyen/quan-ly/).

Members get 404 everywhere; objects are company A's, so the officer of B gets 404 and the
reviewer above A and An Giang's unit administrator read (200) but get 403 where a page changes
something. Creating needs an officer role (or system administrator, who records for TLĐ).
An upper unit's plan is read by the units below, which carry it out (`above=`); they complete
its milestones for themselves but change nothing else.
"""

from tests.route_rules import ACT_DOWN, EDIT_DOWN, LOGIN, READ_DOWN, Rule

READ = {"anonymous": LOGIN, "member": 404, "officer_a": 200, "officer_b": 200, "reviewer": 200, "unit_admin": 200, "system_admin": 200}
CREATE = {**READ, "reviewer": 403, "unit_admin": 403}
READ_A = {**READ, "officer_b": 404}
EDIT_A = {**READ_A, "reviewer": 403, "unit_admin": 403}


def campaign_a(tree, actors):
    from tests.factories import CampaignFactory

    return {"pk": CampaignFactory(unit=tree.company_a).pk}


def document_a(tree, actors):
    from django.core.files.base import ContentFile

    from campaigns.models import CampaignDocument
    from tests.factories import CampaignFactory
    from tests.private_storage import use_temporary_private_storage

    use_temporary_private_storage(CampaignDocument)
    document = CampaignDocument(
        campaign=CampaignFactory(unit=tree.company_a), original_name="ke-hoach.pdf",
        content_type="application/pdf", size=15,
    )
    document.file.save("document", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"pk": document.pk}


def milestone_a(tree, actors):
    from tests.factories import MilestoneFactory

    return {"pk": MilestoneFactory(campaign__unit=tree.company_a).pk}


def outlet_a(tree, actors):
    from tests.factories import MediaOutletFactory

    return {"pk": MediaOutletFactory(unit=tree.company_a).pk}


def section_a(tree, actors):
    from tests.factories import SectionFactory

    return {"pk": SectionFactory(outlet__unit=tree.company_a).pk}


RULES: dict[str, Rule] = {
    "campaigns:campaign-list": Rule(READ),
    "campaigns:campaign-create": Rule(CREATE),
    "campaigns:campaign-detail": Rule(READ_A, kwargs=campaign_a, above=READ_DOWN),
    "campaigns:campaign-update": Rule(EDIT_A, kwargs=campaign_a, above=EDIT_DOWN),
    "campaigns:document-upload": Rule(EDIT_A, kwargs=campaign_a, above=EDIT_DOWN),
    # Whoever sees the plan downloads its files; to anyone else, signed in or not, they do not exist.
    "campaigns:document-download": Rule({**READ_A, "anonymous": 404}, kwargs=document_a, above=READ_DOWN),
    "campaigns:document-delete": Rule(EDIT_A, kwargs=document_a, above=EDIT_DOWN),  # GET: the confirmation page
    "campaigns:milestone-create": Rule(EDIT_A, kwargs=campaign_a, above=EDIT_DOWN),
    # Units bound by the milestone record their completion: company A's officer (and the system
    # administrator); the reviewer reads the plan but records nothing.
    "campaigns:milestone-complete": Rule(EDIT_A, kwargs=milestone_a, above=ACT_DOWN),
    "campaigns:outlet-list": Rule(READ),
    "campaigns:outlet-create": Rule(CREATE),
    "campaigns:section-create": Rule(EDIT_A, kwargs=outlet_a),
    "campaigns:section-detail": Rule(READ_A, kwargs=section_a),
    "campaigns:article-create": Rule(EDIT_A, kwargs=section_a),
    "campaigns:article-import": Rule(EDIT_A, kwargs=section_a),
    "campaigns:article-feed-import": Rule(EDIT_A, kwargs=section_a),
    "campaigns:activity-list": Rule(READ),
    "campaigns:activity-create": Rule(CREATE),
    "campaigns:quota-board": Rule(READ),
    "campaigns:quota-board-export": Rule(READ),
}
