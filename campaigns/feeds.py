"""Articles from an outlet's RSS or Atom feed, read from a file the officer uploads.

feedparser reads the bytes given (it never fetches anything here). The entries become a dataset
in the columns of `ArticleResource`, numbered from 1 in the order of the file, so they go
through the same checks as a spreadsheet and an error names the entry the officer can find.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import feedparser
import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.services import PreparedImport
from campaigns.resources import ArticleResource

MAX_FEED_BYTES = 5 * 1024 * 1024


class FeedError(Exception):
    """The file as a whole cannot be read as a feed; `message` is Vietnamese and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def feed_prepare(content: bytes) -> PreparedImport:
    """The entries of an RSS/Atom file as rows for `ArticleResource` (title, link, date).

    A date feedparser cannot read stays as the text of the file, so the row check names it.
    """
    if not content:
        raise FeedError(_("Tệp rỗng."))
    if len(content) > MAX_FEED_BYTES:
        raise FeedError(_("Tệp lớn quá %(limit)d MB.") % {"limit": MAX_FEED_BYTES // (1024 * 1024)})
    parsed = feedparser.parse(content)
    if not parsed.entries:
        raise FeedError(_("Không đọc được bài viết nào: tệp không phải là RSS/Atom hợp lệ hoặc không có mục nào."))
    fields = ArticleResource.fields
    headers = [fields[name].column_name for name in ("title", "url", "published_on")]
    rows = []
    for entry in parsed.entries:
        # dict.get: feedparser's own get("updated…") falls back to "published…" with a warning.
        when = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
        published: date | str | None = (
            _local_day(when) if when else (entry.get("published") or dict.get(entry, "updated"))
        )
        rows.append((entry.get("title", ""), entry.get("link", ""), published))
    return PreparedImport(
        resource=ArticleResource.slug, dataset=tablib.Dataset(*rows, headers=headers),
        row_numbers=list(range(1, len(rows) + 1)), problems=[],
    )


def _local_day(when) -> date:
    """feedparser gives UTC; the day an article counts for is the day in Việt Nam."""
    moment = datetime.fromtimestamp(calendar.timegm(when), tz=UTC)
    return timezone.localtime(moment).date()
