"""Documents uploaded by officers (scanned agreements, the files of a propaganda plan), done one
way for every app: stored under a random name in a private storage that no URL serves, accepted
only when their bytes are one of the allowed kinds (never trusting the name or the browser's
content type), labelled with a sanitised name, and streamed back as an attachment that the
browser must not sniff. Who may upload, read and delete stays with each app's views."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Collection
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The extension a stored document is labelled with, and the name people know the kind by.
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}
KIND_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "DOCX"}
_ACCEPT = {PDF: ".pdf", JPEG: ".jpg,.jpeg", PNG: ".png", DOCX: ".docx"}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
_SNIFF_BYTES = 8192


def private_storage() -> FileSystemStorage:
    """Documents live outside any public URL; a view that checks the scope streams them."""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None)


def random_name(folder: str) -> str:
    # The original name is kept only as a label, never as a path: nothing to guess or traverse.
    return f"{folder}/{uuid.uuid4().hex}"


def megabytes(limit: int) -> str:
    """10485760 → "10", 1572864 → "1,5" (Vietnamese decimal comma)."""
    return f"{limit / (1024 * 1024):g}".replace(".", ",")


def kinds_label(allowed: Collection[str]) -> str:
    """("application/pdf", "image/jpeg", "image/png") → "PDF, JPEG hay PNG"."""
    labels = [KIND_LABELS[kind] for kind in allowed]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s hay %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def display_name(name: str, content_type: str) -> str:
    """The original name made safe for a label and a download header, its extension set to what
    the content really is ('Bản "quét"; ký.PDF' → "Bản_quét_ký.pdf")."""
    stem = PurePath(name.replace("\\", "/")).stem
    try:
        safe = get_valid_filename(stem)[:200]
    except SuspiciousFileOperation:
        safe = "van-ban"
    return f"{safe}.{EXTENSIONS[content_type]}"


def check_upload(upload: UploadedFile, *, allowed: Collection[str], max_bytes: int) -> str:
    """The content type of `upload` read from its bytes, or a ValidationError in Vietnamese saying
    what is wrong (too big, not an allowed kind, a broken image or Word file)."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp lớn quá %(limit)s MB. Hãy giảm dung lượng (quét với độ phân giải thấp hơn, nén ảnh) rồi tải lên lại.")
            % {"limit": megabytes(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in allowed:
        raise ValidationError(
            _("Tệp “%(name)s” không phải là %(kinds)s (hệ thống kiểm tra nội dung tệp, không dựa vào đuôi tên tệp).")
            % {"name": upload.name, "kinds": kinds_label(allowed)}
        )
    if content_type in _PILLOW_FORMATS:
        _verify_image(upload, _PILLOW_FORMATS[content_type])
    elif content_type == DOCX:
        _verify_docx(upload)
    return content_type


def _verify_image(upload: UploadedFile, expected_format: str) -> None:
    try:
        upload.seek(0)
        with Image.open(io.BytesIO(upload.read())) as image:
            actual = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        actual = None
    finally:
        upload.seek(0)
    if actual != expected_format:
        raise ValidationError(_("Ảnh bị hỏng hoặc không đọc được. Hãy quét lại và tải lên lần nữa."))


def _verify_docx(upload: UploadedFile) -> None:
    # filetype only reads the first entries of the zip; Word needs the main part to be there.
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            readable = "word/document.xml" in archive.namelist() and archive.testzip() is None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        readable = False
    finally:
        upload.seek(0)
    if not readable:
        raise ValidationError(_("Tệp Word bị hỏng hoặc không mở được. Hãy lưu lại bằng Word rồi tải lên lần nữa."))


class DocumentUploadForm(forms.Form):
    """One uploaded document. Subclasses name the kinds they accept, the setting holding the size
    cap and the label; after `is_valid()`, `content_type` and `original_name` are set."""

    allowed_types: tuple[str, ...] = (PDF, JPEG, PNG)
    max_bytes_setting: str = ""
    file_label = gettext_lazy("Tệp văn bản")

    file = forms.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.label = f"{self.file_label} ({kinds_label(self.allowed_types)})"
        field.widget = forms.ClearableFileInput(
            attrs={"accept": self.accept(), "class": "form-control"}
        )

    @classmethod
    def max_bytes(cls) -> int:
        return getattr(settings, cls.max_bytes_setting)

    @classmethod
    def max_megabytes(cls) -> str:
        return megabytes(cls.max_bytes())

    @classmethod
    def accept(cls) -> str:
        return ",".join(_ACCEPT[kind] for kind in cls.allowed_types)

    @classmethod
    def kinds(cls) -> str:
        return kinds_label(cls.allowed_types)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(upload, allowed=self.allowed_types, max_bytes=self.max_bytes())
        self.original_name = display_name(upload.name, self.content_type)
        return upload


def save_with_file(document: models.Model, upload: UploadedFile, *, field: str = "file") -> models.Model:
    """Write the upload under the field's (random) name, then the row; a row that fails leaves no
    file behind, since a file with no row pointing at it would never be served nor cleaned up."""
    getattr(document, field).save("document", upload, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        getattr(document, field).delete(save=False)
        raise
    return document


def delete_with_file(document: models.Model, *, field: str = "file") -> None:
    """Delete the row now and its file once the transaction commits (a rollback keeps both)."""
    stored: FieldFile = getattr(document, field)
    storage, name = stored.storage, stored.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def stream_document(stored: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download: an attachment under its sanitised name, never sniffed, never cached
    by a shared proxy. A file missing from the disk is a 404, like a document outside the scope."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
