"""Articles imported into a section from a spreadsheet or a feed file: all or nothing, every
wrong row named (row number, column, Vietnamese message)."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from campaigns.feeds import article_rows_from_feed
from campaigns.models import Article
from campaigns.resources import article_rows_from_file
from campaigns.services import articles_import
from tests.factories import ArticleFactory, SectionFactory

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Tiêu đề", "Địa chỉ bài", "Ngày đăng", "Báo in"]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def ten_rows():
    return [[f"Bài số {i}", f"https://nganhang.example.vn/bai-{i}", f"{i + 1:02d}/11/2026", "Có" if i % 2 else "Không"]
            for i in range(10)]


@pytest.fixture
def section(tree):
    return SectionFactory(outlet__unit=tree.company_a)


def test_ten_articles_from_an_xlsx_are_imported(section):
    rows, problems = article_rows_from_file(xlsx(ten_rows()), "bai-viet.xlsx")
    assert problems == []

    result = articles_import(section=section, rows=rows, dry_run=False)

    assert result.is_valid and result.created == 10
    article = Article.objects.get(url="https://nganhang.example.vn/bai-3")
    assert (article.title, article.published_on, article.in_print) == ("Bài số 3", date(2026, 11, 4), True)


def test_a_dry_run_writes_nothing(section):
    rows, _ = article_rows_from_file(csv_bytes([r for r in ten_rows()]), "bai-viet.csv")

    result = articles_import(section=section, rows=rows, dry_run=True)

    assert result.is_valid and len(result.articles) == 10
    assert not Article.objects.exists()


def test_bad_rows_are_named_and_nothing_is_written(section):
    ArticleFactory(section=section, url="https://nganhang.example.vn/da-co")
    rows, _ = article_rows_from_file(xlsx([
        ["Bài đúng", "https://nganhang.example.vn/dung", "02/11/2026", "Không"],   # row 2
        ["Bài ngày sai", "https://nganhang.example.vn/ngay-sai", "31/02/2026", ""],  # row 3
        ["", "https://nganhang.example.vn/khong-tieu-de", "03/11/2026", ""],        # row 4
        ["Bài trùng", "https://nganhang.example.vn/dung", "04/11/2026", ""],         # row 5
        ["Bài đã có", "https://nganhang.example.vn/da-co", "05/11/2026", ""],        # row 6
    ]), "bai-viet.xlsx")

    result = articles_import(section=section, rows=rows, dry_run=False)

    errors = {(e.row, e.column): e.message for e in result.errors}
    assert "không phải là ngày hợp lệ" in errors[(3, "Ngày đăng")]
    assert errors[(4, "Tiêu đề")] == "Thiếu tiêu đề bài viết."
    assert errors[(5, "Địa chỉ bài")] == "Địa chỉ bài trùng với dòng 2 của tệp."
    assert errors[(6, "Địa chỉ bài")] == "Chuyên mục đã có bài viết với địa chỉ này."
    assert (2, "Tiêu đề") not in errors
    assert Article.objects.count() == 1


def test_a_missing_column_is_a_file_error(section):
    rows, problems = article_rows_from_file(csv_bytes([["Bài", "01/11/2026"]], header=["Tiêu đề", "Ngày đăng"]), "a.csv")
    assert rows == [] and "Địa chỉ bài" in problems[0]


def test_three_articles_from_a_feed_file(section):
    rows = article_rows_from_feed((FIXTURES / "feed_ok.xml").read_bytes())

    result = articles_import(section=section, rows=rows, dry_run=False)

    assert result.created == 3
    assert sorted(section.articles.values_list("published_on", flat=True)) == [
        date(2026, 11, 9), date(2026, 11, 11), date(2026, 11, 13)
    ]


def test_a_bad_feed_changes_nothing_and_names_each_entry(section):
    rows = article_rows_from_feed((FIXTURES / "feed_bad.xml").read_bytes())

    result = articles_import(section=section, rows=rows, dry_run=False)

    assert {(e.row, e.column) for e in result.errors} == {(2, "Ngày đăng"), (3, "Địa chỉ bài"), (4, "Tiêu đề")}
    assert not Article.objects.exists()


# --- through the pages ---


def test_officer_checks_then_confirms_a_file(client, actors, section, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    client.force_login(actors.officer_a)
    url = reverse("campaigns:article-import", args=[section.pk])
    upload = io.BytesIO(xlsx(ten_rows()))
    upload.name = "bai-viet.xlsx"

    checked = client.post(url, {"file": upload})

    assert checked.status_code == 200
    assert "10 bài viết sẽ được nhập" in checked.content.decode()
    assert not Article.objects.exists()

    confirmed = client.post(url, {"token": checked.context["token"]})

    assert confirmed.status_code == 302
    assert section.articles.count() == 10


def test_the_page_lists_row_errors(client, actors, section):
    client.force_login(actors.officer_a)
    upload = io.BytesIO(csv_bytes([["", "https://x.example.vn/a", "1/11/2026", ""], ["Bài", "https://x.example.vn/b", "hôm qua", ""]]))
    upload.name = "bai-viet.csv"

    page = client.post(reverse("campaigns:article-import", args=[section.pk]), {"file": upload})

    html = page.content.decode()
    assert "Thiếu tiêu đề bài viết." in html and "“hôm qua” không phải là ngày hợp lệ" in html
    assert 'data-row="2"' in html and 'data-row="3"' in html
    assert "token" not in page.context or not page.context.get("token")


def test_the_feed_page_imports_all_or_nothing(client, actors, section):
    client.force_login(actors.officer_a)
    url = reverse("campaigns:article-feed-import", args=[section.pk])
    with (FIXTURES / "feed_bad.xml").open("rb") as feed:
        bad = client.post(url, {"file": feed})
    assert bad.status_code == 200 and "Thiếu tiêu đề bài viết." in bad.content.decode()
    assert not Article.objects.exists()

    with (FIXTURES / "feed_ok.xml").open("rb") as feed:
        good = client.post(url, {"file": feed})
    assert good.status_code == 302 and section.articles.count() == 3


def test_an_officer_of_another_unit_cannot_import(client, actors, section):
    client.force_login(actors.officer_b)
    assert client.get(reverse("campaigns:article-import", args=[section.pk])).status_code == 404
    client.force_login(actors.reviewer_an_giang)
    assert client.post(reverse("campaigns:article-feed-import", args=[section.pk])).status_code == 403
