"""`python manage.py import_units FILE [--dry-run] [--as-user USERNAME]`: load a unit-tree file."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.models import User
from organizations.resources import UnitFileError, read_unit_file
from organizations.services import unit_tree_import

ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = _(
        "Nhập cây đơn vị từ tệp .xlsx hoặc .csv (cùng cột với trang “Nhập cây đơn vị”). "
        "Có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Tệp .xlsx hoặc .csv"))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì"))
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help=_("Nhập trong phạm vi của người dùng này (mặc định: toàn quyền trên cả cây)"),
        )

    def handle(self, *args, file: str, dry_run: bool, as_user: str | None, **options):
        user = None
        if as_user:
            try:
                user = User.objects.get(username=as_user)
            except User.DoesNotExist as exc:
                raise CommandError(_("Không có người dùng “%(name)s”.") % {"name": as_user}) from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": path})

        started = time.perf_counter()
        try:
            dataset = read_unit_file(path.read_bytes(), path.name)
        except UnitFileError as exc:
            raise CommandError(exc.message) from exc
        read_seconds = time.perf_counter() - started

        result = unit_tree_import(dataset=dataset, user=user, dry_run=dry_run)
        total = time.perf_counter() - started

        for error in result.errors[:ERRORS_PRINTED]:
            where = _("dòng %(row)d, cột “%(column)s”") % {"row": error.row, "column": error.column} if error.row else _("tệp")
            self.stderr.write(f"{where}: {error.message}")
        if len(result.errors) > ERRORS_PRINTED:
            self.stderr.write(_("… và %(n)d lỗi khác.") % {"n": len(result.errors) - ERRORS_PRINTED})

        timing = _("đọc tệp %(read).1f s, kiểm tra %(validate).1f s, ghi %(write).1f s, tổng %(total).1f s") % {
            "read": read_seconds,
            "validate": result.seconds.get("validate", 0.0),
            "write": result.seconds.get("write", 0.0),
            "total": total,
        }
        counts = _("%(rows)d dòng: %(new)d mới, %(updated)d cập nhật, %(unchanged)d không đổi") % {
            "rows": result.rows, "new": result.new, "updated": result.updated, "unchanged": result.unchanged,
        }
        if result.errors:
            raise CommandError(
                _("%(errors)d lỗi, không ghi gì. %(counts)s. (%(timing)s)")
                % {"errors": len(result.errors), "counts": counts, "timing": timing}
            )
        verb = _("Kiểm tra xong, không ghi gì") if dry_run else _("Đã nhập")
        self.stdout.write(self.style.SUCCESS(f"{verb}: {counts}. ({timing})"))
