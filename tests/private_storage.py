"""Documents written by tests (agreement scans, files of a plan) go to one temporary directory,
never to var/media/private.

The private storage (unionportal.documents.private_storage) is built once, when the model class
is created, with an explicit location, so overriding MEDIA_ROOT does not move it: the field's
storage itself is swapped.
"""

import atexit
import shutil
import tempfile

from django.core.files.storage import FileSystemStorage

_directory: str | None = None


def use_temporary_private_storage(model, field_name: str = "file") -> FileSystemStorage:
    global _directory
    field = model._meta.get_field(field_name)
    if _directory is None:
        _directory = tempfile.mkdtemp(prefix="private-")
        atexit.register(shutil.rmtree, _directory, True)
    if getattr(field.storage, "location", None) != _directory:
        field.storage = FileSystemStorage(location=_directory, base_url=None)
    return field.storage
