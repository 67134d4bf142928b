// Named limits of the wire protocol and the network server: every frame,
// batch, connection count, queue and deadline in net/ has its maximum here.
//
// The k*Default values are what the server uses unless its configuration
// says otherwise (NetLimits below, filled from server/config); the k*Max
// values bound what a configuration may ask for. A client that exceeds a
// limit gets an Error frame (or a per-command / per-request refusal) with a
// message naming the limit; other connections are not affected.
#pragma once

#include <cstdint>

#include "engine/limits.h"

namespace tessera::net {

// v2: typed replies (Result.detail carries every command's reply table).
// A server serves [protocol_version_min, kProtocolVersion]; v1 clients get
// the legacy scalar fields only.
inline constexpr uint32_t kProtocolVersion = 2;
inline constexpr uint32_t kProtocolVersionOldest = 1;
inline constexpr uint32_t kFrameHeaderBytes = 4;  // little-endian payload length

// Frames and batches.
// 16 MiB: ~120k small commands, or a 10 MiB document (document_bytes_max's
// default) with room to spare; buffers grow only as far as a frame needs.
inline constexpr uint32_t kFrameBytesDefault = 16u << 20;
inline constexpr uint32_t kFrameBytesMax = 64u << 20;  // configurable up to 64 MiB
inline constexpr uint32_t kFrameBytesMin = 1u << 10;
inline constexpr uint32_t kCommandsPerRequestDefault = 16'384;
inline constexpr uint32_t kCommandsPerRequestMax = 65'536;  // = one shard inbox (engine::kInboxCapacity)
inline constexpr uint32_t kTokenBytesMax = 256;
inline constexpr uint32_t kClientNameBytesMax = 256;
inline constexpr uint32_t kMessageBytesMax = 1'024;  // message strings we decode from the wire

// Connections. connections_max counts authenticated connections;
// connections that have not completed Hello have their own, small cap (when
// it is full, the oldest of them from the address with the most is closed to
// make room: a flood of idle sockets ages out and never locks out a client
// that says Hello at once); every remote IP address has a cap over both.
inline constexpr uint32_t kConnectionsDefault = 1'024;
inline constexpr uint32_t kConnectionsMax = 65'536;
inline constexpr uint32_t kConnectionsUnauthenticatedDefault = 64;
inline constexpr uint32_t kConnectionsPerAddressDefault = 64;
// Connections being closed after an Error frame: the frame is flushed, the
// write side shut down, and what the peer still sends is read and dropped
// until it closes (so the peer reads the frame rather than a reset), for at
// most kCloseLingerMs after the frame is written. Beyond
// kConnectionsClosingMax such connections, a refusal closes at once.
inline constexpr uint32_t kConnectionsClosingMax = 1'024;
inline constexpr uint32_t kCloseLingerMs = 2'000;
inline constexpr uint32_t kRequestsInFlightDefault = 128;  // per connection
inline constexpr uint32_t kRequestsInFlightMax = 4'096;
inline constexpr uint32_t kIoThreadsMax = 64;
inline constexpr uint32_t kTokensMax = 256;  // configured auth tokens

// Deadlines.
inline constexpr uint32_t kFrameReadDeadlineMsDefault = 10'000;  // first byte of a frame -> last byte
inline constexpr uint32_t kHelloDeadlineMsDefault = 2'000;       // accept -> Hello received in full
inline constexpr uint32_t kDrainDeadlineMsDefault = 10'000;      // graceful stop: in-flight work finishes
inline constexpr uint32_t kDeadlineMsMax = 3'600'000;

// Read buffers start small and grow to the frame being read (at most
// frame_bytes_max + header).
inline constexpr uint32_t kReadChunkBytes = 64u << 10;

// Client library.
inline constexpr uint32_t kClientQueuedRequestsMax = 65'536;  // sends waiting for an in-flight slot
inline constexpr uint32_t kClientConnectDeadlineMsDefault = 5'000;
inline constexpr uint32_t kClientCallDeadlineMsDefault = 60'000;

// Server-side limits a configuration may change (each checked against the
// k*Max above by server/config).
struct NetLimits {
  uint32_t frame_bytes_max = kFrameBytesDefault;
  uint32_t commands_per_request_max = kCommandsPerRequestDefault;
  uint32_t connections_max = kConnectionsDefault;  // authenticated
  uint32_t connections_unauthenticated_max = kConnectionsUnauthenticatedDefault;
  uint32_t connections_per_address_max = kConnectionsPerAddressDefault;  // per remote IP, both kinds
  uint32_t requests_in_flight_max = kRequestsInFlightDefault;
  uint32_t frame_read_deadline_ms = kFrameReadDeadlineMsDefault;
  uint32_t hello_deadline_ms = kHelloDeadlineMsDefault;
  uint32_t drain_deadline_ms = kDrainDeadlineMsDefault;
  // The oldest protocol version served; raising it to kProtocolVersion
  // refuses older clients at Hello with a message naming the versions.
  uint32_t protocol_version_min = kProtocolVersionOldest;
};

static_assert(kCommandsPerRequestMax <= engine::kInboxCapacity);

}  // namespace tessera::net
