"""Articles from a spreadsheet: the columns and how each cell is read.

The file itself (size, hostile .xlsx, blank rows keeping row numbers, headers recognised with or
without diacritics) is `unionportal.spreadsheets`; the checks and the all-or-nothing write are
`campaigns.services.articles_import`, shared with the feed import.
"""

from __future__ import annotations

from agreements.resources import parse_date
from campaigns.services import COLUMN_DATE, COLUMN_PRINT, COLUMN_TITLE, COLUMN_URL, ArticleRow
from unionportal.spreadsheets import SheetColumns, cell_text, is_blank_row, parse_yes_no, read_spreadsheet

ARTICLE_COLUMNS = SheetColumns(
    {"title": COLUMN_TITLE, "url": COLUMN_URL, "published_on": COLUMN_DATE, "in_print": COLUMN_PRINT},
    aliases={"title": ["tieu de bai", "ten bai"], "url": ["url", "link", "duong dan"], "published_on": ["ngay"],
             "in_print": ["bao giay", "dang bao in"]},
    required=["title", "url", "published_on"],
)


def article_rows_from_file(content: bytes, filename: str) -> tuple[list[ArticleRow], list[str]]:
    """The rows of an .xlsx/.csv as ArticleRow (row numbers as the user sees them), and the
    file-level errors (unknown or missing columns). Raises SpreadsheetError for an unreadable file."""
    dataset = read_spreadsheet(content, filename)
    columns, errors = ARTICLE_COLUMNS.match(dataset.headers)
    if errors:
        return [], errors
    rows: list[ArticleRow] = []
    for index, values in enumerate(dataset):
        if is_blank_row(values):
            continue

        def cell(key, values=values):
            position = columns.index.get(key)
            return None if position is None else values[position]

        raw_date = cell("published_on")
        try:
            published = parse_date(raw_date)
        except ValueError:
            published = cell_text(raw_date)
        raw_print = cell_text(cell("in_print"))
        in_print = parse_yes_no(raw_print) if raw_print else False
        rows.append(ArticleRow(
            row=index + 2, title=cell_text(cell("title")), url=cell_text(cell("url")),
            published=published, in_print=raw_print if in_print is None else in_print,
        ))
    return rows, []
