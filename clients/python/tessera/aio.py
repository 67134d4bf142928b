"""AsyncClient: one connection to a Tessera server, on asyncio.

The connection sends its Hello, keeps the limits of the HelloReply, then
pipelines requests: each gets a request id, its frame is written at once,
and a reader task hands every Response to the request with that id. At most
`requests_in_flight_max` requests are in flight (the server closes a
connection that sends more); callers past that wait for a slot.

Thread-safety: an AsyncClient belongs to the event loop that connected it.
For threads, use tessera.Client (the same protocol on a loop of its own).
"""

import asyncio
import functools
import itertools
import ssl

from tessera import frames, results, schema
from tessera.errors import ConnectionLost, RequestRefused, RequestTimeout, ServerError, TesseraError, refusal
from tessera.wire.RequestStatus import RequestStatus
from tessera.wire.ServerMessage import ServerMessage

_COMMAND_NAMES = {tag: name for name, tag in schema.COMMANDS.items()}


def tls_context(ca_file=None):
    """A client TLS context that checks the server's certificate against
    `ca_file` (PEM; the certificate itself when self-signed) or the system's
    store, and that it names the host dialled."""
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


async def _read_frame(reader):
    header = await reader.readexactly(frames.HEADER.size)
    return frames.decode(await reader.readexactly(frames.body_length(header)))


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def typed_results(response, commands):
    """The typed result of each command of an answered request, or the
    CommandRefused of each refused one (returned, not raised).

    Raises RequestRefused when the request as a whole was refused."""
    if response.status != RequestStatus.Ok:
        raise RequestRefused(response.status, _text(response.message))
    if len(response.results or []) != len(commands):
        raise ConnectionLost(f"the server answered {len(response.results or [])} results to {len(commands)} commands")
    out = []
    for index, (result, command) in enumerate(zip(response.results, commands)):
        name = _COMMAND_NAMES.get(command.bodyType, str(command.bodyType))
        if result.code == schema.ResultCode.Ok:
            out.append(results.from_result(result))
        else:
            out.append(refusal(result.code, _text(result.message), name, index))
    return out


def single(outcomes):
    """The one result of a one-command request; raises its refusal."""
    (outcome,) = outcomes
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


class AsyncClient:
    """A connected, authenticated connection. Create with `await AsyncClient.connect(...)`.

    `hello` is the HelloReply (protocol_version, role, shard_count,
    frame_bytes_max, commands_per_request_max, requests_in_flight_max,
    server_name). Every command of the schema is a coroutine method in
    snake_case taking the table's fields: `await c.hold(contact=..., ...)`.
    """

    def __init__(self, reader, writer, hello, request_timeout=None):
        self.hello = hello
        self.request_timeout = request_timeout
        self._reader = reader
        self._writer = writer
        self._pending = {}  # request id -> future of its Response
        self._ids = itertools.count(1)
        self._slots = asyncio.Semaphore(max(1, hello.requests_in_flight_max))
        self._lost = None  # the exception that ended the connection
        self._read_task = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def connect(cls, host, port, token, *, tls=False, ca_file=None, server_hostname=None,
                      client_name="tessera-python", timeout=10.0, request_timeout=30.0):
        """Connects, sends Hello with `token`, and waits for the HelloReply
        (within `timeout` seconds).

        request_timeout: seconds a request waits for its answer before
        raising RequestTimeout (None: no limit); request() may override it.

        tls (or ca_file): speak TLS, checking the server's certificate
        against ca_file (or the system's store) and that it names
        `server_hostname` (default: host). Raises ServerError when the server
        refuses (Unauthorized, VersionMismatch, ...), OSError / ssl.SSLError
        when the connection or the handshake fails."""
        context = tls_context(ca_file) if tls or ca_file else None
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context,
                                    server_hostname=(server_hostname or host) if context else None), timeout)
        try:
            writer.write(frames.hello(token, client_name))
            frame = await asyncio.wait_for(_read_frame(reader), timeout)
            if frame.messageType == ServerMessage.Error:
                raise ServerError(frame.message.code, _text(frame.message.message))
            if frame.messageType != ServerMessage.HelloReply:
                raise ConnectionLost(f"expected a HelloReply, got message type {frame.messageType}")
        except BaseException:
            writer.close()
            raise
        return cls(reader, writer, results.record(frame.message), request_timeout)

    async def _read_loop(self):
        try:
            while True:
                frame = await _read_frame(self._reader)
                if frame.messageType == ServerMessage.Response:
                    future = self._pending.pop(frame.message.requestId, None)
                    if future is not None and not future.done():
                        future.set_result(frame.message)
                elif frame.messageType == ServerMessage.Error:
                    raise ServerError(frame.message.code, _text(frame.message.message))
                else:
                    raise ConnectionLost(f"unexpected server message type {frame.messageType}")
        except TesseraError as error:
            self._fail(error)
        except asyncio.CancelledError:
            self._fail(ConnectionLost("connection closed by the client"))
        except (asyncio.IncompleteReadError, OSError, ValueError) as error:
            self._fail(ConnectionLost(f"connection lost: {error or 'end of stream'}"))

    def _fail(self, error):
        self._lost = error
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
        self._pending.clear()
        self._writer.close()

    async def request(self, commands, timeout=...):
        """Sends one request of `commands` (built with tessera.command) and
        returns, per command, its typed result or its CommandRefused (not
        raised). Raises RequestRefused, RequestTimeout (after `timeout`
        seconds; default: the client's request_timeout), or ConnectionLost /
        ServerError."""
        commands = list(commands)
        if not 1 <= len(commands) <= self.hello.commands_per_request_max:
            raise ValueError(f"a request carries 1..{self.hello.commands_per_request_max} commands, not {len(commands)}")
        timeout = self.request_timeout if timeout is ... else timeout
        # A request holds its in-flight slot until its answer comes (or the
        # connection ends), even once its caller stopped waiting: the server
        # counts it until then.
        await self._slots.acquire()
        if self._lost is not None:
            self._slots.release()
            raise self._lost
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda _: self._slots.release())
        self._pending[request_id] = future
        try:
            self._writer.write(frames.request(request_id, commands))
            await self._writer.drain()
        except OSError as error:
            self._pending.pop(request_id, None)
            future.cancel()
            raise ConnectionLost(f"connection lost: {error}") from error
        try:
            response = await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            # The answer, if it comes, completes the future unawaited.
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            raise RequestTimeout(request_id, timeout) from None
        return typed_results(response, commands)

    async def call(self, name, /, **fields):
        """Sends command `name` with `fields` (see tessera.command) alone and
        returns its typed result; raises its CommandRefused."""
        return single(await self.request([schema.command(name, **fields)]))

    def __getattr__(self, name):
        if name in schema.COMMANDS_BY_SNAKE:
            return functools.partial(self.call, name)
        raise AttributeError(name)

    async def follow_up_pages(self, filter, limit=100):
        """Every page of the follow-up screen for `filter` (a dict of
        FollowUpFilter fields), `limit` rows at a time."""
        after = None
        while True:
            page = await self.call("QueryFollowUp", filter=filter, after=after, limit=limit)
            yield page
            if not page.more or not page.rows:
                return
            last = page.rows[-1]
            after = {"due_ms": last.due_ms, "order": last.order, "line": last.line}

    async def close(self):
        """Closes the connection; requests in flight fail with ConnectionLost."""
        self._read_task.cancel()
        try:
            await self._read_task
        except asyncio.CancelledError:
            pass
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
