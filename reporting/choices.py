from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    ONE_OFF = "one_off", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    YEARLY = "yearly", _("Hằng năm")


class RowKind(models.TextChoices):
    SECTION = "section", _("Tiêu đề mục")
    INTEGER = "integer", _("Số nguyên")
    MONEY = "money", _("Số tiền (triệu đồng)")
    PERCENT = "percent", _("Tỷ lệ (%)")
    TEXT = "text", _("Văn bản")
    PEOPLE = "people", _("Bảng danh sách cán bộ")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn")
    NONE = "none", _("Không tổng hợp")
    TEXT = "text", _("Tập hợp theo đơn vị")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


class ComplianceStatus(models.TextChoices):
    """Phụ lục 04: where each expected unit stands for one form and period."""

    APPROVED = "approved", _("Đã duyệt")
    ON_TIME = "on_time", _("Đã gửi đúng hạn")
    LATE = "late", _("Gửi muộn")
    RETURNED = "returned", _("Bị trả lại")
    DRAFT = "draft", _("Đang soạn")
    MISSING = "missing", _("Chưa gửi")


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Nhập tay")
    PREFILL = "prefill", _("Lấy sẵn từ cổng")
    IMPORT = "import", _("Nhập từ tệp Excel")


class Severity(models.TextChoices):
    ERROR = "error", _("Lỗi")
    WARNING = "warning", _("Cảnh báo")
