"""`python manage.py seed_demo`: load the demo tree and demo logins, then each app's demo data."""

import importlib
import time
from types import ModuleType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.choices import DepartmentKind
from organizations.demo import DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN
from organizations.models import Unit

# Apps whose `<app>.demo` module has a `seed() -> DemoCounts`, run in this order inside one
# transaction. An app without a demo module yet is skipped, so a later issue only adds the module.
DEMO_APPS = ["organizations", "agreements", "reporting", "campaigns"]


def demo_modules(apps: list[str]) -> list[ModuleType]:
    modules = []
    for app in apps:
        name = f"{app}.demo"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            # Only a missing demo module is optional; a broken import inside one must still fail.
            if exc.name != name:
                raise
    return modules


class Command(BaseCommand):
    help = _("Tạo dữ liệu demo (cây đơn vị mẫu và tài khoản demo cho từng vai trò). Chạy lại không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Cho phép chạy khi DEBUG tắt (máy chủ thật): các tài khoản demo dùng mật khẩu công khai."),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _("Dữ liệu demo tạo tài khoản với mật khẩu công khai. Chỉ chạy khi DEBUG=1, hoặc thêm --force.")
            )
        started = time.monotonic()
        with transaction.atomic():
            for module in demo_modules(DEMO_APPS):
                counts = module.seed()
                app = module.__name__.removesuffix(".demo")
                if counts.changed:
                    details = ", ".join(f"{what}: {n}" for what, n in counts.details.items())
                    summary = _("tạo mới %(created)d (%(details)s), cập nhật %(updated)d") % {
                        "created": counts.created, "details": details or "—", "updated": counts.updated,
                    }
                else:
                    summary = _("đã đủ, không thay đổi gì")
                self.stdout.write(f"{app}: {summary}")
        self.stdout.write(_("Xong sau %(seconds).1f giây.") % {"seconds": time.monotonic() - started})
        self._print_accounts()

    def _print_accounts(self) -> None:
        names = dict(Unit.objects.filter(code__in=[a["unit_code"] for a in DEMO_ACCOUNTS]).values_list("code", "name"))
        header = (_("Tên đăng nhập"), _("Mật khẩu"), _("Vai trò"), _("Đơn vị"))
        rows = [header] + [
            (a["username"], a["password"], a["role_label"], self._unit_label(a, names)) for a in DEMO_ACCOUNTS
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(
            _("TÀI KHOẢN DEMO — chỉ để dùng thử, không dùng cho dữ liệu thật (đăng nhập bằng tên hoặc email):")
        ))
        for n, row in enumerate(rows):
            line = "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3]
            self.stdout.write(self.style.MIGRATE_LABEL(line) if n == 0 else line)
        self.stdout.write(_("Email đăng nhập: <tên đăng nhập>@%(domain)s") % {"domain": DEMO_EMAIL_DOMAIN})

    @staticmethod
    def _unit_label(account: dict, names: dict[str, str]) -> str:
        unit = names.get(account["unit_code"], account["unit_code"])
        if account["department"]:
            return f"{unit} — {DepartmentKind(account['department']).label}"
        return unit
