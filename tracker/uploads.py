"""Certificates of completion: PDF, JPEG or PNG by content (not by name), 10 MB at most."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
CONTENT_TYPES = {ext: ctype for _sig, ctype, ext in SIGNATURES}


def max_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, ext in SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    return None


def _parses(upload, content_type: str) -> bool:
    upload.seek(0)
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(upload)
            return len(reader.pages) > 0
        from PIL import Image

        with Image.open(upload) as image:
            image.verify()
        return True
    except Exception:  # any parser failure means "not really this kind of file"
        return False
    finally:
        upload.seek(0)


def safe_name(name: str) -> str:
    stem = PurePath(name or "certificate").name
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" .") or "certificate"
    return stem[:120]


def check_certificate(upload) -> tuple[str, str]:
    """Return (content type, extension) or raise ValidationError with a sentence for the form."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit // 1_048_576} MB."
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None or not _parses(upload, found[0]):
        raise ValidationError(
            "The certificate must be a PDF, JPEG or PNG file (its content, not only its name)."
        )
    return found


def stored_file(upload, extension: str) -> ContentFile:
    """A copy under a random name: the person's file name never reaches the file system."""
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}{extension}")
