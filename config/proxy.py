"""Who may tell us the client's address. Behind nginx, daphne runs with `--proxy-headers` and takes
the client address from X-Forwarded-For, which nginx *sets*. Whoever reaches such a daphne
directly can send any X-Forwarded-For, a new one for every request, and every limit keyed on the
address (rate limits, the admin login's lock) is gone. So daphne must listen only where the
proxy reaches it: TRUSTED_PROXIES lists those addresses (loopback by default).

Checked where it can be: daphne's command line when the ASGI application loads (an error in the
log, the server still starts: a warning is not worth an outage), and the setting itself in a
system check (`manage.py check --deploy`).
"""

import ipaddress
import logging

from django.conf import settings
from django.core import checks

logger = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1")
DAPHNE_DEFAULT_BIND = "127.0.0.1"


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _bind_addresses(argv: list[str]) -> list[str]:
    """The addresses a daphne command line listens on (`-b/--bind`, `-e tcp:…:interface=…`);
    unix sockets and inherited descriptors listen on none."""
    addresses, listens_elsewhere = [], False
    for index, argument in enumerate(argv):
        value = argv[index + 1] if index + 1 < len(argv) else ""
        if argument in ("-b", "--bind"):
            addresses.append(value)
        elif argument.startswith("--bind="):
            addresses.append(argument.partition("=")[2])
        elif argument in ("-u", "--unix-socket", "--fd"):
            listens_elsewhere = True
        elif argument in ("-e", "--endpoint"):
            options = dict(part.partition("=")[::2] for part in value.split(":")[1:] if "=" in part)
            if value.startswith(("tcp", "ssl")):
                addresses.append(options.get("interface", "0.0.0.0"))  # noqa: S104 - Twisted's default
            else:
                listens_elsewhere = True
    if not addresses and not listens_elsewhere:
        addresses.append(DAPHNE_DEFAULT_BIND)
    return [address.strip("[]") for address in addresses]


def exposed_proxy_headers(argv: list[str], trusted: list[str]) -> list[str]:
    """The addresses a daphne started with `--proxy-headers` listens on beyond the trusted ones."""
    if "--proxy-headers" not in argv:
        return []
    allowed = _networks([*LOOPBACK, *trusted])
    exposed = []
    for address in _bind_addresses(argv):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            exposed.append(address)  # a host name: cannot tell, so say so
            continue
        if ip.is_unspecified or not any(ip in network for network in allowed):
            exposed.append(address)
    return exposed


def check_daphne_command_line(argv: list[str]) -> None:
    """At start-up: complain loudly when this daphne believes X-Forwarded-For from anyone."""
    if exposed := exposed_proxy_headers(argv, settings.TRUSTED_PROXIES):
        logger.error(
            "daphne runs with --proxy-headers and listens on %s: anyone who reaches it there can "
            "forge X-Forwarded-For and so bypass every rate limit. Listen only where the proxy "
            "reaches it (-b 127.0.0.1), or list that address in TRUSTED_PROXIES.",
            ", ".join(exposed),
        )


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        networks = _networks(settings.TRUSTED_PROXIES)
    except ValueError as error:
        return [checks.Error(f"TRUSTED_PROXIES: {error}.", id="config.E001")]
    return [
        checks.Warning(
            f"TRUSTED_PROXIES contains {network}, which is everyone: a daphne with --proxy-headers "
            "listening there lets any client forge its address and bypass the rate limits.",
            hint="List only the proxy's own addresses, e.g. 127.0.0.1.",
            id="config.W001",
        )
        for network in networks
        if network.prefixlen == 0
    ]
