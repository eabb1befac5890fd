"""Scanned agreements written by tests go to a temporary directory, never to var/media/private
(see tests/private_storage.py)."""

from django.core.files.storage import FileSystemStorage

from tests.private_storage import use_temporary_private_storage


def use_temporary_scan_storage() -> FileSystemStorage:
    from agreements.models import AgreementDocument

    return use_temporary_private_storage(AgreementDocument)
