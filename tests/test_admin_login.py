"""The admin login is throttled per account and per address (django-axes, issue 13 §5): 60 wrong
passwords in 12 s must not be possible, and the lock answers like every other limit (429)."""

import re

import pytest
from django.test import Client

LOGIN = "/admin/login/"
PASSWORD = "het-goede-wachtwoord"


@pytest.fixture
def organisers(django_user_model):
    for username in ("ilse", "joost"):
        django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)


def attempt(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def test_wrong_passwords_for_one_account_lock_that_account(organisers):
    attacker = Client(REMOTE_ADDR="203.0.113.20")
    # The form again, then the lock at the tenth.
    assert [attempt(attacker, "ilse", f"gok-{n}") for n in range(11)] == [200] * 9 + [429] * 2

    # The right password now waits too, from any address; the lock says how long, in minutes.
    locked = Client(REMOTE_ADDR="198.51.100.20").post(LOGIN, {"username": "ilse", "password": PASSWORD})
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 15 * 60
    assert re.search(r"Probeer het over (een minuut|\d+ minuten) opnieuw", locked.content.decode())
    # Another account, from another address, logs in as usual.
    assert attempt(Client(REMOTE_ADDR="198.51.100.21"), "joost", PASSWORD) == 302


def test_wrong_passwords_from_one_address_lock_that_address(organisers):
    stuffer = Client(REMOTE_ADDR="203.0.113.21")
    assert [attempt(stuffer, f"user{n}", "welkom01") for n in range(10)] == [200] * 9 + [429]

    assert attempt(Client(REMOTE_ADDR="203.0.113.21"), "joost", PASSWORD) == 429
    assert attempt(Client(REMOTE_ADDR="198.51.100.22"), "joost", PASSWORD) == 302


def test_a_successful_login_starts_the_count_anew(organisers):
    organiser = Client(REMOTE_ADDR="192.0.2.50")
    assert [attempt(organiser, "ilse", "typfout") for _ in range(9)] == [200] * 9
    assert attempt(organiser, "ilse", PASSWORD) == 302
    assert [attempt(Client(REMOTE_ADDR="192.0.2.50"), "ilse", "typfout") for _ in range(9)] == [200] * 9
    assert attempt(Client(REMOTE_ADDR="192.0.2.50"), "ilse", PASSWORD) == 302


def test_sessions_made_by_the_tests_still_work(staff_client, event):
    assert staff_client.get("/dashboard/").status_code == 200
