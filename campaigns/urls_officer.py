"""Officers' pages of campaigns, under /tuyen-truyen/quan-ly/."""

from django.urls import path

from campaigns.views import officer, plans

P = "tuyen-truyen/quan-ly/"

urlpatterns = [
    path(f"{P}ke-hoach/", officer.campaign_list, name="campaign-list"),
    path(f"{P}ke-hoach/them/", plans.campaign_create, name="campaign-create"),
    path(f"{P}ke-hoach/<int:pk>/", officer.campaign_detail, name="campaign-detail"),
    path(f"{P}ke-hoach/<int:pk>/sua/", plans.campaign_update, name="campaign-update"),
    path(f"{P}ke-hoach/<int:pk>/van-ban/them/", plans.document_upload, name="document-upload"),
    path(f"{P}van-ban/<int:pk>/tai-ve/", plans.document_download, name="document-download"),
    path(f"{P}van-ban/<int:pk>/xoa/", plans.document_delete, name="document-delete"),
    path(f"{P}ke-hoach/<int:pk>/moc/them/", officer.milestone_create, name="milestone-create"),
    path(f"{P}moc/<int:pk>/hoan-thanh/", officer.milestone_complete, name="milestone-complete"),
    path(f"{P}bao-chi/", officer.outlet_list, name="outlet-list"),
    path(f"{P}bao-chi/them/", officer.outlet_create, name="outlet-create"),
    path(f"{P}bao-chi/<int:pk>/chuyen-muc/them/", officer.section_create, name="section-create"),
    path(f"{P}chuyen-muc/<int:pk>/", officer.section_detail, name="section-detail"),
    path(f"{P}chuyen-muc/<int:pk>/bai-viet/them/", officer.article_create, name="article-create"),
    path(f"{P}chuyen-muc/<int:pk>/bai-viet/nhap-tep/", officer.article_import, name="article-import"),
    path(f"{P}chuyen-muc/<int:pk>/bai-viet/nhap-rss/", officer.article_feed_import, name="article-feed-import"),
    path(f"{P}hoat-dong/", officer.activity_list, name="activity-list"),
    path(f"{P}hoat-dong/them/", officer.activity_create, name="activity-create"),
    path(f"{P}bang-chi-tieu/", officer.quota_board_page, name="quota-board"),
    path(f"{P}bang-chi-tieu/xuat/", officer.quota_board_export, name="quota-board-export"),
]
