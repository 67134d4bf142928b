// Test support for the e-mail suites (mailer, reminder export, server):
// real SMTP servers (Debian's python3-aiosmtpd, writing a Maildir) as child
// processes — a plain one, and one that requires STARTTLS or TLS and AUTH
// (smtp_relay_tls_auth.py) with a self-signed certificate made by openssl —
// a scripted fake SMTP server on a thread, a Maildir reader, and decoders
// for quoted-printable bodies and RFC 2047 headers.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/asio.h"

#ifndef TESSERA_AIOSMTPD_PYTHON
#error "TESSERA_AIOSMTPD_PYTHON must name a python3 with the aiosmtpd module (Debian: python3-aiosmtpd)"
#endif
#ifndef TESSERA_SMTP_TLS_RELAY
#error "TESSERA_SMTP_TLS_RELAY must name tests/mail/smtp_relay_tls_auth.py"
#endif

namespace tessera::testing_support {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A loopback port nobody listens on (bound, then released).
inline uint16_t free_loopback_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

inline bool port_accepts(uint16_t port) {
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

// Runs argv (argv[0] found on PATH) to its end, quietly; true iff it exits 0.
inline bool run_to_end(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  return pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A self-signed certificate for 127.0.0.1 and localhost (openssl req), in `dir`.
struct SelfSignedCertificate {
  std::string cert;  // PEM; also the CA file that trusts it
  std::string key;
};
inline SelfSignedCertificate make_self_signed_certificate(const std::string& dir) {
  SelfSignedCertificate c{dir + "/relay-cert.pem", dir + "/relay-key.pem"};
  const bool made = run_to_end({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                "-nodes", "-keyout", c.key, "-out", c.cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  EXPECT_TRUE(made) << "openssl req failed (is openssl installed?)";
  return c;
}

// What the TLS relay requires.
struct TlsRelaySettings {
  SelfSignedCertificate certificate;
  bool smtps = false;  // TLS from the first byte; else STARTTLS required
  std::string user;
  std::string password;
};

// Debian's aiosmtpd as a child process on a loopback port, delivering into
// a Maildir; killed at destruction. The plain one is `python3 -m aiosmtpd`
// with the Mailbox handler; the TLS one runs smtp_relay_tls_auth.py.
class AiosmtpdProcess {
 public:
  explicit AiosmtpdProcess(const std::string& maildir) : port_(free_loopback_port()) {
    start({"-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_), "-c", "aiosmtpd.handlers.Mailbox",
           maildir});
  }
  AiosmtpdProcess(const std::string& maildir, const TlsRelaySettings& tls) : port_(free_loopback_port()) {
    start({TESSERA_SMTP_TLS_RELAY, "--port", std::to_string(port_), "--maildir", maildir, "--cert",
           tls.certificate.cert, "--key", tls.certificate.key, "--tls", tls.smtps ? "smtps" : "starttls", "--user",
           tls.user, "--password", tls.password});
  }
  ~AiosmtpdProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  AiosmtpdProcess(const AiosmtpdProcess&) = delete;
  AiosmtpdProcess& operator=(const AiosmtpdProcess&) = delete;
  bool ready() const { return ready_; }
  uint16_t port() const { return port_; }

 private:
  void start(std::vector<std::string> python_args) {
    python_args.insert(python_args.begin(), "python3");
    std::vector<char*> args;
    for (std::string& a : python_args) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      // A test that aborts (ASan) skips the destructor: the relay must not
      // outlive it, holding ctest's output pipe open so ctest never ends.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::execv(TESSERA_AIOSMTPD_PYTHON, args.data());
      ::_exit(127);
    }
    // Generous: the interpreter's start-up is slow on a loaded machine.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "aiosmtpd exited (status " << status << "); is python3-aiosmtpd installed?";
        return;
      }
      if (port_accepts(port_)) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "aiosmtpd did not listen on 127.0.0.1:" << port_;
  }

  pid_t pid_ = -1;
  uint16_t port_;
  bool ready_ = false;
};

// One message of a Maildir: headers (names lower-cased, folded lines
// joined) and the raw body with "\n" line ends.
struct ReceivedMail {
  std::map<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline ReceivedMail parse_mail(const std::string& text) {
  ReceivedMail mail;
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !last.empty()) {
      mail.headers[last] += line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    last = line.substr(0, colon);
    for (char& c : last) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    mail.headers[last] = line.substr(line.find_first_not_of(' ', colon + 1) == std::string::npos
                                         ? line.size()
                                         : line.find_first_not_of(' ', colon + 1));
  }
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    mail.body += line + "\n";
  }
  return mail;
}

// Every message delivered into the Maildir (new/ and cur/), in no order.
inline std::vector<ReceivedMail> read_maildir(const std::string& dir) {
  std::vector<ReceivedMail> mails;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/" + sub, ec)) {
      std::ifstream file(entry.path(), std::ios::binary);
      std::stringstream text;
      text << file.rdbuf();
      mails.push_back(parse_mail(text.str()));
    }
  }
  return mails;
}

inline std::string decode_quoted_printable(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;  // soft line break
    } else if (i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

inline std::string decode_base64(const std::string& text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// Decodes "=?UTF-8?B?...?=" words (whitespace between words dropped).
inline std::string decode_header(const std::string& value) {
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    const size_t start = value.find("=?UTF-8?B?", i);
    if (start == std::string::npos) {
      out += value.substr(i);
      break;
    }
    const std::string between = value.substr(i, start - i);
    if (between.find_first_not_of(" \t\r\n") != std::string::npos) out += between;
    const size_t end = value.find("?=", start + 10);
    out += decode_base64(value.substr(start + 10, end - start - 10));
    i = end + 2;
  }
  return out;
}

// A scripted SMTP server on a loopback port, one connection at a time on
// its own thread. `reply` answers each command line (without CRLF) with
// the full reply text (CRLF included); after a 354 the data up to "." is
// collected into `messages` and answered with `data_reply`. An empty
// greeting means the server never speaks.
class FakeSmtpServer {
 public:
  using Reply = std::function<std::string(const std::string& line)>;
  FakeSmtpServer(std::string greeting, Reply reply, std::string data_reply = "250 accepted\r\n")
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        greeting_(std::move(greeting)),
        reply_(std::move(reply)),
        data_reply_(std::move(data_reply)),
        thread_([this] { serve(); }) {}
  ~FakeSmtpServer() {
    stopping_ = true;
    static_cast<void>(port_accepts(port()));  // wakes the blocking accept
    thread_.join();
  }
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> commands() {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  void serve() {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      session(socket);
    }
  }

  bool read_line(tcp::socket& socket, std::string& buffer, std::string& line) {
    boost::system::error_code ec;
    const size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n", ec);
    if (ec) return false;
    line = buffer.substr(0, n - 2);
    buffer.erase(0, n);
    return true;
  }

  void send(tcp::socket& socket, const std::string& text) {
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(text), ec);
  }

  void session(tcp::socket& socket) {
    if (!greeting_.empty()) send(socket, greeting_);
    std::string buffer, line;
    while (read_line(socket, buffer, line)) {
      {
        std::lock_guard lock(mutex_);
        commands_.push_back(line);
      }
      const std::string answer = reply_(line);
      send(socket, answer);
      if (answer.rfind("221", 0) == 0) return;
      if (answer.rfind("354", 0) == 0) {
        std::string data;
        while (read_line(socket, buffer, line) && line != ".") data += line + "\r\n";
        std::lock_guard lock(mutex_);
        messages_.push_back(data);
        send(socket, data_reply_);
      }
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string greeting_;
  Reply reply_;
  std::string data_reply_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::string> commands_;
  std::vector<std::string> messages_;
  std::thread thread_;
};

}  // namespace tessera::testing_support
