"""Volume data for measuring (`make bench`): media outlets, sections and a year of articles.

`generate_articles(sections=1000, year=2025, seed=5)` spreads the sections over the units of the
tree (TLĐ, provincial federations and the unions below them; a small national tree is created by
`agreements.generation.ensure_tree` when the database has none), two sections per outlet, and
gives every section a draw of 0–4 articles for each ISO week of `year` it is open (about two on
average, the weekly quota: roughly one week in three falls short). 1,000 sections give about
100,000 articles. The same arguments give the same rows (a seeded generator, a fixed year).

Rows go in with `bulk_create` in batches, all or nothing; on PostgreSQL the tables are vacuumed
and analysed afterwards, as autovacuum would do soon after (so measurements do not change when it does).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import translation

from agreements.generation import ensure_tree
from campaigns.choices import OutletKind, Theme
from campaigns.models import Article, MediaOutlet, Section
from campaigns.selectors import iso_weeks
from organizations.models import Unit

SECTIONS_PER_OUTLET = 2
# Articles a section carries in one week, drawn from this (the weekly quota is 2).
WEEKLY_COUNTS = (0, 1, 1, 2, 2, 2, 3, 3, 4)
TOPICS = (
    "Ký kết thỏa thuận hợp tác chăm lo đoàn viên", "Ngày hội tư vấn pháp luật cho công nhân",
    "Chương trình Tết Sum vầy", "Mái ấm Công đoàn trao nhà cho đoàn viên khó khăn",
    "Siêu thị ưu đãi giảm giá cho đoàn viên", "Thiết chế Công đoàn tại khu công nghiệp",
    "Đối thoại giữa người lao động và doanh nghiệp", "Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII",
    "Tháng Công nhân", "Chuyến xe Công đoàn đưa công nhân về quê",
)
THEMES = (Theme.MEMBER_BENEFITS, Theme.MEMBER_BENEFITS, Theme.INSTITUTIONS, Theme.CONGRESS_XII)


@dataclass
class ArticleCounts:
    units_created: int = 0
    outlets: int = 0
    sections: int = 0
    articles: int = 0


def generate_articles(
    *,
    sections: int,
    year: int,
    seed: int = 5,
    batch_size: int = 5000,
    log: Callable[[str], None] | None = None,
) -> ArticleCounts:
    """Write `sections` sections (and their outlets) with a year of articles; see the module docstring."""
    log = log or (lambda message: None)
    rng = random.Random(seed)
    counts = ArticleCounts()
    weeks = iso_weeks(year)
    # Section names carry the theme's label: always the Vietnamese one.
    with translation.override("vi"), transaction.atomic():
        counts.units_created = ensure_tree()
        units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("pk", "code", "name"))
        first = MediaOutlet.objects.count()  # numbered after what is there, so a second run adds
        outlets = []
        for n in range(-(-sections // SECTIONS_PER_OUTLET)):
            unit_id, code, name = units[0] if n == 0 else rng.choice(units)
            outlets.append(MediaOutlet(
                unit_id=unit_id, name=f"Trang thông tin điện tử {name} ({first + n + 1})", kind=OutletKind.WEBSITE,
                url=f"https://{code.lower()}-{first + n + 1}.congdoan.example.vn",
            ))
        MediaOutlet.objects.bulk_create(outlets, batch_size=batch_size)
        counts.outlets = len(outlets)

        section_rows = []
        for n in range(sections):
            outlet = outlets[n // SECTIONS_PER_OUTLET]
            theme = rng.choice(THEMES)
            # Most sections have run for years; one in ten opens during the measured year.
            opened = (date(year, 1, 1) + timedelta(days=rng.randrange(300)) if rng.random() < 0.1
                      else date(rng.randint(2017, year - 1), rng.randint(1, 12), 1))
            section_rows.append(Section(
                outlet=outlet, name=f"{Theme(theme).label} – chuyên mục {n + 1}", theme=theme,
                url=f"{outlet.url}/chuyen-muc-{n + 1}", opened_on=opened,
            ))
        Section.objects.bulk_create(section_rows, batch_size=batch_size)
        counts.sections = len(section_rows)
        log(f"{counts.outlets} cơ quan báo chí, {counts.sections} chuyên mục trên {len(units)} đơn vị.")

        batch: list[Article] = []
        for section in section_rows:
            number = 0
            for week, monday in weeks:
                if monday + timedelta(days=6) < section.opened_on:
                    continue
                for _ in range(rng.choice(WEEKLY_COUNTS)):
                    number += 1
                    published = max(monday + timedelta(days=rng.randrange(7)), section.opened_on)
                    batch.append(Article(
                        section=section, title=f"{rng.choice(TOPICS)} (tuần {week})",
                        url=f"{section.url}/bai-{number}", published_on=published, in_print=rng.random() < 0.2,
                    ))
            if len(batch) >= batch_size:
                Article.objects.bulk_create(batch, batch_size=batch_size)
                counts.articles += len(batch)
                batch = []
        Article.objects.bulk_create(batch, batch_size=batch_size)
        counts.articles += len(batch)
        log(f"{counts.articles} bài viết trong {len(weeks)} tuần của năm {year}.")
    if connection.vendor == "postgresql":
        # Fresh statistics, and a visibility map so that counts can be read from the index alone,
        # as autovacuum would leave them a minute later (VACUUM only outside a transaction).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        tables = ", ".join(model._meta.db_table for model in (Unit, MediaOutlet, Section, Article))
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")
    return counts
