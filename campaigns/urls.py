"""Routes of the campaigns app, in the `campaigns` namespace: officers' pages and the public page."""

from campaigns import urls_officer, urls_public

app_name = "campaigns"

urlpatterns = [*urls_officer.urlpatterns, *urls_public.urlpatterns]
