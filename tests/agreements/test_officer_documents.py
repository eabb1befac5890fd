"""Scanned agreements: checked by content, size-limited, stored under random names, served only in scope."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agreements.models import AgreementDocument
from tests.agreements.officer_scans import use_temporary_scan_storage
from tests.factories import AgreementFactory, PartnerFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def scan_storage():
    return use_temporary_scan_storage()


@pytest.fixture
def agreement(tree):
    return AgreementFactory(partner=PartnerFactory(unit=tree.company_a))


def upload(client, agreement, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("agreements:document-upload", args=[agreement.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_an_officer_uploads_a_pdf_stored_under_a_random_name(client, actors, agreement, scan_storage):
    client.force_login(actors.officer_a)
    response = upload(client, agreement, "Thỏa thuận số 15.pdf", PDF, "application/pdf")
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert document.content_type == "application/pdf"
    assert document.original_name == "Thỏa_thuận_số_15.pdf"
    assert document.size == len(PDF) and document.uploaded_by == actors.officer_a
    assert "Thỏa" not in document.file.name
    assert len(document.file.name.split("/")[-1]) == 32  # uuid4 hex, no extension, nothing to guess
    assert scan_storage.exists(document.file.name)


@pytest.mark.parametrize(
    ("name", "content", "expected_type", "expected_name"),
    [
        ("anh-chup.jpg", "jpeg", "image/jpeg", "anh-chup.jpg"),
        ("anh-chup.png", "png", "image/png", "anh-chup.png"),
        # The bytes decide: a PNG named .pdf is a PNG, served as one.
        ("ban-quet.pdf", "png", "image/png", "ban-quet.png"),
    ],
)
def test_images_are_accepted_by_their_true_type(client, actors, agreement, name, content, expected_type, expected_name):
    client.force_login(actors.officer_a)
    data = {"jpeg": jpeg_bytes, "png": png_bytes}[content]()
    assert upload(client, agreement, name, data).status_code == 302
    document = AgreementDocument.objects.get()
    assert (document.content_type, document.original_name) == (expected_type, expected_name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("thoa-thuan.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("thoa-thuan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),  # a Windows .exe
        ("thoa-thuan.png", b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10),  # a PNG header on rubbish
        ("thoa-thuan.docx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_files_that_are_not_pdf_jpeg_or_png_are_refused_in_vietnamese(client, actors, agreement, name, content):
    client.force_login(actors.officer_a)
    response = upload(client, agreement, name, content, "application/pdf")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="file">' in page
    assert "không phải là PDF, JPEG hay PNG" in page or "Ảnh bị hỏng" in page
    assert not AgreementDocument.objects.exists()


def test_a_file_over_the_limit_is_refused(client, actors, agreement, settings):
    client.force_login(actors.officer_a)
    eleven_mb = PDF + b"0" * (11 * 1024 * 1024)
    page = upload(client, agreement, "lon.pdf", eleven_mb).content.decode()
    assert "Tệp lớn quá 10 MB" in page
    assert not AgreementDocument.objects.exists()


@pytest.fixture
def document(client, actors, agreement):
    client.force_login(actors.officer_a)
    upload(client, agreement, 'Bản "quét"; ký.pdf', PDF)
    client.logout()
    return AgreementDocument.objects.get()


def test_the_download_is_an_attachment_that_the_browser_must_not_sniff(client, actors, document):
    client.force_login(actors.reviewer_an_giang)  # the reviewer above A may read the scan
    response = client.get(reverse("agreements:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The typed name, made safe: no quotes or semicolons reach the header.
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("Bản_quét_ký.pdf")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["anonymous", "member", "officer_b"])
def test_a_member_an_outsider_or_another_unit_cannot_download_agreement_scans(client, actors, document, who):
    if who != "anonymous":
        client.force_login(getattr(actors, who))
    response = client.get(reverse("agreements:document-download", args=[document.pk]))
    assert response.status_code == 404


def test_the_scan_of_a_tld_agreement_is_open_to_every_officer(client, actors, tree, scan_storage):
    from django.core.files.base import ContentFile

    national = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")
    document = AgreementDocument(agreement=national, original_name="tld.pdf", content_type="application/pdf", size=len(PDF))
    document.file.save("scan", ContentFile(PDF), save=True)
    client.force_login(actors.officer_b)
    assert client.get(reverse("agreements:document-download", args=[document.pk])).status_code == 200
    client.force_login(actors.member)
    assert client.get(reverse("agreements:document-download", args=[document.pk])).status_code == 404
