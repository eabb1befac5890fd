"""Articles imported into a section from a spreadsheet (.xlsx, .csv) or an RSS/Atom file, through
one django-import-export resource: upload → every row checked and listed → confirm → all written
or none. A wrong row is named (row or entry number, column, Vietnamese message)."""

import io
import re
from datetime import date, datetime
from email.utils import format_datetime
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services
from campaigns.feeds import feed_prepare
from campaigns.models import Article
from campaigns.services import article_file_prepare, articles_import
from organizations.choices import Role
from tests.factories import ArticleFactory, SectionFactory, user_with_role

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Tiêu đề", "Địa chỉ bài", "Ngày đăng", "Báo in"]
SITE = "https://nganhang.example.vn"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SOURCES = ["xlsx", "csv", "feed"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Checked files are parked in storage until they are confirmed."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    return tmp_path


@pytest.fixture
def section(tree):
    return SectionFactory(outlet__unit=tree.company_a)


# --- files as an officer would make them ---


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_bytes(rows, header=HEADER) -> bytes:
    def text(value):
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)

    lines = [",".join(header)] + [",".join(text(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def rss(rows) -> bytes:
    """An RSS 2.0 file, one <item> per row; an empty title leaves <title> out, a date given as
    text is written as it is (a date the feed's publisher got wrong)."""
    items = []
    for title, url, day, *_rest in rows:
        published = (
            format_datetime(datetime(day.year, day.month, day.day, 9, tzinfo=HANOI)) if isinstance(day, date) else day
        )
        title_tag = f"<title>{escape(title)}</title>" if title else ""
        items.append(f"<item>{title_tag}<link>{escape(url)}</link><pubDate>{escape(published)}</pubDate></item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Công đoàn Ngân hàng</title>'
        f"<link>{SITE}/</link><description>Tin bài</description>{''.join(items)}</channel></rss>"
    ).encode()


def upload(source: str, rows) -> SimpleUploadedFile:
    if source == "xlsx":
        return SimpleUploadedFile("bai-viet.xlsx", xlsx(rows))
    if source == "csv":
        return SimpleUploadedFile("bai-viet.csv", csv_bytes(rows))
    return SimpleUploadedFile("tin.xml", rss(rows), content_type="application/rss+xml")


def number_of(source: str, index: int) -> int:
    """What the page calls the row at `index`: the spreadsheet row (the header is row 1) or the
    feed's entry number (from 1)."""
    return index + 1 if source == "feed" else index + 2


def ten_rows():
    return [(f"Bài số {i}", f"{SITE}/bai-{i}", date(2026, 11, i + 1), "Có" if i % 2 else "Không") for i in range(10)]


def page_url(source: str, section) -> str:
    name = "campaigns:article-feed-import" if source == "feed" else "campaigns:article-import"
    return reverse(name, args=[section.pk])


def error_rows(html: str) -> dict[tuple[int, str], str]:
    """The error table as the officer reads it: (row, column) → message."""
    table = re.search(r'<div class="table-responsive mb-3" id="import-errors">(.*?)</table>', html, re.S)
    assert table, "the page shows no error table"
    found = {}
    for row, column, message in re.findall(
        r'<tr data-row="(\d+)"><td class="num">\d+</td><td>([^<]*)</td><td>.*?</td><td>([^<]*)</td></tr>', table[1]
    ):
        found[(int(row), unescape(column))] = unescape(message)
    return found


# --- the resource, for both sources ---


def test_ten_articles_from_an_xlsx_are_imported(section, actors):
    prepared = article_file_prepare(content=xlsx(ten_rows()), filename="bai-viet.xlsx")

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=False)

    assert result.outcome.applied and result.outcome.new == 10
    article = Article.objects.get(url=f"{SITE}/bai-3")
    assert (article.section, article.title, article.published_on, article.in_print) == (
        section, "Bài số 3", date(2026, 11, 4), True
    )


def test_a_check_writes_nothing_and_shows_what_it_would_write(section, actors):
    prepared = article_file_prepare(content=csv_bytes(ten_rows()), filename="bai-viet.csv")

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=True)

    assert result.outcome.is_valid and result.outcome.new == 10
    assert [(row, a.title) for row, a in result.preview][:2] == [(2, "Bài số 0"), (3, "Bài số 1")]
    assert not Article.objects.exists()


def test_one_bad_row_and_nothing_is_written_even_without_a_check(section, actors):
    rows = [*ten_rows(), ("Bài ngày sai", f"{SITE}/ngay-sai", "31/02/2026", "")]
    prepared = article_file_prepare(content=xlsx(rows), filename="bai-viet.xlsx")

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=False)

    assert not result.outcome.applied
    assert [(p.row, p.column) for p in result.outcome.row_errors] == [(12, "Ngày đăng")]
    assert not Article.objects.exists()


def test_three_articles_from_the_feed_fixture(section, actors):
    prepared = feed_prepare((FIXTURES / "feed_ok.xml").read_bytes())

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=False, feed=True)

    assert result.outcome.applied and result.outcome.new == 3
    # Dates are the day in Việt Nam of each entry's pubDate.
    assert sorted(section.articles.values_list("published_on", flat=True)) == [
        date(2026, 11, 9), date(2026, 11, 11), date(2026, 11, 13)
    ]


def test_the_bad_feed_fixture_names_each_entry(section, actors):
    prepared = feed_prepare((FIXTURES / "feed_bad.xml").read_bytes())

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=False, feed=True)

    errors = {(p.row, p.column): p.message for p in result.outcome.row_errors}
    assert errors == {
        (2, "Ngày đăng"): "“ngày 45 tháng 13” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 31/12/2026).",
        (3, "Địa chỉ bài"): "Địa chỉ bài trùng với mục 1 của tệp.",
        (4, "Tiêu đề"): "Thiếu tiêu đề bài viết.",
    }
    assert not Article.objects.exists()


def test_a_missing_column_is_a_file_error(section, actors):
    prepared = article_file_prepare(content=csv_bytes([["Bài", "01/11/2026"]], header=["Tiêu đề", "Ngày đăng"]),
                                    filename="a.csv")

    result = articles_import(section=section, prepared=prepared, user=actors.officer_a, dry_run=True)

    assert "Địa chỉ bài" in result.outcome.file_errors[0].message and not result.preview


# --- through the pages: bad rows, for each source ---


@pytest.mark.parametrize("source", SOURCES)
def test_bad_rows_change_nothing_and_the_page_names_them(client, actors, section, source):
    ArticleFactory(section=section, url=f"{SITE}/da-co")
    rows = [
        ("Bài đúng", f"{SITE}/dung", date(2026, 11, 2), "Không"),  # 0
        ("Bài ngày sai", f"{SITE}/ngay-sai", "hôm qua", ""),  # 1: a bad date
        ("", f"{SITE}/khong-tieu-de", date(2026, 11, 3), ""),  # 2: no title
        ("Bài trùng", f"{SITE}/dung", date(2026, 11, 4), ""),  # 3: the URL of row 0 again
        ("Bài đã có", f"{SITE}/da-co", date(2026, 11, 5), ""),  # 4: already in the section
    ]
    client.force_login(actors.officer_a)

    page = client.post(page_url(source, section), {"file": upload(source, rows)})

    assert page.status_code == 200
    html = page.content.decode()
    errors = error_rows(html)
    noun = "mục" if source == "feed" else "dòng"
    assert errors == {
        (number_of(source, 1), "Ngày đăng"): "“hôm qua” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 31/12/2026).",
        (number_of(source, 2), "Tiêu đề"): "Thiếu tiêu đề bài viết.",
        (number_of(source, 3), "Địa chỉ bài"): f"Địa chỉ bài trùng với {noun} {number_of(source, 0)} của tệp.",
        (number_of(source, 4), "Địa chỉ bài"): "Chuyên mục đã có bài viết với địa chỉ này.",
    }
    assert "chưa bài viết nào được nhập" in html
    assert 'name="token"' not in html  # nothing to confirm
    assert list(section.articles.values_list("url", flat=True)) == [f"{SITE}/da-co"]


@pytest.mark.parametrize("source", SOURCES)
def test_a_missing_title_alone_is_named(client, actors, section, source):
    rows = [*ten_rows()[:3], ("", f"{SITE}/khong-tieu-de", date(2026, 11, 20), "")]
    client.force_login(actors.officer_a)

    page = client.post(page_url(source, section), {"file": upload(source, rows)})

    assert error_rows(page.content.decode()) == {(number_of(source, 3), "Tiêu đề"): "Thiếu tiêu đề bài viết."}
    assert not Article.objects.exists()


# --- through the pages: a good file, checked then confirmed ---


@pytest.mark.parametrize("source", SOURCES)
def test_ten_rows_are_checked_listed_then_written_on_confirm(client, actors, section, source, media):
    client.force_login(actors.officer_a)
    url = page_url(source, section)

    checked = client.post(url, {"file": upload(source, ten_rows())})

    html = checked.content.decode()
    assert checked.status_code == 200
    assert "10 bài viết sẽ được nhập" in html
    assert "Xác nhận nhập 10 bài viết" in html
    # Every row is listed with its number, as the officer will find it in the file.
    listed = re.findall(r'<tr data-row="(\d+)"><td class="num">\d+</td><td>([^<]*)</td><td><a [^>]*>([^<]*)</a>', html)
    assert [(int(n), day, title) for n, day, title in listed][:2] == [
        (number_of(source, 0), "01/11/2026", "Bài số 0"), (number_of(source, 1), "02/11/2026", "Bài số 1")
    ]
    assert len(listed) == 10
    assert not Article.objects.exists()
    assert len(list((media / "imports").iterdir())) == 1  # parked until confirmed

    confirmed = client.post(url, {"token": checked.context["token"]}, follow=True)

    assert confirmed.redirect_chain[-1][0] == reverse("campaigns:section-detail", args=[section.pk])
    assert "Đã nhập 10 bài viết" in confirmed.content.decode()
    assert section.articles.count() == 10
    assert not list((media / "imports").iterdir())  # the parked file is gone

    again = client.post(url, {"token": checked.context["token"]}, follow=True)  # a second click
    assert "Phiên kiểm tra tệp đã hết hạn" in again.content.decode()
    assert section.articles.count() == 10


def test_a_row_that_became_a_duplicate_after_the_check_stops_the_whole_write(client, actors, section):
    client.force_login(actors.officer_a)
    url = page_url("csv", section)
    checked = client.post(url, {"file": upload("csv", ten_rows())})
    ArticleFactory(section=section, url=f"{SITE}/bai-7")  # someone typed it in meanwhile

    page = client.post(url, {"token": checked.context["token"]})

    assert page.status_code == 200
    assert error_rows(page.content.decode()) == {(9, "Địa chỉ bài"): "Chuyên mục đã có bài viết với địa chỉ này."}
    assert "dữ liệu đã thay đổi từ lúc kiểm tra" in page.content.decode()
    assert section.articles.count() == 1


def test_the_feed_fixture_through_the_page(client, actors, section):
    client.force_login(actors.officer_a)
    url = page_url("feed", section)
    with (FIXTURES / "feed_ok.xml").open("rb") as feed:
        checked = client.post(url, {"file": feed})
    assert "3 bài viết sẽ được nhập" in checked.content.decode()

    confirmed = client.post(url, {"token": checked.context["token"]}, follow=True)

    assert "Đã nhập 3 bài viết từ tệp RSS/Atom." in confirmed.content.decode()
    assert section.articles.count() == 3


# --- files that cannot be read ---


def test_a_file_with_a_wrong_column_is_refused_next_to_the_field(client, actors, section):
    client.force_login(actors.officer_a)
    content = csv_bytes([["Bài", f"{SITE}/a", "01/11/2026", "", "?"]], header=[*HEADER, "Tác giả"])

    page = client.post(page_url("csv", section), {"file": SimpleUploadedFile("a.csv", content)})

    assert "Cột “Tác giả” không được hỗ trợ" in page.context["form"].errors["file"][0]
    assert not page.context.get("token")


def test_a_file_that_is_not_a_feed_is_refused(client, actors, section):
    client.force_login(actors.officer_a)

    page = client.post(page_url("feed", section), {"file": SimpleUploadedFile("tin.xml", b"<html>not a feed</html>")})

    assert "không phải là RSS/Atom hợp lệ" in page.context["form"].errors["file"][0]


def test_a_spreadsheet_longer_than_the_limit_is_refused(client, actors, section, monkeypatch):
    monkeypatch.setattr(services, "ARTICLE_IMPORT_MAX_ROWS", 5)
    client.force_login(actors.officer_a)

    page = client.post(page_url("xlsx", section), {"file": upload("xlsx", ten_rows())})

    assert page.context["form"].errors["file"] == ["Tệp có quá 5 dòng."]
    assert not Article.objects.exists()


# --- tokens and access ---


@pytest.mark.parametrize("source", SOURCES)
def test_a_token_is_good_only_for_its_section_its_user_and_its_page(client, actors, tree, section, source):
    client.force_login(actors.officer_a)
    token = client.post(page_url(source, section), {"file": upload(source, ten_rows())}).context["token"]
    other_section = SectionFactory(outlet=section.outlet, name="Chuyên mục khác")
    colleague = user_with_role(tree.company_a, Role.OFFICER, username="can_bo_a2")
    other_page = page_url("feed" if source != "feed" else "csv", section)

    refused = [client.post(page_url(source, other_section), {"token": token}, follow=True)]
    refused.append(client.post(other_page, {"token": token}, follow=True))
    client.force_login(colleague)
    refused.append(client.post(page_url(source, section), {"token": token}, follow=True))

    for page in refused:
        assert "Phiên kiểm tra tệp đã hết hạn" in page.content.decode()
    assert not Article.objects.exists()

    client.force_login(actors.officer_a)  # the file is still there for the officer who checked it
    client.post(page_url(source, section), {"token": token})
    assert section.articles.count() == 10


@pytest.mark.parametrize("source", SOURCES)
def test_another_units_section_is_404_and_a_read_only_reviewer_gets_403(client, actors, section, source):
    url = page_url(source, section)

    client.force_login(actors.officer_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": upload(source, ten_rows())}).status_code == 404

    client.force_login(actors.reviewer_an_giang)  # sees the section, changes nothing
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload(source, ten_rows())}).status_code == 403

    client.force_login(actors.member)
    assert client.get(url).status_code == 404
    assert not Article.objects.exists()
