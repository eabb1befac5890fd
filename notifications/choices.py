from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Nhắc hạn nộp báo cáo")
    ESCALATION = "escalation", _("Đơn vị cấp dưới chưa gửi báo cáo")


class DispatchKind(models.TextChoices):
    """What a dispatch sends: a reminder to a unit's officers, or a digest to the reviewers above."""

    REMINDER = "reminder", _("Nhắc hạn cho đơn vị")
    ESCALATION = "escalation", _("Tổng hợp gửi cán bộ duyệt cấp trên")


class DispatchStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Không gửi được")
    NO_RECIPIENT = "no_recipient", _("Không có người nhận")
    NOT_NEEDED = "not_needed", _("Không cần nữa (đơn vị đã gửi báo cáo)")
