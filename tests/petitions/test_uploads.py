import pytest
from django.core.exceptions import ValidationError

from petitions.uploads import (
    JPEG,
    PDF,
    PNG,
    check_uploads,
    download_name,
    safe_label,
)
from tests.petitions import files


def messages(exc):
    return [str(m) for m in exc.value.messages]


class TestContentDecidesTheType:
    def test_good_files_pass_with_the_detected_type(self):
        checked = check_uploads([files.pdf(), files.jpeg(), files.png()])
        assert [c.content_type for c in checked] == [PDF, JPEG, PNG]
        assert [c.extension for c in checked] == ["pdf", "jpg", "png"]

    def test_the_browsers_claim_is_ignored(self):
        image = files.upload("scan.pdf", files.png().read(), content_type="application/pdf")
        (checked,) = check_uploads([image])
        assert checked.content_type == PNG

    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (files.renamed_executable, "“x.pdf” is not a PDF, JPEG or PNG file"),
            (files.html_as_pdf, "“page.pdf” is not a PDF, JPEG or PNG file"),
            (files.truncated_pdf, "“cut.pdf” is not a complete PDF"),
            (files.too_big, "“huge.pdf” is 11.0\xa0MB; each file may be at most 10.0\xa0MB"),
            (files.empty, "“empty.pdf” is empty"),
        ],
    )
    def test_bad_files_are_refused_by_name(self, make, expected):
        with pytest.raises(ValidationError) as exc:
            check_uploads([make()])
        assert any(m.startswith(expected) for m in messages(exc)), messages(exc)

    def test_a_damaged_pdf_with_an_end_marker_is_refused(self):
        damaged = files.upload("bad.pdf", b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n")
        with pytest.raises(ValidationError) as exc:
            check_uploads([damaged])
        assert "“bad.pdf” is a damaged PDF" in messages(exc)[0]

    def test_a_truncated_png_is_refused(self):
        data = files.png().read()
        with pytest.raises(ValidationError) as exc:
            check_uploads([files.upload("half.png", data[: len(data) // 2], "image/png")])
        assert "“half.png” is a damaged or incomplete PNG image" in messages(exc)[0]

    def test_a_truncated_jpeg_is_refused(self):
        data = files.jpeg().read()
        with pytest.raises(ValidationError) as exc:
            check_uploads([files.upload("half.jpg", data[: len(data) // 2], "image/jpeg")])
        assert "“half.jpg” is a damaged or incomplete JPEG image" in messages(exc)[0]

    def test_each_bad_file_is_named_and_good_ones_are_not(self):
        with pytest.raises(ValidationError) as exc:
            check_uploads([files.pdf("ok.pdf"), files.empty("a.pdf"), files.html_as_pdf("b.pdf")])
        got = messages(exc)
        assert len(got) == 2
        assert got[0].startswith("“a.pdf”") and got[1].startswith("“b.pdf”")


class TestCount:
    def test_none_is_refused(self):
        with pytest.raises(ValidationError, match="at least one"):
            check_uploads([])

    def test_six_are_refused(self):
        with pytest.raises(ValidationError, match="at most 5 files; you chose 6"):
            check_uploads([files.pdf(f"{n}.pdf") for n in range(6)])

    def test_five_pass(self):
        assert len(check_uploads([files.pdf(f"{n}.pdf") for n in range(5)])) == 5

    def test_none_may_be_allowed(self):
        assert check_uploads([], minimum=0) == []


class TestLabels:
    @pytest.mark.parametrize(
        ("name", "label"),
        [
            ("../../etc/passwd", "passwd"),
            ("..\\..\\windows\\system.ini", "system.ini"),
            ("cert\x00ificate\r\n.pdf", "certificate.pdf"),
            ("  spaced   name .pdf ", "spaced name .pdf"),
            ("..", "document"),
            ("", "document"),
            (None, "document"),
            ("\u202egnp.exe", "gnp.exe"),
        ],
    )
    def test_made_safe(self, name, label):
        assert safe_label(name) == label

    def test_long_name_is_cut_keeping_the_extension(self):
        label = safe_label("a" * 300 + ".pdf")
        assert len(label) <= 100
        assert label.endswith("….pdf")

    def test_long_name_without_extension(self):
        label = safe_label("b" * 300)
        assert len(label) == 100 and label.endswith("…")

    @pytest.mark.parametrize(
        ("label", "content_type", "name"),
        [
            ("cert.pdf", PDF, "cert.pdf"),
            ("scan.pdf", PNG, "scan.pdf.png"),
            ("photo.JPEG", JPEG, "photo.JPEG"),
            ("photo", JPEG, "photo.jpg"),
        ],
    )
    def test_download_name_matches_the_content(self, label, content_type, name):
        assert download_name(label, content_type) == name
