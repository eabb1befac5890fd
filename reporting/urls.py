"""Routes of reporting, one module per area, all in the `reporting` namespace."""

from reporting import urls_consolidation, urls_entry, urls_excel

app_name = "reporting"

urlpatterns = [*urls_entry.urlpatterns, *urls_consolidation.urlpatterns, *urls_excel.urlpatterns]
