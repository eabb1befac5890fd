"""Reports as .xlsx and printed pages, and the Excel template import (views in reporting/views/excel.py).

Own prefixes (xuat/, in/, nhap/) so they never meet the entry and consolidation routes.
"""

from django.urls import path

from reporting.views import excel

urlpatterns = [
    path("xuat/bao-cao/<int:pk>.xlsx", excel.submission_xlsx, name="submission-xlsx"),
    path("xuat/tong-hop/<int:unit_pk>/<int:period_pk>.xlsx", excel.consolidation_xlsx, name="consolidation-xlsx"),
    path("in/bao-cao/<int:pk>/", excel.submission_print, name="submission-print"),
    path("in/tong-hop/<int:unit_pk>/<int:period_pk>/", excel.consolidation_print, name="consolidation-print"),
    path("nhap/bao-cao/<int:pk>/mau.xlsx", excel.submission_template, name="submission-template"),
    path("nhap/bao-cao/<int:pk>/", excel.submission_import, name="submission-import"),
]
