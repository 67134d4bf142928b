"""Client: the blocking API, one connection shared by any number of threads.

It runs an AsyncClient on an event loop of its own (one daemon thread per
Client), so blocking and asyncio users speak the same protocol code and a
TLS connection is only ever read and written from one thread. Calls block
the calling thread; `submit` returns a concurrent.futures.Future at once,
so one thread can pipeline many requests and collect the answers later.

Thread-safety: every method may be called from any thread.
"""

import asyncio
import functools
import threading

from tessera import schema
from tessera.aio import AsyncClient, single


class Client:
    """A connected, authenticated connection.

    Client(host, port, token, tls=False, ca_file=None, server_hostname=None,
    client_name="tessera-python", timeout=10.0, request_timeout=30.0): see
    AsyncClient.connect. A call waits at most request_timeout seconds for
    its answer, then raises RequestTimeout (the command may or may not have
    been applied: retry with the same request key).
    `hello` holds the server's HelloReply and its limits. Every command of
    the schema is a method in snake_case taking the table's fields:
    `c.hold(contact=1, channel=2, lines=[...], ttl_ms=600_000)`.
    """

    def __init__(self, host, port, token, **options):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tessera-client", daemon=True)
        self._thread.start()
        try:
            self._client = self._wait(AsyncClient.connect(host, port, token, **options))
        except BaseException:
            self._stop_loop()
            raise
        self.hello = self._client.hello

    @classmethod
    def connect(cls, host, port, token, **options):
        """The same as Client(host, port, token, **options)."""
        return cls(host, port, token, **options)

    def _submit(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _wait(self, coroutine):
        return self._submit(coroutine).result()

    def submit_request(self, commands, timeout=...):
        """Sends one request of `commands` now; a Future of its list of
        typed results / CommandRefused (see AsyncClient.request)."""
        return self._submit(self._client.request(list(commands), timeout))

    def request(self, commands, timeout=...):
        """Sends one request of `commands` and waits for its list of typed
        results / CommandRefused (returned, not raised); RequestTimeout after
        `timeout` seconds (default: the client's request_timeout)."""
        return self.submit_request(commands, timeout).result()

    def submit(self, name, /, **fields):
        """Sends command `name` now; a Future of its typed result (raising
        its CommandRefused). Many may be in flight at once (pipelining)."""
        return self._submit(self._client.call(name, **fields))

    def call(self, name, /, **fields):
        """Sends command `name` with `fields` and returns its typed result;
        raises its CommandRefused."""
        return single(self.request([schema.command(name, **fields)]))

    def __getattr__(self, name):
        if name in schema.COMMANDS_BY_SNAKE:
            return functools.partial(self.call, name)
        raise AttributeError(name)

    def follow_up_pages(self, filter, limit=100):
        """Every page of the follow-up screen for `filter`, `limit` rows at a time."""
        after = None
        while True:
            page = self.call("QueryFollowUp", filter=filter, after=after, limit=limit)
            yield page
            if not page.more or not page.rows:
                return
            last = page.rows[-1]
            after = {"due_ms": last.due_ms, "order": last.order, "line": last.line}

    def close(self):
        """Closes the connection and stops its thread."""
        if self._thread.is_alive():
            try:
                self._wait(self._client.close())
            finally:
                self._stop_loop()

    def _stop_loop(self):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
