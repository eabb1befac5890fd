"""Entry and review of reports: the officer's list and form, the reviewer's queue and page."""

from django.urls import path

from reporting.views import entry

urlpatterns = [
    path("", entry.submission_list, name="submission-list"),
    # /bao-cao/<unit>/PL02/2026-11/ (a year alone for yearly and one-off forms)
    path("<int:unit_pk>/<slug:form_code>/<str:period_slug>/", entry.submission_edit, name="submission-edit"),
    path("so/<int:pk>/luu/", entry.submission_save, name="submission-save"),
    path("so/<int:pk>/gui/", entry.submission_submit, name="submission-submit"),
    path("duyet/", entry.review_queue, name="review-queue"),
    path("duyet/<int:pk>/", entry.submission_review, name="submission-review"),
    path("duyet/<int:pk>/mo-lai/", entry.submission_reopen, name="submission-reopen"),
]
