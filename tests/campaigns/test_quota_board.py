"""The quota board: articles per section and ISO week against the weekly quota, weeks below
quota marked, totals per unit, .xlsx export; a bounded number of queries."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from campaigns.models import Section
from campaigns.selectors import iso_weeks, quota_board
from tests.factories import ArticleFactory, SectionFactory

TODAY = date(2026, 12, 31)


@pytest.fixture
def sections(tree):
    a = SectionFactory(outlet__unit=tree.company_a, name="Chuyên mục A", opened_on=date(2026, 1, 1))
    hospital = SectionFactory(outlet__unit=tree.hospital, name="=Chuyên mục bệnh viện", opened_on=date(2026, 11, 2))
    b = SectionFactory(outlet__unit=tree.company_b, name="Chuyên mục B", opened_on=date(2026, 1, 1))
    # ISO week 45 of 2026: Monday 2 November – Sunday 8 November.
    for day in (2, 4, 8):
        ArticleFactory(section=a, published_on=date(2026, 11, day))
    ArticleFactory(section=hospital, published_on=date(2026, 11, 3))
    ArticleFactory(section=b, published_on=date(2026, 11, 3))
    # 1 January 2027 belongs to ISO week 53 of 2026.
    ArticleFactory(section=a, published_on=date(2027, 1, 1))
    return a, hospital, b


def cell(board, section, week):
    row = next(r for r in board.rows if r.section == section)
    return row.cells[week - 1]


def test_iso_weeks():
    assert len(iso_weeks(2026)) == 53 and iso_weeks(2026)[0][1] == date(2025, 12, 29)
    assert len(iso_weeks(2027)) == 52


def test_counts_per_section_and_iso_week(tree, sections):
    a, hospital, b = sections
    board = quota_board(sections=Section.objects.all(), unit=tree.an_giang, year=2026, today=TODAY)

    assert [r.section for r in board.rows] == [a, hospital]  # Hà Nội's section is not under An Giang
    assert cell(board, a, 45).count == 3 and not cell(board, a, 45).below
    assert cell(board, hospital, 45).count == 1 and cell(board, hospital, 45).below
    assert cell(board, a, 53).count == 1
    # Before the section opened, a week is not judged.
    assert not cell(board, hospital, 40).below and cell(board, a, 40).below
    totals = {t.unit: t for t in board.unit_totals}
    assert totals[tree.company_a].total == 4 and totals[tree.hospital].total == 1


def test_weeks_not_over_yet_are_not_below_quota(tree, sections):
    a, *_ = sections
    board = quota_board(sections=Section.objects.all(), unit=tree.tld, year=2026, today=date(2026, 11, 4))
    assert not cell(board, a, 45).below and cell(board, a, 44).below


@pytest.mark.parametrize("count", [3, 30])
def test_one_aggregate_query_whatever_the_number_of_sections(tree, count, django_assert_max_num_queries):
    for i in range(count):
        section = SectionFactory(outlet__unit=tree.company_a)
        ArticleFactory(section=section, published_on=date(2026, 3, 2 + i % 20))
    with django_assert_max_num_queries(2):
        board = quota_board(sections=Section.objects.all(), unit=tree.tld, year=2026, today=TODAY)
    assert len(board.rows) == count and sum(r.total for r in board.rows) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_a_bounded_number_of_queries(client, actors, tree, count, django_assert_max_num_queries):
    for _ in range(count):
        ArticleFactory(section=SectionFactory(outlet__unit=tree.company_a), published_on=date(2026, 3, 3))
    client.force_login(actors.reviewer_an_giang)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("campaigns:quota-board"), {"nam": 2026})
    assert page.status_code == 200 and len(page.context["board"].rows) == count


def test_the_page_marks_weeks_below_quota_not_by_colour_only(client, actors, sections):
    client.force_login(actors.reviewer_an_giang)
    html = client.get(reverse("campaigns:quota-board"), {"nam": 2026}).content.decode()
    assert 'class="num quota-below" data-week="45">1<span aria-label="chưa đạt chỉ tiêu">!</span>' in html
    assert "Chuyên mục B" not in html  # Hà Nội is outside the reviewer's scope


def test_an_officer_sees_only_their_units_sections(client, actors, sections):
    client.force_login(actors.officer_a)
    page = client.get(reverse("campaigns:quota-board"), {"nam": 2026})
    assert [r.section.name for r in page.context["board"].rows] == ["Chuyên mục A"]


def test_a_unit_outside_scope_is_404(client, actors, tree, sections):
    client.force_login(actors.reviewer_an_giang)
    assert client.get(reverse("campaigns:quota-board"), {"don_vi": tree.ha_noi.pk}).status_code == 404


def test_export_to_xlsx_neutralises_formulas(client, actors, tree, sections):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(reverse("campaigns:quota-board-export"), {"nam": 2026, "don_vi": tree.an_giang.pk})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=1, column=5).value == "Tuần 1"
    names = [sheet.cell(row=r, column=3) for r in (2, 3)]
    hospital = next(c for c in names if "bệnh viện" in c.value)
    assert hospital.data_type == "s" and hospital.quotePrefix  # shown as text, never run as a formula
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Tuần 45") + 1).value == 3
    assert [c.value for c in workbook.worksheets[1][2]][:3] == [tree.company_a.name, 1, 4]
