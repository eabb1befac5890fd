"""Officers' side of the welfare programme, under /chuong-trinh-phuc-loi/."""

from django.urls import path

from agreements.views import officer

P = "chuong-trinh-phuc-loi/"

urlpatterns = [
    path(f"{P}doi-tac/", officer.partner_list, name="partner-list"),
    path(f"{P}doi-tac/them/", officer.partner_create, name="partner-create"),
    path(f"{P}doi-tac/<int:pk>/", officer.partner_detail, name="partner-detail"),
    path(f"{P}doi-tac/<int:pk>/sua/", officer.partner_update, name="partner-update"),
    path(f"{P}thoa-thuan/", officer.agreement_list, name="agreement-list"),
    path(f"{P}thoa-thuan/them/", officer.agreement_create, name="agreement-create"),
    path(f"{P}thoa-thuan/<int:pk>/", officer.agreement_detail, name="agreement-detail"),
    path(f"{P}thoa-thuan/<int:pk>/sua/", officer.agreement_update, name="agreement-update"),
    path(f"{P}thoa-thuan/<int:pk>/cham-dut/", officer.agreement_terminate, name="agreement-terminate"),
    path(f"{P}thoa-thuan/<int:pk>/van-ban/them/", officer.document_upload, name="document-upload"),
    path(f"{P}van-ban/<int:pk>/tai-ve/", officer.document_download, name="document-download"),
    path(f"{P}thoa-thuan/<int:pk>/uu-dai/them/", officer.offer_create, name="offer-create"),
    path(f"{P}uu-dai/<int:pk>/sua/", officer.offer_update, name="offer-update"),
    path(f"{P}diem-ban/", officer.outlet_list, name="outlet-list"),
    path(f"{P}diem-ban/them/", officer.outlet_create, name="outlet-create"),
    path(f"{P}diem-ban/<int:pk>/sua/", officer.outlet_update, name="outlet-update"),
    path(f"{P}diem-ban/<int:pk>/bien-niem-yet/", officer.outlet_notice, name="outlet-notice"),
    path(f"{P}diem-ban/<int:pk>/kiem-tra/", officer.inspection_create, name="inspection-create"),
    path(f"{P}phuong-xa/", officer.ward_options, name="ward-options"),
    path(f"{P}thiet-che/", officer.institution_manage_list, name="institution-manage-list"),
    path(f"{P}thiet-che/them/", officer.institution_create, name="institution-create"),
    path(f"{P}thiet-che/<int:pk>/sua/", officer.institution_update, name="institution-update"),
    path(f"{P}su-dung/", officer.usage_list, name="usage-list"),
    path(f"{P}su-dung/them/", officer.usage_create, name="usage-create"),
    path(f"{P}su-dung/<int:pk>/sua/", officer.usage_update, name="usage-update"),
    path(f"{P}phan-anh/", officer.complaint_queue, name="complaint-queue"),
    path(f"{P}phan-anh/<int:pk>/", officer.complaint_handle, name="complaint-handle"),
]
