"""Phụ lục 03 rows 1.1.1 and 1.1.2 open prefilled from the campaigns app, for the unit and its subtree."""

from datetime import date

import pytest

from campaigns.choices import ActivityKind, OutletKind, Theme
from campaigns.models import Activity, Article, MediaOutlet, Section
from organizations.choices import Role
from reporting.choices import ValueSource
from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import period_get_or_create, submission_open, submission_save, values_of
from tests.factories import UnitFactory, user_with_role


@pytest.fixture
def bank(tree):
    """Công đoàn Ngân hàng Việt Nam with one grassroots union below, and another unit aside."""
    union = UnitFactory(parent=tree.tld, code="CDN-NH", name="Công đoàn Ngân hàng Việt Nam")
    branch = UnitFactory(parent=union, code="CDN-NH-01", name="Công đoàn Ngân hàng Công thương")
    return union, branch


def section_of(unit, kind=OutletKind.WEBSITE, name="Trang tin"):
    outlet = MediaOutlet.objects.create(unit=unit, name=f"{name} {unit.code}", kind=kind, url="https://example.vn")
    return Section.objects.create(
        outlet=outlet, name="Công đoàn vì lợi ích đoàn viên", theme=Theme.MEMBER_BENEFITS, opened_on=date(2026, 1, 5)
    )


def articles(section, count, published_on, prefix="bai"):
    for n in range(count):
        Article.objects.create(
            section=section, title=f"Bài {n}", url=f"https://example.vn/{prefix}-{section.pk}-{n}", published_on=published_on
        )


@pytest.fixture
def campaign_records(bank, tree):
    union, branch = bank
    web = section_of(union)
    articles(web, 4, date(2026, 3, 2))
    articles(section_of(branch, name="Trang công đoàn cơ sở"), 2, date(2026, 5, 4))
    articles(section_of(union, kind=OutletKind.NEWSPAPER, name="Báo"), 3, date(2026, 6, 1))
    articles(web, 5, date(2025, 12, 30), prefix="nam-truoc")  # last year: not counted
    articles(section_of(tree.ha_noi), 7, date(2026, 3, 2))  # another unit: not counted
    for kind, people, held_on, unit in [
        (ActivityKind.LAUNCH_CONFERENCE, 120, date(2026, 2, 10), union),
        (ActivityKind.TRAINING, 45, date(2026, 4, 10), branch),
        (ActivityKind.SEMINAR, None, date(2026, 5, 10), branch),
        (ActivityKind.CONSULTATION_FAIR, 300, date(2026, 6, 10), union),  # a fair is not a conference
        (ActivityKind.LAUNCH_CONFERENCE, 80, date(2025, 11, 10), union),  # last year
        (ActivityKind.LAUNCH_CONFERENCE, 90, date(2026, 2, 10), tree.ha_noi),  # another unit
    ]:
        Activity.objects.create(unit=unit, kind=kind, title="Hoạt động", held_on=held_on, participants=people)
    return union


def test_the_bank_unions_pl03_opens_prefilled_with_its_campaign_figures(campaign_records):
    ensure_forms_loaded()
    officer = user_with_role(campaign_records, Role.OFFICER, username="tg_nganhang")
    period = period_get_or_create(form=Form.objects.get(code="PL03"), year=2026)

    submission = submission_open(unit=campaign_records, period=period, by=officer)

    values, _comments = values_of(submission)
    assert values[("conferences", "value")] == 3
    assert values[("conference_participants", "value")] == 165
    assert values[("documents_posted", "value")] == 6  # the union's and its branch's web pages
    assert values[("articles", "value")] == 9  # web pages and the newspaper
    prefilled = {v.row.key: v for v in submission.values.select_related("row")}
    for key in ("conferences", "conference_participants", "documents_posted", "articles"):
        assert prefilled[key].source == ValueSource.PREFILL
        assert prefilled[key].source_note


def test_the_prefilled_figures_stay_editable(campaign_records):
    ensure_forms_loaded()
    officer = user_with_role(campaign_records, Role.OFFICER, username="tg_nganhang")
    period = period_get_or_create(form=Form.objects.get(code="PL03"), year=2026)
    submission = submission_open(unit=campaign_records, period=period, by=officer)

    result = submission_save(
        submission=submission, cells={("articles", "value"): "12"}, expected_version=submission.version, by=officer
    )

    assert not result.cell_errors
    values, _comments = values_of(submission)
    assert values[("articles", "value")] == 12
    assert submission.values.get(row__key="articles").source == ValueSource.MANUAL


def test_a_unit_without_campaign_records_gets_zeros(tree):
    ensure_forms_loaded()
    officer = user_with_role(tree.company_b, Role.OFFICER, username="cb_b2")
    period = period_get_or_create(form=Form.objects.get(code="PL03"), year=2026)

    values, _comments = values_of(submission_open(unit=tree.company_b, period=period, by=officer))

    assert values[("conferences", "value")] == 0
    assert values[("articles", "value")] == 0
