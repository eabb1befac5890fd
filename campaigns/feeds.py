"""Articles from an outlet's RSS or Atom feed, read from a file the officer uploads.

feedparser reads the bytes given (it never fetches anything here); entries are numbered from 1
in the order of the file so an error names the entry the officer can find.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import feedparser
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.services import ArticleRow

MAX_FEED_BYTES = 5 * 1024 * 1024


class FeedError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def article_rows_from_feed(content: bytes) -> list[ArticleRow]:
    if not content:
        raise FeedError(_("Tệp rỗng."))
    if len(content) > MAX_FEED_BYTES:
        raise FeedError(_("Tệp lớn quá %(limit)d MB.") % {"limit": MAX_FEED_BYTES // (1024 * 1024)})
    parsed = feedparser.parse(content)
    if not parsed.entries:
        raise FeedError(_("Không đọc được bài viết nào: tệp không phải là RSS/Atom hợp lệ hoặc không có mục nào."))
    rows = []
    for number, entry in enumerate(parsed.entries, 1):
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published: date | str | None = _local_day(when) if when else (entry.get("published") or entry.get("updated"))
        rows.append(ArticleRow(row=number, title=entry.get("title", ""), url=entry.get("link", ""), published=published))
    return rows


def _local_day(when) -> date:
    """feedparser gives UTC; the day an article counts for is the day in Việt Nam."""
    moment = datetime.fromtimestamp(calendar.timegm(when), tz=UTC)
    return timezone.localtime(moment).date()
