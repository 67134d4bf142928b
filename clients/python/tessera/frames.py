"""Frames on the wire: a 4-byte little-endian length, then one FlatBuffers
buffer (ClientFrame from the client, ServerFrame from the server).

Pure functions over bytes; the connection classes do the I/O.
"""

import struct

import flatbuffers

from tessera.wire.ClientFrame import ClientFrameT
from tessera.wire.ClientMessage import ClientMessage
from tessera.wire.Hello import HelloT
from tessera.wire.Request import RequestT
from tessera.wire.ServerFrame import ServerFrame, ServerFrameT

PROTOCOL_VERSION = 2
HEADER = struct.Struct("<I")
# Largest server frame this client accepts (a page of follow-up rows or a
# reminder batch stays far below it).
SERVER_FRAME_BYTES_MAX = 64 << 20


def _frame(message_type, message):
    frame = ClientFrameT()
    frame.messageType = message_type
    frame.message = message
    builder = flatbuffers.Builder(256)
    builder.Finish(frame.Pack(builder))
    body = bytes(builder.Output())
    return HEADER.pack(len(body)) + body


def hello(token, client_name):
    """The Hello frame: protocol version, token, client name."""
    message = HelloT()
    message.protocolVersion = PROTOCOL_VERSION
    message.token = token
    message.clientName = client_name
    return _frame(ClientMessage.Hello, message)


def request(request_id, commands):
    """A Request frame carrying `commands` (object-API CommandT)."""
    message = RequestT()
    message.requestId = request_id
    message.commands = list(commands)
    return _frame(ClientMessage.Request, message)


def body_length(header):
    """The length a frame header announces. REQUIRES: len(header) == 4."""
    (length,) = HEADER.unpack(header)
    if length > SERVER_FRAME_BYTES_MAX:
        raise ValueError(f"server frame of {length} bytes is over {SERVER_FRAME_BYTES_MAX}")
    return length


def decode(body):
    """The ServerFrameT (object API) of one frame body."""
    return ServerFrameT.InitFromObj(ServerFrame.GetRootAs(body, 0))
