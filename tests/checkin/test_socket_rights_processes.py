"""Across processes, through Redis: a revocation or a logout in this process closes the socket that
a daphne process holds, within a second."""

import asyncio
import time

import pytest
import websockets
from django.test import Client

from checkin.services import revoke_device
from tests.live import daphne
from tests.sockets import in_thread
from tests.support import requires_redis

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def closed_within(socket, seconds: float) -> int:
    """The close code the server sent, failing if it sent anything else or took longer."""
    with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), seconds)
    return closed.value.rcvd.code


async def test_a_revoke_here_closes_the_devices_socket_on_a_daphne_process(programme, scanner):
    device, token = scanner
    with daphne() as server:
        async with websockets.connect(
            server.replace("http://", "ws://") + "/ws/dashboard/",
            additional_headers={"Authorization": f"Bearer {token}"},
        ) as socket:
            assert '"snapshot"' in await asyncio.wait_for(socket.recv(), 10)

            started = time.monotonic()
            await in_thread(revoke_device)(device)
            assert await closed_within(socket, 1.0) == 4401
            assert time.monotonic() - started < 1.0


async def test_a_logout_here_closes_the_sessions_socket_on_a_daphne_process(programme, staff_user):
    client = Client()
    await in_thread(client.force_login)(staff_user)
    with daphne() as server:
        async with websockets.connect(
            server.replace("http://", "ws://") + "/ws/dashboard/",
            origin=server,
            additional_headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
        ) as socket:
            assert '"snapshot"' in await asyncio.wait_for(socket.recv(), 10)

            started = time.monotonic()
            await in_thread(client.logout)()
            assert await closed_within(socket, 1.0) == 4401
            assert time.monotonic() - started < 1.0
