"""Reading a certificate: OCR of a typical one-page photo (1,600 px, turned and grainy) on one
core (goal: under 3 s), beside reading the same certificate from a PDF's text; the worker's
whole task (OCR and the catalog lookup); the upload request, which only stores and queues
(goal: well under 1 s), beside the empty view.

    .venv/bin/python bench/run.py ocr
"""

import datetime
import os
import time
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

GOAL_MS = 3000


@contextmanager
def one_core():
    """Run on a single CPU, whatever the machine has (Linux; elsewhere: unchanged)."""
    if not hasattr(os, "sched_getaffinity"):
        yield "all cores"
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield f"CPU {min(before)} only"
    finally:
        os.sched_setaffinity(0, before)


def _time_s(fn, repeat, clock=time.perf_counter):
    samples = []
    for _ in range(repeat):
        start = clock()
        fn()
        samples.append(clock() - start)
    samples.sort()
    return samples[len(samples) // 2] * 1000


def _cpu_and_wall(fn, repeat):
    """Median CPU time of this process (what one idle core would take) and wall time (what
    it took here, with other work sharing the machine)."""
    return _time_s(fn, repeat, time.process_time), _time_s(fn, repeat)


def run(bench):
    from tests.accounts.factories import ProfessionalFactory
    from tests.catalog.factories import CourseFactory
    from tracker import reading, readings, samples

    completed = datetime.date.today() - datetime.timedelta(days=20)
    lines = samples.certificate_lines(number="CA23456", completed=completed)
    photo = samples.certificate_photo(lines)
    pdf = samples.certificate_pdf(lines)
    print(f"photo: {samples.WIDTH} px wide JPEG, {len(photo) // 1024} KB")

    with one_core() as where:
        start = time.perf_counter()
        reading.engine()
        load_ms = (time.perf_counter() - start) * 1000
        reading.text_of(photo, "image/jpeg")  # first run allocates the models' buffers
        ocr_cpu_ms, ocr_ms = _cpu_and_wall(lambda: reading.text_of(photo, "image/jpeg"), 5)
        pdf_cpu_ms, pdf_ms = _cpu_and_wall(lambda: reading.text_of(pdf, "application/pdf"), 20)
    found = reading.parse(reading.text_of(photo, "image/jpeg"), today=datetime.date.today())
    bench.report("OCR engine load (once per worker process)", load_ms, "ms")
    bench.report(
        f"OCR of a 1,600 px certificate photo, CPU time ({where})",
        ocr_cpu_ms,
        "ms",
        baseline=pdf_cpu_ms,
        baseline_label="same certificate, PDF text",
    )
    bench.report(
        f"OCR of a 1,600 px certificate photo, wall time ({where})",
        ocr_ms,
        "ms",
        baseline=pdf_ms,
        baseline_label="same certificate, PDF text",
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    verdict = "meets" if ocr_cpu_ms < GOAL_MS else "MISSES"
    print(
        f"  {verdict} the goal of {GOAL_MS} ms of one core (load average {load:.1f} on "
        f"{os.cpu_count()} CPUs: wall time includes waiting for the CPU); read "
        f"{found.numbers[:1]}, {found.completion_date}, {found.credit}"
    )

    CourseFactory(number="CA23456")
    user = ProfessionalFactory()
    bench.login(user)

    def upload():
        response = bench.client.post(
            reverse("tracker:reading-start"),
            {"file": SimpleUploadedFile("photo.jpg", photo), "purpose": "course"},
        )
        if response.status_code != 302:
            raise RuntimeError(f"upload answered {response.status_code}")

    upload_ms = bench.time_ms(upload, repeat=10, warmup=1)
    bench.report(
        "upload request: check, store, queue (no OCR)",
        upload_ms,
        "ms",
        baseline=bench.baseline_ms,
        baseline_label="empty view",
    )
    from tracker.models import CertificateReading

    pending = list(CertificateReading.objects.filter(user=user).values_list("pk", flat=True))
    with one_core():
        task_ms = _time_s(lambda: readings.reading_run(pending.pop()), 3, time.process_time)
    bench.report(
        "worker task: OCR + catalog lookup + save, CPU time",
        task_ms,
        "ms",
        baseline=ocr_cpu_ms,
        baseline_label="OCR alone",
    )
    bench.logout()
