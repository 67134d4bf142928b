// TLS contexts: OpenSSL settings shared by the server and the client.
#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <fstream>

#include "engine/command.h"

namespace tessera::net {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using engine::cat;

namespace {

// TLS 1.2 at least: no SSLv3, TLS 1.0 or 1.1; no renegotiation, no compression.
Status restrict_versions(ssl::context& context) {
  error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression,
                      ec);
  if (ec) return Status::internal(cat("TLS options: ", ec.message()));
  SSL_CTX* native = context.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
    return Status::internal("TLS: cannot require TLS 1.2 or later");
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  return Status::ok();
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_server_context(const std::string& cert_file,
                                                              const std::string& key_file) {
  if (!readable(cert_file)) return Status::invalid_argument(cat("tls_cert_file '", cert_file, "': cannot read it"));
  if (!readable(key_file)) return Status::invalid_argument(cat("tls_key_file '", key_file, "': cannot read it"));
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  if (Status s = restrict_versions(*context); !s.is_ok()) return s;
  error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return Status::invalid_argument(
        cat("tls_cert_file '", cert_file, "': not a PEM certificate chain (", ec.message(), ")"));
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  const bool mismatch = ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if ((ec && mismatch) || (!ec && SSL_CTX_check_private_key(context->native_handle()) != 1)) {
    ERR_clear_error();
    return Status::invalid_argument(
        cat("tls_key_file '", key_file, "' is not the private key of the certificate in '", cert_file, "'"));
  }
  if (ec)
    return Status::invalid_argument(
        cat("tls_key_file '", key_file, "': not a PEM private key, or encrypted (", ec.message(), ")"));
  return context;
}

Result<std::shared_ptr<ssl::context>> make_tls_client_context(const std::string& ca_file, bool verify) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (Status s = restrict_versions(*context); !s.is_ok()) return s;
  error_code ec;
  if (!verify) {
    context->set_verify_mode(ssl::verify_none, ec);
    return context;
  }
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return Status::invalid_argument(cat("TLS: cannot load the system's CA store: ", ec.message()));
  } else {
    if (!readable(ca_file)) return Status::invalid_argument(cat("CA file '", ca_file, "': cannot read it"));
    context->load_verify_file(ca_file, ec);
    if (ec)
      return Status::invalid_argument(cat("CA file '", ca_file, "': no PEM certificate in it (", ec.message(), ")"));
  }
  context->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return Status::internal(cat("TLS: ", ec.message()));
  return context;
}

bool expect_tls_peer_name(SSL* ssl, const std::string& host) {
  error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (!ec) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  // SNI only for names (RFC 6066: never an IP literal).
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

std::string tls_failure_text(const error_code& ec, SSL* ssl) {
  std::string text = ec.message();
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    // Boost 1.74 gives only the reason; add where OpenSSL raised it.
    if (const char* lib = ERR_lib_error_string(static_cast<unsigned long>(ec.value())); lib != nullptr)
      text = cat(text, " (", lib, ")");
  }
  if (ssl != nullptr && !SSL_is_server(ssl)) {
    const long verified = SSL_get_verify_result(ssl);
    if (verified != X509_V_OK) text = cat(text, ": ", X509_verify_cert_error_string(verified));
  }
  return text;
}

}  // namespace tessera::net
