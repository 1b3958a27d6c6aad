"""config.sqlite: the threads of one process queue for SQLite's write lock in Python.

Each test turns SQLite's own busy handler off (busy_timeout 0) on the waiting thread's
connection: with Django's stock backend its BEGIN IMMEDIATE would then fail at once with
"database is locked"; through the queue it waits its turn."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from events.models import Municipality

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="config.sqlite is the SQLite backend"),
]


def written() -> list[str]:
    return sorted(Municipality.objects.filter(code__startswith="GM900").values_list("code", flat=True))


def no_busy_handler() -> None:
    connection.ensure_connection()
    connection.connection.execute("PRAGMA busy_timeout = 0")


def in_thread(function) -> threading.Thread:
    def run():
        try:
            function()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_a_write(began: threading.Event, release: threading.Event, end=None) -> None:
    with transaction.atomic():
        Municipality.objects.create(code="GM9001", name="Eerste")
        began.set()
        release.wait(10)
        if end is not None:
            end()


def test_a_second_writer_waits_until_the_first_commits():
    began, release, events = threading.Event(), threading.Event(), []

    def second():
        no_busy_handler()
        began.wait(10)
        threading.Timer(0.2, release.set).start()
        with transaction.atomic():
            events.append(("second began", Municipality.objects.filter(code="GM9001").count()))
            Municipality.objects.create(code="GM9002", name="Tweede")

    first_thread = in_thread(lambda: hold_a_write(began, release))
    second_thread = in_thread(second)
    first_thread.join(15)
    second_thread.join(15)

    assert events == [("second began", 1)]
    assert written() == ["GM9001", "GM9002"]


def failing_write(began: threading.Event, release: threading.Event) -> None:
    def fail():
        raise ValueError("the request failed")

    with pytest.raises(ValueError):
        hold_a_write(began, release, end=fail)


def closing_write(began: threading.Event, release: threading.Event) -> None:
    hold_a_write(began, release, end=connection.close)


@pytest.mark.parametrize("first", [failing_write, closing_write], ids=["rolled back", "connection closed"])
def test_the_lock_is_handed_on_when_a_writer_ends_without_committing(first):
    began, release, events = threading.Event(), threading.Event(), []
    first_ended = threading.Event()

    def second():
        no_busy_handler()
        began.wait(10)
        release.set()
        first_ended.wait(10)
        with transaction.atomic():
            Municipality.objects.create(code="GM9002", name="Tweede")
        events.append("second committed")

    def first_then_signal():
        first(began, release)
        first_ended.set()

    first_thread = in_thread(first_then_signal)
    second_thread = in_thread(second)
    first_thread.join(15)
    second_thread.join(15)

    assert events == ["second committed"]
    assert written() == ["GM9002"]


def test_a_writer_that_waits_longer_than_the_timeout_gets_sqlites_error(monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    began, release, outcome = threading.Event(), threading.Event(), []

    def second():
        no_busy_handler()
        began.wait(10)
        try:
            with transaction.atomic():
                Municipality.objects.create(code="GM9002", name="Tweede")
        except OperationalError as error:
            outcome.append(str(error))
        release.set()

    first_thread = in_thread(lambda: hold_a_write(began, release))
    second_thread = in_thread(second)
    first_thread.join(15)
    second_thread.join(15)

    assert outcome == ["database is locked"]
    assert written() == ["GM9001"]
