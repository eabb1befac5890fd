"""The outbox: background tasks the web asked for, kept in the database until Redis took them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """Tác vụ chờ gửi: a Celery task written in the same transaction as the change that asked for
    it (an export, an import), deleted once the broker has taken it.

    While Redis is down it stays here; `outbox_flush` (beat, every minute, and after any later
    successful send) hands it over when Redis is back, so nothing the web enqueued is lost.
    """

    task = models.CharField(_("tác vụ"), max_length=200)
    args = models.JSONField(_("tham số"), default=list, blank=True)
    kwargs = models.JSONField(_("tham số có tên"), default=dict, blank=True)
    options = models.JSONField(_("tùy chọn gửi"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("số lần gửi không thành"), default=0)
    last_error = models.TextField(_("lỗi lần gửi cuối"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tác vụ chờ gửi")
        verbose_name_plural = _("tác vụ chờ gửi")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
