// SmtpClient over Boost.Asio: each network operation is started
// asynchronously and the io_context runs until it completes or its
// deadline passes, so a silent server costs at most timeout_ms per step.
#include "server/smtp_client.h"

#include <chrono>
#include <cstdlib>
#include <optional>

#include "net/asio.h"
#include "server/mail_format.h"

namespace tessera::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // each line's text after the code
  std::string text() const {
    std::string out = std::to_string(code);
    for (const auto& line : lines) out += " " + line;
    return out;
  }
};

// Parses "250-text" / "250 text" / "250"; code 0 when malformed.
int reply_line_code(std::string_view line, bool& last) {
  if (line.size() < 3) return 0;
  for (size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
  }
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return 0;
  last = line.size() == 3 || line[3] == ' ';
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Status check_envelope(const OutgoingMail& mail) {
  if (!mail.from.empty() && !is_valid_email_address(mail.from)) {
    return Status::invalid_argument("invalid sender address: " + mail.from);
  }
  if (mail.to.empty() || mail.to.size() > kSmtpRecipientsMax) {
    return Status::invalid_argument("a message needs 1 to " + std::to_string(kSmtpRecipientsMax) + " recipients, not " +
                                    std::to_string(mail.to.size()));
  }
  for (const auto& to : mail.to) {
    if (!is_valid_email_address(to)) return Status::invalid_argument("invalid recipient address: " + to);
  }
  if (mail.data.size() > kSmtpMessageBytesMax) {
    return Status::invalid_argument("message of " + std::to_string(mail.data.size()) + " bytes exceeds " +
                                    std::to_string(kSmtpMessageBytesMax));
  }
  return Status::ok();
}

}  // namespace

std::string smtp_data_payload(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 8);
  bool line_start = true;
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

struct SmtpClient::Impl {
  SmtpOptions options;
  asio::io_context io;
  tcp::socket socket{io};
  std::string input;  // bytes received past the last reply line
  bool connected = false;
  uint64_t size_max = 0;

  explicit Impl(SmtpOptions o) : options(std::move(o)) {}

  std::string where() const { return "SMTP " + options.host + ":" + std::to_string(options.port); }

  void close() {
    error_code ignored;
    socket.close(ignored);
    input.clear();
    connected = false;
  }

  // Runs the operation `start` begins until it completes or the deadline
  // passes; past the deadline `cancel` stops it and timed_out is returned.
  template <typename Start, typename Cancel>
  error_code run(Start&& start, Cancel&& cancel) {
    std::optional<error_code> result;
    start([&result](const error_code& ec, auto&&...) { result = ec; });
    io.restart();
    io.run_for(std::chrono::milliseconds(options.timeout_ms));
    if (result) return *result;
    cancel();
    io.restart();
    io.run();  // the cancelled operation's handler, which writes `result`
    return asio::error::timed_out;
  }
  template <typename Start>
  error_code run(Start&& start) {
    return run(std::forward<Start>(start), [this] { close(); });
  }

  Status broken(std::string_view step, const error_code& ec) {
    close();
    std::string why = ec == asio::error::timed_out ? "timed out after " + std::to_string(options.timeout_ms) + " ms"
                      : ec == asio::error::eof     ? std::string("connection closed by the server")
                      : ec == asio::error::not_found
                          ? "reply line longer than " + std::to_string(kSmtpReplyLineBytesMax) + " bytes"
                          : ec.message();
    return Status::unavailable(where() + " " + std::string(step) + ": " + why);
  }

  Status open_socket() {
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    error_code ec = run(
        [&](auto handler) {
          resolver.async_resolve(options.host, std::to_string(options.port),
                                 [&endpoints, handler](const error_code& e, tcp::resolver::results_type r) mutable {
                                   endpoints = std::move(r);
                                   handler(e);
                                 });
        },
        [&] { resolver.cancel(); });
    if (ec) return broken("resolve", ec);
    ec = run([&](auto handler) { asio::async_connect(socket, endpoints, handler); });
    if (ec) return broken("connect", ec);
    connected = true;
    return Status::ok();
  }

  Result<std::string> read_line(std::string_view step) {
    size_t length = 0;
    const error_code ec = run([&](auto handler) {
      asio::async_read_until(socket, asio::dynamic_buffer(input, kSmtpReplyLineBytesMax), '\n',
                             [&length, handler](const error_code& e, size_t n) mutable {
                               length = n;
                               handler(e);
                             });
    });
    if (ec) return broken(step, ec);
    std::string line = input.substr(0, length);
    input.erase(0, length);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
  }

  Result<SmtpReply> read_reply(std::string_view step) {
    SmtpReply reply;
    for (uint32_t n = 0; n < kSmtpReplyLinesMax; ++n) {
      Result<std::string> line = read_line(step);
      if (!line.is_ok()) return line.status();
      bool last = false;
      const int code = reply_line_code(*line, last);
      if (code == 0 || (reply.code != 0 && code != reply.code)) {
        close();
        return Status::unavailable(where() + " " + std::string(step) + ": malformed reply: " + *line);
      }
      reply.code = code;
      reply.lines.push_back(line->size() > 4 ? line->substr(4) : std::string());
      if (last) {
        if (code == 421) close();  // the server is closing the channel
        return reply;
      }
    }
    close();
    return Status::unavailable(where() + " " + std::string(step) + ": reply of more than " +
                               std::to_string(kSmtpReplyLinesMax) + " lines");
  }

  Status write(std::string_view step, std::string_view bytes) {
    const error_code ec = run([&](auto handler) { asio::async_write(socket, asio::buffer(bytes), handler); });
    return ec ? broken(step, ec) : Status::ok();
  }

  Result<SmtpReply> command(std::string_view step, const std::string& line) {
    if (Status s = write(step, line + "\r\n"); !s.is_ok()) return s;
    return read_reply(step);
  }

  Status refused(std::string_view step, const SmtpReply& reply) const {
    std::string message = where() + " " + std::string(step) + ": " + reply.text();
    return reply.code >= 500 ? Status::failed_precondition(std::move(message)) : Status::unavailable(std::move(message));
  }

  // Sends `line` and checks the reply is `expected` (or `also`, when set).
  Status exchange(std::string_view step, const std::string& line, int expected, int also = 0) {
    Result<SmtpReply> reply = command(step, line);
    if (!reply.is_ok()) return reply.status();
    if (reply->code != expected && reply->code != also) return refused(step, *reply);
    return Status::ok();
  }

  Status greet();
  void read_extensions(const SmtpReply& ehlo);
  Status transaction(const OutgoingMail& mail);
};

void SmtpClient::Impl::read_extensions(const SmtpReply& ehlo) {
  size_max = 0;
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    const std::string keyword = upper(ehlo.lines[i]);
    if (keyword.rfind("SIZE ", 0) == 0) size_max = std::strtoull(keyword.c_str() + 5, nullptr, 10);
  }
}

Status SmtpClient::Impl::greet() {
  Result<SmtpReply> greeting = read_reply("greeting");
  if (!greeting.is_ok()) return greeting.status();
  if (greeting->code != 220) {
    Status s = refused("greeting", *greeting);
    close();
    return s;
  }
  Result<SmtpReply> ehlo = command("EHLO", "EHLO " + options.helo_name);
  if (!ehlo.is_ok()) return ehlo.status();
  if (ehlo->code == 250) {
    read_extensions(*ehlo);
    return Status::ok();
  }
  if (ehlo->code < 500) {
    Status s = refused("EHLO", *ehlo);
    close();
    return s;
  }
  Status helo = exchange("HELO", "HELO " + options.helo_name, 250);
  if (!helo.is_ok()) close();
  return helo;
}

Status SmtpClient::Impl::transaction(const OutgoingMail& mail) {
  std::string mail_from = "MAIL FROM:<" + mail.from + ">";
  if (size_max != 0) mail_from += " SIZE=" + std::to_string(mail.data.size());
  if (Status s = exchange("MAIL FROM", mail_from, 250); !s.is_ok()) return s;
  for (const auto& to : mail.to) {
    if (Status s = exchange("RCPT TO <" + to + ">", "RCPT TO:<" + to + ">", 250, 251); !s.is_ok()) return s;
  }
  if (Status s = exchange("DATA", "DATA", 354); !s.is_ok()) return s;
  if (Status s = write("message data", smtp_data_payload(mail.data)); !s.is_ok()) return s;
  Result<SmtpReply> accepted = read_reply("end of data");
  if (!accepted.is_ok()) return accepted.status();
  return accepted->code == 250 ? Status::ok() : refused("end of data", *accepted);
}

SmtpClient::SmtpClient(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
SmtpClient::~SmtpClient() { impl_->close(); }

Status SmtpClient::connect() {
  impl_->close();
  if (Status s = impl_->open_socket(); !s.is_ok()) return s;
  return impl_->greet();
}

bool SmtpClient::connected() const { return impl_->connected; }
uint64_t SmtpClient::server_size_max() const { return impl_->size_max; }

Status SmtpClient::send(const OutgoingMail& mail) {
  if (Status s = check_envelope(mail); !s.is_ok()) return s;
  if (!impl_->connected) return Status::failed_precondition(impl_->where() + ": not connected");
  if (impl_->size_max != 0 && mail.data.size() > impl_->size_max) {
    return Status::failed_precondition(impl_->where() + ": message of " + std::to_string(mail.data.size()) +
                                       " bytes exceeds the server's SIZE " + std::to_string(impl_->size_max));
  }
  Status sent = impl_->transaction(mail);
  // A refused transaction is reset so the next message starts clean; a
  // server that will not reset is given up.
  if (!sent.is_ok() && impl_->connected && !impl_->exchange("RSET", "RSET", 250).is_ok()) impl_->close();
  return sent;
}

void SmtpClient::quit() {
  if (!impl_->connected) return;
  Result<SmtpReply> bye = impl_->command("QUIT", "QUIT");
  bye.status().ignore_error();  // the messages are already accepted or refused
  impl_->close();
}

Result<std::vector<Status>> send_mails(const SmtpOptions& options, const std::vector<OutgoingMail>& mails) {
  std::vector<Status> results;
  results.reserve(mails.size());
  const auto fail_the_rest = [&](const Status& why) {
    while (results.size() < mails.size()) results.push_back(why);
  };
  SmtpClient client(options);
  while (results.size() < mails.size()) {
    if (Status s = client.connect(); !s.is_ok()) {
      if (results.empty()) return s;
      fail_the_rest(s);
      break;
    }
    for (uint32_t n = 0; n < kSmtpMessagesPerConnectionMax && results.size() < mails.size(); ++n) {
      results.push_back(client.send(mails[results.size()]));
      if (!client.connected()) fail_the_rest(Status::unavailable("not sent: " + results.back().message()));
    }
    client.quit();
  }
  return results;
}

}  // namespace tessera::server
