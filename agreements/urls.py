"""Routes of the welfare programme, one module per area, all in the `agreements` namespace."""

from agreements import urls_catalogue, urls_imports, urls_officer

app_name = "agreements"

urlpatterns = [*urls_catalogue.urlpatterns, *urls_officer.urlpatterns, *urls_imports.urlpatterns]
