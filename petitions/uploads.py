"""Supporting documents: whether we keep an upload, and where it goes.

Every file of an upload is checked (by content, see cecportal.files) before any is stored,
so a refused upload stores nothing; files stored inside a transaction that then fails are
deleted again (see `discard_on_failure`).
"""

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from cecportal.files import EXTENSIONS, JPEG, PDF, PNG, download_name, safe_label, sniff

__all__ = ["JPEG", "PDF", "PNG", "MAX_FILES", "check_uploads", "download_name", "safe_label"]

logger = logging.getLogger(__name__)

MAX_FILES = 5


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
