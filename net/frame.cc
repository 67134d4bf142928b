// Framing: length prefix, incremental frame reader.
#include "net/frame.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "net/limits.h"

namespace tessera::net {

void put_frame_length(uint8_t* out, uint32_t length) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(length >> (8 * i));
}

uint32_t get_frame_length(const uint8_t* in) {
  return uint32_t{in[0]} | uint32_t{in[1]} << 8 | uint32_t{in[2]} << 16 | uint32_t{in[3]} << 24;
}

OutFrame finish_frame(flatbuffers::FlatBufferBuilder& fbb) {
  OutFrame f;
  f.body = fbb.Release();
  put_frame_length(f.header.data(), static_cast<uint32_t>(f.body.size()));
  return f;
}

FrameReader::FrameReader(uint32_t frame_bytes_max) : frame_bytes_max_(frame_bytes_max) {
  buffer_.resize(kReadChunkBytes);
}

std::span<uint8_t> FrameReader::writable() {
  const size_t have = end_ - begin_;
  size_t want = kReadChunkBytes;
  if (have >= kFrameHeaderBytes) {
    const uint32_t length = get_frame_length(buffer_.data() + begin_);
    if (length <= frame_bytes_max_)
      want = std::max<size_t>(want, kFrameHeaderBytes + length - std::min<size_t>(have, kFrameHeaderBytes + length));
  }
  if (buffer_.size() - end_ < want) {
    // Move the partial frame to the front, then grow if it still does not fit.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, have);
      begin_ = 0;
      end_ = have;
    }
    if (buffer_.size() - end_ < want) buffer_.resize(end_ + want);
  }
  return {buffer_.data() + end_, buffer_.size() - end_};
}

void FrameReader::commit(size_t n) {
  assert(end_ + n <= buffer_.size());
  end_ += n;
}

FrameReader::Next FrameReader::next(std::span<const uint8_t>* payload, uint32_t* announced) {
  const size_t have = end_ - begin_;
  if (have < kFrameHeaderBytes) return Next::kNeedMore;
  const uint32_t length = get_frame_length(buffer_.data() + begin_);
  *announced = length;
  if (length > frame_bytes_max_) return Next::kTooLarge;
  if (have < kFrameHeaderBytes + size_t{length}) return Next::kNeedMore;
  const uint8_t* start = buffer_.data() + begin_ + kFrameHeaderBytes;
  if (reinterpret_cast<uintptr_t>(start) % alignof(uint64_t) != 0) {
    aligned_.resize((length + 7) / 8);
    if (length > 0) std::memcpy(aligned_.data(), start, length);
    start = reinterpret_cast<const uint8_t*>(aligned_.data());
  }
  *payload = {start, length};
  begin_ += kFrameHeaderBytes + length;
  if (begin_ == end_) begin_ = end_ = 0;
  ++frames_;
  return Next::kFrame;
}

}  // namespace tessera::net
