"""Supporting documents: what a file really is, whether we keep it, and where it goes.

The type is read from the bytes, never from the name or the browser's Content-Type: a
renamed program or a web page called `.pdf` is refused. Every file of an upload is checked
before any is stored, so a refused upload stores nothing; files stored inside a transaction
that then fails are deleted again (see `discard_on_failure`).
"""

import logging
import re
import unicodedata
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

logger = logging.getLogger(__name__)

MAX_FILES = 5
LABEL_MAX_LENGTH = 100
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
IMAGE_TYPES = {JPEG, PNG}
# A PDF ends with %%EOF; writers may add a little trailing whitespace or junk after it.
PDF_TAIL_BYTES = 2048


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file whose content has been verified. Only `check_uploads` makes these."""

    upload: UploadedFile
    label: str
    content_type: str
    size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


# --- Names ------------------------------------------------------------------------------------


def safe_label(name: str | None) -> str:
    """A file name fit to show on a page: no folders, no control characters, not too long.

    It is only ever a label; the stored file gets a generated name.
    """
    name = unicodedata.normalize("NFKC", name or "")
    # Both separators: a name typed on Windows arrives with backslashes.
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "document"
    if len(name) > LABEL_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 5:
            name = stem[: LABEL_MAX_LENGTH - len(ext) - 2].rstrip() + "…." + ext
        else:
            name = name[: LABEL_MAX_LENGTH - 1].rstrip() + "…"
    return name


def download_name(label: str, content_type: str) -> str:
    """The label, with the extension the content calls for if it does not already have it."""
    ext = EXTENSIONS.get(content_type, "bin")
    accepted = {"jpg", "jpeg"} if content_type == JPEG else {ext}
    _, dot, current = label.rpartition(".")
    return label if dot and current.lower() in accepted else f"{label}.{ext}"


# --- Content ----------------------------------------------------------------------------------


def _head(upload: UploadedFile, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _tail(upload: UploadedFile, size: int) -> bytes:
    upload.seek(max(upload.size - size, 0))
    tail = upload.read(size)
    upload.seek(0)
    return tail


def _pdf_problem(upload: UploadedFile) -> str | None:
    if b"%%EOF" not in _tail(upload, PDF_TAIL_BYTES):
        return "is not a complete PDF (it looks cut off); please upload the whole file"
    from pypdf import PdfReader

    # pypdf reports what it repairs through logging; a bad file is refused here anyway.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        upload.seek(0)
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "is a password-protected PDF; please upload it without a password"
        if len(reader.pages) < 1:
            return "is a PDF without any pages"
    except Exception:  # pypdf raises many kinds of errors on a damaged file
        return "is a damaged PDF that cannot be read"
    finally:
        pypdf_logger.setLevel(level)
        upload.seek(0)
    return None


def _image_problem(upload: UploadedFile, expected_format: str) -> str | None:
    kind = "JPEG" if expected_format == "JPEG" else "PNG"
    try:
        with warnings.catch_warnings():
            # A picture of absurd size is a decompression bomb, not a certificate.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return f"is not a valid {kind} image"
                image.verify()
            # verify() does not decode the pixels; load() finds a truncated image.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except Exception:  # Pillow raises many kinds of errors on a damaged file
        return f"is a damaged or incomplete {kind} image"
    finally:
        upload.seek(0)
    return None


def sniff(upload: UploadedFile) -> tuple[str | None, str | None]:
    """(content type, problem) read from the file's bytes. One of the two is None."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF, _pdf_problem(upload)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG, _image_problem(upload, "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, _image_problem(upload, "PNG")
    return None, "is not a PDF, JPEG or PNG file (its content was checked, not its name)"


def check_uploads(
    uploads: Sequence[UploadedFile], *, minimum: int = 1, maximum: int = MAX_FILES
) -> list[CheckedFile]:
    """Verify every file; raise one ValidationError listing each problem, naming each file."""
    uploads = [u for u in uploads if u is not None]
    if len(uploads) < minimum:
        raise ValidationError(
            "Attach at least one supporting document (PDF, JPEG or PNG).", code="required"
        )
    if len(uploads) > maximum:
        raise ValidationError(
            f"Attach at most {maximum} files; you chose {len(uploads)}.", code="too_many"
        )
    limit = settings.MAX_UPLOAD_BYTES
    errors, checked = [], []
    for upload in uploads:
        label = safe_label(upload.name)
        size = upload.size or 0
        if size == 0:
            problem = "is empty"
        elif size > limit:
            problem = f"is {filesizeformat(size)}; each file may be at most {filesizeformat(limit)}"
        else:
            content_type, problem = sniff(upload)
        if problem:
            errors.append(
                ValidationError(
                    "“%(name)s” %(problem)s.",
                    code="bad_file",
                    params={"name": label, "problem": problem},
                )
            )
        else:
            checked.append(CheckedFile(upload, label, content_type, size))
    if errors:
        raise ValidationError(errors)
    return checked


# --- Storage ----------------------------------------------------------------------------------


def stored_name(checked: CheckedFile) -> str:
    """A generated name: nothing of the uploaded name reaches the storage."""
    return f"{uuid.uuid4().hex}.{checked.extension}"


@contextmanager
def discard_on_failure() -> Iterator[list[str]]:
    """Collect the names of files stored in the block; delete them if the block fails.

    Put the transaction inside the block, so that a failed commit deletes the files too.
    """
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            try:
                default_storage.delete(name)
            except Exception:
                logger.exception("Could not delete %s after a failed upload", name)
        raise


def documents_save(*, petition, files: Sequence[CheckedFile], uploaded_by, stored: list[str]):
    """Store checked files under generated names and record them; names go into `stored`."""
    from .models import Document

    documents = []
    for checked in files:
        document = Document(
            petition=petition,
            label=checked.label,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=uploaded_by,
        )
        checked.upload.seek(0)
        document.file.save(stored_name(checked), checked.upload, save=False)
        stored.append(document.file.name)
        document.save()
        documents.append(document)
    return documents
