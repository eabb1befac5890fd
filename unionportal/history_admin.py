"""The audit history in the administration site: a "Lịch sử" button on each audited object's page
listing every version with who, when and which fields changed (django-simple-history).

Reverting to an old version is off (SIMPLE_HISTORY_REVERT_DISABLED): a report or agreement
changes only through its own pages and services. An object outside the administrator's scope
has no history for them (404), as it has no page.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def _in_scope_or_404(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
