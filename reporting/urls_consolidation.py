"""Consolidated reports and the compliance list (views in reporting/views/consolidation.py)."""

from django.urls import path

from reporting.views import consolidation

urlpatterns = [
    path("tong-hop/", consolidation.consolidation_view, name="consolidation"),
    path(
        "tong-hop/<int:unit_pk>/<int:period_pk>/<slug:row_key>/",
        consolidation.consolidation_breakdown_view,
        name="consolidation-breakdown",
    ),
    path("tinh-hinh-nop/", consolidation.compliance_view, name="compliance"),
    path("tinh-hinh-nop/xuat/", consolidation.compliance_export, name="compliance-export"),
    path("xuat-tep/<int:pk>/", consolidation.export_job_detail, name="export-job-detail"),
    path("xuat-tep/<int:pk>/tai-ve/", consolidation.export_job_download, name="export-job-download"),
]
