"""The tests' one clock: every moment a test needs is built from now, never from a calendar date.

The test event (`event` fixture) takes place `EVENT_DAY` (some weeks from today); `at(10, 30)` is
half past ten on that day in Europe/Amsterdam, `at(9, days=-1)` nine o'clock the day before. The
day is fixed once per test run, so a run that crosses midnight keeps one day.

`TEST_CLOCK_AHEAD_DAYS=365` moves the whole clock a year ahead (CI's extra SQLite run, with
time-machine): the test process from `tests/conftest.py`, and the daphne servers it starts, which
run through `python -m tests.clock daphne …` (see `server_command`). A demo, a fixture or a test
that holds a date which will pass turns CI red a year before it does.
"""

import os
import runpy
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AHEAD_VARIABLE = "TEST_CLOCK_AHEAD_DAYS"
EVENT_DAYS_AHEAD = 40  # after the fixture's registration closes (in 30 days), as in real life


def days_ahead() -> float:
    return float(os.environ.get(AHEAD_VARIABLE) or 0)


def move_ahead_from_environment() -> None:
    """Start this process's clock `TEST_CLOCK_AHEAD_DAYS` days ahead; it keeps ticking from there."""
    if days_ahead():
        time_machine.travel(datetime.now(UTC) + timedelta(days=days_ahead()), tick=True).start()


def server_command(module: str, *args: str) -> list[str]:
    """`python -m module args`, on the same clock as the tests."""
    if days_ahead():
        return [sys.executable, "-m", "tests.clock", module, *args]
    return [sys.executable, "-m", module, *args]


def today() -> date:
    return datetime.now(AMSTERDAM).date()


move_ahead_from_environment()
EVENT_DAY = today() + timedelta(days=EVENT_DAYS_AHEAD)


def event_day(days: int = 0) -> date:
    """The test event's day; `days=-1` the day before, `days=1` the day after."""
    return EVENT_DAY + timedelta(days=days)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A moment on the test event's day (or `days` before or after it), Europe/Amsterdam."""
    return datetime.combine(event_day(days), time(hour, minute), tzinfo=AMSTERDAM)


def clock_lost(hour: int = 9) -> datetime:
    """A moment a phone may think it is after losing its clock: decades before the event's day."""
    return at(hour, days=-25 * 365)


DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def dutch_date(day: date) -> str:
    """A date as the Dutch pages write it: 16 november 2027."""
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


if __name__ == "__main__":
    # python -m tests.clock MODULE ARGS…: run MODULE as `python -m` would, on the moved clock.
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
