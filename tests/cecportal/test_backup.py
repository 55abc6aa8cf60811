"""`manage.py backup` and `manage.py restore`: a round trip through an emptied database gives
back every professional's totals and every uploaded file, on SQLite and on PostgreSQL."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from petitions.models import Document
from tracker.models import CreditEntry
from tracker.selectors import snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def totals() -> dict:
    """Every professional's result for every cycle: total, category totals, status."""
    out = {}
    for user in get_user_model().objects.order_by("email"):
        for result in snapshot(user).results:
            key = (user.email, result.certification.id, str(result.cycle.starts_on))
            out[key] = (
                result.total,
                dict(result.category_totals),
                result.remaining,
                str(result.status),
            )
    return out


def files(root: Path) -> dict:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_backup_then_restore_into_an_emptied_database_gives_everything_back(
    _private_media, tmp_path, capsys
):
    call_command("demo")
    capsys.readouterr()
    before, stored = totals(), files(_private_media)
    entries = CreditEntry.objects.count()
    assert entries > 5 and any(t[0] > 0 for t in before.values())
    assert Document.objects.exists() and stored  # the demo's petitions carry documents

    call_command("backup", output=str(tmp_path / "backups"))
    archive = Path(capsys.readouterr().out.strip())
    assert archive.is_file() and archive.name.startswith(f"cecportal-{connection.vendor}-")

    # Lose everything: the database emptied, the uploads gone.
    call_command("flush", interactive=False, verbosity=0)
    for path in _private_media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert totals() == {} and files(_private_media) == {}

    call_command("restore", str(archive), yes=True)
    assert "Restored" in capsys.readouterr().out
    assert CreditEntry.objects.count() == entries
    assert totals() == before
    assert files(_private_media) == stored


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(junk), yes=True)
    with pytest.raises(CommandError, match="No backup archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
