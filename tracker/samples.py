"""Sample certificates of completion, drawn here: for the demo, the tests and the benchmark.

`certificate_pdf` writes a one-page PDF with real text; `certificate_png` draws the same page
as a picture (DejaVu Sans when installed, else Pillow's own scalable font);
`certificate_photo` makes it look photographed: turned a few degrees, soft, grainy, a JPEG,
with a glare over the line given in `glare_over`.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
WIDTH = 1600
HEIGHT = 1130


def certificate_lines(
    *,
    number: str = "CA23456",
    completed: datetime.date = datetime.date(2026, 3, 15),
    credit: Decimal | str = "0.3",
    name: str = "Jordan Trainer",
    title: str = "Functional Training for Older Adults",
    unit: str = "CECs",
) -> list[str]:
    return [
        "Certificate of Completion",
        "This certifies that",
        name,
        "completed the course",
        title,
        f"Course number: {number}",
        f"Completion date: {completed:%m/%d/%Y}",
        f"{credit} {unit} awarded",
    ]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def certificate_pdf(lines: list[str]) -> bytes:
    """A one-page landscape PDF with the lines as text (Helvetica), nothing else."""
    stream = ["BT", "/F1 22 Tf", "72 520 Td", "30 TL"]
    for line in lines:
        stream.append(f"({_escape(line)}) Tj T*")
    stream.append("ET")
    content = "\n".join(stream).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def blank_pdf() -> bytes:
    """A PDF page with nothing on it: no text, no picture."""
    return certificate_pdf([])


def _font(size: int):
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def certificate_image(lines: list[str], *, width: int = WIDTH) -> Image.Image:
    scale = width / WIDTH
    image = Image.new("RGB", (width, round(HEIGHT * scale)), "white")
    draw = ImageDraw.Draw(image)
    margin = round(40 * scale)
    draw.rectangle(
        (margin, margin, image.width - margin, image.height - margin),
        outline=(40, 60, 110),
        width=max(round(8 * scale), 1),
    )
    y = round(110 * scale)
    for position, line in enumerate(lines):
        font = _font(round((64 if position == 0 else 46) * scale))
        draw.text((round(130 * scale), y), line, fill=(20, 20, 20), font=font)
        y += round((140 if position == 0 else 112) * scale)
    return image


def _encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def certificate_png(lines: list[str], *, width: int = WIDTH) -> bytes:
    return _encoded(certificate_image(lines, width=width), "PNG")


def certificate_photo(
    lines: list[str],
    *,
    glare_over: int | None = None,
    blur: float = 1.2,
    noise: int = 18,
    angle: float = 4.0,
    seed: int = 7,
) -> bytes:
    """The certificate as a phone would see it: a JPEG, turned, soft and grainy. A glare
    washes out line number `glare_over` (0 is the heading), as a lamp on glossy paper does."""
    image = certificate_image(lines)
    if glare_over is not None:
        draw = ImageDraw.Draw(image)
        top = 110 + 140 + (glare_over - 1) * 112 if glare_over else 110
        draw.rectangle((60, top - 20, WIDTH - 60, top + 80), fill=(252, 252, 250))
    image = image.rotate(angle, expand=True, fillcolor=(200, 196, 188), resample=Image.BICUBIC)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    rng = random.Random(seed)
    grain = Image.effect_noise(image.size, noise).convert("RGB")
    image = Image.blend(image, grain, 0.15 if noise else 0)
    image = image.point(lambda v: min(255, int(v * 0.9 + 12 + rng.random())))
    return _encoded(image, "JPEG", quality=70)
