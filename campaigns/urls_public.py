"""The public page of the campaigns (no login): /tuyen-truyen/."""

from django.urls import path

from campaigns.views import public

urlpatterns = [
    path("tuyen-truyen/", public.article_list, name="public-articles"),
]
