import time, tempfile
from pathlib import Path
import pytest
from django.urls import reverse
from django.core.files.uploadedfile import SimpleUploadedFile
from catalog.models import Course, ImportBatch
from bench.bench_catalog import _write_csv

pytestmark = pytest.mark.django_db

def test_big(client, reviewer, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.csv"
        n = _write_csv(p, 90_000)
        data = p.read_bytes()
    print("bytes", len(data))
    t = time.perf_counter()
    r = client.post(reverse("catalog:import-upload"), {"file": SimpleUploadedFile("c.csv", data, "text/csv")})
    print("stage", time.perf_counter() - t, r.status_code)
    b = ImportBatch.objects.get()
    t = time.perf_counter()
    client.get(reverse("catalog:import-preview", args=[b.pk]), {"page": 900})
    print("preview last page", time.perf_counter() - t)
    t = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("catalog:import-confirm", args=[b.pk]))
    print("import", time.perf_counter() - t)
    b.refresh_from_db()
    print(b.status, b.created, b.sessions, b.error[:200], Course.objects.count())
