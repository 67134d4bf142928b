// Framing: a frame is a 4-byte little-endian payload length followed by one
// FlatBuffers buffer (net/tessera.fbs). FrameReader cuts frames out of a
// byte stream; OutFrame is one frame ready to write.
//
// FrameReader reads straight into its own buffer (no staging copy) and hands
// out each complete payload 8-byte aligned, as FlatBuffers accessors need
// (a payload that lands unaligned in the stream is copied once). Its buffer
// never grows beyond frame_bytes_max + header + one read chunk.
// Thread-safety: none; one reader per connection, used on its strand.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::net {

struct OutFrame {
  std::array<uint8_t, 4> header{};
  flatbuffers::DetachedBuffer body;
  size_t size() const { return header.size() + body.size(); }
};

// Takes the finished buffer out of `fbb` (REQUIRES fbb.Finish() was called).
OutFrame finish_frame(flatbuffers::FlatBufferBuilder& fbb);

void put_frame_length(uint8_t* out, uint32_t length);
uint32_t get_frame_length(const uint8_t* in);

class FrameReader {
 public:
  enum class Next { kNeedMore, kFrame, kTooLarge };

  explicit FrameReader(uint32_t frame_bytes_max);

  // Free space to read into: the rest of the frame being read, or a chunk.
  std::span<uint8_t> writable();
  // Marks `n` bytes of writable() as read. REQUIRES n <= writable().size().
  void commit(size_t n);

  // kFrame: *payload is the next whole frame's payload, valid until the next
  // next() or writable() call (an unaligned payload is copied into one buffer
  // that the next unaligned payload reuses): handle each frame before asking
  // for the next. kTooLarge: the next frame announces more than
  // frame_bytes_max (*announced tells how much); the stream is unusable.
  Next next(std::span<const uint8_t>* payload, uint32_t* announced);

  // True iff some bytes of a frame not yet complete are buffered.
  bool partial() const { return end_ > begin_; }
  uint64_t frames() const { return frames_; }

 private:
  uint32_t frame_bytes_max_;
  std::vector<uint8_t> buffer_;
  size_t begin_ = 0, end_ = 0;
  std::vector<uint64_t> aligned_;  // copy target for unaligned payloads
  uint64_t frames_ = 0;
};

}  // namespace tessera::net
