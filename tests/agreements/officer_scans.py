"""Scanned agreements written by tests go to a temporary directory, never to var/media/private.

The private storage is built once, when the model class is created, with an explicit location,
so overriding MEDIA_ROOT does not move it: the field's storage itself is swapped.
"""

import atexit
import shutil
import tempfile

from django.core.files.storage import FileSystemStorage

_directory: str | None = None


def use_temporary_scan_storage() -> FileSystemStorage:
    global _directory
    from agreements.models import AgreementDocument

    field = AgreementDocument._meta.get_field("file")
    if _directory is None:
        _directory = tempfile.mkdtemp(prefix="scans-")
        atexit.register(shutil.rmtree, _directory, True)
    if getattr(field.storage, "location", None) != _directory:
        field.storage = FileSystemStorage(location=_directory, base_url=None)
    return field.storage
