// CLI parsing: the subcommand table, option checks, and command building.
#include "tools/cli/cli_args.h"

#include <algorithm>
#include <charconv>

#include "workload/demo_venue.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Subcommand {
  std::string_view name;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
  std::vector<std::string_view> flags;
};

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"setup-demo", {}, {}, {}},
      {"availability", {"performance"}, {"category", "channel", "contingent", "contact"}, {}},
      {"hold", {"performance", "category", "quantity"}, {"ttl-ms", "channel", "contact", "key", "tariff", "contingent"}, {}},
      {"extend", {"order", "ttl-ms"}, {"key"}, {}},
      {"option", {"order"}, {"deadline-ms", "days", "key"}, {}},
      {"reservation", {"order"}, {"deadline-ms", "days", "key"}, {}},
      {"book", {"performance", "category", "quantity"},
       {"kind", "deadline-ms", "days", "channel", "contact", "key", "tariff", "contingent"}, {}},
      {"confirm", {"order"}, {"keep", "key"}, {}},
      {"release", {"order"}, {"key"}, {}},
      {"cancel", {"order"}, {"key"}, {}},
      {"archive", {"order"}, {"key"}, {}},
      {"reinstate", {"order"}, {"deadline-ms", "days", "key"}, {}},
      {"lock", {"order"}, {"key"}, {}},
      {"unlock", {"order"}, {"key"}, {}},
      {"mark", {"order"}, {"key"}, {"keep", "release"}},
      {"order", {"order"}, {}, {}},
      {"stats", {}, {}, {}},
  };
  return table;
}

const Subcommand* find_subcommand(std::string_view name) {
  for (const Subcommand& s : subcommands())
    if (s.name == name) return &s;
  return nullptr;
}

bool contains(const std::vector<std::string_view>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename T>
Status parse_number(std::string_view what, std::string_view text, T* out) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return Status::invalid_argument(cat(what, ": '", std::string(text), "' is not a valid number"));
  *out = v;
  return Status::ok();
}

// Typed access to the subcommand's options.
class Options {
 public:
  explicit Options(const CliArgs& a) : a_(a) {}
  template <typename T>
  T get(std::string_view name, T fallback = T{}) {
    const auto it = a_.options.find(name);
    if (it == a_.options.end()) return fallback;
    T v = fallback;
    if (Status s = parse_number(cat("--", std::string(name)), it->second, &v); !s.is_ok() && error_.is_ok()) error_ = s;
    return v;
  }
  // --deadline-ms (absolute, ms since the epoch) or --days (from now).
  int64_t deadline(int64_t now_ms) {
    if (a_.has("deadline-ms") && a_.has("days")) fail("give --deadline-ms or --days, not both");
    if (a_.has("deadline-ms")) return get<int64_t>("deadline-ms");
    if (a_.has("days")) return now_ms + get<int64_t>("days") * kDayMs;
    fail(cat(a_.subcommand, " needs --deadline-ms MS (ms since the epoch) or --days N"));
    return 0;
  }
  void fail(std::string message) {
    if (error_.is_ok()) error_ = Status::invalid_argument(std::move(message));
  }
  const Status& error() const { return error_; }

 private:
  const CliArgs& a_;
  Status error_;
};

// The demo venue's full tariff of the performance's product (1000.. -> 11,
// 2000.. -> 21, 3000.. -> 31); product 1's otherwise (tessera-load's own
// performances are of product 1).
TariffId default_tariff(PerformanceId performance) {
  const ProductId product = performance / 1000;
  return workload::demo_tariff(product >= 1 && product <= 3 ? product : 1, 1);
}

LineRequest line(Options& o) {
  const PerformanceId p = o.get<PerformanceId>("performance");
  return LineRequest{p, o.get<CategoryId>("category"), o.get<TariffId>("tariff", default_tariff(p)),
                     o.get<uint32_t>("quantity"), o.get<ContingentId>("contingent", kNone)};
}

Result<std::vector<uint32_t>> parse_keep(std::string_view text) {
  std::vector<uint32_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    uint32_t q = 0;
    if (Status s = parse_number("--keep", text.substr(start, comma - start), &q); !s.is_ok()) return s;
    out.push_back(q);
    start = comma + 1;
  }
  return out;
}

Result<CommandBody> build_body(const CliArgs& a, int64_t now_ms, Options& o) {
  const std::string& s = a.subcommand;
  if (s == "availability")
    return CommandBody{GetAvailability{o.get<PerformanceId>("performance"), o.get<CategoryId>("category"),
                                       o.get<ContingentId>("contingent", kNone), o.get<ChannelId>("channel", workload::kWeb),
                                       o.get<ContactId>("contact", kNone)}};
  if (s == "hold")
    return CommandBody{Hold{o.get<ContactId>("contact", kNone), o.get<ChannelId>("channel", workload::kWeb), {line(o)},
                            o.get<int64_t>("ttl-ms", kHoldTtlMsDefault)}};
  if (s == "book") {
    BookingKind kind = BookingKind::kOption;
    if (a.has("kind")) {
      const std::string& k = a.options.at("kind");
      if (k == "reservation") kind = BookingKind::kReservation;
      else if (k != "option") return Status::invalid_argument("--kind: option or reservation");
    }
    return CommandBody{Book{kind, o.get<ContactId>("contact", kNone), o.get<ChannelId>("channel", workload::kBoxOffice),
                            {line(o)}, o.deadline(now_ms)}};
  }
  const OrderId order = o.get<OrderId>("order");
  if (s == "extend") return CommandBody{ExtendHold{order, o.get<int64_t>("ttl-ms")}};
  if (s == "option") return CommandBody{ConvertHold{order, BookingKind::kOption, o.deadline(now_ms)}};
  if (s == "reservation") return CommandBody{ConvertHold{order, BookingKind::kReservation, o.deadline(now_ms)}};
  if (s == "confirm") {
    std::vector<uint32_t> keep;
    if (a.has("keep")) {
      auto parsed = parse_keep(a.options.at("keep"));
      if (!parsed.is_ok()) return parsed.status();
      keep = std::move(parsed.value());
    }
    return CommandBody{Confirm{order, std::move(keep)}};
  }
  if (s == "release") return CommandBody{Release{order}};
  if (s == "cancel") return CommandBody{Cancel{order}};
  if (s == "archive") return CommandBody{Archive{order}};
  if (s == "reinstate") return CommandBody{Reinstate{order, o.deadline(now_ms)}};
  if (s == "lock") return CommandBody{SetLock{order, true}};
  if (s == "unlock") return CommandBody{SetLock{order, false}};
  if (s == "mark") {
    if (a.has("keep") == a.has("release")) return Status::invalid_argument("mark needs exactly one of --keep or --release");
    return CommandBody{SetReleaseMark{order, a.has("keep") ? ReleaseMark::kKeep : ReleaseMark::kRelease}};
  }
  if (s == "order") return CommandBody{GetOrder{order}};
  return Status::invalid_argument(cat("'", s, "' sends no command"));
}

}  // namespace

std::string cli_usage() {
  return R"(usage: tessera [global options] SUBCOMMAND [options]

Global options:
  --host H            server address (127.0.0.1)
  --port P            protocol port (7450)
  --admin-port P      admin HTTP port, for stats (7451)
  --token T           access token (default: $TESSERA_TOKEN)
  --json              one JSON object per reply (fields: command, code, order, state, value, message)
  --help              this text

Subcommands:
  setup-demo                        define the demo venue if absent (admin token)
  availability --performance P [--category C] [--channel CH (2 web)] [--contingent K] [--contact X]
                                    units available, per category (all categories if --category is absent)
  hold --performance P --category C --quantity N [--ttl-ms T (600000)] [--channel CH (2)]
       [--contact X] [--tariff T] [--contingent K] [--key K]
  extend --order O --ttl-ms T
  option --order O (--deadline-ms MS | --days N)        turn a hold into an option
  reservation --order O (--deadline-ms MS | --days N)   turn a hold into a reservation
  book --performance P --category C --quantity N (--deadline-ms MS | --days N)
       [--kind option|reservation] [--channel CH (1 box office)] [--contact X] [--tariff T] [--contingent K]
  confirm --order O [--keep q1,q2,...]   confirm; --keep: units kept per line, the rest returns
  release --order O                 release a hold, option or reservation
  cancel --order O                  cancel a confirmed order
  archive --order O                 archive an option/reservation (backoffice)
  reinstate --order O (--deadline-ms MS | --days N)   put an overdue order back (backoffice)
  lock --order O / unlock --order O (backoffice)
  mark --order O --keep|--release   release mark for the follow-up (backoffice)
  order --order O                   show an order
  stats                             key figures from http://HOST:ADMIN-PORT/metrics

--tariff defaults to the demo venue's full tariff of the performance's product
(11, 21, 31 for performances 1000.., 2000.., 3000..; 11 otherwise). Every order
command takes --key K (a request key: a retry with the same key is applied once).
Follow-up queries and mass release come with the back-office issue; they are not
in the server yet.

Exit codes: 0 ok, 1 refused by the server (sold out, not found, forbidden...),
2 usage error, 3 connection or server error.
)";
}

Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const char* env_token) {
  CliArgs a;
  if (env_token) a.token = env_token;
  const Subcommand* sub = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) {
      if (sub) return Status::invalid_argument(cat("unexpected argument '", std::string(arg), "'"));
      if (arg == "help") {
        a.help = true;
        continue;
      }
      sub = find_subcommand(arg);
      if (!sub) return Status::invalid_argument(cat("unknown subcommand '", std::string(arg), "'"));
      a.subcommand = std::string(arg);
      continue;
    }
    std::string_view name = arg.substr(2), value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto take_value = [&]() -> Result<std::string> {
      if (has_value) return std::string(value);
      if (i + 1 >= argc) return Status::invalid_argument(cat("--", std::string(name), " needs a value"));
      return std::string(argv[++i]);
    };
    if (name == "json" || name == "help") {
      if (has_value) return Status::invalid_argument(cat("--", std::string(name), " takes no value"));
      (name == "json" ? a.json : a.help) = true;
    } else if (name == "host" || name == "token" || name == "port" || name == "admin-port") {
      auto v = take_value();
      if (!v.is_ok()) return v.status();
      if (name == "host") a.host = *v;
      if (name == "token") a.token = *v;
      if (name == "port" || name == "admin-port") {
        uint16_t port = 0;
        if (Status s = parse_number(cat("--", std::string(name)), *v, &port); !s.is_ok() || port == 0)
          return Status::invalid_argument(cat("--", std::string(name), ": '", *v, "' is not a port"));
        (name == "port" ? a.port : a.admin_port) = port;
      }
    } else if (!sub) {
      return Status::invalid_argument(cat("unknown option --", std::string(name), " (subcommand options come after the subcommand)"));
    } else if (contains(sub->flags, name)) {
      if (has_value) return Status::invalid_argument(cat("--", std::string(name), " takes no value"));
      a.options[std::string(name)] = "";
    } else if (contains(sub->required, name) || contains(sub->optional, name)) {
      auto v = take_value();
      if (!v.is_ok()) return v.status();
      a.options[std::string(name)] = *v;
    } else {
      return Status::invalid_argument(cat(sub->name, ": unknown option --", std::string(name)));
    }
  }
  if (a.help) return a;
  if (!sub) return Status::invalid_argument("no subcommand (try tessera --help)");
  for (std::string_view r : sub->required)
    if (!a.has(r)) return Status::invalid_argument(cat(sub->name, ": missing --", std::string(r)));
  return a;
}

Result<std::vector<Command>> build_commands(const CliArgs& a, int64_t now_ms) {
  std::vector<Command> out;
  if (a.subcommand == "setup-demo" || a.subcommand == "stats") return out;
  Options o(a);
  const RequestKey key = o.get<RequestKey>("key", 0);
  if (a.subcommand == "availability" && !a.has("category")) {
    // Every category a performance may have (the engine has no listing yet).
    for (CategoryId c = 1; c <= kAvailabilityCategoriesMax; ++c)
      out.push_back(Command{0, GetAvailability{o.get<PerformanceId>("performance"), c,
                                               o.get<ContingentId>("contingent", kNone),
                                               o.get<ChannelId>("channel", workload::kWeb),
                                               o.get<ContactId>("contact", kNone)}});
  } else {
    auto body = build_body(a, now_ms, o);
    if (!body.is_ok()) return body.status();
    out.push_back(Command{key, std::move(body.value())});
  }
  if (!o.error().is_ok()) return o.error();
  return out;
}

}  // namespace tessera::tools
