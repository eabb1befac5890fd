from django.urls import path

from organizations import views, views_import

app_name = "organizations"

urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit-list"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("nhap/", views_import.unit_import, name="unit-import"),
    path("xuat/", views_import.unit_export, name="unit-export"),
]
