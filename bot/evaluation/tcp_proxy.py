"""A TCP proxy on 127.0.0.1 that can cut every connection: a database outage on demand.

`bot bench load --fault db` puts it between the replicas and PostgreSQL. `cut()` drops
every open connection and stops listening (new connections are refused, as by a stopped
server); `restore()` listens again on the same port.

Written by hand (asyncio, a few dozen lines) because toxiproxy, the usual tool, is a Go
binary that is not on PyPI, and the benchmark must run from `pip install` alone.

Usage::

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
        proxy.cut()
        proxy.restore()
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
_CHUNK = 65536


class TcpProxy:
    """Forwards 127.0.0.1:<port> to target_host:target_port in a background event loop."""

    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._idle = asyncio.Event()  # no connection open (created outside the loop: fine since 3.10)
        self._idle.set()

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until `restore()`."""
        self._run(self._cut())

    def restore(self) -> None:
        """Listen again (on the same port once one was chosen)."""
        self._run(self._listen())

    @property
    def connections(self) -> int:
        """Return the number of connections being forwarded."""
        return len(self._pairs)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
            self.port = int(self._server.sockets[0].getsockname()[1])

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writers in list(self._pairs):
            for writer in writers:
                writer.transport.abort()  # a reset, as a dead server or network gives

    async def _close(self) -> None:
        await self._cut()
        try:  # the aborted connections' pipes end at once; wait so no task is left pending
            await asyncio.wait_for(self._idle.wait(), timeout=5)
        except TimeoutError:
            pass

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self._pairs.add(pair)
        self._idle.clear()
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._pairs.discard(pair)
            if not self._pairs:
                self._idle.set()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(_CHUNK):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()  # the other direction then ends too
