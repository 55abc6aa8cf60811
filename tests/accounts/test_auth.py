import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.roles import PROFESSIONAL
from notices.models import Email
from tests.accounts.factories import PASSWORD, ProfessionalFactory

User = get_user_model()
pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "New.Person@Example.com",
    "first_name": "New",
    "last_name": "Person",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
}


def test_signup_creates_a_professional_and_logs_in(client):
    response = client.post(reverse("accounts:signup"), SIGNUP, follow=True)
    user = User.objects.get()
    assert response.redirect_chain[-1][0] == reverse("tracker:dashboard")
    assert user.email == "new.person@example.com"
    assert user.groups.filter(name=PROFESSIONAL).exists()
    assert response.context["user"] == user


def test_signup_refuses_a_taken_email_whatever_its_case(client):
    ProfessionalFactory(email="taken@example.com")
    response = client.post(reverse("accounts:signup"), SIGNUP | {"email": "TAKEN@example.com"})
    assert response.status_code == 200
    assert "An account with this email already exists" in response.text
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83920174659", "This password is entirely numeric"),
    ],
)
def test_signup_refuses_weak_passwords(client, password, message):
    response = client.post(
        reverse("accounts:signup"), SIGNUP | {"password1": password, "password2": password}
    )
    assert message in response.text
    assert not User.objects.exists()


def test_login_with_email_in_any_case(client):
    user = ProfessionalFactory(email="casey@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "  Casey@Example.COM ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gets_a_clear_message(client):
    ProfessionalFactory(email="casey@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "casey@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_the_account_out(client, settings):
    ProfessionalFactory(email="casey@example.com")
    url = reverse("accounts:login")
    # Changing the case of the email does not buy more guesses.
    variants = ["casey@example.com", "Casey@Example.com", " CASEY@example.com"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": variants[attempt % 3], "password": "guess"})
    # Even the right password is refused while locked out.
    response = client.post(url, {"username": "casey@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Log-in paused" in response.text
    assert "_auth_user_id" not in client.session


def test_profile_edit_changes_name_and_email(client):
    user = ProfessionalFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Jo", "last_name": "Doe", "email": "JO@example.com"},
        follow=True,
    )
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Jo", "Doe", "jo@example.com")
    assert "Your profile was saved" in response.text


def test_profile_cannot_take_another_users_email(client):
    ProfessionalFactory(email="other@example.com")
    user = ProfessionalFactory(email="me@example.com")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Me", "last_name": "Too", "email": "Other@example.com"},
    )
    assert "An account with this email already exists" in response.text
    user.refresh_from_db()
    assert user.email == "me@example.com"


def test_password_change(client):
    user = ProfessionalFactory()
    client.force_login(user)
    client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-77",
            "new_password2": "another-long-passphrase-77",
        },
    )
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase-77")


def test_password_reset_by_emailed_link(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://cec.example.org"
    user = ProfessionalFactory(email="forgetful@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    # Sent the portal's way: kept in the outbox, text and HTML, linked on the site's address.
    sent = Email.objects.get(kind="password_reset")
    assert sent.to == ["forgetful@example.com"] and sent.body_html
    link = re.search(r"https://cec\.example\.org(/\S+)", mail.outbox[0].body).group(1)
    # The link redirects once to a URL without the token, then shows the form.
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "fresh-passphrase-2026", "new_password2": "fresh-passphrase-2026"},
    )
    user.refresh_from_db()
    assert user.check_password("fresh-passphrase-2026")


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(
        reverse("accounts:password-reset"), {"email": "nobody@example.com"}, follow=True
    )
    assert "Check your email" in response.text
    assert mail.outbox == []
