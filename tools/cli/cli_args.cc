// The tessera CLI on CLI11: the subcommand table (path, description, and a
// function that declares the options and returns what builds the
// commands), the options shared by several subcommands, and parsing.
//
// Each subcommand binds its options to values of its own (often the fields
// of the command it sends), so defaults differ per subcommand without
// flags set around a loop, and a value given to one subcommand can never
// leak into another.
#include "tools/cli/cli_args.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include "base/durable_file.h"
#include "directory/contact_csv.h"
#include "engine/limits.h"
#include "tools/cli/cli_time.h"
#include "tools/options/typed_options.h"
#include "workload/demo_venue.h"

namespace tessera::tools {

using namespace tessera::engine;
namespace opt = tessera::options;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr uint32_t kManyOrders = kBulkOrdersMax;

using Build = std::function<CliCommands(int64_t now_ms)>;

CliCommands one(RequestKey key, CommandBody body) { return std::vector<Command>{Command{key, std::move(body)}}; }

// ---- Choices ------------------------------------------------------------------

const opt::Choices<BookingKind> kKinds = {{"option", BookingKind::kOption}, {"reservation", BookingKind::kReservation}};
const opt::Choices<Delivery> kDeliveries = {{"file", Delivery::kFile}, {"email", Delivery::kEmail}};
const opt::Choices<Delivery> kRunDeliveries = {
    {"file", Delivery::kFile}, {"email", Delivery::kEmail}, {"review", Delivery::kReview}};
const opt::Choices<Role> kRoles = {
    {"webshop", Role::kWebshop}, {"backoffice", Role::kBackoffice}, {"admin", Role::kAdmin}};
const opt::Choices<Audience> kAudiences = {{"direct", Audience::kDirect}, {"third-party", Audience::kThirdParty}};
const opt::Choices<DocumentKind> kDocuments = {{"order-reminder", DocumentKind::kOrderReminder},
                                               {"subscription-reminder", DocumentKind::kSubscriptionReminder},
                                               {"third-party-reminder", DocumentKind::kThirdPartyReminder}};
// clang-format off
const opt::Choices<uint8_t> kContactTypes = {
    {"individual", kContactIndividual}, {"organisation", kContactOrganisation}, {"guide", kContactGuide},
    {"supplier", kContactSupplier},     {"partner", kContactPartner},           {"producer", kContactProducer},
    {"support", kContactSupport}};
const opt::Choices<ReminderField> kFields = {
    {"contact-number", ReminderField::kContactNumber}, {"last-name", ReminderField::kLastName},
    {"first-name", ReminderField::kFirstName},         {"email", ReminderField::kEmail},
    {"payer-number", ReminderField::kPayerNumber},     {"payer-name", ReminderField::kPayerName},
    {"series", ReminderField::kSeries},                {"subscription", ReminderField::kSubscription},
    {"end-date", ReminderField::kEndDate},             {"last-issue", ReminderField::kLastIssue},
    {"reminder-rank", ReminderField::kReminderRank},   {"order-number", ReminderField::kOrderNumber},
    {"file-number", ReminderField::kFileNumber},       {"deadline", ReminderField::kDeadline},
    {"amount", ReminderField::kAmount},                {"product", ReminderField::kProduct},
    {"performance-date", ReminderField::kPerformanceDate}, {"quantity", ReminderField::kQuantity},
    {"street", ReminderField::kStreet},                {"postcode", ReminderField::kPostcode},
    {"city", ReminderField::kCity},                    {"country", ReminderField::kCountry}};
// clang-format on

}  // namespace

std::string_view reminder_field_option(ReminderField field) {
  for (const auto& [name, value] : kFields)
    if (value == field) return name;
  return "?";
}

namespace {
static_assert(kReminderFieldCount == 22, "name the new reminder field in kFields");

// ---- Option kinds beyond numbers and choices -------------------------------------

// An option whose text `parse` (text -> Result<T>) turns into `into`; a
// refusal is the usage error, without the option's name repeated.
template <typename T, typename Parse>
CLI::Option* add_parsed(CLI::App& s, const std::string& name, T& into, Parse parse, std::string help) {
  const auto check = [name, parse](const std::string& text) -> std::string {
    auto parsed = parse(text);
    if (parsed.is_ok()) return {};
    const std::string& why = parsed.status().message();
    return why.rfind(name + ": ", 0) == 0 ? why.substr(name.size() + 2) : why;
  };
  return s
      .add_option_function<std::string>(
          name, [&into, parse](const std::string& text) { into = std::move(parse(text).value()); }, std::move(help))
      ->check(check);
}

// Dates typed on the line are days of the organisation's time zone, which
// the server names in its HelloReply: checked for their shape while parsing,
// turned into ms once the zone is known (CliArgs::dates, resolve_dates).
// parse_cli_args points this at the CliArgs being declared.
// Each with the subcommand that declared it: only the one on the line keeps its own.
thread_local std::vector<std::pair<const CLI::App*, CliArgs::DateResolver>>* t_dates = nullptr;

void defer_date(const CLI::App& s, CliArgs::DateResolver resolve) {
  if (t_dates) t_dates->emplace_back(&s, std::move(resolve));
}

// A date: YYYY-MM-DD or DD.MM.YYYY (the start or end of that day in the
// organisation's zone) or ms since the epoch.
CLI::Option* add_date(CLI::App& s, const std::string& name, int64_t& into, DayPart part, std::string help) {
  auto text = std::make_shared<std::string>();
  defer_date(s, [name, part, text, &into](const LocalTime& local) -> Status {
    if (text->empty()) return Status::ok();
    auto ms = parse_date_ms(name, *text, part, local);
    if (!ms.is_ok()) return ms.status();
    into = *ms;
    return Status::ok();
  });
  return add_parsed(
             s, name, *text,
             [name, part](const std::string& t) -> Result<std::string> {
               if (auto ms = parse_date_ms(name, t, part); !ms.is_ok()) return ms.status();
               return t;
             },
             std::move(help))
      ->type_name("YYYY-MM-DD|DD.MM.YYYY|MS");
}

// Named bits, repeated: every value given is OR-ed into `into`.
CLI::Option* add_type_bits(CLI::App& s, const std::string& name, uint8_t& into, std::string help) {
  return s
      .add_option_function<std::vector<std::string>>(
          name,
          [&into](const std::vector<std::string>& names) {
            for (const std::string& n : names) into |= opt::choice_value(kContactTypes, n);
          },
          std::move(help))
      ->check(opt::one_of(kContactTypes))
      ->delimiter(',')
      ->type_name(opt::choice_names(kContactTypes));
}

// An amount as a person types it: 42, 42.5, 42.50, 42,50 or -12.30 (a
// refund), to the cent; more than two decimals is refused, never rounded.
Result<int64_t> parse_amount_cents(const std::string& name, std::string_view text) {
  const std::string_view typed = text;
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = std::min(text.find('.'), text.find(','));
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  int64_t units = 0, cents = 0;
  const bool ok = !whole.empty() && whole.size() <= 12 && opt::parse_decimal(whole, &units).empty() &&
                  (dot == std::string_view::npos ||
                   (!fraction.empty() && fraction.size() <= 2 && opt::parse_decimal(fraction, &cents).empty())) &&
                  whole.front() != '+' && (fraction.empty() || fraction.front() != '+');
  if (!ok)
    return Status::invalid_argument(
        cat(name, ": '", std::string(typed), "' is not an amount (like 42, 42.50 or -12.30)"));
  if (fraction.size() == 1) cents *= 10;
  const int64_t total = units * 100 + cents;
  return negative ? -total : total;
}

CLI::Option* add_amount(CLI::App& s, const std::string& name, int64_t& into, std::string help) {
  return add_parsed(
             s, name, into, [name](const std::string& t) { return parse_amount_cents(name, t); }, std::move(help))
      ->type_name("AMOUNT");
}

// --keep q1,q2,...: one quantity per line of the order, none left out.
Result<std::vector<uint32_t>> parse_keep(std::string_view text) {
  std::vector<uint32_t> out;
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    uint32_t quantity = 0;
    if (!opt::parse_decimal(text.substr(start, comma - start), &quantity).empty())
      return Status::invalid_argument(cat("'", std::string(text), "' is not a list of quantities q1,q2,..."));
    out.push_back(quantity);
    start = comma + 1;
  }
  return out;
}

// A page cursor the CLI printed (cursor_text): three numbers, A:B:C.
template <typename A, typename B, typename C>
bool parse_cursor_parts(std::string_view text, A* a, B* b, C* c) {
  const size_t first = text.find(':'), second = text.find(':', first == std::string_view::npos ? first : first + 1);
  return first != std::string_view::npos && second != std::string_view::npos &&
         opt::parse_decimal(text.substr(0, first), a).empty() &&
         opt::parse_decimal(text.substr(first + 1, second - first - 1), b).empty() &&
         opt::parse_decimal(text.substr(second + 1), c).empty();
}

// --after due:order:line (printed by follow-up under a page that has more).
Result<FollowUpCursor> parse_cursor(std::string_view text) {
  FollowUpCursor c;
  if (!parse_cursor_parts(text, &c.due_ms, &c.order, &c.line))
    return Status::invalid_argument(cat("'", std::string(text), "' is not a cursor due:order:line"));
  return c;
}

// --before at:order:item (printed by contact activity under a page that has more).
Result<GetContactActivity> parse_activity_cursor(std::string_view text) {
  GetContactActivity c;
  if (!parse_cursor_parts(text, &c.before_ms, &c.before_order, &c.before_item) || c.before_ms <= 0)
    return Status::invalid_argument(cat("'", std::string(text), "' is not a cursor at:order:item"));
  return c;
}

// ---- Options shared by several subcommands ------------------------------------------

void add_key(CLI::App& s, RequestKey& key) {
  opt::add_number(s, "--key", key, "request key: a retry with the same key is applied once")->type_name("K");
}

void add_order(CLI::App& s, OrderId& order) { opt::add_number(s, "--order", order, "the order")->required(); }

// --deadline-ms MS or --days N (from now): exactly one, or for a booking
// at most one (none: 0, the product's configured lifetime, SetOptionLifetime).
struct Deadline {
  std::optional<int64_t> ms, days;
  int64_t at(int64_t now_ms) const { return ms ? *ms : days ? now_ms + *days * kDayMs : 0; }
};
enum class DeadlineNeeded : bool { kOptional, kRequired };
void add_deadline(CLI::App& s, Deadline& d, DeadlineNeeded needed) {
  const bool required = needed == DeadlineNeeded::kRequired;
  CLI::App* group = s.add_option_group(
      "deadline", required ? "the deadline, one of:" : "the deadline, one of (none: the product's option lifetime):");
  opt::add_number(*group, "--deadline-ms", d.ms, "ms since the epoch")->type_name("MS");
  opt::add_number(*group, "--days", d.days, "days from now");
  if (required) {
    group->require_option(1);
  } else {
    group->require_option(0, 1);
  }
}

// An order line: --performance --category --quantity [--tariff] [--contingent].
void add_line(CLI::App& s, LineRequest& line) {
  line = LineRequest{0, 0, kNone, 0, kNone};
  opt::add_number(s, "--performance", line.performance, "the performance")->required();
  opt::add_number(s, "--category", line.category, "the category")->required();
  opt::add_number(s, "--quantity", line.quantity, "units")->required();
  opt::add_number(s, "--tariff", line.tariff,
                  "tariff (default: the demo venue's full tariff of the performance's product: "
                  "11, 21, 31 for performances 1000.., 2000.., 3000..; 11 otherwise)");
  opt::add_number(s, "--contingent", line.contingent, "contingent (default: open sale)");
}

// The demo venue's full tariff of the performance's product, when none is given.
LineRequest with_tariff(LineRequest line) {
  const uint32_t product = line.performance.value() / 1000;
  if (line.tariff == kNone) line.tariff = workload::demo_tariff(product >= 1 && product <= 3 ? product : 1, 1);
  return line;
}

void add_channel(CLI::App& s, ChannelId& channel, ChannelId fallback) {
  channel = fallback;
  opt::add_number(s, "--channel", channel, "sales channel (1 box office, 2 web, 3 partner)")->capture_default_str();
}

// The follow-up screen's filters (follow-up, release-preview, release-all).
void add_filter(CLI::App& s, FollowUpFilter& f) {
  const char* group = "Filters";
  opt::add_choice(s, "--type", f.kind, kKinds, "options or reservations")->required()->default_str("")->group(group);
  add_date(s, "--due", f.due_until_ms, DayPart::kEnd,
           "deadline on or before (a day: to its end in the organisation's time zone)")
      ->required()
      ->group(group);
  opt::add_number(s, "--season", f.season, "season")->required()->group(group);
  opt::add_number(s, "--family", f.family, "product family")->required()->group(group);
  opt::add_number(s, "--product", f.product, "product")->group(group);
  opt::add_number(s, "--performance", f.performances, "performances (repeat, or a comma list)")->group(group);
  opt::add_number(s, "--contingent", f.contingents,
                  "contingents, each with its sub-contingents (repeat, or a comma list)")
      ->group(group);
  opt::add_number(s, "--tariff", f.tariffs, "tariffs (repeat, or a comma list)")->group(group);
  opt::add_number(s, "--category", f.categories, "categories (repeat, or a comma list)")->group(group);
  opt::add_number(s, "--channel", f.channels, "sales channels (repeat, or a comma list)")->group(group);
  opt::add_number(s, "--contact", f.contacts, "contacts (repeat, or a comma list)")->group(group);
  add_type_bits(s, "--contact-type", f.contact_types, "the contact has one of these types (repeat)")->group(group);
  opt::add_number(s, "--product-type", f.product_types,
                  "product types (repeat, or a comma list; 0 = products without a type)")
      ->group(group);
}

// ORDER... arguments, and with `one_order` also --order O.
struct Selection {
  std::optional<OrderId> order;
  std::vector<OrderId> orders;
  bool single() const { return orders.empty() && order; }  // --order O alone
  Result<std::vector<OrderId>> all(const std::string& subcommand) const {
    std::vector<OrderId> out;
    if (order) out.push_back(*order);
    out.insert(out.end(), orders.begin(), orders.end());
    if (out.empty()) return Status::invalid_argument(cat(subcommand, " needs the orders: ", subcommand, " ORDER..."));
    if (out.size() > kManyOrders)
      return Status::invalid_argument(cat(subcommand, ": at most ", kManyOrders, " orders"));
    return out;
  }
};
void add_selection(CLI::App& s, Selection& selection, bool one_order) {
  if (one_order) opt::add_number(s, "--order", selection.order, "one order (the same as one ORDER)");
  opt::add_number(s, "ORDER", selection.orders, "the orders (per-order outcomes)");
}

template <typename Body>
struct Keyed {
  RequestKey key = 0;
  Body body{};
};
// The subcommand's command, with --key.
template <typename Body>
std::shared_ptr<Keyed<Body>> keyed(CLI::App& s) {
  auto v = std::make_shared<Keyed<Body>>();
  add_key(s, v->key);
  return v;
}
template <typename Body>
Build send(std::shared_ptr<Keyed<Body>> v) {
  return [v](int64_t) { return one(v->key, v->body); };
}

// ---- The subcommands ----------------------------------------------------------------

// principal add: no --key (the token is shown to one reply only).
Build principal_add(CLI::App& s) {
  auto v = std::make_shared<DefinePrincipal>();
  s.add_option("--name", v->name, "its name (unique among live principals)")->required();
  opt::add_choice(s, "--role", v->role, kRoles, "what it may do")->required();
  opt::add_number(s, "--channel", v->channels, "a web shop's sales channel (repeat; at least one)");
  return [v](int64_t) -> CliCommands {
    if (v->role == Role::kWebshop && v->channels.empty())
      return Status::invalid_argument("a web shop needs at least one --channel");
    return one(0, *v);
  };
}

Build availability(CLI::App& s) {
  struct Values {
    PerformanceId performance = 0;
    std::optional<CategoryId> category;
    ChannelId channel = 0;
    ContingentId contingent = kNone;
    ContactId contact = kNone;
  };
  auto v = std::make_shared<Values>();
  opt::add_number(s, "--performance", v->performance, "the performance")->required();
  opt::add_number(s, "--category", v->category, "one category (default: every category, one row each)");
  add_channel(s, v->channel, workload::kWeb);
  opt::add_number(s, "--contingent", v->contingent, "contingent (default: open sale)");
  opt::add_number(s, "--contact", v->contact, "contact (per-contact limits; one `contact add` created, 0 = anonymous)");
  return [v](int64_t) -> CliCommands {
    std::vector<Command> out;
    // Every category a performance may have when none is given (the engine has no listing yet).
    const CategoryId first = v->category.value_or(1), last = v->category.value_or(kAvailabilityCategoriesMax);
    for (uint32_t c = first.value(); c <= last.value(); ++c)
      out.push_back(Command{0, GetAvailability{v->performance, c, v->contingent, v->channel, v->contact}});
    return out;
  };
}

Build hold(CLI::App& s) {
  auto v = keyed<Hold>(s);
  v->body.lines.resize(1);
  add_line(s, v->body.lines[0]);
  v->body.ttl_ms = kHoldTtlMsDefault;
  opt::add_number(s, "--ttl-ms", v->body.ttl_ms, "how long the hold lasts")->type_name("MS")->capture_default_str();
  add_channel(s, v->body.channel, workload::kWeb);
  opt::add_number(s, "--contact", v->body.contact, "contact (one `contact add` created, 0 = anonymous)");
  return [v](int64_t) {
    Hold hold = v->body;
    hold.lines[0] = with_tariff(hold.lines[0]);
    return one(v->key, std::move(hold));
  };
}

Build book(CLI::App& s) {
  auto v = keyed<Book>(s);
  auto deadline = std::make_shared<Deadline>();
  v->body.lines.resize(1);
  add_line(s, v->body.lines[0]);
  v->body.kind = BookingKind::kOption;
  opt::add_choice(s, "--kind", v->body.kind, kKinds, "what to book");
  add_deadline(s, *deadline, DeadlineNeeded::kOptional);
  add_channel(s, v->body.channel, workload::kBoxOffice);
  opt::add_number(s, "--contact", v->body.contact, "contact (one `contact add` created, 0 = anonymous)");
  return [v, deadline](int64_t now_ms) {
    Book booking = v->body;
    booking.lines[0] = with_tariff(booking.lines[0]);
    booking.deadline_ms = deadline->at(now_ms);
    return one(v->key, std::move(booking));
  };
}

Build extend(CLI::App& s) {
  auto v = keyed<ExtendHold>(s);
  add_order(s, v->body.order);
  opt::add_number(s, "--ttl-ms", v->body.ttl_ms, "the hold's new time to live")->type_name("MS")->required();
  return send(v);
}

// option, reservation: a hold turned into one.
Build convert(CLI::App& s, BookingKind kind) {
  auto v = keyed<ConvertHold>(s);
  auto deadline = std::make_shared<Deadline>();
  add_order(s, v->body.order);
  add_deadline(s, *deadline, DeadlineNeeded::kOptional);
  return [v, deadline, kind](int64_t now_ms) {
    return one(v->key, ConvertHold{v->body.order, kind, deadline->at(now_ms)});
  };
}

Build confirm(CLI::App& s) {
  auto v = keyed<Confirm>(s);
  add_order(s, v->body.order);
  add_parsed(s, "--keep", v->body.keep, parse_keep, "units kept per line, the rest returns (default: all)")
      ->type_name("Q1,Q2,...");
  return send(v);
}

Build reinstate(CLI::App& s) {
  auto v = keyed<Reinstate>(s);
  auto deadline = std::make_shared<Deadline>();
  add_order(s, v->body.order);
  add_deadline(s, *deadline, DeadlineNeeded::kRequired);
  return [v, deadline](int64_t now_ms) { return one(v->key, Reinstate{v->body.order, deadline->at(now_ms)}); };
}

// lock, unlock: --order O (SetLock) or ORDER... (LockOrders, per-order outcomes).
Build lock(CLI::App& s, bool locked) {
  auto key = std::make_shared<RequestKey>(0);
  auto selection = std::make_shared<Selection>();
  add_key(s, *key);
  add_selection(s, *selection, true);
  const std::string name = locked ? "lock" : "unlock";
  return [key, selection, locked, name](int64_t) -> CliCommands {
    if (selection->single()) return one(*key, SetLock{*selection->order, locked});
    auto orders = selection->all(name);
    if (!orders.is_ok()) return orders.status();
    return one(*key, LockOrders{std::move(*orders), locked});
  };
}

Build mark(CLI::App& s) {
  struct Values {
    RequestKey key = 0;
    Selection selection;
    bool keep = false, release = false;
  };
  auto v = std::make_shared<Values>();
  add_key(s, v->key);
  add_selection(s, v->selection, true);
  CLI::App* group = s.add_option_group("mark", "the release mark, one of:");
  opt::add_flag(*group, "--keep", v->keep, "keep: release-all skips it");
  opt::add_flag(*group, "--release", v->release, "release: release-all may release it");
  group->require_option(1);
  return [v](int64_t) -> CliCommands {
    const ReleaseMark mark = v->keep ? ReleaseMark::kKeep : ReleaseMark::kRelease;
    if (v->selection.single()) return one(v->key, SetReleaseMark{*v->selection.order, mark});
    auto orders = v->selection.all("mark");
    if (!orders.is_ok()) return orders.status();
    return one(v->key, MarkOrders{std::move(*orders), mark});
  };
}

Build follow_up(CLI::App& s) {
  auto v = keyed<QueryFollowUp>(s);
  add_filter(s, v->body.filter);
  add_parsed(s, "--after", v->body.after, parse_cursor, "page on after this row (printed under a page that has more)")
      ->type_name("DUE:ORDER:LINE");
  v->body.limit = kFollowUpRowsMax;
  opt::add_number(s, "--limit", v->body.limit, 1u, kFollowUpRowsMax, "rows in the page")->capture_default_str();
  return send(v);
}

Build remind(CLI::App& s) {
  auto v = keyed<RemindOrders>(s);
  auto selection = std::make_shared<Selection>();
  opt::add_number(s, "--format", v->body.format, "the reminder format")->required();
  opt::add_choice(s, "--delivery", v->body.delivery, kDeliveries, "a file in the export directory or emails")
      ->required();
  add_selection(s, *selection, false);
  return [v, selection](int64_t) -> CliCommands {
    auto orders = selection->all("remind");
    if (!orders.is_ok()) return orders.status();
    return one(v->key, RemindOrders{std::move(*orders), v->body.format, v->body.delivery});
  };
}

Build set_file(CLI::App& s) {
  auto v = keyed<SetOrderFile>(s);
  opt::add_number(s, "ORDER", v->body.order, "the order")->required();
  opt::add_number(s, "FILE", v->body.file_number, "the file number")->required();
  return send(v);
}

// order note ORDER TEXT, order info ORDER TEXT.
template <typename Body>
Build order_text(CLI::App& s, std::string what) {
  auto v = keyed<Body>(s);
  opt::add_number(s, "ORDER", v->body.order, "the order")->required();
  s.add_option("TEXT", v->body.text, std::move(what))->required();
  return send(v);
}

// payment add|refund ORDER --amount A --mode M (AddPayment); payment change
// ORDER PAYMENT --amount A --mode M [--refund] (ChangePayment).
template <typename Body>
Build payment(CLI::App& s, bool refund) {
  static const opt::Choices<PaymentMode> kModes = {{"transfer", PaymentMode::kTransfer},
                                                   {"cheque", PaymentMode::kCheque},
                                                   {"cash", PaymentMode::kCash},
                                                   {"card", PaymentMode::kCard},
                                                   {"third-party", PaymentMode::kThirdParty}};
  constexpr bool kChange = std::is_same_v<Body, ChangePayment>;
  auto v = keyed<Body>(s);
  auto is_refund = std::make_shared<bool>(refund);
  v->body.contact = kNone;
  v->body.payer = kNone;
  opt::add_number(s, "ORDER", v->body.order, "the order")->required();
  if constexpr (kChange) {
    opt::add_number(s, "PAYMENT", v->body.payment, "the payment's number on the order")->required();
    opt::add_flag(s, "--refund", *is_refund, "the payment is a refund");
  }
  add_amount(s, "--amount", v->body.amount_cents, refund ? "the amount refunded, e.g. 20.00" : "the amount, e.g. 42.00")
      ->required();
  opt::add_choice(s, "--mode", v->body.mode, kModes, "how it was paid")->required();
  add_date(s, "--received", v->body.received_ms, DayPart::kStart,
           kChange ? "when it was received (default: unchanged)" : "when it was received (default: now)");
  opt::add_number(s, "--contact", v->body.contact,
                  "who paid (default: the participant's legal representative, else the order's contact)");
  opt::add_number(s, "--participant", v->body.participant, "the participant it is allocated to (default: the order)");
  s.add_option("--label", v->body.label, "the payer's name as written");
  s.add_option("--bank", v->body.bank, "the bank it is cashed at");
  opt::add_number(s, "--payer", v->body.payer, "the third-party payer (with --mode third-party)");
  s.add_option("--reason", v->body.reason, "why it is refunded")->required(refund);
  return Build([v, is_refund](int64_t) -> CliCommands {
    if (v->body.amount_cents <= 0)
      return Status::invalid_argument("--amount: give a positive amount (a refund is --refund or `payment refund`)");
    Body body = v->body;
    if (*is_refund) body.amount_cents = -body.amount_cents;
    return one(v->key, body);
  });
}

// orders: ListOrders.
Build orders(CLI::App& s) {
  static const opt::Choices<OrderState> kStates = {{"held", OrderState::kHeld},
                                                   {"option", OrderState::kOption},
                                                   {"reservation", OrderState::kReservation},
                                                   {"overdue", OrderState::kOverdue},
                                                   {"confirmed", OrderState::kConfirmed},
                                                   {"released", OrderState::kReleased},
                                                   {"expired", OrderState::kExpired},
                                                   {"archived", OrderState::kArchived},
                                                   {"cancelled", OrderState::kCancelled}};
  auto v = std::make_shared<Keyed<ListOrders>>();
  auto states = std::make_shared<std::vector<OrderState>>();
  opt::add_number(s, "--contact", v->body.contact, "orders of this contact");
  opt::add_number(s, "--performance", v->body.performance, "orders with a line of this performance");
  opt::add_choices(s, "--state", *states, kStates, "only these states (repeat or comma-separate; default: all)");
  opt::add_number(s, "--after", v->body.after, "the cursor a previous page printed");
  opt::add_flag(s, "--document-alerts", v->body.document_alerts,
                "only orders with a document the client attached that no operator checked yet");
  v->body.limit = 100;
  opt::add_number(s, "--limit", v->body.limit, uint32_t{1}, kOrderListRowsMax, "orders per page")
      ->capture_default_str();
  return [v, states](int64_t) -> CliCommands {
    if (v->body.contact == kNone && v->body.performance == kNone && !v->body.document_alerts)
      return Status::invalid_argument("orders: give --contact, --performance or --document-alerts");
    ListOrders q = v->body;
    for (OrderState st : *states) q.states |= static_cast<uint16_t>(1u << static_cast<unsigned>(st));
    return one(0, q);
  };
}

// ---- Contacts (the contact directory) ---------------------------------------------

const opt::Choices<ContactLinkKind> kLinkKinds = {{"child-of", ContactLinkKind::kChildOf},
                                                  {"relay-of", ContactLinkKind::kRelayOf},
                                                  {"member-of", ContactLinkKind::kMemberOf},
                                                  {"subsidiary-of", ContactLinkKind::kSubsidiaryOf}};
const opt::Choices<ContactListKind> kListKinds = {{"individual-criterion", ContactListKind::kIndividualCriterion},
                                                  {"organisation-criterion", ContactListKind::kOrganisationCriterion},
                                                  {"audience", ContactListKind::kAudience}};
const opt::Choices<IbanFilter> kIbanFilters = {{"with", IbanFilter::kWith}, {"without", IbanFilter::kWithout}};

// A birth date, YYYY-MM-DD or DD.MM.YYYY, as YYYYMMDD (a calendar day: no zone).
Result<uint32_t> parse_birth_date(std::string_view text) {
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  const std::string t(text);
  if (!(std::sscanf(t.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 ||
        std::sscanf(t.c_str(), "%2u.%2u.%4u%c", &d, &m, &y, &tail) == 3) ||
      m < 1 || m > 12 || d < 1 || d > 31 || y < 1000)
    return Status::invalid_argument(cat("--birth-date: '", text, "' is not YYYY-MM-DD or DD.MM.YYYY"));
  return y * 10000 + m * 100 + d;
}

// The typed record of `contact add` and `contact update` (update replaces
// every field: give them all again).
void add_record_options(CLI::App& s, ContactFields& r, std::shared_ptr<ContactAddress> main) {
  s.add_option("--civility", r.civility, "M., Mme... (an individual's is required)");
  s.add_option("--name", r.last_name, "last name (or the organisation's name)")->required();
  s.add_option("--first-name", r.first_name, "first name (an individual's is required)");
  add_type_bits(s, "--type", r.types, "individual or organisation, and other roles (repeat)")->required();
  s.add_option("--email", r.email, "e-mail address");
  s.add_option("--mobile", r.mobile, "mobile phone, with its country code (+33 6 ...)");
  s.add_option("--phone", r.phone, "phone");
  add_parsed(s, "--birth-date", r.birth_date, parse_birth_date, "birth date")->type_name("YYYY-MM-DD|DD.MM.YYYY");
  s.add_option("--function", r.function, "function");
  s.add_option("--language", r.language, "communication language (fr, en...)");
  opt::add_number(s, "--audience", r.audience, "audience category (CAT PUB)");
  s.add_option("--address", main->lines, "street lines of the main address");
  s.add_option("--postcode", main->postcode, "postcode of the main address");
  s.add_option("--city", main->city, "city of the main address");
  s.add_option("--country", main->country, "country of the main address (FR, CH...)");
  s.add_option("--iban", r.iban, "IBAN (shown masked)");
  s.add_option("--reference-code", r.reference_code, "reference code");
  s.add_option("--admin-number", r.admin_number, "an organisation's administrative number");
  opt::add_number(s, "--criterion", r.criteria, "a criterion the organisation defines (repeat)");
  add_parsed(
      s, "--flag", r.flags,
      [](const std::string& t) -> Result<uint8_t> {
        if (t == "invalid") return uint8_t{kContactInvalid};
        if (t == "ambassador") return uint8_t{kContactAmbassador};
        if (t == "litigious") return uint8_t{kContactLitigious};
        return Status::invalid_argument(cat("--flag: '", t, "' is not invalid, ambassador or litigious"));
      },
      "invalid, ambassador or litigious")
      ->type_name("FLAG");
}

ContactFields with_address(ContactFields r, const ContactAddress& main) {
  if (!(main.lines.empty() && main.postcode.empty() && main.city.empty() && main.country.empty()))
    r.addresses.insert(r.addresses.begin(), main);
  return r;
}

Build contact_add(CLI::App& s) {
  auto v = keyed<CreateContact>(s);
  auto main = std::make_shared<ContactAddress>();
  opt::add_number(s, "--id", v->body.contact, "contact id (default: the next free one)");
  opt::add_number(s, "--number", v->body.number, "contact number (default: the next free one)");
  add_record_options(s, v->body.record, main);
  opt::add_flag(s, "--web-account", v->body.web_account, "create a web account (its login: the e-mail)");
  opt::add_number(s, "--organisation", v->body.organisation, "link as a member of this organisation");
  opt::add_flag(s, "--use-organisation-address", v->body.use_organisation_address,
                "take the organisation's main address");
  return [v, main](int64_t) -> CliCommands {
    CreateContact c = v->body;
    c.record = with_address(c.record, *main);
    return one(v->key, c);
  };
}

Build contact_update(CLI::App& s) {
  auto v = keyed<ChangeContact>(s);
  auto main = std::make_shared<ContactAddress>();
  opt::add_number(s, "--id", v->body.contact, "the contact")->required();
  add_record_options(s, v->body.record, main);
  return [v, main](int64_t) -> CliCommands {
    ChangeContact c = v->body;
    c.record = with_address(c.record, *main);
    return one(v->key, c);
  };
}

Build contact_show(CLI::App& s) {
  auto v = std::make_shared<Keyed<GetContact>>();
  opt::add_number(s, "ID", v->body.contact, "the contact id");
  opt::add_number(s, "--number", v->body.number, "the contact number instead");
  return [v](int64_t) -> CliCommands {
    if ((v->body.contact == kNone) == (v->body.number == 0))
      return Status::invalid_argument("contact show: name an ID or a --number (one of the two)");
    return one(0, v->body);
  };
}

Build contact_link(CLI::App& s) {
  auto v = keyed<LinkContacts>(s);
  opt::add_number(s, "--id", v->body.contact, "the contact")->required();
  opt::add_number(s, "--to", v->body.other, "the contact it is linked to")->required();
  opt::add_choice(s, "--kind", v->body.kind, kLinkKinds,
                  "how: --id is child-of / relay-of / member-of / "
                  "subsidiary-of --to")
      ->required();
  opt::add_flag(s, "--remove", v->body.remove, "remove the link instead");
  return send(v);
}

// contact activity: GetContactActivity (indicators and one history page).
Build contact_activity(CLI::App& s) {
  static const opt::Choices<ContactHistory> kHistories = {{"cultural", ContactHistory::kCultural},
                                                          {"mailings", ContactHistory::kMailings}};
  auto v = std::make_shared<Keyed<GetContactActivity>>();
  auto cursor = std::make_shared<GetContactActivity>();
  opt::add_number(s, "ID", v->body.contact, "the contact id")->required();
  opt::add_choice(s, "--history", v->body.history, kHistories,
                  "the history to page: cultural (performances, the default) or mailings (reminders sent)");
  add_parsed(s, "--before", *cursor, parse_activity_cursor,
             "page on after this row (printed under a page that has more)")
      ->type_name("AT:ORDER:ITEM");
  v->body.limit = kContactSearchRowsDefault;
  opt::add_number(s, "--limit", v->body.limit, 1u, kContactSearchRowsMax, "rows in the page")->capture_default_str();
  return [v, cursor](int64_t) -> CliCommands {
    GetContactActivity q = v->body;
    q.before_ms = cursor->before_ms;
    q.before_order = cursor->before_order;
    q.before_item = cursor->before_item;
    return one(0, q);
  };
}

// contact find: the cart's completion lines (the quick search, 11 rows).
Build contact_find(CLI::App& s) {
  auto v = std::make_shared<Keyed<SearchContacts>>();
  s.add_option("QUERY", v->body.query, "name, first name, number or e-mail; * patterns; 'Name, First'")->required();
  v->body.limit = 11;
  opt::add_number(s, "--limit", v->body.limit, uint32_t{1}, kContactSearchRowsMax, "rows")->capture_default_str();
  return send(v);
}

// The advanced search's criteria: FindContacts but its name, paging and
// with_invalid (contact search shares those with the quick search).
struct FindOptions {
  FindContacts find;
  bool clients_only = false;    // with_prospects = false
  bool without_relays = false;  // with_relays = false
};
// Declares them (in a group of the help) and returns them, so that
// contact search knows whether any was given.
std::vector<CLI::Option*> add_find_options(CLI::App& s, FindOptions& f) {
  FindContacts& q = f.find;
  const auto text = [&s](const std::string& name, std::string& into, std::string help) {
    return s.add_option(name, into, std::move(help))->type_name("TEXT");
  };
  std::vector<CLI::Option*> all = {
      add_type_bits(s, "--type", q.types, "contacts with every one of these types (repeat)"),
      opt::add_number(s, "--number", q.number, "the contact number"),
      text("--relay", q.relay, "prefix of the name at the other end of a relay link"),
      text("--phone", q.phone, "the last digits (4 or more) of a mobile, phone or fax number")->type_name("DIGITS"),
      text("--email", q.email, "prefix of the e-mail address"),
      text("--country", q.country, "country of the main address (FR, CH...)")->type_name("CODE"),
      text("--postcode", q.postcode, "prefix of the main address's postcode"),
      text("--city", q.city, "prefix of the main address's city"),
      opt::add_flag(s, "--clients-only", f.clients_only, "only clients (a confirmed order), no prospects"),
      opt::add_flag(s, "--without-relays", f.without_relays, "leave out individuals who relay an organisation"),
      text("--admin-number", q.admin_number, "an organisation's administrative number (spaces ignored)"),
      opt::add_number(s, "--criterion", q.criterion, "carries this criterion (contact lists)"),
      opt::add_choice(s, "--iban", q.iban, kIbanFilters, "with or without an IBAN"),
      text("--reference-code", q.reference_code, "the reference code (case ignored)"),
      opt::add_flag(s, "--ambassadors-only", q.ambassadors_only, "only ambassadors"),
  };
  CLI::Option* const linked_to =
      opt::add_number(s, "--linked-to", q.linked_to, "has a link of --link-kind with this contact, either way");
  CLI::Option* const link_kind =
      opt::add_choice(s, "--link-kind", q.link_kind, kLinkKinds, "the link --linked-to asks for")->default_str("");
  linked_to->needs(link_kind);
  link_kind->needs(linked_to);
  all.insert(all.end(), {linked_to, link_kind});
  for (CLI::Option* o : all) o->group("Advanced search (any of them; every one given must hold)");
  return all;
}

// contact search: the quick search on QUERY (SearchContacts) or, with any
// advanced option, the advanced search (FindContacts; QUERY is then the
// name, in the quick search's forms).
Build contact_search(CLI::App& s) {
  struct Values {
    SearchContacts quick;
    FindOptions advanced;
    bool advanced_given = false;
  };
  auto v = std::make_shared<Values>();
  s.add_option("QUERY", v->quick.query,
               "name, first name, number or e-mail; * patterns; 'Name, First' (with an advanced option: the name)");
  v->quick.limit = kContactSearchRowsDefault;
  opt::add_number(s, "--limit", v->quick.limit, uint32_t{1}, kContactSearchRowsMax, "rows")->capture_default_str();
  opt::add_number(s, "--offset", v->quick.offset, "rows to skip");
  opt::add_flag(s, "--with-invalid", v->quick.with_invalid, "include contacts marked invalid");
  const std::vector<CLI::Option*> advanced = add_find_options(s, v->advanced);
  // Whether one was given is known only while the line is parsed (the
  // options die with the parser).
  s.callback([v, advanced] {
    v->advanced_given =
        std::any_of(advanced.begin(), advanced.end(), [](const CLI::Option* o) { return o->count() > 0; });
  });
  return [v](int64_t) -> CliCommands {
    if (!v->advanced_given) {
      if (v->quick.query.empty())
        return Status::invalid_argument(
            "contact search: give a QUERY or an advanced option (--type, --city...; see contact search --help)");
      return one(0, v->quick);
    }
    FindContacts f = v->advanced.find;
    f.name = v->quick.query;
    f.offset = v->quick.offset;
    f.limit = v->quick.limit;
    f.with_invalid = v->quick.with_invalid;
    f.with_prospects = !v->advanced.clients_only;
    f.with_relays = !v->advanced.without_relays;
    return one(0, f);
  };
}

Build contact_list_entry(CLI::App& s) {
  auto v = keyed<DefineContactListEntry>(s);
  opt::add_choice(s, "--list", v->body.list, kListKinds, "the list")->required()->default_str("");
  opt::add_number(s, "--id", v->body.id, "the entry's id, 1 or more (an id in the list: renamed)")->required();
  s.add_option("--name", v->body.name, "its name (unique in the list; case and accents ignored)")->required();
  opt::add_flag(s, "--retired", v->body.retired,
                "withdraw it: contacts keep it, no contact is given it any more (without: defined or back in use)");
  return [v](int64_t) -> CliCommands {
    if (v->body.id == 0) return Status::invalid_argument("contact list-entry: --id is 1 or more");
    return one(v->key, v->body);
  };
}

// format add, and format change (`replace`: the same options, all of them
// again: the definition is replaced whole).
Build format_define(CLI::App& s, bool replace) {
  auto v = keyed<DefineReminderFormat>(s);
  v->body.type = FormatType::kReminder;
  v->body.replace = replace;
  opt::add_number(s, "--id", v->body.format, "format id")->required();
  s.add_option("--name", v->body.name, "format name (starts the file name)")->required();
  s.add_option("--separator", v->body.separator, "field separator, e.g. ';'")->required();
  s.add_option("--extension", v->body.extension, "file extension, e.g. csv")->required();
  opt::add_flag(s, "--title-in-file-name", v->body.title_in_file_name, "the series title in the file name");
  opt::add_choices(s, "--field", v->body.columns, kFields, "the fields, in file order (repeat)")->required();
  return send(v);
}

Build subscribe(CLI::App& s) {
  auto v = keyed<Subscribe>(s);
  v->body.payer = kNone;
  opt::add_number(s, "--id", v->body.subscription, "subscription id")->required();
  opt::add_number(s, "--series", v->body.series, "the series")->required();
  opt::add_number(s, "--subscriber", v->body.subscriber, "the subscriber (a contact)")->required();
  opt::add_number(s, "--payer", v->body.payer, "a third party who pays (a contact)");
  add_date(s, "--ends", v->body.ends_ms, DayPart::kEnd, "last day")->required();
  return send(v);
}

Build run_start(CLI::App& s) {
  auto v = keyed<StartReminderRun>(s);
  opt::add_number(s, "--id", v->body.run, "run id")->required();
  opt::add_number(s, "--series", v->body.series, "the series")->required();
  opt::add_number(s, "--issue", v->body.issues, "subscriptions whose last issue is one of these (repeat)");
  add_date(s, "--from", v->body.from_ms, DayPart::kStart, "or whose last issue is dated from this day");
  add_date(s, "--to", v->body.to_ms, DayPart::kEnd, "... to this day (with --from)");
  opt::add_choice(s, "--audience", v->body.audience, kAudiences, "direct subscribers or third-party payers")
      ->required();
  opt::add_number(s, "--format", v->body.format, "the reminder format")->required();
  opt::add_choice(s, "--delivery", v->body.delivery, kRunDeliveries,
                  "a file, emails, or review (select only: `run export` later)")
      ->required();
  s.add_flag_callback(
      "--no-validation", [v] { v->body.validation = false; },
      "ranks rise when the export is recorded (default: at `run validate`)");
  return send(v);
}

Build template_set(CLI::App& s) {
  auto v = keyed<DefineDocumentTemplate>(s);
  opt::add_choice(s, "--document", v->body.document, kDocuments, "the document")->required();
  s.add_option("--language", v->body.language, "its language (ISO 639-1: fr, en...)")->required();
  s.add_option("--subject", v->body.subject, "the subject line; {name}, {count}, {total}, {series}...")->required();
  auto* body = s.add_option("--body", v->body.body, "the text; {name}, {items}, {table}, {total}...");
  auto* file = s.add_option_function<std::string>(
      "--body-file",
      [v](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw CLI::ValidationError("--body-file", "cannot read " + path);
        v->body.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      },
      "read the text from this file (UTF-8)");
  body->excludes(file);
  file->type_name("FILE");
  return send(v);
}

Build run_export(CLI::App& s) {
  auto v = keyed<ExportReminderRun>(s);
  opt::add_number(s, "--id", v->body.run, "the run")->required();
  opt::add_choice(s, "--delivery", v->body.delivery, kDeliveries, "a file or emails")->required();
  return send(v);
}

Build run_list(CLI::App& s) {
  auto v = std::make_shared<Keyed<ListReminderRuns>>();
  opt::add_number(s, "--series", v->body.series, "only this series");
  opt::add_number(s, "--before", v->body.before, "runs before this one (the next page)");
  return send(v);
}

// run show, run validate, run cancel.
template <typename Body>
Build run_id(CLI::App& s, bool with_key) {
  auto v = std::make_shared<Keyed<Body>>();
  if (with_key) add_key(s, v->key);
  opt::add_number(s, "--id", v->body.run, "the run")->required();
  return send(v);
}

// One order, and the key: release, cancel, archive, order.
template <typename Body>
Build order_command(CLI::App& s, bool with_key) {
  auto v = std::make_shared<Keyed<Body>>();
  if (with_key) add_key(s, v->key);
  add_order(s, v->body.order);
  return send(v);
}

Build sends_nothing(CLI::App&) {
  return [](int64_t) { return CliCommands(std::vector<Command>{}); };
}

struct SubcommandSpec {
  std::string_view path;         // "hold", "run start"
  std::string_view group;        // its heading in `tessera --help`
  std::string_view description;  // its line there
  Build (*declare)(CLI::App& s);
};

constexpr std::string_view kPrincipalsGroup = "Principals (admin token)";
constexpr std::string_view kCatalogGroup = "Catalog (admin token; docs/catalog.md)";
const opt::Choices<bool> kSwitches = {{"on", true}, {"off", false}};
const opt::Choices<InvoiceKind> kInvoiceKinds = {{"invoice", InvoiceKind::kInvoice},
                                                 {"credit-note", InvoiceKind::kCreditNote},
                                                 {"cancellation", InvoiceKind::kCancellationInvoice},
                                                 {"commission", InvoiceKind::kCommissionInvoice}};
constexpr const char* kInvoiceKindHelp = "invoice (default), credit-note, cancellation or commission";
const opt::Choices<BatchKind> kBatchKinds = {
    {"deposit", BatchKind::kChequeDeposit}, {"payout", BatchKind::kPayout}, {"export", BatchKind::kAccountingExport}};

// ORDER:PAYMENT (an order's payment, by its number).
Result<BatchItem> parse_batch_item(std::string_view text) {
  const size_t colon = text.find(':');
  uint64_t order = 0;
  uint32_t payment = 0;
  if (colon == std::string_view::npos || !opt::parse_decimal(text.substr(0, colon), &order).empty() ||
      !opt::parse_decimal(text.substr(colon + 1), &payment).empty() || order == 0 || payment == 0)
    return Status::invalid_argument(cat("'", std::string(text), "' is not ORDER:PAYMENT (e.g. 72057594037927937:2)"));
  return BatchItem{OrderId{order}, payment};
}

// payment deposit / payment payout: the counterpart, the date, the payments.
Build payment_batch(CLI::App& s, BatchKind kind) {
  auto v = keyed<MakePaymentBatch>(s);
  v->body.kind = kind;
  auto items = std::make_shared<std::vector<std::string>>();
  const bool deposit = kind == BatchKind::kChequeDeposit;
  s.add_option(deposit ? "--bank" : "--to", v->body.counterpart,
               deposit ? "the bank the cheques are deposited at" : "who the payments are paid over to")
      ->required();
  add_date(s, "--on", v->body.at_ms, DayPart::kStart,
           deposit ? "deposited on (default: now)" : "paid on (default: now)");
  s.add_option("--label", v->body.label, "free text (a slip's reference)");
  s.add_option("PAYMENTS", *items, "ORDER:PAYMENT, one or more")->required();
  return Build([v, items](int64_t) -> CliCommands {
    MakePaymentBatch body = v->body;
    for (const std::string& text : *items) {
      Result<BatchItem> item = parse_batch_item(text);
      if (!item.is_ok()) return item.status();
      body.items.push_back(*item);
    }
    return one(v->key, std::move(body));
  });
}
// ---- Pre-registrations and leads (engine/commands_preregistrations.h) ---------------

// --line PERFORMANCE:CATEGORY:QUANTITY[:TARIFF] (tariff: the demo's full tariff).
Result<LineRequest> parse_prereg_line(std::string_view text) {
  LineRequest line{0, 0, kNone, 0, kNone};
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= text.size();) {
    const size_t colon = std::min(text.find(':', start), text.size());
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  const bool ok = (parts.size() == 3 || parts.size() == 4) && opt::parse_decimal(parts[0], &line.performance).empty() &&
                  opt::parse_decimal(parts[1], &line.category).empty() &&
                  opt::parse_decimal(parts[2], &line.quantity).empty() &&
                  (parts.size() == 3 || opt::parse_decimal(parts[3], &line.tariff).empty());
  if (!ok) return Status::invalid_argument(cat("--line: '", text, "' is not PERFORMANCE:CATEGORY:QUANTITY[:TARIFF]"));
  return with_tariff(line);
}

const opt::Choices<PreRegStatus> kPreRegStatuses = {{"pending", PreRegStatus::kPending},
                                                    {"booked", PreRegStatus::kBooked},
                                                    {"filed", PreRegStatus::kFiled},
                                                    {"deleted", PreRegStatus::kDeleted}};
const opt::Choices<LeadStatus> kLeadStatuses = {
    {"open", LeadStatus::kOpen}, {"won", LeadStatus::kWon}, {"lost", LeadStatus::kLost}};

template <typename E>
uint8_t status_bits(const std::vector<E>& statuses) {
  uint8_t bits = 0;
  for (E st : statuses) bits |= static_cast<uint8_t>(1u << static_cast<unsigned>(st));
  return bits;
}

// prereg submit: what a web shop sends when a cart is validated.
Build prereg_submit(CLI::App& s) {
  auto v = keyed<SubmitPreRegistration>(s);
  auto lines = std::make_shared<std::vector<std::string>>();
  Requester& r = v->body.requester;
  s.add_option("--reference", v->body.reference, "the shop's cart reference (a retry with it changes nothing)")
      ->required();
  s.add_option("--name", r.last_name, "the requester's last name")->required();
  s.add_option("--first-name", r.first_name, "first name");
  s.add_option("--email", r.email, "e-mail");
  s.add_option("--phone", r.phone, "phone");
  add_parsed(s, "--birth-date", r.birth_date, parse_birth_date, "birth date")->type_name("YYYY-MM-DD|DD.MM.YYYY");
  s.add_option("--street", r.street, "street");
  s.add_option("--postcode", r.postcode, "postcode");
  s.add_option("--city", r.city, "city");
  s.add_option("--country", r.country, "country (ISO code)");
  opt::add_number(s, "--client-number", r.contact_number,
                  "the requester signed in on the shop as this client number (authenticated)");
  s.add_option("--line", *lines, "PERFORMANCE:CATEGORY:QUANTITY[:TARIFF], one per session asked")->required();
  s.add_option("--text", v->body.text, "the requester's free text");
  add_channel(s, v->body.channel, workload::kWeb);
  return Build([v, lines](int64_t) -> CliCommands {
    SubmitPreRegistration body = v->body;
    body.requester.authenticated = body.requester.contact_number != 0;
    for (const std::string& text : *lines) {
      Result<LineRequest> line = parse_prereg_line(text);
      if (!line.is_ok()) return line.status();
      body.lines.push_back(*line);
    }
    return one(v->key, std::move(body));
  });
}

Build prereg_list(CLI::App& s) {
  auto v = std::make_shared<ListPreRegistrations>();
  auto statuses = std::make_shared<std::vector<PreRegStatus>>();
  opt::add_choices(s, "--status", *statuses, kPreRegStatuses,
                   "only these (repeat or comma-separate; default: pending)");
  opt::add_number(s, "--channel", v->channel, "of this sales channel only");
  opt::add_number(s, "--after", v->after, "the cursor a previous page printed");
  v->limit = 100;
  opt::add_number(s, "--limit", v->limit, uint32_t{0}, kPreRegRowsMax, "rows per page (0: the count only)")
      ->capture_default_str();
  return Build([v, statuses](int64_t) -> CliCommands {
    ListPreRegistrations q = *v;
    q.statuses = status_bits(*statuses);
    return one(0, q);
  });
}

// prereg match|unmatch|automatic ID...: the operator's decision.
Build prereg_match(CLI::App& s, MatchMode mode) {
  auto v = keyed<SetPreRegistrationMatch>(s);
  v->body.mode = mode;
  if (mode == MatchMode::kContact) opt::add_number(s, "--contact", v->body.contact, "the contact it is")->required();
  s.add_option("ID", v->body.ids, "the pre-registrations")->required();
  return send(v);
}

Build prereg_delete(CLI::App& s) {
  auto v = keyed<DeletePreRegistrations>(s);
  s.add_option("ID", v->body.ids, "the pre-registrations (their options are released)")->required();
  return send(v);
}

Build prereg_integrate(CLI::App& s) {
  static const opt::Choices<IntegrationMethod> kMethods = {{"1", IntegrationMethod::kAllFiled},
                                                           {"2", IntegrationMethod::kIdentifiedBooked},
                                                           {"3", IntegrationMethod::kAuthenticatedBooked}};
  static const opt::Choices<IntegrationLevel> kLevels = {{"option", IntegrationLevel::kOption},
                                                         {"reservation", IntegrationLevel::kReservation},
                                                         {"confirmed", IntegrationLevel::kConfirmed}};
  auto v = keyed<IntegratePreRegistrations>(s);
  IntegrationOptions& o = v->body.options;
  opt::add_choice(s, "--method", o.method, kMethods,
                  "1: every request becomes a lead; 2: identified clients are booked, the others filed; 3: "
                  "authenticated clients are booked, the others filed")
      ->required();
  opt::add_choice(s, "--level", o.level, kLevels, "methods 2 and 3: what a booking becomes")->capture_default_str();
  opt::add_number(s, "--sales-rep", o.sales_rep, "method 1: the leads' sales representative (a contact)");
  s.add_option("--sector", o.sector, "method 1: the leads' sector");
  opt::add_flag(s, "--keep-option", o.keep_option, "a filed request keeps its stock as an option");
  auto no_report = std::make_shared<bool>(false), no_mail = std::make_shared<bool>(false);
  opt::add_flag(s, "--no-report", *no_report, "write no integration report (PDF)");
  opt::add_flag(s, "--no-mail", *no_mail, "e-mail neither the sessions' staff nor the sales representative");
  s.add_option("ID", v->body.ids, "the pre-registrations (default: every pending one)");
  return Build([v, no_report, no_mail](int64_t) -> CliCommands {
    IntegratePreRegistrations c = v->body;
    c.options.report = !*no_report;
    c.options.mail = !*no_mail;
    return one(v->key, c);
  });
}

Build lead_list(CLI::App& s) {
  auto v = std::make_shared<ListLeads>();
  auto statuses = std::make_shared<std::vector<LeadStatus>>();
  opt::add_number(s, "--sales-rep", v->sales_rep, "of this sales representative only");
  s.add_option("--sector", v->sector, "of this sector only");
  opt::add_choices(s, "--status", *statuses, kLeadStatuses, "only these (default: all)");
  opt::add_number(s, "--after", v->after, "the cursor a previous page printed");
  v->limit = 100;
  opt::add_number(s, "--limit", v->limit, uint32_t{1}, kPreRegRowsMax, "rows per page")->capture_default_str();
  return Build([v, statuses](int64_t) -> CliCommands {
    ListLeads q = *v;
    q.statuses = status_bits(*statuses);
    return one(0, q);
  });
}

Build lead_status(CLI::App& s) {
  auto v = keyed<SetLeadStatus>(s);
  s.add_option("ID", v->body.id, "the lead")->required();
  opt::add_choice(s, "--status", v->body.status, kLeadStatuses, "open, won or lost")->required();
  return send(v);
}

constexpr std::string_view kOrders = "Orders", kBackOffice = "Back office (backoffice token)",
                           kSubscriptions = "Contacts, subscriptions and reminder runs (backoffice token)";

const std::vector<SubcommandSpec>& subcommands() {
  static const std::vector<SubcommandSpec> table = {
      {"setup-demo", kOrders, "define the demo venue if absent (admin token)", sends_nothing},
      {"availability", kOrders, "units available, per category", availability},
      {"hold", kOrders, "hold units of a category", hold},
      {"extend", kOrders, "extend a hold", extend},
      {"option", kOrders, "turn a hold into an option", [](CLI::App& s) { return convert(s, BookingKind::kOption); }},
      {"reservation", kOrders, "turn a hold into a reservation",
       [](CLI::App& s) { return convert(s, BookingKind::kReservation); }},
      {"book", kOrders, "book an option or reservation directly", book},
      {"confirm", kOrders, "confirm an order (--keep: units kept per line)", confirm},
      {"release", kOrders, "release a hold, option or reservation",
       [](CLI::App& s) { return order_command<Release>(s, true); }},
      {"cancel", kOrders, "cancel a confirmed order without fees or documents (backoffice; see `order cancel`)",
       [](CLI::App& s) { return order_command<Cancel>(s, true); }},
      {"order cancel", kOrders,
       "cancel a validated order by the client (fees by the product's scale) or the organiser (commission), "
       "with its credit note and cancellation invoices (backoffice)",
       [](CLI::App& s) {
         static const opt::Choices<CancelledBy> kBy = {{"client", CancelledBy::kClient},
                                                       {"organiser", CancelledBy::kOrganiser}};
         auto v = keyed<CancelValidated>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_choice(s, "--by", v->body.by, kBy, "client or organiser")->required();
         s.add_option("--reason", v->body.reason, "why (printed on its documents)")->required();
         return send(v);
       }},
      {"archive", kOrders, "archive an option or reservation (backoffice)",
       [](CLI::App& s) { return order_command<Archive>(s, true); }},
      {"reinstate", kOrders, "put an overdue order back (backoffice)", reinstate},
      {"order show", kOrders, "the order page: summary, lines and seats, flags, notes, workflow",
       [](CLI::App& s) {
         auto v = std::make_shared<Keyed<GetOrderRecord>>();
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"order pdf", kOrders,
       "write the order's PDF again (the server's export directory, orders/) and print its path (backoffice)",
       [](CLI::App& s) {
         auto v = std::make_shared<Keyed<RenderOrderPdf>>();
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"order state", kOrders, "an order's state and deadline only",
       [](CLI::App& s) { return order_command<GetOrder>(s, false); }},
      {"order note", kOrders, "add an operator's note to an order (backoffice)",
       [](CLI::App& s) { return order_text<AddOrderNote>(s, "the note"); }},
      {"order info", kOrders, "set the client's information on an order (empty: clear)",
       [](CLI::App& s) { return order_text<SetOrderInfo>(s, "the client's information"); }},
      {"order purge", kOrders,
       "erase a closed order, or every closed order of a contact (--contact), from the history (admin)",
       [](CLI::App& s) {
         auto v = keyed<PurgeOrderHistory>(s);
         v->body.order = 0;
         v->body.contact = kNone;
         opt::add_number(s, "ORDER", v->body.order, "the closed order");
         opt::add_number(s, "--contact", v->body.contact, "every closed order of this contact (the right to erasure)");
         return Build([v](int64_t) -> CliCommands {
           if ((v->body.order == 0) == (v->body.contact == kNone))
             return Status::invalid_argument("order purge: name an ORDER or a --contact (one of the two)");
           return one(v->key, v->body);
         });
       }},
      {"option-lifetime", kOrders, "how long an option (or reservation) booked without a deadline lives (admin)",
       [](CLI::App& s) {
         auto v = keyed<SetOptionLifetime>(s);
         auto days = std::make_shared<uint32_t>(0);
         opt::add_number(s, "--product", v->body.product, "the product")->required();
         v->body.channel = kNone;
         opt::add_number(s, "--channel", v->body.channel, "only this channel (default: every channel)");
         v->body.kind = BookingKind::kOption;
         opt::add_choice(s, "--kind", v->body.kind, kKinds, "option or reservation");
         opt::add_number(s, "--days", *days, uint32_t{1}, uint32_t{3 * 365}, "its lifetime in days")->required();
         return Build([v, days](int64_t) -> CliCommands {
           SetOptionLifetime c = v->body;
           c.lifetime_ms = int64_t{*days} * kDayMs;
           return one(v->key, c);
         });
       }},
      {"order retention", kOrders, "days after its performance's start a confirmed order stays in memory (admin)",
       [](CLI::App& s) {
         auto v = keyed<SetOrderRetention>(s);
         auto days = std::make_shared<uint32_t>(0);
         opt::add_number(s, "--days", *days, uint32_t{0}, uint32_t{3'660},
                         "then it moves to the history, still readable; 0: keep confirmed orders in memory")
             ->required();
         return Build([v, days](int64_t) -> CliCommands {
           SetOrderRetention c = v->body;
           c.retain_ms = int64_t{*days} * kDayMs;
           return one(v->key, c);
         });
       }},
      {"stock", kOrders, "units of a performance by state and category: free, held, option, OD... (backoffice)",
       [](CLI::App& s) {
         auto v = keyed<GetStockSummary>(s);
         opt::add_number(s, "--performance", v->body.performance, "the performance")->required();
         return send(v);
       }},
      {"orders", kOrders, "orders of a contact or a performance, by id, 100 a page (backoffice)", orders},
      {"stats", kOrders, "key figures from http://HOST:ADMIN-PORT/metrics", sends_nothing},
      {"follow-up", kBackOffice, "options / reservations by deadline, at most 100 rows a page", follow_up},
      {"release-preview", kBackOffice, "what release-all would release now",
       [](CLI::App& s) {
         auto v = keyed<PreviewRelease>(s);
         add_filter(s, v->body.filter);
         opt::add_number(s, "--skipped-after", v->body.skipped_after,
                         "name the skipped orders after this order id (the next page of them)");
         return send(v);
       }},
      {"release-all", kBackOffice, "release every matching order marked release and not locked",
       [](CLI::App& s) {
         auto v = keyed<ReleaseAll>(s);
         add_filter(s, v->body.filter);
         return send(v);
       }},
      {"mark", kBackOffice, "set the release mark of orders (--keep or --release)", mark},
      {"lock", kBackOffice, "lock orders against release", [](CLI::App& s) { return lock(s, true); }},
      {"unlock", kBackOffice, "unlock orders", [](CLI::App& s) { return lock(s, false); }},
      {"release-selected", kBackOffice, "release the selected orders marked release (kept, locked are skipped)",
       [](CLI::App& s) {
         auto key = std::make_shared<RequestKey>(0);
         auto selection = std::make_shared<Selection>();
         add_key(s, *key);
         add_selection(s, *selection, false);
         return Build([key, selection](int64_t) -> CliCommands {
           auto orders = selection->all("release-selected");
           if (!orders.is_ok()) return orders.status();
           return one(*key, ReleaseOrders{std::move(*orders)});
         });
       }},
      {"remind", kBackOffice, "remind the contacts of orders, by file or email", remind},
      {"set-file", kBackOffice, "file an order under a file number", set_file},
      {"prereg submit", kOrders, "submit a validated cart as a pre-registration (web shop; held as options)",
       prereg_submit},
      {"prereg list", kBackOffice, "pending pre-registrations with their match, 100 a page (the import wizard)",
       prereg_list},
      {"prereg match", kBackOffice, "say by hand which contact requested them",
       [](CLI::App& s) { return prereg_match(s, MatchMode::kContact); }},
      {"prereg unmatch", kBackOffice, "remove a wrong match: nobody requested them (they are filed)",
       [](CLI::App& s) { return prereg_match(s, MatchMode::kNoContact); }},
      {"prereg automatic", kBackOffice, "back to the directory's match",
       [](CLI::App& s) { return prereg_match(s, MatchMode::kAutomatic); }},
      {"prereg delete", kBackOffice, "delete pre-registrations (their stock returns)", prereg_delete},
      {"prereg integrate", kBackOffice, "integrate pre-registrations as bookings or leads (--method 1|2|3)",
       prereg_integrate},
      {"lead list", kBackOffice, "sales follow-up files, by sales representative and sector", lead_list},
      {"lead status", kBackOffice, "close a lead as won or lost, or open it again", lead_status},
      {"contact add", kSubscriptions, "create a contact (id and number allocated unless given)", contact_add},
      {"contact update", kSubscriptions, "replace a contact's fields (give them all)", contact_update},
      {"contact show", kSubscriptions, "a contact's record, links and notes", contact_show},
      {"contact link", kSubscriptions, "link two contacts (child-of, relay-of, member-of, subsidiary-of)",
       contact_link},
      {"contact note", kSubscriptions, "add a note to a contact",
       [](CLI::App& s) {
         auto v = keyed<AddContactNote>(s);
         opt::add_number(s, "--id", v->body.contact, "the contact")->required();
         s.add_option("TEXT", v->body.text, "the note")->required();
         return send(v);
       }},
      {"contact delete", kSubscriptions, "delete a contact (refused while it has live orders or subscriptions)",
       [](CLI::App& s) {
         auto v = keyed<DeleteContact>(s);
         opt::add_number(s, "ID", v->body.contact, "the contact id")->required();
         return send(v);
       }},
      {"contact merge", kSubscriptions, "merge a duplicate into a contact: its orders, links and notes follow",
       [](CLI::App& s) {
         auto v = keyed<MergeContacts>(s);
         opt::add_number(s, "--into", v->body.survivor, "the contact that stays")->required();
         opt::add_number(s, "DUPLICATE", v->body.duplicate, "the contact that goes")->required();
         return send(v);
       }},
      {"contact search", kSubscriptions,
       "a page of contacts with the total: quick search on QUERY, or advanced search (--city, --type...)",
       contact_search},
      {"contact find", kSubscriptions, "completion lines, as the cart's search shows them", contact_find},
      {"contact activity", kSubscriptions,
       "a contact's indicators (attendance, PMG, channels, subscriber) and its cultural or mailing history",
       contact_activity},
      {"contact lists", kSubscriptions, "the criteria and audience categories the organisation defines",
       [](CLI::App& s) {
         auto v = std::make_shared<Keyed<GetContactLists>>();
         opt::add_flag(s, "--with-retired", v->body.with_retired, "retired entries too");
         return send(v);
       }},
      {"contact list-entry", kSubscriptions, "define, rename or retire a criterion or audience category (admin token)",
       contact_list_entry},
      {"series add", kSubscriptions, "define a series",
       [](CLI::App& s) {
         auto v = keyed<DefineSeries>(s);
         opt::add_number(s, "--id", v->body.series, "series id")->required();
         s.add_option("--name", v->body.name, "its title")->required();
         return send(v);
       }},
      {"issue add", kSubscriptions, "define an issue of a series",
       [](CLI::App& s) {
         auto v = keyed<DefineIssue>(s);
         opt::add_number(s, "--series", v->body.series, "the series")->required();
         opt::add_number(s, "--id", v->body.issue, "issue id")->required();
         add_date(s, "--date", v->body.date_ms, DayPart::kStart, "its date")->required();
         s.add_option("--name", v->body.name, "its name")->required();
         return send(v);
       }},
      {"format add", kSubscriptions, "define a reminder format", [](CLI::App& s) { return format_define(s, false); }},
      {"format change", kSubscriptions,
       "replace a reminder format's definition (every option again; refused while an unfinished run uses it)",
       [](CLI::App& s) { return format_define(s, true); }},
      {"format delete", kSubscriptions,
       "delete a reminder format (refused while an unfinished run uses it; its runs keep it)",
       [](CLI::App& s) {
         auto v = keyed<DeleteReminderFormat>(s);
         opt::add_number(s, "--id", v->body.format, "the format")->required();
         return send(v);
       }},
      {"format list", kSubscriptions, "list the reminder formats",
       [](CLI::App&) { return Build([](int64_t) { return one(0, ListReminderFormats{}); }); }},
      {"subscribe", kSubscriptions, "subscribe a contact to a series", subscribe},
      {"payment add", kBackOffice, "record a payment on an order (it may validate an option)",
       [](CLI::App& s) { return payment<AddPayment>(s, false); }},
      {"payment refund", kBackOffice, "record a refund (an immediate mode, with --reason)",
       [](CLI::App& s) { return payment<AddPayment>(s, true); }},
      {"payment change", kBackOffice, "correct a payment: every field is given again",
       [](CLI::App& s) { return payment<ChangePayment>(s, false); }},
      {"payment collect", kBackOffice, "a third-party payer's payment was collected",
       [](CLI::App& s) {
         auto v = keyed<CollectPayment>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PAYMENT", v->body.payment, "the payment's number on the order")->required();
         add_date(s, "--on", v->body.collected_ms, DayPart::kStart, "when (default: now)");
         return send(v);
       }},
      {"payment deposit", kBackOffice, "deposit cheques at a bank together: they are frozen (numbered deposit)",
       [](CLI::App& s) { return payment_batch(s, BatchKind::kChequeDeposit); }},
      {"payment payout", kBackOffice, "pay payments over to a beneficiary: they are frozen (numbered payout)",
       [](CLI::App& s) { return payment_batch(s, BatchKind::kPayout); }},
      {"accounting export", kBackOffice,
       "export the payments and invoices no export took yet to CSV on the server: they are frozen",
       [](CLI::App& s) {
         auto v = keyed<MakePaymentBatch>(s);
         v->body.kind = BatchKind::kAccountingExport;
         add_date(s, "--until", v->body.at_ms, DayPart::kEnd,
                  "what was recorded or issued through this day (default: now)");
         s.add_option("--label", v->body.label, "free text");
         return send(v);
       }},
      {"batch list", kBackOffice, "the cheque deposits, payouts or accounting exports, oldest first",
       [](CLI::App& s) {
         auto v = std::make_shared<ListPaymentBatches>();
         opt::add_choice(s, "--kind", v->kind, kBatchKinds, "deposit (default), payout or export");
         opt::add_number(s, "--after", v->after, "numbers after this one (the next page)");
         opt::add_number(s, "--limit", v->limit, "at most this many (default and most: 50)");
         return Build([v](int64_t) { return one(0, *v); });
       }},
      {"payment list", kBackOffice, "an order's summary, balance and payments (the order page)",
       [](CLI::App& s) {
         auto v = std::make_shared<Keyed<GetOrderRecord>>();
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"order discount", kBackOffice, "set an order's cash discount (0 removes it)",
       [](CLI::App& s) {
         auto v = keyed<SetCashDiscount>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         add_amount(s, "--amount", v->body.amount_cents, "the discount, e.g. 15.00")->required();
         return send(v);
       }},
      {"order contract", kBackOffice, "the order's travel contract came back signed (it may validate an option)",
       [](CLI::App& s) {
         auto v = keyed<SignContract>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         add_date(s, "--on", v->body.signed_ms, DayPart::kStart, "when (default: now)");
         return send(v);
       }},
      {"payer add", kBackOffice, "define (or rename) a third-party payer",
       [](CLI::App& s) {
         auto v = keyed<DefinePayer>(s);
         opt::add_number(s, "--id", v->body.payer, "payer id")->required();
         s.add_option("--name", v->body.name, "its name")->required();
         return send(v);
       }},
      {"invoice issue", kBackOffice, "invoice a validated order: a numbered invoice and its PDF",
       [](CLI::App& s) {
         auto v = keyed<IssueInvoice>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"invoice cancel", kBackOffice, "de-invoice an order: a credit note cancelling its invoice, and its PDF",
       [](CLI::App& s) {
         auto v = keyed<CancelInvoice>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         s.add_option("--reason", v->body.reason, "why (printed on the credit note)")->required();
         return send(v);
       }},
      {"invoice auto", kCatalogGroup, "invoice validated orders on their departure when nobody invoiced them (on|off)",
       [](CLI::App& s) {
         auto v = keyed<SetAutoInvoicing>(s);
         v->body.product = kNone;
         opt::add_number(s, "--product", v->body.product, "only this product (default: every product without its own)");
         opt::add_choice(s, "SWITCH", v->body.enabled, kSwitches, "on or off")->required();
         return send(v);
       }},
      {"invoice list", kBackOffice, "the invoice register (or credit notes), oldest number first",
       [](CLI::App& s) {
         auto v = std::make_shared<ListInvoices>();
         opt::add_choice(s, "--kind", v->kind, kInvoiceKinds, kInvoiceKindHelp);
         opt::add_number(s, "--year", v->year, "of this year only (then --after applies)");
         opt::add_number(s, "--order", v->order, "of this order only");
         opt::add_number(s, "--after", v->after, "numbers after this one (with --year)");
         opt::add_number(s, "--limit", v->limit, "at most this many (default and most: 500)");
         return Build([v](int64_t) { return one(0, *v); });
       }},
      {"invoice show", kBackOffice, "one invoice or credit note: its lines and totals",
       [](CLI::App& s) {
         auto v = std::make_shared<ListInvoices>();
         opt::add_choice(s, "--kind", v->kind, kInvoiceKinds, kInvoiceKindHelp);
         opt::add_number(s, "--year", v->year, "its year")->required();
         auto number = std::make_shared<uint32_t>(0);
         opt::add_number(s, "NUMBER", *number, "its number")->required();
         return Build([v, number](int64_t) {
           v->after = *number - 1;  // numbers have no gap: the one after N - 1 is N, if it exists
           v->limit = 1;
           return one(0, *v);
         });
       }},
      {"fee add", kBackOffice, "define (or change) an annex fee: mandatory ones go on every new order of the product",
       [](CLI::App& s) {
         auto v = keyed<DefineAnnexFee>(s);
         v->body.product = kNone;
         opt::add_number(s, "--id", v->body.fee, "fee id")->required();
         s.add_option("--name", v->body.name, "as the order page and the invoice print it")->required();
         add_amount(s, "--price", v->body.price_cents, "its price, e.g. 15.00")->required();
         opt::add_number(s, "--product", v->body.product, "only this product's orders (default: every product)");
         opt::add_flag(s, "--per-unit", v->body.per_unit, "the price x the order's units (default: once per order)");
         opt::add_flag(s, "--mandatory", v->body.mandatory, "on every order of the product placed from now on");
         return send(v);
       }},
      {"order fee", kBackOffice, "add an annex fee to an order, or set its price on the order",
       [](CLI::App& s) {
         auto v = keyed<SetOrderFee>(s);
         v->body.price_cents = -1;
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "FEE", v->body.fee, "the fee")->required();
         add_amount(s, "--price", v->body.price_cents, "its price on this order (default: the catalog's)");
         return send(v);
       }},
      {"document-type", kCatalogGroup,
       "define (or change) a document type of the administrative file, required for some products (admin)",
       [](CLI::App& s) {
         auto v = keyed<DefineDocumentType>(s);
         opt::add_number(s, "--id", v->body.type, "the type's id")->required();
         s.add_option("--name", v->body.name, "e.g. \"Fiche sanitaire\"")->required();
         s.add_option("--required-for", v->body.required_for,
                      "a product whose participants must hand it in (repeat; default: none)");
         return send(v);
       }},
      {"order participant", kBackOffice,
       "add a participant (a contact) to an order: one more unit of the line when all are taken",
       [](CLI::App& s) {
         auto v = keyed<AddParticipant>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "CONTACT", v->body.contact, "the participant")->required();
         opt::add_number(s, "--representative", v->body.legal_representative,
                         "the participant's legal representative (default: the order's client)");
         opt::add_number(s, "--line", v->body.line, "the order line whose unit it holds (default 0)");
         return send(v);
       }},
      {"order participant-remove", kBackOffice, "remove a participant from an order; its unit goes back to stock",
       [](CLI::App& s) {
         auto v = keyed<RemoveParticipant>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "CONTACT", v->body.contact, "the participant")->required();
         return send(v);
       }},
      {"order representative", kBackOffice, "name a participant's legal representative (0: the order's client)",
       [](CLI::App& s) {
         auto v = keyed<SetLegalRepresentative>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PARTICIPANT", v->body.participant, "the participant")->required();
         opt::add_number(s, "REPRESENTATIVE", v->body.legal_representative, "a contact, or 0")->required();
         return send(v);
       }},
      {"order attach", kOrders,
       "attach a document (a file, at most the server's document_bytes_max) to an order or a participant",
       [](CLI::App& s) {
         auto v = keyed<AttachDocument>(s);
         auto file = std::make_shared<std::string>();
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         s.add_option("FILE", *file, "the file to send")->required();
         opt::add_number(s, "--participant", v->body.participant, "whose document (default: the order's own)");
         opt::add_number(s, "--type", v->body.type, "its document type (a participant's document needs one)");
         s.add_option("--name", v->body.name, "its name on the order (default: the file's name)");
         return Build([v, file](int64_t) -> CliCommands {
           AttachDocument c = v->body;
           Result<std::string> bytes = read_whole_file(*file);
           if (!bytes.is_ok()) return bytes.status();
           c.content = std::move(*bytes);
           if (c.name.empty()) c.name = std::filesystem::path(*file).filename().string();
           return one(v->key, std::move(c));
         });
       }},
      {"departure-book", kBackOffice,
       "attach a departure's convocation (a file): every registration of the departure has it, and is e-mailed",
       [](CLI::App& s) {
         auto v = keyed<AttachDepartureBook>(s);
         auto file = std::make_shared<std::string>();
         opt::add_number(s, "--performance", v->body.performance, "the departure (a performance)")->required();
         s.add_option("FILE", *file, "the convocation to send")->required();
         s.add_option("--name", v->body.name, "its name (default: the file's name)");
         return Build([v, file](int64_t) -> CliCommands {
           AttachDepartureBook c = v->body;
           Result<std::string> bytes = read_whole_file(*file);
           if (!bytes.is_ok()) return bytes.status();
           c.content = std::move(*bytes);
           if (c.name.empty()) c.name = std::filesystem::path(*file).filename().string();
           return one(v->key, std::move(c));
         });
       }},
      {"order travel-book", kBackOffice,
       "attach an order's own convocation (a file; the order in individual mode), e-mailed to the client",
       [](CLI::App& s) {
         auto v = keyed<AttachTravelBook>(s);
         auto file = std::make_shared<std::string>();
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         s.add_option("FILE", *file, "the convocation to send")->required();
         s.add_option("--name", v->body.name, "its name (default: the file's name)");
         return Build([v, file](int64_t) -> CliCommands {
           AttachTravelBook c = v->body;
           Result<std::string> bytes = read_whole_file(*file);
           if (!bytes.is_ok()) return bytes.status();
           c.content = std::move(*bytes);
           if (c.name.empty()) c.name = std::filesystem::path(*file).filename().string();
           return one(v->key, std::move(c));
         });
       }},
      {"order travel-book-mode", kBackOffice,
       "group (the departure's convocations; withdraws the order's own) or individual (its own may be added)",
       [](CLI::App& s) {
         static const opt::Choices<TravelBookMode> kModes = {{"group", TravelBookMode::kGroup},
                                                             {"individual", TravelBookMode::kIndividual}};
         auto v = keyed<SetTravelBookMode>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_choice(s, "MODE", v->body.mode, kModes, "group or individual")->required();
         return send(v);
       }},
      {"order send-travel-book", kBackOffice, "e-mail the order's travel book (its last convocation) again",
       [](CLI::App& s) {
         auto v = keyed<SendTravelBookMail>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"order price", kBackOffice, "set a line's unit price on an order (refused once invoiced)",
       [](CLI::App& s) {
         auto v = keyed<SetLinePrice>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "LINE", v->body.line, "the line (0 is the first; order show lists them)")->required();
         add_amount(s, "--price", v->body.unit_price_cents, "its unit price, e.g. 450.00")->required();
         return send(v);
       }},
      {"departure", kCatalogGroup,
       "define (or change) a stay's departure: a performance of the product, its city, day and round trip's price",
       [](CLI::App& s) {
         auto v = keyed<DefineDeparture>(s);
         opt::add_number(s, "--performance", v->body.performance, "the departure (a performance of the product)")
             ->required();
         opt::add_number(s, "--product", v->body.product, "the stay's product")->required();
         s.add_option("--city", v->body.city, "the city it leaves from, e.g. Lyon")->required();
         opt::add_number(s, "--date", v->body.date, uint32_t{18'500'101}, uint32_t{99'991'231},
                         "its day, YYYYMMDD (e.g. 20270705)")
             ->required();
         add_amount(s, "--round-trip", v->body.round_trip_cents, "the round trip's price from that city, e.g. 50.00")
             ->required();
         return send(v);
       }},
      {"add-on", kCatalogGroup, "define (or change) an add-on (a trip option) of a product's departures, with its price",
       [](CLI::App& s) {
         auto v = keyed<DefineAddOn>(s);
         opt::add_number(s, "--id", v->body.addon, "the add-on's id")->required();
         opt::add_number(s, "--product", v->body.product, "the product whose departures offer it")->required();
         s.add_option("--name", v->body.name, "e.g. \"Canoë\"")->required();
         add_amount(s, "--price", v->body.price_cents, "its catalog price, e.g. 35.00")->required();
         return send(v);
       }},
      {"add-on-quota", kCatalogGroup, "how many participants may select an add-on on one departure",
       [](CLI::App& s) {
         auto v = keyed<SetAddOnQuota>(s);
         opt::add_number(s, "--performance", v->body.performance, "the departure")->required();
         opt::add_number(s, "--add-on", v->body.addon, "the add-on (of the departure's product)")->required();
         opt::add_number(s, "--capacity", v->body.capacity, "its quota there (not below what is selected)")
             ->required();
         return send(v);
       }},
      {"add-ons", kBackOffice, "the add-ons a departure offers: price, capacity, selected, free",
       [](CLI::App& s) {
         auto v = keyed<GetAddOnStock>(s);
         opt::add_number(s, "--performance", v->body.performance, "the departure")->required();
         return send(v);
       }},
      {"order add-on", kBackOffice,
       "select an add-on for a participant (one from its quota on the order's departure), or set its price",
       [](CLI::App& s) {
         auto v = keyed<AddAddOn>(s);
         v->body.price_cents = -1;  // the catalog's
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PARTICIPANT", v->body.participant, "the participant")->required();
         opt::add_number(s, "ADDON", v->body.addon, "the add-on")->required();
         CLI::Option* price =
             add_amount(s, "--price", v->body.price_cents, "its price on this order (default: the catalog's)");
         return Build([v, price](int64_t) -> CliCommands {
           if (price->count() > 0 && v->body.price_cents < 0)
             return Status::invalid_argument("order add-on: --price: not below 0 (leave it out for the catalog's)");
           return one(v->key, v->body);
         });
       }},
      {"order add-on-remove", kBackOffice, "remove a participant's add-on; it goes back to its quota",
       [](CLI::App& s) {
         auto v = keyed<RemoveAddOn>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PARTICIPANT", v->body.participant, "the participant")->required();
         opt::add_number(s, "ADDON", v->body.addon, "the add-on")->required();
         return send(v);
       }},
      {"order departure", kBackOffice,
       "move an order to another departure of its product (same shard; all units or none; add-ons follow if room)",
       [](CLI::App& s) {
         auto v = keyed<ChangeDeparture>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PERFORMANCE", v->body.performance, "the new departure")->required();
         return send(v);
       }},
      {"order return", kBackOffice,
       "return to the city of another departure of the same product and day (--same-city or 0: its own city)",
       [](CLI::App& s) {
         auto v = keyed<SetReturnCity>(s);
         auto same_city = std::make_shared<bool>(false);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         CLI::Option* departure =
             opt::add_number(s, "DEPARTURE", v->body.departure, "the departure whose city it returns to (0: its own)");
         opt::add_flag(s, "--same-city", *same_city, "return to the departure's own city");
         return Build([v, same_city, departure](int64_t) -> CliCommands {
           if (*same_city && v->body.departure != kNone)
             return Status::invalid_argument("order return: give a DEPARTURE or --same-city, not both");
           if (!*same_city && departure->count() == 0)
             return Status::invalid_argument("order return: give a DEPARTURE (0: the same city) or --same-city");
           SetReturnCity c = v->body;
           if (*same_city) c.departure = kNone;
           return one(v->key, c);
         });
       }},
      {"order check", kBackOffice, "check a document of an order (--refuse: not valid; clears the alert either way)",
       [](CLI::App& s) {
         auto v = keyed<CheckDocument>(s);
         auto refuse = std::make_shared<bool>(false);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "DOCUMENT", v->body.document, "its number on the order (order show lists them)")
             ->required();
         opt::add_flag(s, "--refuse", *refuse, "the document is not valid (the participant's file stays incomplete)");
         return Build([v, refuse](int64_t) -> CliCommands {
           CheckDocument c = v->body;
           c.checked = !*refuse;
           return one(v->key, c);
         });
       }},
      {"order attendance", kBackOffice, "set a participant's attendance: present, absent (--reason) or default",
       [](CLI::App& s) {
         static const opt::Choices<Attendance> kAttendances = {
             {"present", Attendance::kPresent}, {"absent", Attendance::kAbsent}, {"default", Attendance::kUnset}};
         auto v = keyed<SetAttendance>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "PARTICIPANT", v->body.participant, "the participant")->required();
         opt::add_choice(s, "ATTENDANCE", v->body.attendance, kAttendances, "present, absent or default")->required();
         s.add_option("--reason", v->body.reason, "why absent");
         return send(v);
       }},
      {"order fee-remove", kBackOffice, "remove an optional annex fee from an order",
       [](CLI::App& s) {
         auto v = keyed<RemoveOrderFee>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "FEE", v->body.fee, "the fee")->required();
         return send(v);
       }},
      {"promo add", kBackOffice,
       "define (or redefine) a promo code: an amount or a percent off, its validity and limit",
       [](CLI::App& s) {
         auto v = keyed<DefinePromoCode>(s);
         auto percent = std::make_shared<uint32_t>(0);
         v->body.product = kNone;
         s.add_option("CODE", v->body.code, "the code: letters, digits, '-' or '_' (taken in capitals)")->required();
         add_amount(s, "--amount", v->body.amount_cents, "an amount off the package, e.g. 10.00");
         opt::add_number(s, "--percent", *percent, "or a percent of the package (1..100), rounded half up to the cent");
         add_date(s, "--from", v->body.valid_from_ms, DayPart::kStart, "valid from this day (default: at once)");
         add_date(s, "--until", v->body.valid_until_ms, DayPart::kEnd, "valid through this day (default: no end)");
         opt::add_number(s, "--max-uses", v->body.max_uses,
                         "orders that may hold it at once or bought with it (default: no limit)");
         opt::add_number(s, "--product", v->body.product, "only orders of this product (default: every product)");
         add_amount(s, "--min-package", v->body.min_package_cents, "only orders of at least this much, e.g. 100.00");
         return Build([v, percent](int64_t) {
           DefinePromoCode body = v->body;
           body.percent = *percent;
           return one(v->key, body);
         });
       }},
      {"promo list", kBackOffice, "the promo codes with their uses, by code",
       [](CLI::App& s) {
         auto v = std::make_shared<ListPromoCodes>();
         s.add_option("--after", v->after, "codes after this one (the next page)");
         opt::add_number(s, "--limit", v->limit, "at most this many (default and most: 500)");
         return Build([v](int64_t) { return one(0, *v); });
       }},
      {"promo apply", kOrders, "apply a promo code to an order (one per order; not once validated or invoiced)",
       [](CLI::App& s) {
         auto v = keyed<ApplyPromoCode>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         s.add_option("CODE", v->body.code, "the promo code")->required();
         return send(v);
       }},
      {"promo remove", kOrders, "remove an order's promo code (its use is given back)",
       [](CLI::App& s) {
         auto v = keyed<RemovePromoCode>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"cashback credit", kBackOffice,
       "credit a contact's cashback (a negative amount takes credit back, at most the balance)",
       [](CLI::App& s) {
         auto v = keyed<CreditCashback>(s);
         opt::add_number(s, "CONTACT", v->body.contact, "the contact")->required();
         add_amount(s, "AMOUNT", v->body.amount_cents, "the amount, e.g. 20.00 (or -5.00)")->required();
         s.add_option("--label", v->body.label, "why (kept with the movement), e.g. \"fidélité 2026\"");
         return send(v);
       }},
      {"cashback show", kBackOffice, "a contact's cashback: balance, credited, spent and latest movements",
       [](CLI::App& s) {
         auto v = std::make_shared<GetCashback>();
         opt::add_number(s, "CONTACT", v->contact, "the contact")->required();
         return Build([v](int64_t) { return one(0, *v); });
       }},
      {"cashback apply", kOrders,
       "take some of the client's cashback off an order (once per order; not once validated or invoiced)",
       [](CLI::App& s) {
         auto v = keyed<ApplyCashback>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         add_amount(s, "AMOUNT", v->body.amount_cents, "the amount, e.g. 15.00")->required();
         return send(v);
       }},
      {"cashback remove", kOrders, "remove an order's cashback (it goes back to the contact)",
       [](CLI::App& s) {
         auto v = keyed<RemoveCashback>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"sponsorship rule", kCatalogGroup,
       "the sponsorship terms: the reduction a sponsored order takes, the sponsor's cashback once it is validated",
       [](CLI::App& s) {
         auto v = keyed<SetSponsorshipRule>(s);
         v->body.product = kNone;
         opt::add_number(s, "--product", v->body.product, "only this product (default: every product without its own)");
         add_amount(s, "--reduction", v->body.reduction_cents, "off the sponsored order, e.g. 15.00")->required();
         add_amount(s, "--reward", v->body.reward_cents, "the sponsor's cashback, e.g. 20.00")->required();
         return send(v);
       }},
      {"sponsor set", kBackOffice,
       "name the client who brought an order's client (a client themselves; the order's client is a new one)",
       [](CLI::App& s) {
         auto v = keyed<SetSponsor>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         opt::add_number(s, "SPONSOR", v->body.sponsor, "the sponsor's contact id")->required();
         return send(v);
       }},
      {"sponsor remove", kBackOffice, "remove an order's sponsor and its reduction (not once validated or invoiced)",
       [](CLI::App& s) {
         auto v = keyed<RemoveSponsor>(s);
         opt::add_number(s, "ORDER", v->body.order, "the order")->required();
         return send(v);
       }},
      {"payer list", kBackOffice, "list the third-party payers",
       [](CLI::App&) { return Build([](int64_t) { return one(0, ListPayers{}); }); }},
      {"cancellation terms", kCatalogGroup,
       "a product's cancellation fees by days before the start, and the organiser's commission",
       [](CLI::App& s) {
         auto v = keyed<SetCancellationTerms>(s);
         auto scale = std::make_shared<std::string>();
         v->body.product = kNone;
         opt::add_number(s, "--product", v->body.product, "only this product (default: every product without its own)");
         s.add_option("--scale", *scale,
                      "DAYS:PERCENT steps, most days first, the last 0 days: 30:10,15:25,0:100 (default: no fees)");
         opt::add_number(s, "--commission-percent", v->body.commission_percent,
                         "an organiser's cancellation: the commission billed to --organiser");
         s.add_option("--organiser", v->body.organiser,
                      "the organiser billed the commission: name, then address lines after \" | \"");
         return Build([v, scale](int64_t) -> CliCommands {
           SetCancellationTerms body = v->body;
           for (size_t pos = 0; !scale->empty();) {
             const size_t comma = scale->find(',', pos);
             const std::string step = scale->substr(pos, comma == std::string::npos ? comma : comma - pos);
             const size_t colon = step.find(':');
             uint32_t days = 0, percent = 0;
             const auto parsed = [](std::string_view text, uint32_t& out) {
               const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
               return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
             };
             if (colon == std::string::npos || !parsed(std::string_view(step).substr(0, colon), days) ||
                 !parsed(std::string_view(step).substr(colon + 1), percent))
               return Status::invalid_argument(cat("--scale: \"", step, "\" is not DAYS:PERCENT"));
             body.scale.push_back(CancellationStep{days, percent});
             if (comma == std::string::npos) break;
             pos = comma + 1;
           }
           for (size_t at; (at = body.organiser.find(" | ")) != std::string::npos;) body.organiser.replace(at, 3, "\n");
           return one(v->key, body);
         });
       }},
      {"return-city rule", kCatalogGroup, "the return-city rule: (round trip A + round trip B) / 2 x (1 + rule %)",
       [](CLI::App& s) {
         auto v = keyed<SetReturnCityRule>(s);
         auto rule = std::make_shared<int64_t>(0);
         v->body.product = kNone;
         opt::add_number(s, "--product", v->body.product, "only this product (default: every product without its own)");
         add_amount(s, "--percent", *rule, "the rule in percent, e.g. 20 or 1.5")->required();
         return Build([v, rule](int64_t) -> CliCommands {
           if (*rule < 0 || *rule > kReturnCityRuleMax)
             return Status::invalid_argument(cat("--percent: at most ", kReturnCityRuleMax / 100));
           SetReturnCityRule body = v->body;
           body.rule_hundredths = static_cast<uint32_t>(*rule);  // hundredths of a percent, as cents of a unit
           return one(v->key, body);
         });
       }},
      {"return-city quote", kOrders, "the price of a return to another city from the two cities' round trips",
       [](CLI::App& s) {
         auto v = std::make_shared<QuoteReturnCity>();
         v->product = kNone;
         opt::add_number(s, "--product", v->product, "the product (default: the default rule)");
         add_amount(s, "--round-trip-a", v->round_trip_a_cents, "the departure city's round trip, e.g. 50.00")
             ->required();
         add_amount(s, "--round-trip-b", v->round_trip_b_cents, "the return city's round trip, e.g. 20.00")->required();
         return Build([v](int64_t) { return one(0, *v); });
       }},
      {"validation set", kCatalogGroup,
       "what validates an option: payments (any, a deposit or never) and/or a contract",
       [](CLI::App& s) {
         static const opt::Choices<ValidateOnPayment> kOnPayment = {{"any", ValidateOnPayment::kAnyPayment},
                                                                    {"deposit", ValidateOnPayment::kDeposit},
                                                                    {"never", ValidateOnPayment::kNever}};
         auto v = keyed<SetValidationRule>(s);
         v->body.product = kNone;
         v->body.on_contract = true;
         auto no_contract = std::make_shared<bool>(false);
         opt::add_number(s, "--product", v->body.product, "only this product (default: every product without its own)");
         opt::add_choice(s, "--on-payment", v->body.on_payment, kOnPayment, "which payments validate")->required();
         opt::add_number(s, "--deposit-percent", v->body.deposit_percent, "with --on-payment deposit: the share paid");
         opt::add_flag(s, "--no-contract", *no_contract, "a signed contract does not validate");
         return Build([v, no_contract](int64_t) {
           v->body.on_contract = !*no_contract;
           return one(v->key, v->body);
         });
       }},
      {"renew", kSubscriptions, "extend a subscription",
       [](CLI::App& s) {
         auto v = keyed<RenewSubscription>(s);
         opt::add_number(s, "--id", v->body.subscription, "the subscription")->required();
         add_date(s, "--ends", v->body.ends_ms, DayPart::kEnd, "new last day")->required();
         return send(v);
       }},
      {"run start", kSubscriptions, "select subscriptions to remind (by issue or date range) and export them",
       run_start},
      {"template set", kSubscriptions, "define or replace the e-mail template of a document in a language",
       template_set},
      {"template remove", kSubscriptions, "remove a template (the built-in text is used again)",
       [](CLI::App& s) {
         auto v = keyed<DefineDocumentTemplate>(s);
         v->body.remove = true;
         opt::add_choice(s, "--document", v->body.document, kDocuments, "the document")->required();
         s.add_option("--language", v->body.language, "its language")->required();
         return send(v);
       }},
      {"template list", kSubscriptions, "list the document templates",
       [](CLI::App&) { return Build([](int64_t) { return one(0, ListDocumentTemplates{}); }); }},
      {"run export", kSubscriptions, "export a reviewed run, or export a run again", run_export},
      {"run list", kSubscriptions, "list the runs, newest first, with their progress", run_list},
      {"run show", kSubscriptions, "show a run", [](CLI::App& s) { return run_id<GetReminderRun>(s, false); }},
      {"run validate", kSubscriptions, "validate a run: raises the reminder ranks",
       [](CLI::App& s) { return run_id<ValidateReminderRun>(s, true); }},
      {"run cancel", kSubscriptions, "cancel a run", [](CLI::App& s) { return run_id<CancelReminderRun>(s, true); }},
      {"price set", kCatalogGroup, "set the price of a tariff for a category (on one channel, or every channel)",
       [](CLI::App& s) {
         auto v = keyed<SetTariffPrice>(s);
         opt::add_number(s, "--tariff", v->body.tariff, "the tariff")->required();
         opt::add_number(s, "--category", v->body.category, "the category")->required();
         v->body.channel = kNone;
         opt::add_number(s, "--channel", v->body.channel, "only this channel (default: every channel)");
         opt::add_number(s, "--cents", v->body.price_cents, "the unit price, in cents")->required();
         return send(v);
       }},
      {"performance add", kCatalogGroup, "define a performance of a product (then `capacity set` its categories)",
       [](CLI::App& s) {
         auto v = keyed<DefinePerformance>(s);
         auto zone = std::make_shared<std::string>();
         auto starts = std::make_shared<std::string>();
         opt::add_number(s, "--id", v->body.performance, "performance id")->required();
         opt::add_number(s, "--product", v->body.product, "its product")->required();
         s.add_option("--starts-at", *starts, "when it starts: a local date and time")
             ->type_name("YYYY-MM-DDTHH:MM")
             ->required();
         s.add_option("--time-zone", *zone,
                      "the IANA zone of --starts-at (default: the organisation's, from the server), e.g. Europe/Paris")
             ->type_name("ZONE");
         opt::add_number(s, "--capacity", v->body.capacity, "overall cap across categories (default 0: none)");
         opt::add_number(s, "--contact-limit", v->body.contact_limit, "units per contact (default 0: none)");
         defer_date(s, [v, zone, starts](const LocalTime& organisation) -> Status {
           if (starts->empty()) return Status::ok();
           LocalTime local = organisation;
           if (!zone->empty()) {
             auto given = LocalTime::make(*zone);
             if (!given.is_ok()) return Status::invalid_argument(cat("--time-zone: ", given.status().message()));
             local = *given;
           }
           auto at = parse_time_ms("--starts-at", *starts, local);
           if (!at.is_ok()) return at.status();
           v->body.starts_at_ms = *at;
           return Status::ok();
         });
         return send(v);
       }},
      {"performance staff", kCatalogGroup,
       "set a performance's responsible and assistant (contacts told of the bookings pre-registrations make)",
       [](CLI::App& s) {
         auto v = keyed<SetPerformanceStaff>(s);
         opt::add_number(s, "--performance", v->body.performance, "the performance")->required();
         opt::add_number(s, "--responsible", v->body.responsible, "its responsible, a contact (default 0: none)");
         opt::add_number(s, "--assistant", v->body.assistant, "its assistant, a contact (default 0: none)");
         return send(v);
       }},
      {"performance show", kCatalogGroup, "a performance as defined, with its responsible and assistant",
       [](CLI::App& s) {
         auto v = keyed<GetPerformance>(s);
         opt::add_number(s, "ID", v->body.performance, "the performance")->required();
         return send(v);
       }},
      {"capacity set", kCatalogGroup, "create or resize the general admission of a category on a performance",
       [](CLI::App& s) {
         auto v = keyed<SetGeneralAdmission>(s);
         opt::add_number(s, "--performance", v->body.performance, "the performance")->required();
         opt::add_number(s, "--category", v->body.category, "the category")->required();
         opt::add_number(s, "--capacity", v->body.capacity, "units (open sale and contingents)")->required();
         return send(v);
       }},
      {"cap set", kCatalogGroup, "cap what a channel may hold or sell of a performance",
       [](CLI::App& s) {
         auto v = keyed<SetChannelCap>(s);
         opt::add_number(s, "--performance", v->body.performance, "the performance")->required();
         opt::add_number(s, "--channel", v->body.channel, "the channel")->required();
         opt::add_number(s, "--cap", v->body.cap, "units")->required();
         return send(v);
       }},
      {"principal add", kPrincipalsGroup, "add a principal and print its token (shown once)", principal_add},
      {"principal list", kPrincipalsGroup, "list the principals (revoked ones too)",
       [](CLI::App&) { return Build([](int64_t) { return one(0, ListPrincipals{}); }); }},
      {"principal revoke", kPrincipalsGroup, "revoke a principal: its token stops working",
       [](CLI::App& s) {
         auto v = keyed<RevokePrincipal>(s);
         opt::add_number(s, "--id", v->body.principal, "the principal")->required();
         return send(v);
       }},
  };
  return table;
}

// The parent of two-word subcommands ("contact" of "contact add"), made once.
CLI::App* parent_of(CLI::App& app, std::map<std::string, CLI::App*, std::less<>>& parents, std::string_view word,
                    std::string_view group) {
  if (const auto it = parents.find(word); it != parents.end()) return it->second;
  CLI::App* parent = app.add_subcommand(std::string(word), cat(word, " subcommands (tessera ", word, " --help)"));
  parent->group(std::string(group));
  parent->require_subcommand(1);
  parents.emplace(std::string(word), parent);
  return parent;
}

void declare_globals(CLI::App& app, CliArgs& a) {
  app.add_option("--host", a.host, "server address (default: $TESSERA_HOST, else 127.0.0.1)");
  opt::add_number(app, "--port", a.port, uint16_t{1}, uint16_t{65535},
                  "protocol port (default: $TESSERA_PORT, else 7450)");
  opt::add_number(app, "--admin-port", a.admin_port, uint16_t{1}, uint16_t{65535}, "admin HTTP port, for stats")
      ->capture_default_str();
  app.add_option("--token", a.token, "access token (default: $TESSERA_TOKEN)")->type_name("T");
  add_parsed(
      app, "--hold-token", a.hold_token,
      [](const std::string& text) -> Result<HoldToken> {
        auto token = HoldToken::parse(text);
        if (!token || token->empty()) return Status::invalid_argument(cat("'", text, "' is not a hold token"));
        return *token;
      },
      "a web shop names an order with the hold token its replies carry (column hold_token)")
      ->type_name("HEX");
  opt::add_flag(app, "--tls", a.tls, "connect with TLS (a server with tls_cert_file set)");
  app.add_option("--ca", a.ca_file,
                 "trust the server's certificate if it chains to these PEM CAs (implies --tls; default: the "
                 "system's CAs)")
      ->type_name("FILE");
  opt::add_flag(app, "--json", a.json,
                "one JSON object per reply (fields: command, code, order, state, value, message, hold_token)");
}

// The overview's notes (set once the subcommands exist: they would inherit them).
void add_overview_footer(CLI::App& app) {
  app.footer(
      "Options of a subcommand come after it; global options go anywhere. Repeated options take\n"
      "one value each time or a comma list (--tariff 11,12). Order commands take --key K (a request\n"
      "key: a retry with the same key is applied once). Dates: YYYY-MM-DD or DD.MM.YYYY, days of the\n"
      "organisation's time zone (the server's), or ms since the epoch; tables show dates in that zone.\n"
      "Each subcommand has its help: tessera SUBCOMMAND --help.\n\n"
      "Exit codes: 0 ok, 1 refused by the server (sold out, not found, forbidden...),\n"
      "2 usage error, 3 connection or server error.");
}

// The subcommand the line named so far: its path ("run start") and its app.
struct Parsed {
  std::string path;
  CLI::App* leaf;
};
Parsed parsed_subcommand(CLI::App& app) {
  Parsed p{"", &app};
  while (!p.leaf->get_subcommands().empty()) {
    p.leaf = p.leaf->get_subcommands().front();
    p.path += (p.path.empty() ? "" : " ") + p.leaf->get_name();
  }
  return p;
}

// CLI11's error, said the way the tool always said it where that is clearer:
// what it could not place on the line, rather than what is then missing.
std::string usage_error(const CLI::ParseError& e, CLI::App& app, int argc, const char* const* argv) {
  const std::string path = parsed_subcommand(app).path;
  const std::vector<std::string> rest = app.remaining(true);
  const auto option =
      std::find_if(rest.begin(), rest.end(), [](const std::string& arg) { return arg.starts_with("-"); });
  const auto word =
      std::find_if(rest.begin(), rest.end(), [](const std::string& arg) { return !arg.starts_with("-"); });
  if (path.empty()) {
    if (word != rest.end()) return cat("unknown subcommand '", *word, "'");
    if (option != rest.end()) return cat("unknown option ", *option, " (subcommand options come after the subcommand)");
    return e.what();
  }
  if (option != rest.end()) {
    const std::string first_word = path.substr(0, path.find(' '));
    for (int i = 1; i < argc && first_word != argv[i]; ++i)
      if (*option == argv[i])
        return cat(path, ": ", *option, " comes before the subcommand (its options come after it)");
    return cat(path, ": unknown option ", *option);
  }
  if (word != rest.end()) return cat(path, ": unexpected argument '", *word, "'");
  const std::string what = e.what();
  if (app.get_option_no_throw(what.substr(0, what.find(':'))) != nullptr) return what;  // a global option's
  return cat(path, ": ", what);
}

}  // namespace

CliEnvironment CliEnvironment::from_process() {
  return CliEnvironment{std::getenv("TESSERA_TOKEN"), std::getenv("TESSERA_HOST"), std::getenv("TESSERA_PORT")};
}

Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const char* env_token) {
  return parse_cli_args(argc, argv, CliEnvironment{env_token, nullptr, nullptr});
}

Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const CliEnvironment& env) {
  CliArgs a;
  if (env.token) a.token = env.token;
  if (env.host && *env.host) a.host = env.host;
  if (env.port && *env.port) {
    uint32_t port = 0;
    if (!opt::parse_decimal(env.port, &port).empty() || port == 0 || port > 65535)
      return Status::invalid_argument(cat("TESSERA_PORT: '", env.port, "' is not a port (1 to 65535)"));
    a.port = static_cast<uint16_t>(port);
  }
  CLI::App app("tessera: the command-line client of tessera-server.", "tessera");
  app.fallthrough();             // global options after the subcommand, too (inherited by subcommands)
  app.require_subcommand(0, 1);  // one subcommand per line
  declare_globals(app, a);
  std::map<std::string, CLI::App*, std::less<>> parents;
  std::map<const CLI::App*, std::pair<std::string, Build>> builds;
  std::vector<std::pair<const CLI::App*, CliArgs::DateResolver>> dates;
  t_dates = &dates;
  struct Unset {
    ~Unset() { t_dates = nullptr; }
  } unset;
  for (const SubcommandSpec& spec : subcommands()) {
    const size_t space = spec.path.find(' ');
    const bool two_words = space != std::string_view::npos;
    CLI::App* parent = two_words ? parent_of(app, parents, spec.path.substr(0, space), spec.group) : &app;
    CLI::App* s = parent->add_subcommand(std::string(two_words ? spec.path.substr(space + 1) : spec.path),
                                         std::string(spec.description));
    s->group(std::string(spec.group));
    s->footer(
        "Global options (tessera --help) go anywhere on the line: --host, --port, --admin-port, --token, "
        "--hold-token, --tls, --ca, --json.");
    builds[s] = {std::string(spec.path), spec.declare(*s)};
  }
  // The catalog file: run_cli holds the conversation (read, plan, send).
  CLI::App* apply = app.add_subcommand("apply", "define or update the catalog from a catalog file (docs/catalog.md)");
  apply->group(std::string(kCatalogGroup));
  apply->add_option("FILE", a.catalog_file, "the catalog file (TOML)")->required();
  opt::add_flag(*apply, "--dry-run", a.dry_run, "print what would be created or changed; change nothing");
  builds[apply] = {"apply", sends_nothing(*apply)};
  CLI::App* exporter = app.add_subcommand("export-catalog", "write the server's catalog as a catalog file");
  exporter->group(std::string(kCatalogGroup));
  exporter->add_option("--out", a.catalog_file, "write it to this file (default: standard output)")->type_name("FILE");
  exporter->add_option("--time-zone", a.time_zone, "write local times in this IANA zone (default UTC)")
      ->type_name("ZONE");
  builds[exporter] = {"export-catalog", sends_nothing(*exporter)};
  // An import file: run_cli holds the conversation (read a chunk, send a batch).
  CLI::App* importer =
      parent_of(app, parents, "contact", kSubscriptions)
          ->add_subcommand("import", "import contacts from a CSV file (docs/protocol.md, Contact import)");
  importer->add_option("FILE", a.import_file, "the CSV file (UTF-8; header row names the columns)")->required();
  importer
      ->add_option("--map", a.import_mapping,
                   cat("HEADER=FIELD: the column HEADER holds FIELD, or HEADER=- skips it (repeat); fields: ",
                       directory::ContactCsvReader::field_names()))
      ->type_name("HEADER=FIELD")
      ->check([](const std::string& m) { return m.find('=') == std::string::npos ? "expected HEADER=FIELD" : ""; });
  importer->add_option("--delimiter", a.import_delimiter, "',' ';' or tab (default: from the header row)")
      ->check(CLI::IsMember({",", ";", "tab"}));
  opt::add_flag(*importer, "--refused-only", a.refused_only, "print only the refused rows and the summary");
  builds[importer] = {"contact import", sends_nothing(*importer)};
  // An invoice's PDF: rendered again by the server, written here.
  CLI::App* pdf =
      parent_of(app, parents, "invoice", kBackOffice)
          ->add_subcommand("pdf", "render an invoice or credit note again as PDF (the same bytes) and save it");
  auto render = std::make_shared<RenderInvoice>();
  opt::add_choice(*pdf, "--kind", render->kind, kInvoiceKinds, kInvoiceKindHelp);
  opt::add_number(*pdf, "--year", render->year, "its year")->required();
  opt::add_number(*pdf, "NUMBER", render->number, "its number")->required();
  pdf->add_option("--out", a.download_file, "write it to this file (default: its own name, here)")->type_name("FILE");
  builds[pdf] = {"invoice pdf", Build([render](int64_t) { return one(0, *render); })};
  // A document of an order: its bytes from the server, written here.
  CLI::App* fetch =
      parent_of(app, parents, "order", kOrders)->add_subcommand("document", "save a document attached to an order");
  auto get = std::make_shared<GetDocument>();
  opt::add_number(*fetch, "ORDER", get->order, "the order")->required();
  opt::add_number(*fetch, "DOCUMENT", get->document, "its number on the order")->required();
  fetch->add_option("--out", a.download_file, "write it to this file (default: its own name, here)")->type_name("FILE");
  builds[fetch] = {"order document", Build([get](int64_t) { return one(0, *get); })};
  // A run's file: run_cli holds the conversation (read a chunk, write it).
  CLI::App* download = parent_of(app, parents, "run", kSubscriptions)
                           ->add_subcommand("download", "download the file a reminder run's export wrote");
  download->add_option("--id", a.download_run, "the run")->required();
  download->add_option("--out", a.download_file, "write it to this file (default: its own name, here)")
      ->type_name("FILE");
  builds[download] = {"run download", sends_nothing(*download)};
  // A contact made from a pending request as typed, then picked as its
  // match: run_cli reads the request, creates the contact, sets the match.
  CLI::App* made =
      parent_of(app, parents, "prereg", kBackOffice)
          ->add_subcommand("new-contact", "create a contact from a pending pre-registration's requester and match it");
  made->add_option("ID", a.prereg_id, "the pre-registration")->required();
  made->add_option("--civility", a.prereg_civility, "the new contact's civility (M., Mme...: the request has none)")
      ->required();
  builds[made] = {"prereg new-contact", sends_nothing(*made)};
  const CLI::App* help = app.add_subcommand("help", "this text (as --help)");
  add_overview_footer(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    a.help = true;
    a.help_text = app.help();
    return a;
  } catch (const CLI::ParseError& e) {
    return Status::invalid_argument(usage_error(e, app, argc, argv));
  }
  const Parsed parsed = parsed_subcommand(app);
  if (parsed.leaf == help) {
    a.help = true;
    a.help_text = app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);  // not help's own
    return a;
  }
  const auto it = builds.find(parsed.leaf);
  if (it == builds.end()) return Status::invalid_argument("no subcommand");
  a.subcommand = it->second.first;
  a.build = it->second.second;
  for (auto& [app_of, resolve] : dates)
    if (app_of == parsed.leaf) a.dates.push_back(std::move(resolve));
  return a;
}

std::vector<std::string> cli_subcommand_paths() {
  std::vector<std::string> paths;
  for (const SubcommandSpec& spec : subcommands()) paths.emplace_back(spec.path);
  return paths;
}

Status resolve_dates(const CliArgs& args, const LocalTime& local) {
  for (const CliArgs::DateResolver& resolve : args.dates)
    if (Status s = resolve(local); !s.is_ok()) return s;
  return Status::ok();
}

CliCommands build_commands(const CliArgs& args, int64_t now_ms, const LocalTime& local) {
  if (Status s = resolve_dates(args, local); !s.is_ok()) return s;
  if (!args.build) return std::vector<Command>{};
  return args.build(now_ms);
}

}  // namespace tessera::tools
