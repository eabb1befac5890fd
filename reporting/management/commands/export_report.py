"""`python manage.py export_report --form PL02 --period 2026-11 [--unit CODE] [--consolidated] -o FILE.xlsx`

Writes one report in the layout of its Phụ lục, for batch jobs: a unit's own submission, or with
`--consolidated` the unit's consolidated report (its own report and the approved reports of the
units below). The unit defaults to the root of the tree (TLĐ).
"""

import re
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.models import Unit
from reporting import excel
from reporting.models import Form, Period, Submission
from reporting.selectors import consolidation

PERIOD_SLUG = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


class Command(BaseCommand):
    help = _("Xuất một báo cáo (của một đơn vị, hoặc tổng hợp) ra tệp .xlsx theo mẫu phụ lục.")

    def add_arguments(self, parser):
        parser.add_argument("--form", required=True, help=_("Mã biểu mẫu, ví dụ PL02"))
        parser.add_argument("--period", required=True, help=_("Kỳ báo cáo: 2026-11 (tháng) hoặc 2026 (năm)"))
        parser.add_argument("--unit", help=_("Mã đơn vị (mặc định: đơn vị gốc của cây, TLĐ)"))
        parser.add_argument("--consolidated", action="store_true", help=_("Xuất báo cáo tổng hợp của đơn vị"))
        parser.add_argument("-o", "--output", required=True, help=_("Tệp ghi ra, đuôi .xlsx"))

    def handle(self, *args, form: str, period: str, unit: str | None, consolidated: bool, output: str, **options):
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("Tệp ghi ra phải có đuôi .xlsx."))
        started = time.perf_counter()
        the_form = Form.objects.filter(code__iexact=form).first()
        if the_form is None:
            raise CommandError(_("Không có biểu mẫu “%(code)s”.") % {"code": form})
        the_period = self._period(the_form, period)
        the_unit = self._unit(unit)
        if consolidated:
            result = consolidation(unit=the_unit, period=the_period)
            if result.form_version is None:
                raise CommandError(_("Biểu mẫu %(code)s chưa có phiên bản nào.") % {"code": the_form.code})
            workbook = excel.consolidation_workbook(result)
            what = _("báo cáo tổng hợp")
        else:
            submission = (
                Submission.objects.filter(unit=the_unit, period=the_period)
                .select_related("unit", "period__form", "form_version").first()
            )
            if submission is None:
                raise CommandError(
                    _("%(unit)s chưa có báo cáo %(form)s kỳ %(period)s. Dùng --consolidated để xuất báo cáo tổng hợp.")
                    % {"unit": the_unit.name, "form": the_form.code, "period": the_period.label}
                )
            workbook = excel.submission_workbook(submission)
            what = _("báo cáo của đơn vị")
        content = excel.workbook_bytes(workbook)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(
            _("Đã ghi %(what)s %(form)s kỳ %(period)s của %(unit)s (mã %(code)s) vào %(path)s (%(kb)d KB, %(s).2f s).")
            % {"what": what, "form": the_form.code, "period": the_period.label, "unit": the_unit.name,
               "code": the_unit.code, "path": path, "kb": max(1, len(content) // 1024), "s": time.perf_counter() - started}
        ))

    def _period(self, form: Form, slug: str) -> Period:
        match = PERIOD_SLUG.match(slug.strip())
        if not match:
            raise CommandError(_("Kỳ “%(slug)s” không hợp lệ: ghi 2026-11 cho tháng, 2026 cho năm.") % {"slug": slug})
        year, month = int(match[1]), int(match[2]) if match[2] else None
        period = Period.objects.filter(form=form, year=year, month=month).select_related("form").first()
        if period is None:
            raise CommandError(_("Biểu mẫu %(form)s không có kỳ %(slug)s.") % {"form": form.code, "slug": slug})
        return period

    def _unit(self, code: str | None) -> Unit:
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
            return unit
        root = Unit.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError(_("Chưa có cây đơn vị."))
        return root
