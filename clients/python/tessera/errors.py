"""Exceptions of the Tessera client.

TesseraError
  CommandRefused            a command's Result.code is not Ok (nothing applied)
    BusinessRefusal         the engine's outcomes: SoldOut, NotFound, InvalidState,
                            Locked, LimitExceeded, InvalidArgument, Duplicate
    RetryLater              Busy, Unavailable: not applied, retrying may succeed
    ProtocolRefusal         Forbidden (role, channel, hold token), Malformed
  RequestRefused            a whole request refused (Response.status not Ok)
  RequestTimeout            no answer within the request timeout (also a TimeoutError)
  ConnectionLost            the connection ended
    ServerError             ... with an Error frame (code and message)

Every CommandRefused carries `code` (ResultCode), `message` (the server's),
`command` (its name) and `index` (its position in the request).
"""

from tessera.schema import ErrorCode, RequestStatus, ResultCode


class TesseraError(Exception):
    """Base of every error this package raises."""


class CommandRefused(TesseraError):
    code = None

    def __init__(self, code, message, command=None, index=0):
        self.code = ResultCode(code)
        self.message = message
        self.command = command
        self.index = index
        where = f"{command}: " if command else ""
        super().__init__(f"{where}{self.code.name}: {message}")


class BusinessRefusal(CommandRefused):
    """The engine refused the command (sold out, wrong state, ...)."""


class RetryLater(CommandRefused):
    """The command was not applied for a transient reason; retry later."""


class ProtocolRefusal(CommandRefused):
    """The connection may not send this command, or it failed validation."""


class SoldOut(BusinessRefusal):
    pass


class NotFound(BusinessRefusal):
    pass


class InvalidState(BusinessRefusal):
    pass


class Locked(BusinessRefusal):
    pass


class LimitExceeded(BusinessRefusal):
    pass


class InvalidArgument(BusinessRefusal):
    pass


class Duplicate(BusinessRefusal):
    pass


class Busy(RetryLater):
    pass


class Unavailable(RetryLater):
    pass


class Forbidden(ProtocolRefusal):
    pass


class Malformed(ProtocolRefusal):
    pass


_BY_CODE = {
    ResultCode.SoldOut: SoldOut,
    ResultCode.NotFound: NotFound,
    ResultCode.InvalidState: InvalidState,
    ResultCode.Locked: Locked,
    ResultCode.LimitExceeded: LimitExceeded,
    ResultCode.InvalidArgument: InvalidArgument,
    ResultCode.Duplicate: Duplicate,
    ResultCode.Busy: Busy,
    ResultCode.Unavailable: Unavailable,
    ResultCode.Forbidden: Forbidden,
    ResultCode.Malformed: Malformed,
}


def refusal(code, message, command=None, index=0):
    """The exception for a refused command (CommandRefused for a code this
    client does not know yet)."""
    try:
        cls = _BY_CODE[ResultCode(code)]
    except (ValueError, KeyError):
        return _UnknownCodeRefused(code, message, command, index)
    return cls(code, message, command, index)


class _UnknownCodeRefused(CommandRefused):
    def __init__(self, code, message, command=None, index=0):
        self.code = code
        self.message = message
        self.command = command
        self.index = index
        TesseraError.__init__(self, f"{command}: result code {code}: {message}")


class RequestRefused(TesseraError):
    """The request as a whole was refused: nothing in it was applied."""

    def __init__(self, status, message):
        self.status = RequestStatus(status)
        self.message = message
        super().__init__(f"request {self.status.name}: {message}")


class RequestTimeout(TesseraError, TimeoutError):
    """No answer came within the request timeout. The request may or may
    not have been applied: send it again with the same request keys
    (`key=` on each command) to apply it at most once. The connection stays
    usable; the late answer, if any, is dropped."""

    def __init__(self, request_id, timeout):
        self.request_id = request_id
        self.timeout = timeout
        super().__init__(f"no answer to request {request_id} within {timeout} s: it may or may not have been applied")


class ConnectionLost(TesseraError):
    """The connection ended; requests in flight have no answer."""


class ServerError(ConnectionLost):
    """The server sent an Error frame and closed the connection."""

    def __init__(self, code, message):
        try:
            self.code = ErrorCode(code)
            name = self.code.name
        except ValueError:
            self.code = code
            name = str(code)
        self.message = message
        super().__init__(f"{name}: {message}")
