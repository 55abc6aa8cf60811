"""Load every page of the demo, as each role, and watch every request each page makes:
none may go to a host other than the app's own."""

from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Following these would change state or end the session.
SKIP_PATH_PARTS = (
    "/logout",
    "/delete",
    "/withdraw",
    "/export",
    "/download",
    "/documents/",
    "/certificate/",
    ".csv",
    # Files, not pages: card photos, the PDF transcript, the auditor's ZIP.
    "/front/",
    "/back/",
    ".pdf",
    ".zip",
)
MAX_PAGES_PER_ROLE = 40

# Form controls a person cannot tell apart without seeing them, and images without text.
UNLABELLED_JS = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || el.closest('[hidden]')) continue;
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    if (!labelled) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const img of document.querySelectorAll('img:not([alt])')) {
    bad.push(img.outerHTML.slice(0, 120));
  }
  if (!document.querySelector('main')) bad.push('no <main> landmark');
  return bad;
}
"""


def _shape(target):
    """One visit per path and set of query keys: page 2 and page 3 are the same page."""
    url = urlparse(target)
    return url.path, tuple(sorted(part.split("=")[0] for part in url.query.split("&") if part))


def _crawl(page, origin, start_paths, problems):
    seen, queue, visited = set(), list(start_paths), []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        if _shape(path) in seen:
            continue
        seen.add(_shape(path))
        response = page.goto(origin + path)
        visited.append((path, response.status if response else None))
        page.wait_for_load_state("networkidle")
        if not path.startswith("/admin/"):  # Django's admin is not ours to restyle
            problems.extend(f"{path}: {item}" for item in page.evaluate(UNLABELLED_JS))
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            url = urlparse(urljoin(origin + path, href))
            if url.netloc != urlparse(origin).netloc or url.scheme not in ("http", "https"):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if any(part in url.path for part in SKIP_PATH_PARTS) or url.path.startswith("/static/"):
                continue
            if _shape(target) not in seen:
                queue.append(target)
    return visited


def test_demo_pages_only_talk_to_the_app(_browser, live_server):
    call_command("demo", verbosity=0)
    origin = live_server.url
    app_host = urlparse(origin).netloc
    for role, (email, _first, _last) in [("anonymous", (None, "", "")), *DEMO_USERS.items()]:
        context = _browser.new_context(base_url=origin)
        page = context.new_page()
        requests, console_errors = [], []
        page.on("request", lambda req, sink=requests: sink.append(req.url))
        page.on(
            "console",
            lambda msg, sink=console_errors: sink.append(msg.text) if msg.type == "error" else None,
        )
        if email:
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        problems = []
        visited = _crawl(page, origin, ["/", "/catalog/", "/my/cecs/", "/petitions/"], problems)
        context.close()

        assert len(visited) > 3, f"{role}: the crawl found almost nothing: {visited}"
        server_errors = [v for v in visited if v[1] and v[1] >= 500]
        assert not server_errors, f"{role}: pages failed: {server_errors}"
        foreign = [url for url in requests if urlparse(url).netloc not in (app_host, "")]
        foreign = [url for url in foreign if not url.startswith(("data:", "blob:"))]
        assert not foreign, f"{role}: requests left the app: {foreign}"
        assert not problems, f"{role}: accessibility problems: {problems}"
        # A blocked script or style (CSP) shows up as a console error.
        assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
