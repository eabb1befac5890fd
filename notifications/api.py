"""/api/v1/notifications/: the caller's own notifications, and marking them read."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="Thông báo của tôi",
        description="Chỉ thông báo gửi cho người gọi API, mới nhất trước.",
        parameters=[OpenApiParameter("unread", bool, description="true: chỉ thông báo chưa đọc.")],
    ),
    retrieve=extend_schema(summary="Một thông báo của tôi"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Notifications are personal: another person's answers 404, whatever the caller's role."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        notifications = Notification.objects.owned_by(self.request.user)
        if self.action == "list" and self.request.query_params.get("unread", "").lower() in ("1", "true"):
            notifications = notifications.unread()
        return notifications

    @extend_schema(summary="Đánh dấu đã đọc", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Đánh dấu tất cả đã đọc", request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})
