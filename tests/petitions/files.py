"""Uploads for the tests: good documents and each kind of bad one."""

from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.samples import jpeg_bytes, pdf_bytes, png_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name="certificate.pdf", text="Certificate of completion"):
    return upload(name, pdf_bytes(text))


def jpeg(name="photo.jpg"):
    return upload(name, jpeg_bytes(), "image/jpeg")


def png(name="agenda.png"):
    return upload(name, png_bytes(), "image/png")


def renamed_executable(name="x.pdf"):
    return upload(name, ELF)


def html_as_pdf(name="page.pdf"):
    return upload(name, HTML)


def truncated_pdf(name="cut.pdf"):
    data = pdf_bytes()
    return upload(name, data[: len(data) // 2])


def too_big(name="huge.pdf", megabytes=11):
    # Starts like a PDF, so only its size can refuse it.
    return upload(name, b"%PDF-1.4\n" + b"0" * (megabytes * 1024 * 1024))


def empty(name="empty.pdf"):
    return upload(name, b"")
