// Stream: what a protocol connection reads and writes through — a plain TCP
// socket, or TLS over one (Asio SSL) — chosen once per connection.
//
// A variant, not a virtual interface: each operation is one branch on the
// alternative, and the plain alternative is the socket itself, so the plain
// path costs what it did before TLS existed. TLS sends scattered buffers one
// record per buffer (Asio's ssl::stream writes the first buffer of a
// sequence per call); write_all() therefore copies a write of many small
// frames (up to kTlsCoalesceBytesMax) into one reused buffer first: one
// record and one system call instead of two per frame.
// Thread-safety: as the socket's — one read and one write at a time, on the
// socket's executor (a strand, or the client's single thread). An ssl::stream
// must outlive its pending operations: owners keep it alive in their
// completion handlers.
#pragma once

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "net/tls.h"

namespace tessera::net {

// The largest write copied into one buffer for TLS; larger ones go buffer by buffer.
inline constexpr size_t kTlsCoalesceBytesMax = 256u << 10;

class Stream {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  explicit Stream(Socket socket) : v_(std::in_place_index<0>, std::move(socket)) {}
  Stream(Socket socket, boost::asio::ssl::context& context) : v_(std::in_place_index<1>, std::move(socket), context) {}

  bool tls() const { return v_.index() == 1; }
  // The TCP socket (the TLS stream's lowest layer).
  Socket& socket() { return tls() ? std::get<1>(v_).next_layer() : std::get<0>(v_); }
  // REQUIRES tls().
  TlsStream& tls_stream() { return std::get<1>(v_); }
  // Drops the TLS layer and keeps talking plain TCP on the same socket.
  // REQUIRES tls(), no operation pending and no TLS byte sent or consumed.
  void fall_back_to_plain() {
    Socket socket(std::move(std::get<1>(v_).next_layer()));
    v_.emplace<0>(std::move(socket));
  }

  template <typename MutableBuffer, typename Handler>
  void read_some(const MutableBuffer& buffer, Handler&& handler) {
    if (TlsStream* t = std::get_if<1>(&v_)) {
      t->async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      std::get<0>(v_).async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  // Writes every byte of `buffers` (a sequence of const_buffer that stays
  // valid until `handler` runs); handler(error_code, bytes).
  template <typename ConstBuffers, typename Handler>
  void write_all(const ConstBuffers& buffers, Handler&& handler) {
    TlsStream* t = std::get_if<1>(&v_);
    if (t == nullptr) {
      boost::asio::async_write(std::get<0>(v_), buffers, std::forward<Handler>(handler));
      return;
    }
    const size_t bytes = boost::asio::buffer_size(buffers);
    if (bytes > kTlsCoalesceBytesMax) {
      boost::asio::async_write(*t, buffers, std::forward<Handler>(handler));
      return;
    }
    coalesced_.resize(bytes);  // capacity kept: no allocation once warm
    boost::asio::buffer_copy(boost::asio::buffer(coalesced_), buffers);
    boost::asio::async_write(*t, boost::asio::buffer(coalesced_), std::forward<Handler>(handler));
  }

 private:
  std::variant<Socket, TlsStream> v_;
  std::vector<uint8_t> coalesced_;  // TLS only
};

}  // namespace tessera::net
