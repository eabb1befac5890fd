"""`python manage.py verify_totals [--period 2026-11] [--form PL02] [--fix]`: recompute every
consolidated total from scratch and compare it with the stored one.

The stored totals (`ConsolidatedTotal`) are moved by each approval and reopening; this command
recomputes them with one aggregation over the tree (`selectors.totals_recomputed_sql`), prints
every difference (there must be none) and the time it took. `--fix` rewrites the stored totals
of the periods checked from that same statement (DELETE + INSERT … SELECT in one transaction).
It is also the baseline the bench prints beside the reading of precomputed totals.
"""

from __future__ import annotations

import re
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from organizations.models import Unit
from reporting.models import ConsolidatedTotal, Period
from reporting.selectors import (
    totals_differences,
    totals_recomputed,
    totals_recomputed_sql,
    totals_stored,
    without_jit,
)


def periods_matching(*, period: str | None, form: str | None) -> list[int] | None:
    """Ids of the periods named on the command line; None = every period."""
    if not period and not form:
        return None
    periods = Period.objects.all()
    if form:
        periods = periods.filter(form__code=form)
    if period:
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", period)
        if not match:
            raise CommandError(_("Kỳ “%(period)s” không đúng dạng NNNN-TT (ví dụ 2026-11) hoặc NNNN.") % {"period": period})
        year, month = int(match[1]), int(match[2]) if match[2] else None
        periods = periods.filter(year=year, month=month)
    ids = list(periods.values_list("pk", flat=True))
    if not ids:
        raise CommandError(_("Không có kỳ báo cáo nào khớp."))
    return ids


def totals_rewrite(period_ids: list[int] | None) -> int:
    """Replace the stored totals of these periods (all when None) by the recomputed ones."""
    sql, params = totals_recomputed_sql(period_ids)
    table = ConsolidatedTotal._meta.db_table
    column = connection.ops.quote_name("column")
    with transaction.atomic():
        stale = ConsolidatedTotal.objects.all()
        if period_ids is not None:
            stale = stale.filter(period_id__in=period_ids)
        stale._raw_delete(stale.db)  # no signals, no cascades to collect: one DELETE
        with connection.cursor() as cursor:
            without_jit(cursor)
            cursor.execute(
                f"INSERT INTO {table} (unit_id, period_id, row_key, {column}, total, contributors) {sql}", params
            )
            return cursor.rowcount


class Command(BaseCommand):
    help = _(
        "Tính lại toàn bộ số liệu tổng hợp từ các báo cáo đã duyệt bằng một câu lệnh tổng hợp, so với số "
        "đang lưu và in mọi chênh lệch. --fix: ghi lại số đã tính."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help=_("Kỳ báo cáo, ví dụ 2026-11 hoặc 2026 (mặc định: mọi kỳ)"))
        parser.add_argument("--form", help=_("Mã biểu mẫu, ví dụ PL02 (mặc định: mọi biểu mẫu)"))
        parser.add_argument("--fix", action="store_true", help=_("Ghi lại số liệu tổng hợp từ số đã tính"))

    def handle(self, *args, period: str | None, form: str | None, fix: bool, **options):
        period_ids = periods_matching(period=period, form=form)

        started = time.perf_counter()
        computed = totals_recomputed(period_ids)
        aggregation_seconds = time.perf_counter() - started
        started = time.perf_counter()
        stored = totals_stored(period_ids)
        differences = totals_differences(stored, computed)
        compare_seconds = time.perf_counter() - started

        self.stdout.write(
            _("Tính lại từ đầu: %(cells)d ô tổng hợp trong %(seconds).3f s (một câu lệnh tổng hợp).")
            % {"cells": len(computed), "seconds": aggregation_seconds}
        )
        self.stdout.write(
            _("Đọc và so với %(cells)d ô đang lưu: %(seconds).3f s.") % {"cells": len(stored), "seconds": compare_seconds}
        )
        if differences:
            codes = dict(
                Unit.objects.filter(pk__in={d.unit_id for d in differences}).values_list("pk", "code")
            )
            slugs = {p.pk: f"{p.form.code} {p.slug}" for p in Period.objects.select_related("form").filter(
                pk__in={d.period_id for d in differences})}
            for difference in differences:
                self.stdout.write(
                    _("Chênh lệch: đơn vị %(unit)s, %(period)s, dòng %(row)s/%(column)s: đang lưu %(stored)s, tính lại %(computed)s")
                    % {
                        "unit": codes.get(difference.unit_id, difference.unit_id),
                        "period": slugs.get(difference.period_id, difference.period_id),
                        "row": difference.row_key,
                        "column": difference.column,
                        "stored": _describe(difference.stored),
                        "computed": _describe(difference.computed),
                    }
                )
            self.stdout.write(self.style.WARNING(_("Có %(n)d ô chênh lệch.") % {"n": len(differences)}))
        else:
            self.stdout.write(self.style.SUCCESS(_("Không có chênh lệch nào.")))

        if fix:
            started = time.perf_counter()
            written = totals_rewrite(period_ids)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Đã ghi lại %(cells)d ô tổng hợp trong %(seconds).3f s.")
                    % {"cells": written, "seconds": time.perf_counter() - started}
                )
            )
        elif differences:
            raise CommandError(_("Số liệu tổng hợp đang lưu khác số tính lại; chạy lại với --fix để ghi lại."))


def _describe(cell) -> str:
    if cell is None:
        return _("(không có)")
    total, contributors = cell
    return _("%(total)s (%(n)d số liệu)") % {"total": total.normalize(), "n": contributors}
