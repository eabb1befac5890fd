"""`python manage.py export_units -o FILE [--as-user USERNAME]`: write the unit tree to .xlsx or .csv."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.models import Unit, User
from organizations.resources import UnitResource, render_dataset


class Command(BaseCommand):
    help = _("Xuất cây đơn vị ra tệp .xlsx hoặc .csv (cùng cột với tệp nhập).")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help=_("Tệp ghi ra, đuôi .xlsx hoặc .csv"))
        parser.add_argument(
            "--as-user", metavar="USERNAME",
            help=_("Chỉ các đơn vị người dùng này được xem (mặc định: cả cây)"),
        )

    def handle(self, *args, output: str, as_user: str | None, **options):
        path = Path(output)
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in ("xlsx", "csv"):
            raise CommandError(_("Tệp ghi ra phải có đuôi .xlsx hoặc .csv."))
        units = Unit.objects.all()
        if as_user:
            try:
                units = Unit.objects.visible_to(User.objects.get(username=as_user))
            except User.DoesNotExist as exc:
                raise CommandError(_("Không có người dùng “%(name)s”.") % {"name": as_user}) from exc
        started = time.perf_counter()
        dataset = UnitResource().export(units)
        path.write_bytes(render_dataset(dataset, file_format))
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã ghi %(n)d đơn vị vào %(path)s (%(s).1f s).")
                % {"n": len(dataset), "path": path, "s": time.perf_counter() - started}
            )
        )
