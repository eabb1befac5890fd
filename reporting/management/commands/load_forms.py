"""`python manage.py load_forms [--dir PATH] [--check]`: load the report forms from their data files.

A file whose (code, version) is new is loaded (a new form, or a new version that becomes the
current one; submissions on older versions keep theirs). A file already loaded with the same
content is left alone. A file changed without a new version number is refused: the loaded
version may have submissions, and changing it in place would change what they mean.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reporting.definitions import DefinitionError, checksum, definition_files, load_definition, read_definition
from reporting.models import Form, FormVersion


class Command(BaseCommand):
    help = _("Nạp hoặc cập nhật các biểu mẫu báo cáo từ tệp dữ liệu (reporting/forms/*.yaml).")

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", help=_("Thư mục chứa tệp biểu mẫu (mặc định reporting/forms)."))
        parser.add_argument(
            "--check", action="store_true", help=_("Chỉ kiểm tra các tệp và so với dữ liệu đã nạp, không ghi gì."),
        )

    def handle(self, *args, directory=None, check=False, **options):
        files = definition_files(directory)
        if directory and not Path(directory).is_dir():
            raise CommandError(_("Không tìm thấy thư mục %(dir)s.") % {"dir": directory})
        if not files:
            raise CommandError(_("Không có tệp biểu mẫu nào (*.yaml) trong thư mục."))
        failures = 0
        for path in files:
            try:
                data = read_definition(path)
                message = self._one(data, check=check)
            except DefinitionError as exc:
                failures += 1
                self.stderr.write(_("%(file)s: KHÔNG NẠP — %(reason)s") % {"file": path.name, "reason": exc})
                continue
            self.stdout.write(f"{path.name}: {message}")
        if failures:
            raise CommandError(_("%(count)d tệp không nạp được, xem ở trên.") % {"count": failures})

    def _one(self, data: dict, *, check: bool) -> str:
        code, number = data["code"], data["version"]
        names = {"code": code, "version": number, "rows": len(data["rows"])}
        form = Form.objects.filter(code=code).first()
        existing = FormVersion.objects.filter(form=form, version=number).first() if form else None
        if existing is not None:
            if existing.checksum != checksum(data):
                raise DefinitionError(_(
                    "%(code)s phiên bản %(version)s đã nạp với nội dung khác. Tệp đã sửa phải mang số phiên bản mới "
                    "(các báo cáo đã làm trên phiên bản %(version)s giữ nguyên phiên bản đó)."
                ) % names)
            return _("%(code)s phiên bản %(version)s: không thay đổi.") % names
        if check:
            return _("%(code)s phiên bản %(version)s: sẽ được nạp (%(rows)d dòng).") % names
        older = form.current_version if form else None
        load_definition(data)
        if form is None:
            return _("%(code)s phiên bản %(version)s: đã nạp biểu mẫu mới (%(rows)d dòng).") % names
        note = _("%(code)s phiên bản %(version)s: đã nạp (%(rows)d dòng)") % names
        if older is not None and older.version < number:
            note += _("; thay phiên bản %(old)s, các báo cáo đã làm trên phiên bản cũ giữ nguyên") % {"old": older.version}
        elif older is not None:
            note += _("; phiên bản hiện hành vẫn là %(old)s") % {"old": older.version}
        due = data.get("due") or {}
        if (due.get("day"), due.get("month")) != (form.due_day, form.due_month) and not due.get("date"):
            note += _("; hạn nộp trong tệp khác hạn đang dùng, hạn đang dùng được giữ (sửa trong trang quản trị nếu cần)")
        return note + "."
