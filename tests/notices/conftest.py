import pytest


@pytest.fixture
def notice_templates(settings, tmp_path):
    """A small email kind of the tests' own, `test_notice`."""
    folder = tmp_path / "email"
    folder.mkdir()
    (folder / "test_notice_subject.txt").write_text("About {{ title }}")
    (folder / "test_notice.txt").write_text("Hello.\n{{ title }}\n{{ link }}\n")
    (folder / "test_notice.html").write_text("<p>{{ title }}</p><a href='{{ link }}'>Open</a>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
