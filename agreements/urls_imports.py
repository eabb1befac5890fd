"""Import and export of partners, offers, outlets and usage (views in agreements/views/imports.py).

`<resource>` is one of doi-tac, uu-dai, diem-ban, su-dung (agreements.resources.RESOURCES).
"""

from django.urls import path

from agreements.views import imports

urlpatterns = [
    path("chuong-trinh-phuc-loi/nhap/viec/<int:pk>/", imports.import_job_detail, name="import-job-detail"),
    path("chuong-trinh-phuc-loi/nhap/<slug:resource>/", imports.import_start, name="import-start"),
    path("chuong-trinh-phuc-loi/xuat/<slug:resource>/", imports.export, name="export"),
]
