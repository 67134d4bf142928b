// TLS contexts (Asio SSL over OpenSSL) for the protocol and admin ports and
// for the client library.
//
// A context is built once — at server start-up or Client::connect() — and
// shared by every connection it serves: certificate chain, private key,
// trusted CAs, TLS 1.2 at least (OpenSSL negotiates 1.3 when both sides
// speak it). Failures are values naming the file and OpenSSL's reason, so a
// server with a bad certificate or key refuses to start with a clear
// message.
// Thread-safety: the builders are pure functions; a built context is only
// read afterwards, from any thread (OpenSSL allows that).
#pragma once

// clang-format off
#include "net/asio.h"
#include <boost/asio/ssl.hpp>
// clang-format on

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace tessera::net {

// The first byte of every TLS connection: a handshake record (RFC 8446 5.1).
inline constexpr uint8_t kTlsHandshakeRecordType = 0x16;

// A server context: the PEM certificate chain of cert_file (the server's
// certificate first) and the PEM private key of key_file, which must match.
// Returns invalid_argument naming the file and why otherwise.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_server_context(const std::string& cert_file,
                                                                           const std::string& key_file);

// A client context. verify: the server's certificate must chain to a CA of
// ca_file (PEM), or of the system's store when ca_file is empty; false
// accepts any certificate (development only). Returns invalid_argument when
// ca_file cannot be read.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_client_context(const std::string& ca_file, bool verify);

// Asks `ssl` (a client connection's) to check that the server certificate
// names `host` (an IP address or a DNS name) and sends `host` as SNI when it
// is a name. Returns false if OpenSSL refused the name.
bool expect_tls_peer_name(SSL* ssl, const std::string& host);

// A readable reason for a failed handshake on `ssl`: OpenSSL's error, and
// for a client the certificate check that failed ("certificate verify
// failed: IP address mismatch").
std::string tls_failure_text(const boost::system::error_code& ec, SSL* ssl);

}  // namespace tessera::net
