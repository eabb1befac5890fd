"""`python manage.py generate_national_data [--scale 1.0] [--seed 2026]`: the national data set of
`make bench` (bench/national.py), written into a database without units, part by part with the
time each took. `--scale 0.1` for quick runs.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bench.national import generate_national_data
from organizations.models import Unit


class Command(BaseCommand):
    help = _(
        "Tạo bộ dữ liệu giả lập quy mô toàn quốc (cây đơn vị, cán bộ, danh mục ưu đãi, báo cáo Phụ lục 02 "
        "12 tháng, bài viết) để đo tốc độ; ghi vào cơ sở dữ liệu chưa có đơn vị nào."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help=_("Hệ số quy mô: 1.0 = 130.000 công đoàn cơ sở (mặc định), 0.1 để chạy nhanh"))
        parser.add_argument("--seed", type=int, default=2026,
                            help=_("Hạt giống ngẫu nhiên: cùng tham số cho cùng dữ liệu"))

    def handle(self, *args, scale: float, seed: int, **options):
        if scale <= 0:
            raise CommandError(_("--scale phải lớn hơn 0."))
        if Unit.objects.exists():
            raise CommandError(_("Cơ sở dữ liệu đã có đơn vị: bộ dữ liệu chỉ ghi vào cơ sở dữ liệu mới (chưa có đơn vị nào)."))
        result = generate_national_data(scale=scale, seed=seed, log=self.stdout.write)
        parts = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in result.seconds.items())
        self.stdout.write(self.style.SUCCESS(
            _("Xong sau %(total).1f s (%(parts)s): %(summary)s.")
            % {"total": result.total_seconds, "parts": parts, "summary": result.summary()}
        ))
