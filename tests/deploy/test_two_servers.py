"""Scale-out: two app servers (gunicorn, on two ports) against one PostgreSQL and one Redis.
A session begun on one continues on the other; a certificate uploaded through one is served by
the other (a shared upload store: a folder here, S3-compatible storage in a deployment); a page
cached by one is not served again after a write elsewhere."""

import datetime
import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from PIL import Image

from catalog.models import Course
from tests.accounts.factories import PASSWORD, ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CertificationFactory, CertifierFactory, ProgramFactory
from tracker.models import CreditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    db = settings.DATABASES["default"]
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")  # fmt: skip


@pytest.fixture
def servers(tmp_path):
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + "/14"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="cecportal.settings.base",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "shared-uploads"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECRET_KEY="two-servers-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_LOG_LEVEL="WARNING",
        AXES_FAILURE_LIMIT="100",
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    started = []
    for _ in range(2):
        port = _port()
        proc = subprocess.Popen(
            [gunicorn, "cecportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        started.append((proc, f"http://127.0.0.1:{port}"))
    try:
        for proc, base in started:
            _wait(base, proc)
        yield [base for _, base in started], env
    finally:
        for proc, _ in started:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


def _wait(base, proc):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the app server stopped"
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=30)
            return
        except OSError:  # not listening yet (URLError, refused, timed out)
            time.sleep(0.3)
    pytest.fail(f"{base} did not answer")


class Browser:
    """Cookies kept across both servers (same host, so the browser would send them to both)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        with self.opener.open(url, timeout=60) as response:
            return response.url, response.read()

    def post(self, url, fields, files=None, referer=None):
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n".encode())  # fmt: skip
        for name, (filename, data, content_type) in (files or {}).items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            )
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(url, data=body.getvalue(), method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", referer or url)
        with self.opener.open(request, timeout=60) as response:
            return response.url, response.read()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


def _hidden_fields(html):
    fields = {}
    for tag in re.findall(rb"<input[^>]+>", html):
        if b'type="hidden"' in tag:
            name = re.search(rb'name="([^"]+)"', tag)
            value = re.search(rb'value="([^"]*)"', tag)
            if name:
                fields[name.group(1).decode()] = value.group(1).decode() if value else ""
    return fields


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_session_and_an_upload_cross_from_one_server_to_the_other(servers):
    import redis

    (one, two), env = servers
    user = ProfessionalFactory()
    # The servers run with the production hasher list, not the tests' fast one.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    ace = CertifierFactory(code="ace")  # the certifier whose catalog numbers these are
    CertificationFactory(
        user=user,
        program=ProgramFactory(certifier=ace),
        earned_on=datetime.date.today() - datetime.timedelta(days=90),
    )
    course = CourseFactory(number="CA20001", title="Strength Basics")

    browser = Browser()
    _, html = browser.get(f"{one}/accounts/login/")
    url, _ = browser.post(
        f"{one}/accounts/login/",
        {**_hidden_fields(html), "username": user.email, "password": PASSWORD},
    )
    assert "/accounts/login/" not in url, "signing in on the first server failed"
    session_key = browser.cookie("sessionid")
    assert session_key

    # The other server knows the session: the private page opens, no sign-in asked.
    url, html = browser.get(f"{two}/my/cecs/")
    assert "/accounts/login/" not in url
    assert user.email.encode() in html or b"My CECs" in html
    # ...and the session is read through the shared Redis cache.
    keys = redis.Redis.from_url(env["REDIS_URL"]).keys(f"*{session_key}*")
    assert keys, "the session is not in Redis"

    # A certificate uploaded through the first server...
    _, page = browser.get(f"{one}/my/cecs/")
    form = re.search(rb'<form[^>]+action="/my/cecs/add/".*?</form>', page, re.S).group(0)
    picture = _png()
    completed = (datetime.date.today() - datetime.timedelta(days=10)).strftime("%m/%d/%Y")
    _, answer = browser.post(
        f"{one}/my/cecs/add/",
        {**_hidden_fields(form), "course_number": course.number, "completion_date": completed},
        files={"certificate": ("certificate.png", picture, "image/png")},
    )
    entry = CreditEntry.objects.filter(user=user, course=course).first()
    errors = re.findall(rb'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)<', answer, re.S)
    assert entry is not None, errors or answer[-3000:]
    assert entry.certificate
    # ...is served by the second.
    url, served = browser.get(f"{two}/my/cecs/entries/{entry.pk}/certificate/")
    assert served == picture

    # My CECs on the second server: evaluated once, then served from the shared cache.
    _, html = browser.get(f"{two}/my/cecs/")
    assert f'id="entry-{entry.pk}"'.encode() in html
    client = redis.Redis.from_url(env["REDIS_URL"])
    prefix = env["CACHE_KEY_PREFIX"]
    assert client.keys(f"{prefix}:*evaluation:*"), "the evaluation is not cached in Redis"
    assert client.keys(f"{prefix}:*my-cecs-ledger*"), "the ledger is not cached in Redis"
    _, again = browser.get(f"{two}/my/cecs/")
    assert f'id="entry-{entry.pk}"'.encode() in again

    # A write through the first server (the entry deleted)...
    _, page = browser.get(f"{one}/my/cecs/entries/{entry.pk}/delete/")
    form = re.search(rb'<form[^>]+method="post".*?</form>', page, re.S).group(0)
    browser.post(f"{one}/my/cecs/entries/{entry.pk}/delete/", _hidden_fields(form))
    assert not CreditEntry.objects.filter(pk=entry.pk).exists()
    # ...is seen at once on the second: its cached page is not served again.
    _, fresh = browser.get(f"{two}/my/cecs/")
    assert f'id="entry-{entry.pk}"'.encode() not in fresh
    assert b"No credits yet" in fresh

    # The catalog, cached on the second server under the catalog's version...
    _, listed = browser.get(f"{two}/catalog/?q=strength")
    assert b"Strength Basics" in listed
    assert client.keys(f"{prefix}:*catalog-list*"), "the catalog page is not cached in Redis"
    # ...shows a course retitled by another process on the very next request.
    Course.objects.filter(pk=course.pk).update(title="Strength Basics, retitled")
    _, listed = browser.get(f"{two}/catalog/?q=strength")
    assert b"Strength Basics, retitled" in listed
