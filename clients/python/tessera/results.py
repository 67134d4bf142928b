"""Typed results: what each command answers, per its reply table.

An Ok Result becomes:
  OrderResult      OrderReply: order, state, due_ms, hold_token
  SeatOrderResult  SeatOrderReply: the same and seats [SeatRun(first, count)]
  Availability     AvailabilityReply: available
  Count            CountReply: count
  ReleaseBack      ReleaseBackReply: release_back_ms
  RunStateResult   RunStateReply: state (RunState)
  Ack              no reply table: message
and for the larger tables (FollowUpPage, BulkOutcomes, ReleaseSummary,
ReminderBatch, PrincipalReply, PrincipalList, OrderRecord, OrderPage,
StockSummary) a dataclass of the same name with the schema's snake_case
fields, nested rows as dataclasses too, strings as str, enums as IntEnums,
and the result's `message` (RenderOrderPdf: the path of the PDF written).
A result naming an order carries its `hold_token`, so it can be passed back
as the `order` of a later command.
"""

import dataclasses
import functools
from typing import List, Optional

from tessera import schema
from tessera.wire.ResultDetail import ResultDetail


@dataclasses.dataclass(frozen=True)
class Ack:
    """The command was applied; nothing more to say."""
    message: str = ""


@dataclasses.dataclass(frozen=True)
class OrderResult:
    """The order a command created or changed. due_ms: the hold's expiry
    (Held), the deadline (Option, Reservation, Overdue), 0 once confirmed or
    closed. hold_token: what a web shop sends back to name this order."""
    order: int
    state: "schema.OrderState"
    due_ms: int
    hold_token: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class SeatRun:
    first: int
    count: int


@dataclasses.dataclass(frozen=True)
class SeatOrderResult(OrderResult):
    """As OrderResult, with the seats (runs of seat indexes in the layout)."""
    seats: List[SeatRun] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Availability:
    """Units one more line of that category, contingent, channel and contact could take now."""
    available: int


@dataclasses.dataclass(frozen=True)
class Count:
    count: int


@dataclasses.dataclass(frozen=True)
class ReleaseBack:
    """When the contingent's unsold stock returns (0 = never)."""
    release_back_ms: int


@dataclasses.dataclass(frozen=True)
class RunStateResult:
    state: "schema.RunState"


# Enum-typed fields of the records, by field name; (table, field) overrides.
_ENUM_FIELDS = {
    "state": schema.OrderState, "from_": schema.OrderState, "to": schema.OrderState,
    "mark": schema.ReleaseMark, "outcome": schema.Outcome, "role": schema.Role,
    "action": schema.WorkflowAction, "kind": schema.BookingKind, "policy": schema.ExpiryPolicy,
    "delivery": schema.Delivery, "type": schema.FormatType, "columns": schema.ReminderField,
    "document": schema.DocumentKind, "mode": schema.PaymentMode, "on_payment": schema.ValidateOnPayment,
    "cancelled_by": schema.CancelledBy,
}
_ENUM_OVERRIDES = {("ReminderBatch", "state"): schema.RunState, ("ReminderRunSummary", "state"): schema.RunState,
                   ("ReminderRunSummary", "audience"): schema.Audience,
                   ("InvoiceDocument", "kind"): schema.InvoiceKind, ("InvoiceRef", "kind"): schema.InvoiceKind,
                   ("Promo", "state"): schema.PromoState, ("CashbackUse", "state"): schema.PromoState,
                   ("SponsorUse", "state"): schema.PromoState,
                   ("PaymentBatch", "kind"): schema.BatchKind,
                   ("ExportedDocument", "kind"): schema.InvoiceKind,
                   ("PreRegRow", "status"): schema.PreRegStatus, ("PreRegRow", "match_mode"): schema.MatchMode,
                   ("PreRegMatch", "basis"): schema.MatchBasis, ("PreRegResult", "outcome"): schema.PreRegOutcome,
                   ("LeadRow", "status"): schema.LeadStatus,
                   ("ParticipantLine", "attendance"): schema.Attendance,
                   # document type ids, not reminder formats' types
                   ("OrderDocument", "type"): None, ("MissingDocument", "type"): None,
                   # departures (performance ids), not order states
                   ("DepartureChange", "from_"): None, ("DepartureChange", "to"): None,
                   ("OrderRecord", "travel_book_mode"): schema.TravelBookMode}
# Strings that carry bytes, not text: kept as bytes.
_BYTES_FIELDS = {("Invoices", "pdf"), ("DocumentFile", "content")}


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _enum_value(enum_type, value):
    try:
        return enum_type(value)
    except ValueError:
        return value  # a value newer than this client


@functools.lru_cache(maxsize=None)
def record_type(t_class, top_level):
    """The dataclass standing for object-API class `t_class`."""
    name = t_class.__name__[:-1]
    fields = [(schema.snake(attr), object, None) for attr in schema.fields_of(t_class)]
    if top_level and "hold_token" not in [f[0] for f in fields]:
        fields.append(("hold_token", Optional[str], None))
    if top_level and "message" not in [f[0] for f in fields]:
        fields.append(("message", str, ""))
    return dataclasses.make_dataclass(name, fields, namespace={"__module__": __name__})


def record(t_obj, top_level=False, hold_token=None, message=""):
    """A dataclass instance from an unpacked object-API table or struct;
    top_level: a result's detail, with the result's hold_token and message."""
    t_class = type(t_obj)
    table = t_class.__name__[:-1]
    values = {}
    for attr, (kind, _) in schema.fields_of(t_class).items():
        field = schema.snake(attr)
        value = getattr(t_obj, attr)
        if kind in ("object", "union") and value is not None:
            value = record(value)
        elif kind == "objects":
            value = [record(item) for item in value or []]
        elif kind == "scalars":  # numbers, or strings (which arrive as bytes)
            value = [_text(v) for v in value] if value is not None else []
        elif kind == "str" and (table, field) in _BYTES_FIELDS:
            value = value or b""
        elif kind == "str":
            value = _text(value) or ""
        enum_type = _ENUM_OVERRIDES.get((table, field), _ENUM_FIELDS.get(field))
        if enum_type is not None and kind == "scalar":
            value = _enum_value(enum_type, value)
        elif enum_type is not None and kind == "scalars":
            value = [_enum_value(enum_type, v) for v in value]
        values[field] = value
    if top_level:
        values["hold_token"] = hold_token
        values.setdefault("message", message)  # a table's own `message` field would win
    return record_type(t_class, top_level)(**values)


def from_result(result_t):
    """The typed result of an Ok wire Result (object API)."""
    token = _text(result_t.holdToken) or None
    detail = result_t.detail
    kind = result_t.detailType
    if kind == ResultDetail.NONE or detail is None:
        return Ack(_text(result_t.message) or "")
    if kind == ResultDetail.OrderReply:
        return OrderResult(detail.order, _enum_value(schema.OrderState, detail.state), detail.dueMs, token)
    if kind == ResultDetail.SeatOrderReply:
        seats = [SeatRun(run.first, run.count) for run in detail.seats or []]
        return SeatOrderResult(detail.order, _enum_value(schema.OrderState, detail.state), detail.dueMs, token, seats)
    if kind == ResultDetail.AvailabilityReply:
        return Availability(detail.available)
    if kind == ResultDetail.CountReply:
        return Count(detail.count)
    if kind == ResultDetail.ReleaseBackReply:
        return ReleaseBack(detail.releaseBackMs)
    if kind == ResultDetail.RunStateReply:
        return RunStateResult(_enum_value(schema.RunState, detail.state))
    return record(detail, top_level=True, hold_token=token, message=_text(result_t.message) or "")
