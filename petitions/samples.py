"""Small, valid documents made in code: for the demo data and the tests."""

import io

from PIL import Image, ImageDraw


def pdf_bytes(text: str = "Certificate of completion") -> bytes:
    """A one-page PDF with a line of text, with a correct cross-reference table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def image_bytes(fmt: str = "PNG", text: str = "Certificate", size=(320, 200)) -> bytes:
    """A small picture of a certificate, as PNG or JPEG bytes."""
    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([8, 8, size[0] - 9, size[1] - 9], outline=(40, 70, 140), width=3)
    draw.text((24, size[1] // 2 - 6), text, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def png_bytes(text: str = "Certificate") -> bytes:
    return image_bytes("PNG", text)


def jpeg_bytes(text: str = "Certificate") -> bytes:
    return image_bytes("JPEG", text)
