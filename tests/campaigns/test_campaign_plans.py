"""A plan after it is issued: edited with its phases on one page by the unit that owns it, and
given files (checked by content, size-capped, stored under random names, served only to those who
see the plan). Read-only → 403, another unit → 404."""

import io
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign, CampaignDocument, Phase
from tests.factories import CampaignFactory, PhaseFactory
from tests.private_storage import use_temporary_private_storage

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200  # a Windows program


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def storage():
    return use_temporary_private_storage(CampaignDocument)


@pytest.fixture
def tld_plan(tree):
    return CampaignFactory(unit=tree.tld, title="Kế hoạch 24/KH-TLĐ", document_number="24/KH-TLĐ")


@pytest.fixture
def plan(tree):
    """Company A's plan, with its first phase."""
    plan = CampaignFactory(unit=tree.company_a, title="Kế hoạch tuyên truyền Công ty A", document_number="05/KH-CĐ")
    PhaseFactory(campaign=plan, name="Giai đoạn 1", starts_on=date(2017, 7, 1), ends_on=date(2018, 5, 31))
    return plan


def edit_data(plan: Campaign, **changes) -> dict:
    """What the edit page sends when nothing is changed, with `changes` typed over it."""
    phases = list(plan.phases.all())
    data = {
        "title": plan.title, "implements": plan.implements_id or "", "themes": plan.themes,
        "document_number": plan.document_number, "issued_on": plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else "",
        "legal_basis": plan.legal_basis, "audience": plan.audience, "departments": plan.departments,
        "phases-TOTAL_FORMS": str(len(phases) + 2), "phases-INITIAL_FORMS": str(len(phases)),
    }
    for i, phase in enumerate(phases):
        data.update({
            f"phases-{i}-id": phase.pk, f"phases-{i}-campaign": plan.pk, f"phases-{i}-name": phase.name,
            f"phases-{i}-starts_on": phase.starts_on.strftime("%d/%m/%Y"),
            f"phases-{i}-ends_on": phase.ends_on.strftime("%d/%m/%Y"),
        })
    for i in range(len(phases), len(phases) + 2):  # the blank rows, as offered
        data.update({f"phases-{i}-campaign": plan.pk, f"phases-{i}-name": f"Giai đoạn {i + 1}"})
    data.update(changes)
    return data


def edit(client, plan, **changes):
    return client.post(reverse("campaigns:campaign-update", args=[plan.pk]), edit_data(plan, **changes))


# --- editing a plan ----------------------------------------------------------------------------


def test_the_owning_officer_edits_the_plan_and_the_plan_page_shows_it(client, actors, tree, plan, tld_plan):
    client.force_login(actors.officer_a)
    page = client.get(reverse("campaigns:campaign-update", args=[plan.pk])).content.decode()
    assert 'value="Kế hoạch tuyên truyền Công ty A"' in page and 'value="01/07/2017"' in page

    response = edit(
        client, plan,
        title="Kế hoạch 12/KH-CĐ tuyên truyền “Công đoàn vì lợi ích đoàn viên”",
        themes=["member_benefits", "congress_xii"], document_number="12/KH-CĐ", issued_on="15/08/2017",
        legal_basis="Kế hoạch 24/KH-TLĐ ngày 05/7/2017", audience="Đoàn viên, người lao động trong Công ty A",
        departments="Ban Tuyên giáo: mở chuyên mục trên trang tin", implements=tld_plan.pk,
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign-detail", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.document_number, plan.issued_on, plan.implements, plan.unit) == (
        "12/KH-CĐ", date(2017, 8, 15), tld_plan, tree.company_a
    )
    assert plan.themes == ["member_benefits", "congress_xii"]
    detail = client.get(response["Location"]).content.decode()
    for shown in ("Kế hoạch 12/KH-CĐ tuyên truyền", "Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII", "15/08/2017",
                  "Kế hoạch 24/KH-TLĐ ngày 05/7/2017", "Đoàn viên, người lao động trong Công ty A",
                  "Ban Tuyên giáo: mở chuyên mục trên trang tin", "Đã lưu kế hoạch"):
        assert shown in detail
    assert f'href="{reverse("campaigns:campaign-detail", args=[tld_plan.pk])}">Kế hoạch 24/KH-TLĐ</a>' in detail


def test_phases_are_changed_added_and_removed_on_the_same_page(client, actors, plan):
    second = PhaseFactory(campaign=plan, name="Giai đoạn 2", starts_on=date(2018, 6, 1), ends_on=date(2019, 12, 31))
    client.force_login(actors.officer_a)

    response = edit(client, plan, **{
        "phases-0-ends_on": "30/06/2018",  # phase 1 ends later
        "phases-1-DELETE": "on",  # phase 2 goes
        "phases-2-name": "Giai đoạn 2 (điều chỉnh)", "phases-2-starts_on": "01/07/2018", "phases-2-ends_on": "31/12/2020",
    })

    assert response.status_code == 302
    assert [(p.name, p.starts_on, p.ends_on) for p in plan.phases.all()] == [
        ("Giai đoạn 1", date(2017, 7, 1), date(2018, 6, 30)),
        ("Giai đoạn 2 (điều chỉnh)", date(2018, 7, 1), date(2020, 12, 31)),
    ]
    assert not Phase.objects.filter(pk=second.pk).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "Giai đoạn 2 (điều chỉnh): 01/07/2018 – 31/12/2020" in detail


def test_a_phase_ending_before_it_starts_keeps_what_was_typed_and_saves_nothing(client, actors, plan):
    client.force_login(actors.officer_a)

    response = edit(client, plan, title="Tên mới vừa gõ", **{
        "phases-1-name": "Giai đoạn 2", "phases-1-starts_on": "01/06/2019", "phases-1-ends_on": "01/06/2018",
    })

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-error-for="phases-1-ends_on">Ngày kết thúc phải sau ngày bắt đầu.' in page
    assert "Chưa lưu được" in page
    # What was typed is still there, the title included.
    assert 'value="Tên mới vừa gõ"' in page and 'value="01/06/2019"' in page and 'value="01/06/2018"' in page
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch tuyên truyền Công ty A" and plan.phases.count() == 1


def test_a_phase_with_dates_but_no_name_is_refused_next_to_the_field(client, actors, plan):
    client.force_login(actors.officer_a)
    response = edit(client, plan, **{"phases-1-name": "", "phases-1-starts_on": "01/06/2019", "phases-1-ends_on": "01/06/2020"})
    assert response.status_code == 200
    assert 'data-error-for="phases-1-name">' in response.content.decode()
    assert plan.phases.count() == 1


def test_a_plan_can_implement_only_an_upper_units_plan(client, actors, tree, plan):
    hospital_plan = CampaignFactory(unit=tree.hospital)
    sideways = CampaignFactory(unit=tree.company_a, title="Kế hoạch khác của Công ty A")
    client.force_login(actors.system_admin)  # sees every plan, so the choice itself is offered
    response = edit(client, plan, implements=sideways.pk)
    assert 'data-error-for="implements">Chỉ thực hiện được kế hoạch của đơn vị cấp trên.' in response.content.decode()
    response = edit(client, plan, implements=hospital_plan.pk)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.implements is None


def test_editing_keeps_the_upper_plan_even_when_the_editor_cannot_open_it(client, actors, tree, plan):
    an_giang_plan = CampaignFactory(unit=tree.an_giang)
    Campaign.objects.filter(pk=plan.pk).update(implements=an_giang_plan)
    plan.refresh_from_db()
    client.force_login(actors.officer_a)
    assert edit(client, plan, title="Tên mới").status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.implements) == ("Tên mới", an_giang_plan)


def test_a_new_plan_is_created_with_several_phases(client, actors, tree, tld_plan):
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:campaign-create"), {
        "title": "Kế hoạch mới", "themes": ["member_benefits"], "implements": tld_plan.pk,
        "phases-TOTAL_FORMS": "2", "phases-INITIAL_FORMS": "0",
        "phases-0-name": "Giai đoạn 1", "phases-0-starts_on": "01/07/2017", "phases-0-ends_on": "31/05/2018",
        "phases-1-name": "Giai đoạn 2", "phases-1-starts_on": "01/06/2018", "phases-1-ends_on": "31/12/2018",
    })
    assert response.status_code == 302
    plan = Campaign.objects.get(title="Kế hoạch mới")
    assert [p.name for p in plan.phases.all()] == ["Giai đoạn 1", "Giai đoạn 2"]


def test_the_reviewer_above_reads_the_plan_but_gets_403_on_edit(client, actors, plan):
    client.force_login(actors.reviewer_an_giang)
    assert client.get(reverse("campaigns:campaign-detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("campaigns:campaign-update", args=[plan.pk])).status_code == 403
    assert edit(client, plan, title="Sửa trộm").status_code == 403
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch tuyên truyền Công ty A"


def test_an_officer_of_another_unit_gets_404_on_edit(client, actors, plan):
    client.force_login(actors.officer_b)
    assert client.get(reverse("campaigns:campaign-update", args=[plan.pk])).status_code == 404
    assert edit(client, plan, title="Sửa trộm").status_code == 404
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch tuyên truyền Công ty A"


def test_an_officer_sees_tlds_plan_but_cannot_edit_it(client, actors, tld_plan):
    client.force_login(actors.officer_a)
    detail = client.get(reverse("campaigns:campaign-detail", args=[tld_plan.pk])).content.decode()
    assert reverse("campaigns:campaign-update", args=[tld_plan.pk]) not in detail
    assert client.get(reverse("campaigns:campaign-update", args=[tld_plan.pk])).status_code == 403


def test_a_phase_of_another_plan_cannot_be_slipped_into_the_form(client, actors, tree, plan):
    other = PhaseFactory(campaign=CampaignFactory(unit=tree.company_b), name="Của Công ty B")
    client.force_login(actors.officer_a)
    edit(client, plan, **{"phases-0-id": other.pk, "phases-0-DELETE": "on", "phases-0-name": "Đổi tên"})
    other.refresh_from_db()
    assert other.name == "Của Công ty B" and other.campaign.unit == tree.company_b
    assert [p.name for p in plan.phases.all()] == ["Giai đoạn 1"]


# --- files of a plan ---------------------------------------------------------------------------


def upload(client, plan, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("campaigns:document-upload", args=[plan.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_an_officer_uploads_a_pdf_listed_on_the_plan_page(client, actors, plan, storage):
    client.force_login(actors.officer_a)
    assert client.get(reverse("campaigns:document-upload", args=[plan.pk])).status_code == 200

    response = upload(client, plan, 'Kế hoạch "12"; ký.pdf', PDF, "application/pdf")

    assert response.status_code == 302
    document = CampaignDocument.objects.get()
    assert (document.campaign, document.content_type, document.size, document.uploaded_by) == (
        plan, "application/pdf", len(PDF), actors.officer_a
    )
    assert document.original_name == "Kế_hoạch_12_ký.pdf"
    stored = document.file.name.split("/")[-1]
    assert len(stored) == 32 and "Kế" not in document.file.name  # uuid4 hex: nothing to guess
    assert storage.exists(document.file.name)
    detail = client.get(reverse("campaigns:campaign-detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("campaigns:document-download", args=[document.pk])}">Kế_hoạch_12_ký.pdf</a>' in detail


def test_a_word_file_is_accepted_as_docx(client, actors, plan):
    client.force_login(actors.officer_a)
    assert upload(client, plan, "ke-hoach.doc", docx_bytes()).status_code == 302
    document = CampaignDocument.objects.get()
    assert document.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert document.original_name == "ke-hoach.docx"  # named for what it is


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ke-hoach.pdf", EXE, "không phải là PDF, DOCX, JPEG hay PNG"),
        ("ke-hoach.pdf", b"<!doctype html><script>alert(1)</script>", "không phải là PDF, DOCX, JPEG hay PNG"),
        ("ke-hoach.docx", b"PK\x03\x04" + b"\x00" * 100, "không phải là PDF, DOCX, JPEG hay PNG"),
        ("ke-hoach.png", b"\x89PNG\r\n\x1a\n" + b"not an image" * 10, "Ảnh bị hỏng"),
    ],
)
def test_a_file_that_is_not_an_allowed_kind_is_refused_next_to_the_field(client, actors, plan, name, content, message):
    client.force_login(actors.officer_a)
    response = upload(client, plan, name, content, "application/pdf")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="file">' in page and message in page
    assert not CampaignDocument.objects.exists()


def test_a_docx_that_word_cannot_open_is_refused(client, actors, plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # looks like Word to a quick look, has no document
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<w:styles/>")
    client.force_login(actors.officer_a)
    page = upload(client, plan, "ke-hoach.docx", buffer.getvalue()).content.decode()
    assert 'data-error-for="file">Tệp Word bị hỏng hoặc không mở được.' in page
    assert not CampaignDocument.objects.exists()


def test_a_file_over_the_size_cap_is_refused(client, actors, plan, settings, storage):
    settings.CAMPAIGN_DOCUMENT_MAX_BYTES = 1024 * 1024
    client.force_login(actors.officer_a)
    page = upload(client, plan, "lon.pdf", PDF + b"0" * (1024 * 1024)).content.decode()
    assert 'data-error-for="file">Tệp lớn quá 1 MB.' in page
    assert "tối đa 1 MB" in page
    assert not CampaignDocument.objects.exists()


def test_the_reviewer_above_cannot_upload_and_another_unit_gets_404(client, actors, plan):
    client.force_login(actors.reviewer_an_giang)
    assert upload(client, plan, "a.pdf", PDF).status_code == 403
    client.force_login(actors.officer_b)
    assert upload(client, plan, "a.pdf", PDF).status_code == 404
    assert not CampaignDocument.objects.exists()


@pytest.fixture
def document(client, actors, plan):
    client.force_login(actors.officer_a)
    upload(client, plan, "Kế hoạch 12.pdf", PDF)
    client.logout()
    return CampaignDocument.objects.get()


def test_the_reviewer_above_downloads_an_attachment_the_browser_must_not_sniff(client, actors, document):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(reverse("campaigns:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("Kế_hoạch_12.pdf")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["anonymous", "member", "officer_b"])
def test_another_unit_a_member_or_a_stranger_gets_404_on_download(client, actors, document, who):
    if who != "anonymous":
        client.force_login(getattr(actors, who))
    assert client.get(reverse("campaigns:document-download", args=[document.pk])).status_code == 404


def test_the_files_of_tlds_plan_are_open_to_every_officer_but_changed_only_by_tld(client, actors, tld_plan):
    document = CampaignDocument(campaign=tld_plan, original_name="24-KH-TLD.pdf", content_type="application/pdf", size=len(PDF))
    document.file.save("document", ContentFile(PDF), save=True)
    client.force_login(actors.officer_b)
    assert client.get(reverse("campaigns:document-download", args=[document.pk])).status_code == 200
    assert client.post(reverse("campaigns:document-delete", args=[document.pk])).status_code == 403
    assert upload(client, tld_plan, "a.pdf", PDF).status_code == 403


def test_the_owning_officer_deletes_a_file_and_its_stored_copy(
    client, actors, document, storage, django_capture_on_commit_callbacks
):
    name = document.file.name
    client.force_login(actors.officer_a)
    confirm = client.get(reverse("campaigns:document-delete", args=[document.pk])).content.decode()
    assert "Kế_hoạch_12.pdf" in confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaigns:document-delete", args=[document.pk]))

    assert response.status_code == 302
    assert not CampaignDocument.objects.exists() and not storage.exists(name)
    assert "Đã xóa văn bản" in client.get(response["Location"]).content.decode()


def test_the_reviewer_cannot_delete_a_file_and_another_unit_gets_404(client, actors, document, storage):
    client.force_login(actors.reviewer_an_giang)
    assert client.post(reverse("campaigns:document-delete", args=[document.pk])).status_code == 403
    client.force_login(actors.officer_b)
    assert client.post(reverse("campaigns:document-delete", args=[document.pk])).status_code == 404
    assert CampaignDocument.objects.filter(pk=document.pk).exists() and storage.exists(document.file.name)
