// Fuzz target: net::FrameReader, which cuts the TCP byte stream of a
// connection into length-prefixed frames (net/frame.h).
//
// Input: byte 0 picks frame_bytes_max, byte 1 seeds the chunking, the rest
// is the byte stream. The stream is fed the way Session::on_read feeds it —
// writable(), copy at most that much, commit(), then next() until kNeedMore
// — in chunks of arbitrary sizes, and checked against a plain reference
// parse of the same bytes: the same frames with the same payloads, each at
// most frame_bytes_max and 8-byte aligned, kTooLarge exactly when the next
// header announces more than frame_bytes_max, and a buffer that never grows
// past frame_bytes_max + header + one read chunk. Each payload is checked,
// and run through the ClientFrame verifier as the session does, before the
// next next() call (until which it is valid).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "net/frame.h"
#include "net/limits.h"
#include "net/messages.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tessera::fuzz::fuzz_check;
using namespace tessera::net;

// Small limits make kTooLarge reachable with short inputs; the default is
// what the server runs with.
constexpr uint32_t kFrameBytesChoices[] = {0, 1, 7, 64, 255, kFrameBytesMin, kReadChunkBytes, kFrameBytesDefault};

// One frame of the reference parse: where its payload is in the stream.
struct Expected {
  size_t offset;
  uint32_t length;
};

// xorshift64*: the chunk sizes, reproducible from the input's seed byte.
struct Chunker {
  uint64_t state;
  size_t next(size_t writable) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    const uint64_t r = state * 0x2545F4914F6CDD1DULL;
    // Mostly small reads (a header split over reads), sometimes whole ones.
    const size_t n = (r & 3) == 0 ? writable : 1 + (r >> 8) % 16;
    return n < writable ? n : writable;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint32_t frame_bytes_max = kFrameBytesChoices[data[0] % std::size(kFrameBytesChoices)];
  Chunker chunker{0x9E3779B97F4A7C15ULL ^ data[1]};
  const std::span<const uint8_t> stream(data + 2, size - 2);

  // The reference: frames until the stream ends or a header is over the limit.
  std::vector<Expected> expected;
  bool too_large = false;
  uint32_t too_large_announced = 0;
  for (size_t at = 0; at + kFrameHeaderBytes <= stream.size();) {
    const uint32_t length = get_frame_length(stream.data() + at);
    if (length > frame_bytes_max) {
      too_large = true;
      too_large_announced = length;
      break;
    }
    if (stream.size() - at - kFrameHeaderBytes < length) break;
    expected.push_back({at + kFrameHeaderBytes, length});
    at += kFrameHeaderBytes + size_t{length};
  }
  const size_t buffer_max = size_t{frame_bytes_max} + kFrameHeaderBytes + kReadChunkBytes;

  FrameReader reader(frame_bytes_max);
  size_t fed = 0, got = 0;
  bool stopped = false;
  while (fed < stream.size() && !stopped) {
    const std::span<uint8_t> free = reader.writable();
    fuzz_check(!free.empty(), "writable() always offers room");
    fuzz_check(free.size() <= buffer_max, "the buffer stays within frame_bytes_max + header + a chunk");
    const size_t n = chunker.next(std::min(free.size(), stream.size() - fed));
    std::memcpy(free.data(), stream.data() + fed, n);
    reader.commit(n);
    fed += n;
    for (;;) {
      std::span<const uint8_t> payload;
      uint32_t announced = 0;
      const FrameReader::Next next = reader.next(&payload, &announced);
      if (next == FrameReader::Next::kNeedMore) break;
      if (next == FrameReader::Next::kTooLarge) {
        fuzz_check(too_large && got == expected.size(), "kTooLarge only where the reference finds it");
        fuzz_check(announced == too_large_announced && announced > frame_bytes_max, "kTooLarge tells the length");
        stopped = true;  // the session closes the connection here
        break;
      }
      fuzz_check(got < expected.size(), "no frame beyond the reference's");
      const Expected& e = expected[got++];
      fuzz_check(payload.size() == e.length && payload.size() <= frame_bytes_max, "payload length is the header's");
      fuzz_check(reinterpret_cast<uintptr_t>(payload.data()) % alignof(uint64_t) == 0, "payload is 8-byte aligned");
      fuzz_check(e.length == 0 || std::memcmp(payload.data(), stream.data() + e.offset, e.length) == 0,
                 "payload bytes are the stream's");
      fuzz_check(reader.frames() == got, "frames() counts the frames handed out");
      (void)verify_client_frame(payload);
    }
  }
  fuzz_check(got == expected.size(), "every complete frame is handed out");
  fuzz_check(stopped == too_large, "an over-long header is reported once all before it is read");
  if (!stopped) {
    const size_t consumed = got == 0 ? 0 : expected[got - 1].offset + expected[got - 1].length;
    fuzz_check(reader.partial() == (consumed < stream.size()), "partial() iff bytes of a frame are pending");
  }
  return 0;
}
