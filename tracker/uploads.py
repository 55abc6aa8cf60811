"""Certificates of completion: PDF, JPEG or PNG by content (not by name), 10 MB at most."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

from cecportal.files import EXTENSIONS, IMAGE_TYPES, safe_label, sniff

__all__ = ["IMAGE_TYPES", "check_certificate", "max_bytes", "safe_label", "stored_file"]


def max_bytes() -> int:
    return settings.MAX_UPLOAD_BYTES


def check_certificate(upload) -> tuple[str, str]:
    """Return (content type, extension) or raise ValidationError with a sentence for the form."""
    limit = max_bytes()
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The certificate file is empty.")
    if size > limit:
        raise ValidationError(
            f"The certificate is {filesizeformat(size)}; the limit is {filesizeformat(limit)}."
        )
    content_type, problem = sniff(upload)
    if problem:
        raise ValidationError(f"The certificate {problem}.")
    return content_type, f".{EXTENSIONS[content_type]}"


def stored_file(upload, extension: str) -> ContentFile:
    """A copy under a random name: the person's file name never reaches the file system."""
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}{extension}")
