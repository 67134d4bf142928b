// FrameReader: frames cut out of a byte stream in any split, aligned for
// FlatBuffers, and an oversized length refused before any of it is read.
#include "net/frame.h"

#include <gtest/gtest.h>

#include <cstring>

#include "net/limits.h"

namespace tessera::net {
namespace {

std::vector<uint8_t> framed(const std::vector<std::string>& payloads) {
  std::vector<uint8_t> out;
  for (const std::string& p : payloads) {
    uint8_t h[4];
    put_frame_length(h, static_cast<uint32_t>(p.size()));
    out.insert(out.end(), h, h + 4);
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void feed(FrameReader& r, const uint8_t* data, size_t n) {
  while (n > 0) {
    auto space = r.writable();
    const size_t k = std::min(n, space.size());
    std::memcpy(space.data(), data, k);
    r.commit(k);
    data += k;
    n -= k;
  }
}

TEST(FrameReader, CutsFramesAtAnySplitAndAlignsPayloads) {
  const std::vector<std::string> payloads = {"a", "", "hello world", std::string(200'000, 'x'), "tail"};
  const std::vector<uint8_t> stream = framed(payloads);
  for (size_t step : {size_t{1}, size_t{3}, size_t{4096}, stream.size()}) {
    FrameReader r(1 << 20);
    std::vector<std::string> got;
    for (size_t off = 0; off < stream.size(); off += step) {
      feed(r, stream.data() + off, std::min(step, stream.size() - off));
      std::span<const uint8_t> p;
      uint32_t announced = 0;
      while (r.next(&p, &announced) == FrameReader::Next::kFrame) {
        if (!p.empty()) {
          EXPECT_EQ(reinterpret_cast<uintptr_t>(p.data()) % 8, 0u);
        }
        got.emplace_back(reinterpret_cast<const char*>(p.data()), p.size());
      }
    }
    EXPECT_EQ(got, payloads) << "step " << step;
    EXPECT_FALSE(r.partial());
  }
}

TEST(FrameReader, OversizedLengthIsRefusedFromTheHeaderAlone) {
  FrameReader r(1024);
  uint8_t h[4];
  put_frame_length(h, 1025);
  feed(r, h, 4);
  std::span<const uint8_t> p;
  uint32_t announced = 0;
  EXPECT_EQ(r.next(&p, &announced), FrameReader::Next::kTooLarge);
  EXPECT_EQ(announced, 1025u);
}

TEST(FrameReader, PartialFrameIsReportedUntilComplete) {
  FrameReader r(1024);
  const std::vector<uint8_t> stream = framed({"abcdef"});
  feed(r, stream.data(), 6);
  std::span<const uint8_t> p;
  uint32_t announced = 0;
  EXPECT_EQ(r.next(&p, &announced), FrameReader::Next::kNeedMore);
  EXPECT_TRUE(r.partial());
  feed(r, stream.data() + 6, stream.size() - 6);
  EXPECT_EQ(r.next(&p, &announced), FrameReader::Next::kFrame);
  EXPECT_FALSE(r.partial());
}

}  // namespace
}  // namespace tessera::net
