"""Campaigns in the administration site: every page opens for a system administrator; a unit
administrator lists and changes only their subtree's records and cannot move one out of it;
files of a plan are listed read-only (they are uploaded where their content is checked)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

from campaigns.models import Campaign, CampaignDocument, MediaOutlet, MilestoneCompletion
from tests.factories import (
    ActivityFactory,
    ArticleFactory,
    CampaignFactory,
    MediaOutletFactory,
    MilestoneFactory,
    PhaseFactory,
    SectionFactory,
)
from tests.private_storage import use_temporary_private_storage


@pytest.fixture
def records(tree):
    """One record of every campaigns model, all of company A."""
    use_temporary_private_storage(CampaignDocument)
    plan = CampaignFactory(unit=tree.company_a, title="Kế hoạch của Công ty A")
    PhaseFactory(campaign=plan, name="Giai đoạn một")
    document = CampaignDocument(campaign=plan, original_name="ke-hoach-cong-ty-a.pdf", content_type="application/pdf", size=9)
    document.file.save("document", ContentFile(b"%PDF-1.4\n"), save=True)
    milestone = MilestoneFactory(campaign=plan)
    MilestoneCompletion.objects.create(milestone=milestone, unit=tree.company_a, done_on=milestone.due_on)
    section = SectionFactory(outlet=MediaOutletFactory(unit=tree.company_a))
    ArticleFactory(section=section)
    ActivityFactory(unit=tree.company_a)
    return plan


def campaigns_admins():
    return sorted(
        (model._meta.model_name, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "campaigns"
    )


def test_every_campaigns_model_is_in_the_administration_site():
    registered = {model for model, _ in admin.site._registry.items() if model._meta.app_label == "campaigns"}
    inline = {inline.model for model in registered for inline in admin.site._registry[model].inlines}
    assert set(apps.get_app_config("campaigns").get_models()) == registered | inline


@pytest.mark.parametrize(("model_name", "model_admin"), campaigns_admins(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_system_administrator_opens_the_list_the_add_and_the_change_page(client, actors, records, model_name, model_admin):
    client.force_login(actors.system_admin)
    obj = model_admin.model._default_manager.order_by("pk").first()
    for page, args in (("changelist", []), ("add", []), ("change", [obj.pk])):
        url = reverse(f"admin:campaigns_{model_name}_{page}", args=args)
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"


def test_the_plan_page_lists_its_phases_and_its_files_read_only(client, actors, records):
    client.force_login(actors.system_admin)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[records.pk])).content.decode()
    assert 'value="Giai đoạn một"' in page  # phases are edited here too
    assert "ke-hoach-cong-ty-a.pdf" in page
    assert 'name="documents-0-original_name"' not in page and 'name="documents-TOTAL_FORMS"' in page


def test_a_unit_administrator_sees_and_changes_only_their_subtree(client, actors, tree, records):
    CampaignFactory(unit=tree.company_b, title="Kế hoạch của Công ty B")
    client.force_login(actors.admin_an_giang)
    page = client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert "Kế hoạch của Công ty A" in page and "Kế hoạch của Công ty B" not in page
    other = Campaign.objects.get(title="Kế hoạch của Công ty B")
    assert client.get(reverse("admin:campaigns_campaign_change", args=[other.pk])).status_code == 302  # "does not exist"
    own = client.get(reverse("admin:campaigns_campaign_change", args=[records.pk]))
    assert own.status_code == 200 and 'value="Giai đoạn một"' in own.content.decode()


def test_a_unit_administrator_cannot_put_a_record_outside_their_subtree(client, actors, tree):
    client.force_login(actors.admin_an_giang)
    response = client.post(reverse("admin:campaigns_mediaoutlet_add"), {
        "unit": tree.company_b.pk, "name": "Trang tin lạc chỗ", "kind": "website", "url": "", "feed_url": "",
    })
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not MediaOutlet.objects.filter(name="Trang tin lạc chỗ").exists()

    response = client.post(reverse("admin:campaigns_mediaoutlet_add"), {
        "unit": tree.company_a.pk, "name": "Trang tin Công ty A", "kind": "website", "url": "", "feed_url": "",
    })
    assert response.status_code == 302 and MediaOutlet.objects.get(name="Trang tin Công ty A").unit == tree.company_a


def test_completions_are_for_system_administrators_only(client, actors, records):
    client.force_login(actors.admin_an_giang)
    assert client.get(reverse("admin:campaigns_milestonecompletion_changelist")).status_code == 403
