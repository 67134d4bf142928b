// CLI parsing: the subcommand table, option checks, and command building.
#include "tools/cli/cli_args.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "engine/limits.h"
#include "tools/cli/cli_time.h"
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
  std::vector<std::string_view> repeated = {};  // options that may be given many times (also required/optional)
  uint32_t positionals_max = 0;                 // positional arguments accepted (e.g. orders)
};

constexpr uint32_t kManyOrders = kBulkOrdersMax;

// The follow-up screen's filters, shared by follow-up, release-preview and release-all.
const std::vector<std::string_view> kFilterRequired = {"type", "due", "season", "family"};
const std::vector<std::string_view> kFilterOptional = {"product", "performance", "contingent", "tariff", "category",
                                                       "channel", "contact", "contact-type", "key"};
const std::vector<std::string_view> kFilterRepeated = {"tariff", "category", "contact-type"};

std::vector<std::string_view> joined(std::vector<std::string_view> a, const std::vector<std::string_view>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

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
      // lock / unlock / mark: --order O (one order) or ORDER... (a selection, per-order outcomes).
      {"lock", {}, {"order", "key"}, {}, {}, kManyOrders},
      {"unlock", {}, {"order", "key"}, {}, {}, kManyOrders},
      {"mark", {}, {"order", "key"}, {"keep", "release"}, {}, kManyOrders},
      {"order", {"order"}, {}, {}},
      {"stats", {}, {}, {}},
      // Back office: follow-up screen.
      {"follow-up", kFilterRequired, joined(kFilterOptional, {"after", "limit"}), {}, kFilterRepeated},
      {"release-preview", kFilterRequired, kFilterOptional, {}, kFilterRepeated},
      {"release-all", kFilterRequired, kFilterOptional, {}, kFilterRepeated},
      {"release-selected", {}, {"key"}, {}, {}, kManyOrders},
      {"remind", {"format", "delivery"}, {"key"}, {}, {}, kManyOrders},
      {"set-file", {}, {"key"}, {}, {}, 2},
      {"contact add", {"id", "number", "name", "type"}, {"first-name", "email", "key"}, {}, {"type"}},
      {"contact update", {"id", "number", "name", "type"}, {"first-name", "email", "key"}, {}, {"type"}},
      // Subscriptions and reminder runs.
      {"series add", {"id", "name"}, {"key"}, {}},
      {"issue add", {"series", "id", "date", "name"}, {"key"}, {}},
      {"format add", {"id", "name", "separator", "extension", "field"}, {"key"}, {"title-in-file-name"}, {"field"}},
      {"subscribe", {"id", "series", "subscriber", "ends"}, {"payer", "key"}, {}},
      {"renew", {"id", "ends"}, {"key"}, {}},
      {"run start", {"id", "series", "issue", "audience", "format", "delivery"}, {"key"}, {}, {"issue"}},
      {"run show", {"id"}, {}, {}},
      {"run validate", {"id"}, {"key"}, {}},
      {"run cancel", {"id"}, {"key"}, {}},
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
  // Every value of a repeated numeric option.
  template <typename T>
  std::vector<T> list(std::string_view name) {
    std::vector<T> out;
    for (const std::string& text : a_.values(name)) {
      T v{};
      keep(parse_number(cat("--", std::string(name)), text, &v));
      out.push_back(v);
    }
    return out;
  }
  // A date (YYYY-MM-DD: start or end of that day, UTC) or ms since the epoch.
  int64_t date(std::string_view name, DayPart part) {
    const auto it = a_.options.find(name);
    if (it == a_.options.end()) return 0;
    auto ms = parse_date_ms(cat("--", std::string(name)), it->second, part);
    keep(ms.status());
    return ms.is_ok() ? *ms : 0;
  }
  // One of the named choices of an option.
  template <typename T>
  T choice(std::string_view name, std::string_view text, const std::vector<std::pair<std::string_view, T>>& choices) {
    std::string names;
    for (const auto& [n, v] : choices) {
      if (n == text) return v;
      names += cat(names.empty() ? "" : ", ", n);
    }
    fail(cat("--", std::string(name), ": '", std::string(text), "' is not one of ", names));
    return choices.front().second;
  }
  template <typename T>
  T choice(std::string_view name, const std::vector<std::pair<std::string_view, T>>& choices) {
    const auto it = a_.options.find(name);
    return it == a_.options.end() ? choices.front().second : choice(name, it->second, choices);
  }
  void keep(const Status& s) {
    if (!s.is_ok() && error_.is_ok()) error_ = s;
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

// ---- Back office ----------------------------------------------------------------

template <typename T>
using Choices = std::vector<std::pair<std::string_view, T>>;

const Choices<BookingKind> kKindNames = {{"option", BookingKind::kOption}, {"reservation", BookingKind::kReservation}};
const Choices<Delivery> kDeliveryNames = {{"file", Delivery::kFile}, {"email", Delivery::kEmail}};
const Choices<Audience> kAudienceNames = {{"direct", Audience::kDirect}, {"third-party", Audience::kThirdParty}};
const Choices<uint8_t> kContactTypeNames = {
    {"individual", kContactIndividual}, {"organisation", kContactOrganisation}, {"guide", kContactGuide},
    {"supplier", kContactSupplier},     {"partner", kContactPartner},           {"producer", kContactProducer},
    {"support", kContactSupport}};
const Choices<ReminderField> kFieldNames = {
    {"contact-number", ReminderField::kContactNumber}, {"last-name", ReminderField::kLastName},
    {"first-name", ReminderField::kFirstName},         {"email", ReminderField::kEmail},
    {"payer-number", ReminderField::kPayerNumber},     {"payer-name", ReminderField::kPayerName},
    {"series", ReminderField::kSeries},                {"subscription", ReminderField::kSubscription},
    {"end-date", ReminderField::kEndDate},             {"last-issue", ReminderField::kLastIssue},
    {"reminder-rank", ReminderField::kReminderRank},   {"order-number", ReminderField::kOrderNumber},
    {"file-number", ReminderField::kFileNumber},       {"deadline", ReminderField::kDeadline},
    {"amount", ReminderField::kAmount},                {"product", ReminderField::kProduct},
    {"performance-date", ReminderField::kPerformanceDate}, {"quantity", ReminderField::kQuantity}};
static_assert(kReminderFieldCount == 18, "name the new reminder field in kFieldNames");

uint8_t contact_types(const CliArgs& a, Options& o, std::string_view name) {
  uint8_t bits = 0;
  for (const std::string& t : a.values(name)) bits |= o.choice(name, t, kContactTypeNames);
  return bits;
}

FollowUpFilter filter_of(const CliArgs& a, Options& o) {
  FollowUpFilter f;
  f.kind = o.choice("type", kKindNames);
  f.due_until_ms = o.date("due", DayPart::kEnd);
  f.season = o.get<SeasonId>("season");
  f.family = o.get<ProductFamilyId>("family");
  f.product = o.get<ProductId>("product", kNone);
  f.performance = o.get<PerformanceId>("performance", kNone);
  f.contingent = o.get<ContingentId>("contingent", kNone);
  f.tariffs = o.list<TariffId>("tariff");
  f.categories = o.list<CategoryId>("category");
  f.channel = o.get<ChannelId>("channel", kNone);
  f.contact = o.get<ContactId>("contact", kNone);
  f.contact_types = contact_types(a, o, "contact-type");
  return f;
}

// --after due:order:line (printed by follow-up under a page that has more).
Result<FollowUpCursor> cursor_of(std::string_view text) {
  FollowUpCursor c;
  const size_t first = text.find(':'), second = text.find(':', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos ||
      !parse_number("--after", text.substr(0, first), &c.due_ms).is_ok() ||
      !parse_number("--after", text.substr(first + 1, second - first - 1), &c.order).is_ok() ||
      !parse_number("--after", text.substr(second + 1), &c.line).is_ok())
    return Status::invalid_argument(cat("--after: '", std::string(text), "' is not a cursor due:order:line"));
  return c;
}

// The selection: --order O and/or ORDER... .
Result<std::vector<OrderId>> selection_of(const CliArgs& a, Options& o) {
  std::vector<OrderId> orders;
  if (a.has("order")) orders.push_back(o.get<OrderId>("order"));
  for (const std::string& text : a.positionals) {
    OrderId id = 0;
    if (Status s = parse_number("ORDER", text, &id); !s.is_ok()) return s;
    orders.push_back(id);
  }
  if (orders.empty()) return Status::invalid_argument(cat(a.subcommand, " needs the orders: ", a.subcommand, " ORDER... (or --order O)"));
  return orders;
}

template <typename Contact>
Contact contact_of(const CliArgs& a, Options& o) {
  auto text = [&](std::string_view name) { return a.has(name) ? a.options.find(name)->second : std::string(); };
  return Contact{o.get<ContactId>("id"), o.get<uint64_t>("number"), text("name"), text("first-name"), text("email"),
                 contact_types(a, o, "type")};
}

DefineReminderFormat format_of(const CliArgs& a, Options& o) {
  DefineReminderFormat f{o.get<uint32_t>("id"), a.options.at("name"), FormatType::kReminder, a.options.at("separator"),
                         a.options.at("extension"), a.has("title-in-file-name"), {}};
  for (const std::string& field : a.values("field")) f.columns.push_back(o.choice("field", field, kFieldNames));
  return f;
}

Result<CommandBody> build_selection(const CliArgs& a, Options& o) {
  const std::string& s = a.subcommand;
  auto orders = selection_of(a, o);
  if (!orders.is_ok()) return orders.status();
  if (s == "mark") {
    if (a.has("keep") == a.has("release")) return Status::invalid_argument("mark needs exactly one of --keep or --release");
    return CommandBody{MarkOrders{std::move(*orders), a.has("keep") ? ReleaseMark::kKeep : ReleaseMark::kRelease}};
  }
  if (s == "lock" || s == "unlock") return CommandBody{LockOrders{std::move(*orders), s == "lock"}};
  if (s == "release-selected") return CommandBody{ReleaseOrders{std::move(*orders)}};
  return CommandBody{RemindOrders{std::move(*orders), o.get<uint32_t>("format"), o.choice("delivery", kDeliveryNames)}};
}

// The back-office subcommands; nullopt for the others.
std::optional<Result<CommandBody>> build_back_office(const CliArgs& a, Options& o) {
  const std::string& s = a.subcommand;
  const bool one_order = (s == "lock" || s == "unlock" || s == "mark") && a.positionals.empty() && a.has("order");
  if (s == "lock" || s == "unlock" || s == "mark" || s == "release-selected" || s == "remind") {
    if (one_order) return std::nullopt;  // SetLock / SetReleaseMark, as before selections existed
    return build_selection(a, o);
  }
  if (s == "follow-up") {
    FollowUpCursor after;
    if (a.has("after")) {
      auto c = cursor_of(a.options.at("after"));
      if (!c.is_ok()) return c.status();
      after = *c;
    }
    return CommandBody{QueryFollowUp{filter_of(a, o), after, o.get<uint32_t>("limit", kFollowUpRowsMax)}};
  }
  if (s == "release-preview") return CommandBody{PreviewRelease{filter_of(a, o)}};
  if (s == "release-all") return CommandBody{ReleaseAll{filter_of(a, o)}};
  if (s == "set-file") {
    if (a.positionals.size() != 2) return Status::invalid_argument("set-file ORDER FILE");
    OrderId order = 0;
    uint64_t file = 0;
    if (Status st = parse_number("ORDER", a.positionals[0], &order); !st.is_ok()) return st;
    if (Status st = parse_number("FILE", a.positionals[1], &file); !st.is_ok()) return st;
    return CommandBody{SetOrderFile{order, file}};
  }
  if (s == "contact add") return CommandBody{contact_of<DefineContact>(a, o)};
  if (s == "contact update") return CommandBody{contact_of<UpdateContact>(a, o)};
  if (s == "series add") return CommandBody{DefineSeries{o.get<SeriesId>("id"), a.options.at("name")}};
  if (s == "issue add")
    return CommandBody{DefineIssue{o.get<SeriesId>("series"), o.get<IssueId>("id"), o.date("date", DayPart::kStart),
                                   a.options.at("name")}};
  if (s == "format add") return CommandBody{format_of(a, o)};
  if (s == "subscribe")
    return CommandBody{Subscribe{o.get<SubscriptionId>("id"), o.get<SeriesId>("series"), o.get<ContactId>("subscriber"),
                                 o.get<ContactId>("payer", kNone), o.date("ends", DayPart::kEnd)}};
  if (s == "renew") return CommandBody{RenewSubscription{o.get<SubscriptionId>("id"), o.date("ends", DayPart::kEnd)}};
  if (s == "run start")
    return CommandBody{StartReminderRun{o.get<RunId>("id"), o.get<SeriesId>("series"), o.list<IssueId>("issue"),
                                        o.choice("audience", kAudienceNames), o.get<uint32_t>("format"),
                                        o.choice("delivery", kDeliveryNames)}};
  if (s == "run show") return CommandBody{GetReminderRun{o.get<RunId>("id")}};
  if (s == "run validate") return CommandBody{ValidateReminderRun{o.get<RunId>("id")}};
  if (s == "run cancel") return CommandBody{CancelReminderRun{o.get<RunId>("id")}};
  return std::nullopt;
}

Result<CommandBody> build_body(const CliArgs& a, int64_t now_ms, Options& o) {
  const std::string& s = a.subcommand;
  if (auto back_office = build_back_office(a, o)) return std::move(*back_office);
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

const std::vector<std::string>& CliArgs::values(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  const auto it = lists.find(name);
  return it == lists.end() ? kEmpty : it->second;
}

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

Back office (backoffice token):
  follow-up FILTERS [--after DUE:ORDER:LINE] [--limit N (100)]
                                    options / reservations by deadline, at most 100 rows a page
  release-preview FILTERS           what release-all would release now (counts, stock per performance)
  release-all FILTERS               release every matching order marked release and not locked
    FILTERS: --type option|reservation --due YYYY-MM-DD|MS --season N --family N [--product N]
             [--performance N] [--contingent N] [--tariff N]... [--category N]... [--channel N]
             [--contact N] [--contact-type individual|organisation|guide|supplier|partner|producer|support]...
             (--due YYYY-MM-DD = up to the end of that day, UTC)
  mark --keep|--release ORDER...    lock ORDER... / unlock ORDER...   per-order outcomes
  release-selected ORDER...         release the selected orders marked release (kept, locked are skipped)
  remind --format N --delivery file|email ORDER...
  set-file ORDER FILE               file an order under a file number
  contact add|update --id N --number N --name LAST [--first-name X] [--email X]
                     --type individual|organisation [--type partner ...]
  series add --id N --name X        issue add --series N --id N --date YYYY-MM-DD --name X
  format add --id N --name X --separator ';' --extension csv [--title-in-file-name] --field F...
             (fields: contact-number last-name first-name email payer-number payer-name series
              subscription end-date last-issue reminder-rank order-number file-number deadline
              amount product performance-date quantity)
  subscribe --id N --series N --subscriber N [--payer N] --ends YYYY-MM-DD
  renew --id N --ends YYYY-MM-DD
  run start --id N --series N --issue N... --audience direct|third-party --format N --delivery file|email
  run show --id N / run validate --id N / run cancel --id N
Repeated options take one value each time or a comma list (--tariff 11,12).

--tariff defaults to the demo venue's full tariff of the performance's product
(11, 21, 31 for performances 1000.., 2000.., 3000..; 11 otherwise). Every order
command takes --key K (a request key: a retry with the same key is applied once).

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
      if (sub) {
        if (a.positionals.size() >= sub->positionals_max)
          return Status::invalid_argument(cat("unexpected argument '", std::string(arg), "'"));
        a.positionals.emplace_back(arg);
        continue;
      }
      if (arg == "help") {
        a.help = true;
        continue;
      }
      std::string name(arg);
      sub = find_subcommand(name);
      if (!sub && i + 1 < argc && find_subcommand(cat(name, " ", argv[i + 1]))) {
        name = cat(name, " ", argv[++i]);  // a two-word subcommand ("run start")
        sub = find_subcommand(name);
      }
      if (!sub) return Status::invalid_argument(cat("unknown subcommand '", name, "'"));
      a.subcommand = name;
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
      if (a.has(name) && !contains(sub->repeated, name))
        return Status::invalid_argument(cat(sub->name, ": --", std::string(name), " given twice"));
      a.options[std::string(name)] = *v;
      if (contains(sub->repeated, name)) {
        auto& list = a.lists[std::string(name)];
        for (size_t start = 0; start <= v->size();) {  // "11,12" = two values
          const size_t comma = std::min(v->find(',', start), v->size());
          list.push_back(v->substr(start, comma - start));
          start = comma + 1;
        }
      }
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
