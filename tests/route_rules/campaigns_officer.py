"""Officers' side of campaigns (/tuyen-truyen/quan-ly/).

Members get 404 everywhere; objects are company A's, so the officer of B gets 404 and the
reviewer above A and An Giang's unit administrator read (200) but get 403 where a page changes
something. Creating needs an officer role (or system administrator, who records for TLĐ).
"""

from tests.route_rules import LOGIN, Rule

READ = {"anonymous": LOGIN, "member": 404, "officer_a": 200, "officer_b": 200, "reviewer": 200, "unit_admin": 200, "system_admin": 200}
CREATE = {**READ, "reviewer": 403, "unit_admin": 403}
READ_A = {**READ, "officer_b": 404}
EDIT_A = {**READ_A, "reviewer": 403, "unit_admin": 403}


def campaign_a(tree, actors):
    from tests.factories import CampaignFactory

    return {"pk": CampaignFactory(unit=tree.company_a).pk}


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
    "campaigns:campaign-detail": Rule(READ_A, kwargs=campaign_a),
    "campaigns:milestone-create": Rule(EDIT_A, kwargs=campaign_a),
    # Units bound by the milestone record their completion: company A's officer (and the system
    # administrator); the reviewer reads the plan but records nothing.
    "campaigns:milestone-complete": Rule(EDIT_A, kwargs=milestone_a),
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
