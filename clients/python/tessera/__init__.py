"""Tessera's Python client: the binary FlatBuffers protocol over TCP or TLS.

    import tessera
    with tessera.Client("127.0.0.1", 7450, token) as c:
        order = c.hold(contact=1, channel=2, ttl_ms=600_000,
                       lines=[dict(performance=1000, category=1, tariff=1, quantity=2)])
        c.confirm(order=order)   # the result carries its hold token

The wire code (tessera.wire) is generated from net/tessera.fbs by flatc at
build time; see clients/python/README.md. Every command of the schema's
CommandBody union is a method of Client (blocking) and AsyncClient
(asyncio), in snake_case, taking the command table's fields.
"""

from tessera.aio import AsyncClient, tls_context
from tessera.client import Client
from tessera.errors import (BusinessRefusal, Busy, CommandRefused, ConnectionLost, Duplicate, Forbidden,
                            InvalidArgument, InvalidState, LimitExceeded, Locked, Malformed, NotFound,
                            ProtocolRefusal, RequestRefused, RequestTimeout, RetryLater, ServerError, SoldOut,
                            TesseraError, Unavailable)
from tessera.results import (Ack, Availability, Count, OrderResult, ReleaseBack, RunStateResult, SeatOrderResult,
                             SeatRun)
from tessera.schema import (COMMANDS, Attendance, Audience, BatchKind, BookingKind, CancelledBy, ContactHistory, ContactListKind, Delivery,
                            DocumentKind, ErrorCode, ExpiryPolicy, InvoiceKind,
                            FormatType, IbanFilter, IntegrationLevel, IntegrationMethod, LeadStatus, MatchBasis,
                            MatchMode, OrderState, Outcome, PaymentMode, PreRegOutcome, PreRegStatus, PromoState,
                            ReleaseMark,
                            ReminderField,
                            RequestStatus, ResultCode, Role, RunState, SkipReason, TravelBookMode, ValidateOnPayment,
                            WorkflowAction,
                            command)

__all__ = [name for name in dir() if not name.startswith("_")]
