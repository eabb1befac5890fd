"""Public catalogue: offers, union institutions, and members' reports about outlets."""

from django.urls import path

from agreements.views import catalogue

urlpatterns = [
    path("uu-dai/", catalogue.offer_list, name="offer-list"),
    path("uu-dai/<int:pk>/", catalogue.offer_detail, name="offer-detail"),
    path("uu-dai/<int:pk>/in/", catalogue.offer_print, name="offer-print"),
    path("uu-dai/<int:pk>/phan-anh/", catalogue.complaint_create, name="complaint-create"),
    path("phan-anh-cua-toi/", catalogue.complaint_mine, name="complaint-mine"),
    path("thiet-che-cong-doan/", catalogue.institution_list, name="institution-list"),
    path("thiet-che-cong-doan/<int:pk>/", catalogue.institution_detail, name="institution-detail"),
]
