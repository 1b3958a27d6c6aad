"""daphne's --proxy-headers believes X-Forwarded-For from whoever reaches it: a rotating one would
bypass every limit. It must listen only where the proxy reaches it, and is checked at start-up."""

import logging

import pytest

from config import proxy
from tests.support import PRODUCTION, manage

DAPHNE = ["/srv/dld/.venv/bin/daphne", "-p", "8001"]
APP = "config.asgi:application"
EVERYWHERE = "0.0.0.0"  # noqa: S104 - what the check must catch


@pytest.mark.parametrize(
    ("arguments", "trusted", "exposed"),
    [
        (["-b", "127.0.0.1", "--proxy-headers"], [], []),
        (["--proxy-headers"], [], []),  # daphne's default: 127.0.0.1
        (["-b", "::1", "--proxy-headers"], [], []),
        (["-b", EVERYWHERE, "--proxy-headers"], [], [EVERYWHERE]),
        (["-b", EVERYWHERE, "--proxy-headers"], ["0.0.0.0/0"], [EVERYWHERE]),  # unspecified is everyone
        (["--bind=::", "--proxy-headers"], [], ["::"]),
        (["-b", "192.0.2.10", "--proxy-headers"], [], ["192.0.2.10"]),
        (["-b", "10.0.0.5", "--proxy-headers"], ["10.0.0.0/24"], []),
        (["-b", "dld.example.nl", "--proxy-headers"], [], ["dld.example.nl"]),
        (["-e", f"tcp:port=8001:interface={EVERYWHERE}", "--proxy-headers"], [], [EVERYWHERE]),
        (["-u", "/run/dld.sock", "--proxy-headers"], [], []),
        (["-b", EVERYWHERE], [], []),  # no proxy headers: the connection's own address counts
    ],
)
def test_a_daphne_with_proxy_headers_must_listen_only_where_the_proxy_is(arguments, trusted, exposed):
    assert proxy.exposed_proxy_headers([*DAPHNE, *arguments, APP], trusted) == exposed


def test_the_start_up_logs_an_error_for_an_exposed_daphne(settings, caplog):
    settings.TRUSTED_PROXIES = []
    with caplog.at_level(logging.ERROR, logger="config.proxy"):
        proxy.check_daphne_command_line([*DAPHNE, "-b", "127.0.0.1", "--proxy-headers", APP])
        assert caplog.records == []
        proxy.check_daphne_command_line([*DAPHNE, "-b", EVERYWHERE, "--proxy-headers", APP])
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert EVERYWHERE in caplog.records[0].getMessage()
    assert "X-Forwarded-For" in caplog.records[0].getMessage()


def test_check_deploy_warns_about_trusting_everyone_and_refuses_nonsense():
    everyone = manage("check", "--deploy", env={**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.2,0.0.0.0/0"})
    assert "config.W001" in everyone.stderr + everyone.stdout
    nonsense = manage("check", "--deploy", env={**PRODUCTION, "TRUSTED_PROXIES": "nginx"})
    assert "config.E001" in nonsense.stderr + nonsense.stdout
    fine = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.2"}
    )
    assert fine.returncode == 0, fine.stderr
