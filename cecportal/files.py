"""Uploaded files, for every app: what a file really is, and a name fit to show.

The type is read from the bytes, never from the name or the browser's Content-Type: a
renamed program or a web page called `.pdf` is refused. Files are served back only by
`private_file_response`, from views that have checked who is asking.
"""

import logging
import re
import unicodedata
import warnings

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from PIL import Image, ImageFile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
TYPES_BY_EXTENSION = {ext: ctype for ctype, ext in EXTENSIONS.items()} | {"jpeg": JPEG}
IMAGE_TYPES = {JPEG, PNG}
LABEL_MAX_LENGTH = 100
# A PDF ends with %%EOF; writers may add a little trailing whitespace or junk after it.
PDF_TAIL_BYTES = 2048


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
            # verify() does not decode the pixels; load() finds a truncated image, unless a
            # library told Pillow to accept them (WeasyPrint does, for the whole process).
            upload.seek(0)
            tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                with Image.open(upload) as image:
                    image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
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


# --- Serving ----------------------------------------------------------------------------------


def private_file_response(field_file, *, content_type, label, inline=False):
    """Stream a stored upload with headers that keep a browser from running or caching it.

    Callers have already checked that the requester may see the file (owner or reviewer).
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=download_name(label, content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def stored_content_type(name):
    """The content type of a stored upload, from the extension its generated name was given."""
    return TYPES_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
