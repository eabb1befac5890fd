"""Writes of the campaigns app that touch several records: a plan with its first phase, a unit
completing a milestone, and importing articles into a section (from a spreadsheet or a feed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Article, Campaign, Milestone, MilestoneCompletion, Phase, Section
from organizations.models import Unit

# --- officer ---


@transaction.atomic
def campaign_create(*, campaign: Campaign, phase: dict | None = None, by=None) -> Campaign:
    """Save a new plan and, when given, its first phase (name, starts_on, ends_on)."""
    campaign.full_clean()
    campaign.save()
    if phase:
        item = Phase(campaign=campaign, **phase)
        item.full_clean()
        item.save()
    return campaign


@transaction.atomic
def milestone_complete(*, milestone: Milestone, unit: Unit, done_on: date, note: str = "", by=None) -> MilestoneCompletion:
    """Record that `unit` has done what `milestone` asks (a second record updates the first)."""
    completion, _created = MilestoneCompletion.objects.update_or_create(
        milestone=milestone, unit=unit, defaults={"done_on": done_on, "note": note}
    )
    return completion


# --- article import ---


@dataclass(frozen=True)
class ArticleRow:
    """One article as read from a file row or a feed entry, not yet checked.

    `row` is what the user sees (the spreadsheet row number, or the feed entry number);
    `published` is a date, or the raw text when it could not be read as one.
    """

    row: int
    title: str
    url: str
    published: date | str | None
    in_print: bool | str | None = False


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    created: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


COLUMN_TITLE = "Tiêu đề"
COLUMN_URL = "Địa chỉ bài"
COLUMN_DATE = "Ngày đăng"
COLUMN_PRINT = "Báo in"


def articles_import(*, section: Section, rows: list[ArticleRow], dry_run: bool, by=None) -> ImportResult:
    """Check every row, then (unless `dry_run` or a row is wrong) create them all, or none.

    A row is wrong when its title is missing, its date could not be read, its URL is not a web
    address, appears twice in the file or is already an article of the section.
    """
    result = ImportResult()
    validate_url = URLValidator(schemes=["http", "https"])
    urls = [row.url for row in rows if row.url]
    existing = set(Article.objects.filter(section=section, url__in=urls).values_list("url", flat=True))
    first_row_of: dict[str, int] = {}
    for row in rows:
        errors: list[RowError] = []
        title = (row.title or "").strip()
        if not title:
            errors.append(RowError(row.row, COLUMN_TITLE, _("Thiếu tiêu đề bài viết.")))
        elif len(title) > 500:
            errors.append(RowError(row.row, COLUMN_TITLE, _("Tiêu đề dài quá 500 ký tự.")))
        url = (row.url or "").strip()
        if not url:
            errors.append(RowError(row.row, COLUMN_URL, _("Thiếu địa chỉ bài viết.")))
        else:
            try:
                validate_url(url)
            except ValidationError:
                errors.append(RowError(row.row, COLUMN_URL, _("“%(url)s” không phải là địa chỉ web hợp lệ.") % {"url": url}))
            else:
                if url in first_row_of:
                    errors.append(RowError(row.row, COLUMN_URL, _("Địa chỉ bài trùng với dòng %(row)d của tệp.") % {"row": first_row_of[url]}))
                elif url in existing:
                    errors.append(RowError(row.row, COLUMN_URL, _("Chuyên mục đã có bài viết với địa chỉ này.")))
                first_row_of.setdefault(url, row.row)
        if not isinstance(row.published, date):
            if row.published in (None, ""):
                errors.append(RowError(row.row, COLUMN_DATE, _("Thiếu ngày đăng.")))
            else:
                errors.append(RowError(
                    row.row, COLUMN_DATE,
                    _("“%(value)s” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 31/12/2026).") % {"value": row.published},
                ))
        if not isinstance(row.in_print, bool) and row.in_print not in (None, ""):
            errors.append(RowError(row.row, COLUMN_PRINT, _("Ghi “Có” hoặc “Không”.")))
        if errors:
            result.errors.extend(errors)
            continue
        result.articles.append(Article(
            section=section, title=title, url=url, published_on=row.published, in_print=bool(row.in_print),
        ))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        Article.objects.bulk_create(result.articles)
    result.created = len(result.articles)
    return result
