"""Login throttling: nobody can lock someone else out, and spraying one guess at many accounts
from one address is stopped."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from cecportal.clientip import client_ip
from tests.accounts.factories import PASSWORD, ProfessionalFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def post_login(client, email, password, address="203.0.113.9", **extra):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/login/link/\S+/)", message.body).group(1)


def test_twenty_wrong_passwords_from_elsewhere_do_not_keep_the_owner_out(
    client, django_capture_on_commit_callbacks
):
    owner = ProfessionalFactory(email="casey@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            post_login(client, "casey@example.com", "guess", address=f"198.51.100.{n + 1}")
    # The password route is paused for everyone, the owner's address included, and says why.
    response = post_login(client, "casey@example.com", PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    assert "failed log-ins in a row" in response.text
    assert "one-time log-in link" in response.text
    assert "_auth_user_id" not in client.session
    # The owner was emailed once (not twenty times) a link that logs them in.
    (message,) = [m for m in mail.outbox if m.to == ["casey@example.com"]]
    assert "paused" in message.body
    link = link_in(message)
    page = client.get(link, REMOTE_ADDR="192.0.2.50")
    assert page.status_code == 200 and "Log me in" in page.text
    assert "_auth_user_id" not in client.session  # opening the link (a mail scanner) is not enough
    response = client.post(link, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    # The link works once; and the failures against the account are cleared.
    client.logout()
    assert client.post(link, REMOTE_ADDR="192.0.2.50").status_code == 400
    response = post_login(client, "casey@example.com", PASSWORD, address="192.0.2.50")
    assert response.status_code == 302


def test_the_owner_can_ask_for_a_link_from_the_lockout_page(
    client, django_capture_on_commit_callbacks
):
    owner = ProfessionalFactory(email="casey@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:login-link-request"), {"email": "Casey@example.com"}, follow=True
        )
    assert "a one-time log-in link is on its way" in response.text
    (message,) = mail.outbox
    assert "You asked for a log-in link" in message.body
    client.post(link_in(message))
    assert client.session["_auth_user_id"] == str(owner.pk)
    # Asking again within the cool-off sends nothing more (the page cannot flood a mailbox).
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login-link-request"), {"email": "casey@example.com"})
    assert len(mail.outbox) == 1


def test_asking_for_a_link_for_an_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(
        reverse("accounts:login-link-request"), {"email": "nobody@example.com"}, follow=True
    )
    assert "a one-time log-in link is on its way" in response.text
    assert mail.outbox == []


def test_one_guess_at_each_of_thirty_accounts_from_one_address_is_stopped(client, settings):
    emails = [ProfessionalFactory().email for _ in range(30)]
    statuses = [post_login(client, email, "Summer2025!").status_code for email in emails]
    assert statuses[: settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1] == [200] * (
        settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1
    )
    assert set(statuses[settings.LOGIN_ADDRESS_FAILURE_LIMIT :]) == {429}
    response = post_login(client, emails[0], PASSWORD)
    assert response.status_code == 429
    assert "from your network address" in response.text
    # Another address is not affected.
    assert post_login(client, emails[0], PASSWORD, address="192.0.2.7").status_code == 302


def test_the_forwarding_header_counts_only_with_trusted_proxies(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    emails = [ProfessionalFactory().email for _ in range(4)]
    # No trusted proxy: a forged header does not give each guess a fresh address.
    settings.TRUSTED_PROXIES = 0
    for n, email in enumerate(emails[:3]):
        post_login(client, email, "x", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert (
        post_login(client, emails[3], PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99").status_code == 429
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXIES = 1
    emails = [ProfessionalFactory().email for _ in range(4)]
    proxy = "10.0.0.2"
    # The attacker's three failures lock the attacker's address, not the proxy's.
    for email in emails[:3]:
        post_login(client, email, "x", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    blocked = post_login(
        client, emails[3], PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert blocked.status_code == 429
    ok = post_login(client, emails[3], PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "remote", "header", "expected"),
    [
        (0, "10.0.0.2", "198.51.100.1", "10.0.0.2"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),
    ],
)
def test_client_address(settings, trusted, remote, header, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_an_absurdly_long_login_name_is_refused_on_the_form(client):
    response = post_login(client, "a" * 300 + "@example.com", "x")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
