"""Import and export of the unit tree (placeholder until the import helper lands)."""

from django.http import Http404


def unit_import(request):
    raise Http404


def unit_export(request):
    raise Http404
