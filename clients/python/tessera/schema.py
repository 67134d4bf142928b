"""The protocol's commands and enums, derived from the code flatc generates.

Nothing here lists a command by hand: the command names and tags come from
the generated `CommandBody` union, the fields of each table (and which of
them are nested tables, structs or vectors) from the type comments flatc
writes into the object API (`--gen-object-api`). A command added to
net/tessera.fbs is therefore sendable as soon as the package is rebuilt.

Users name fields in the schema's snake_case (`ttl_ms`); the object API
spells them in camelCase (`ttlMs`); this module maps one to the other.
"""

import enum
import functools
import importlib
import inspect
import re

from tessera.wire.Command import CommandT
from tessera.wire.CommandBody import CommandBody


def _wire_class(module_name, class_name=None):
    module = importlib.import_module(f"tessera.wire.{module_name}")
    return getattr(module, class_name or module_name)


def _enum(name):
    members = {k: v for k, v in vars(_wire_class(name)).items() if not k.startswith("_")}
    return enum.IntEnum(name, members)


# The schema's enums as IntEnums (values equal the wire's).
ResultCode = _enum("ResultCode")
OrderState = _enum("OrderState")
ExpiryPolicy = _enum("ExpiryPolicy")
ReleaseMark = _enum("ReleaseMark")
BookingKind = _enum("BookingKind")
Delivery = _enum("Delivery")
ReminderField = _enum("ReminderField")
FormatType = _enum("FormatType")
Audience = _enum("Audience")
Role = _enum("Role")
Outcome = _enum("Outcome")
RunState = _enum("RunState")
WorkflowAction = _enum("WorkflowAction")
RequestStatus = _enum("RequestStatus")
ErrorCode = _enum("ErrorCode")
ContactListKind = _enum("ContactListKind")
IbanFilter = _enum("IbanFilter")
ContactHistory = _enum("ContactHistory")
SkipReason = _enum("SkipReason")
DocumentKind = _enum("DocumentKind")
PaymentMode = _enum("PaymentMode")
ValidateOnPayment = _enum("ValidateOnPayment")
InvoiceKind = _enum("InvoiceKind")
CancelledBy = _enum("CancelledBy")
PromoState = _enum("PromoState")
BatchKind = _enum("BatchKind")
PreRegStatus = _enum("PreRegStatus")
MatchMode = _enum("MatchMode")
MatchBasis = _enum("MatchBasis")
PreRegOutcome = _enum("PreRegOutcome")
IntegrationMethod = _enum("IntegrationMethod")
IntegrationLevel = _enum("IntegrationLevel")
LeadStatus = _enum("LeadStatus")
Attendance = _enum("Attendance")
TravelBookMode = _enum("TravelBookMode")

# Command name (as in the schema) -> union tag, in tag order.
COMMANDS = dict(sorted(((k, v) for k, v in vars(CommandBody).items() if not k.startswith("_") and k != "NONE"),
                       key=lambda item: item[1]))


def snake(name):
    """`HoldSeatsWithLines` -> `hold_seats_with_lines`; `ttlMs` -> `ttl_ms`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def camel(name):
    """`ttl_ms` -> `ttlMs` (the object API's attribute names)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


COMMANDS_BY_SNAKE = {snake(name): name for name in COMMANDS}

_FIELD_LINE = re.compile(r"self\.(\w+) = .*?# type: (.+)$")
_WIRE_TYPE = re.compile(r"tessera\.wire\.(\w+)\.(\w+)T")


@functools.lru_cache(maxsize=None)
def fields_of(cls):
    """{attribute: (kind, nested class or None)} of an object-API class.

    kind: "scalar", "str", "scalars" (vector of numbers), "object" (nested
    table or struct), "objects" (vector of them), "union".
    """
    out = {}
    for line in inspect.getsource(cls.__init__).splitlines():
        match = _FIELD_LINE.search(line.strip())
        if not match:
            continue
        attr, type_text = match.groups()
        nested = _WIRE_TYPE.search(type_text)
        if type_text.startswith("Union"):
            out[attr] = ("union", None)
        elif type_text.startswith("List[") and nested:
            out[attr] = ("objects", _wire_class(nested.group(1), nested.group(1) + "T"))
        elif type_text.startswith("List["):
            out[attr] = ("scalars", None)
        elif nested:
            out[attr] = ("object", _wire_class(nested.group(1), nested.group(1) + "T"))
        elif type_text == "str":
            out[attr] = ("str", None)
        else:
            out[attr] = ("scalar", None)
    return out


def field_names(cls):
    """The snake_case field names of an object-API class, in schema order."""
    return [snake(attr) for attr in fields_of(cls)]


def body_class(name):
    """The object-API class of command `name` (e.g. HoldT for "Hold")."""
    return _wire_class(name, name + "T")


def build(cls, value):
    """An instance of object-API class `cls` from `value`: an instance already,
    a dict of snake_case fields, or any object with those attributes."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        value = {snake(attr): getattr(value, snake(attr)) for attr in fields_of(cls) if hasattr(value, snake(attr))}
    obj = cls()
    fields = fields_of(cls)
    for key, field_value in value.items():
        attr = camel(key)
        if attr not in fields:
            raise TypeError(f"{cls.__name__[:-1]} has no field {key!r} (fields: {', '.join(field_names(cls))})")
        kind, nested = fields[attr]
        if field_value is None:
            pass
        elif kind == "object":
            field_value = build(nested, field_value)
        elif kind == "objects":
            field_value = [build(nested, item) for item in field_value]
        elif kind == "scalars":
            field_value = [int(item) for item in field_value]
        elif kind == "str" and not isinstance(field_value, (bytes, bytearray)):
            field_value = str(field_value)  # bytes go as they are (a document's content)
        elif kind == "scalar":
            field_value = field_value if isinstance(field_value, bool) else int(field_value)
        setattr(obj, attr, field_value)
    return obj


def command(name, /, *, key=0, hold_token=None, **fields):
    """A Command of the CommandBody union: `name` as in the schema ("Hold")
    or in snake_case ("hold"), its table's fields as keyword arguments.

    An `order` field may be given an order id or a result naming an order
    (anything with `order` and `hold_token`, e.g. OrderResult): its hold
    token then goes into Command.hold_token, as a web shop must send it.
    `hold_token` given explicitly wins. `key`: the idempotency key.
    """
    name = COMMANDS_BY_SNAKE.get(name, name)
    if name not in COMMANDS:
        raise ValueError(f"unknown command {name!r}")
    order = fields.get("order")
    if order is not None and not isinstance(order, int):
        fields["order"] = order.order
        if hold_token is None:
            hold_token = getattr(order, "hold_token", None)
    out = CommandT()
    out.key = key
    out.bodyType = COMMANDS[name]
    out.body = build(body_class(name), fields)
    out.holdToken = hold_token or None
    return out
