"""Malformed input posted to every form as the role that uses it (the registry in
`tests/fuzz.py`): never a server error, and nothing stored.

Every generated submission fills the form's fields with junk (or leaves them out) and gives
one field a value that field must refuse — a NUL byte, text longer than its bound, another
script's digits, an absurd date, a choice that does not exist — so the form must be refused as
a whole, and the database and the uploads folder must be exactly as before. Bounded: EXAMPLES
submissions per form (FUZZ_EXAMPLES), at least 2,000 in all.
"""

import datetime
import os

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz
from tests.test_access import ROUTES, world  # noqa: F401  (the walk's shared objects)

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "64"))
COUNTED_APPS = ["accounts", "catalog", "tracker", "petitions", "notices", "django_tasks_database"]

JUNK = [
    "",
    " ",
    "0",
    "-1",
    "NaN",
    "Infinity",
    "1e999",
    "٣",
    "１２",
    "٠١/٠١/٢٠٢٤",
    "01/01/0001",
    "12/31/9999",
    "02/30/2024",
    "13/45/2024",
    "2024-01-01",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202etxt.exe",
    "ca 23456",
    "CA23456",
    "x" * 5001,
    "\r\n\r\nBcc: x@example.com",
    "%00",
    "true",
    "on",
    "9" * 40,
]
junk_text = st.one_of(
    st.sampled_from(JUNK),
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400),
)
NUMBER_POISON = ["NaN", "Infinity", "-Infinity", "٣", "１.５", "abc", "0x10", "--1", "1,5.5"]
DATE_POISON = [
    "01/01/0001",
    "12/31/9999",
    "01/01/1900",
    "02/30/2024",
    "٠١/٠١/٢٠٢٤",
    "00/00/0000",
    "2024-01-01",
    "99/99/99999",
    "1/1/1",
    "१२/३१/२०२४",
]
CHOICE_POISON = ["not-a-choice", "99999999999999999999999", "-1", "\x00", "１"]


def _inject(text: str, bad: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + bad + text[at:]


def poison(field: forms.Field):
    """A value `field` must refuse, or None when no value is refused (a checkbox)."""
    if isinstance(field, forms.BooleanField):
        return None
    if isinstance(field, forms.FileField):
        # A few random bytes: no PDF, image or catalog CSV any check accepts.
        return junk(field)
    if isinstance(field, forms.DateField):
        return st.sampled_from(DATE_POISON)
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return st.sampled_from(NUMBER_POISON)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from(CHOICE_POISON), min_size=1, max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(CHOICE_POISON)
    if isinstance(field, forms.UUIDField):
        return st.sampled_from(["not-a-uuid", "\x00", "٣" * 32])
    if isinstance(field, forms.CharField):
        nul = st.builds(_inject, junk_text, st.just("\x00"), st.integers(0, 400))
        control = st.builds(
            _inject,
            st.text(min_size=1, max_size=40),
            st.sampled_from(["\x00", "\x1b", "\x7f", "\x08"]),
            st.integers(0, 40),
        )
        strategies = [nul, control]
        if field.max_length:
            strategies.append(
                st.builds(
                    lambda n: "x" * n, st.integers(field.max_length + 1, field.max_length + 50)
                )
            )
        return st.one_of(*strategies)
    raise AssertionError(f"No poison for {type(field).__name__}: add one to tests/test_fuzz.py")


def _valid_choices(field) -> list[str]:
    return [str(value) for value, _ in field.choices if str(value)][:20]


def junk(field: forms.Field):
    """Junk, or often a value the field takes (so that the poisoned field decides)."""
    if isinstance(field, forms.FileField):
        return st.builds(
            lambda name, content: SimpleUploadedFile(name, content),
            st.sampled_from(["a.pdf", "../../x.png", "x\x00.pdf", "evil.csv", "ü.jpg", "a" * 300]),
            st.binary(max_size=300),
        )
    plausible = []
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) and _valid_choices(field):
        plausible = _valid_choices(field)
    elif isinstance(field, forms.DateField):
        recent = datetime.date.today() - datetime.timedelta(days=20)
        plausible = [recent.strftime("%m/%d/%Y")]
    elif isinstance(field, forms.DecimalField | forms.IntegerField):
        plausible = ["1", "0.5"]
    elif isinstance(field, forms.EmailField):
        plausible = ["someone@example.com"]
    elif isinstance(field, forms.CharField):
        plausible = ["Kettlebell basics", "A"]
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(junk_text, *map(st.just, plausible)), max_size=3)
    if plausible:
        return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), junk_text)
    return junk_text


def _count_sql() -> str:
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    ]
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)


def stored() -> tuple:
    """The number of rows of every table of the apps (and the task queue), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        return tuple(cursor.fetchone())


def files(root) -> list:
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _url(target, objects):
    kwargs = target.kwargs(objects) if target.kwargs else None
    if kwargs is None:
        route = next((r for r in ROUTES if r.name == target.url and r.kwargs), None)
        kwargs = route.kwargs(objects) if route else {}
    return reverse(target.url, kwargs=kwargs)


def test_the_registry_covers_at_least_two_thousand_inputs():
    assert len(fuzz.TARGETS) * EXAMPLES >= 2000 or os.environ.get("FUZZ_EXAMPLES")


@pytest.mark.parametrize("target", fuzz.TARGETS, ids=lambda t: t.id)
def test_malformed_input_is_refused_without_error(client, world, target, _private_media):  # noqa: F811
    user = world.users[target.role]
    if user is not None:
        client.force_login(user)
    url = _url(target, world)
    form = target.form(world)
    fields = dict(form.fields)
    poisonable = sorted(name for name, field in fields.items() if poison(field) is not None)
    assert poisonable, f"{target.id}: no field to poison"
    extra = target.extra(world) if target.extra else {}
    before, before_files = stored(), files(_private_media)
    sent = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def attack(data):
        values = {}
        for name, field in fields.items():
            key = form.add_prefix(name)
            if data.draw(st.booleans(), label=f"send {name}"):
                values[key] = data.draw(junk(field), label=name)
        target_field = data.draw(st.sampled_from(poisonable), label="poisoned")
        values[form.add_prefix(target_field)] = data.draw(
            poison(fields[target_field]), label="poison"
        )
        values.update(extra)
        # Each submission in a savepoint rolled back after the checks: one that stored something
        # is reported as itself, not every one after it.
        with transaction.atomic():
            if target.method == "get":
                plain = {k: v for k, v in values.items() if not isinstance(v, SimpleUploadedFile)}
                response = client.get(url, plain)
            else:
                response = client.post(url, values)
            sent.append(1)
            assert response.status_code < 500, (target.id, values)
            assert stored() == before, (target.id, values)
            assert files(_private_media) == before_files, (target.id, values)
            transaction.set_rollback(True)

    attack()
    assert len(sent) >= EXAMPLES
