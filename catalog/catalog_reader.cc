// parse_catalog: TOML text -> checked engine commands in canonical order.
//
// toml++ parses and keeps every node's source line; this file walks the
// document, checking each table's keys against the ones it may hold, and
// keeps the first error it finds (later checks still run but cannot replace
// it, so the code reads straight through without a return per field).
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <optional>
#include <unordered_map>

#include "base/check.h"
#include "base/strings.h"
#include "catalog/catalog_file.h"
#include "catalog/catalog_order.h"
#include "catalog/catalog_rows.h"
#include "catalog/catalog_values.h"
#include "engine/limits.h"

namespace tessera::catalog {

using namespace tessera::engine;

namespace {

uint32_t line_of(const toml::node& n) { return n.source().begin.line; }

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

enum IdKind {
  kSeasonIds,
  kFamilyIds,
  kProductTypeIds,
  kChannelIds,
  kCategoryIds,
  kProductIds,
  kTariffIds,
  kLayoutIds,
  kPerformanceIds,
  kContingentIds,
  kIdKinds
};
constexpr std::array<std::string_view, kIdKinds> kIdKindNames = {"season",      "family",    "product type", "channel",
                                                                 "category",    "product",   "tariff",       "layout",
                                                                 "performance", "contingent"};

class Reader;

// One table of the file (a [[...]] table or an inline table) and the keys
// it may hold. Getters record the first error in the Reader and then
// return a neutral value.
class Fields {
 public:
  Fields(Reader* reader, const toml::table& table, std::string what, std::initializer_list<std::string_view> keys);
  uint32_t line() const { return line_of(table_); }
  uint32_t line_of_key(std::string_view key) const {
    const toml::node* n = table_.get(key);
    return n ? line_of(*n) : line();
  }
  bool has(std::string_view key) const { return table_.contains(key); }
  const std::string& what() const { return what_; }

  uint32_t id(std::string_view key);                                       // required, 1 .. 2^32 - 2
  uint32_t optional_id(std::string_view key);                              // kNone when absent
  uint32_t count(std::string_view key, std::optional<uint32_t> fallback);  // 0 .. 2^32 - 1
  std::string name(std::string_view key);                                  // required, not empty
  std::string text(std::string_view key);                                  // required string
  std::string optional_name(std::string_view key);                         // "" when absent, else as name()
  bool flag(std::string_view key, bool fallback);                          // a boolean
  int64_t duration_ms(std::string_view key, std::optional<int64_t> fallback);
  std::optional<int64_t> time_ms(std::string_view key, bool required);
  template <class E, size_t N>
  E choice(std::string_view key, const std::array<std::pair<std::string_view, E>, N>& options,
           std::optional<E> fallback);
  std::vector<uint32_t> ids(std::string_view key, bool required);
  // The tables of an array of tables ([[key]] or [ {..}, {..} ]); empty when absent.
  std::vector<const toml::table*> tables(std::string_view key, bool required);
  const toml::array* array(std::string_view key, bool required);

  void fail(uint32_t line, std::string message);
  void fail_at(std::string_view key, std::string message) { fail(line_of_key(key), std::move(message)); }

 private:
  const toml::node* need(std::string_view key, bool required);
  std::optional<int64_t> integer(std::string_view key, bool required);
  void wrong_type(std::string_view key, const toml::node& n, std::string_view expected);

  Reader* reader_;
  const toml::table& table_;
  std::string what_;
};

struct PendingContingent {
  uint32_t id, line;
  uint32_t category;  // kNone if not written
  uint32_t parent;    // kNone for a root
  uint32_t allotment;
  std::vector<ChannelId> channels;
  std::optional<int64_t> release_back_ms;
  uint32_t release_back_line;
  std::string name;  // "" = unnamed
};

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}
  Result<CatalogFile> run(std::string_view text);

  void fail(uint32_t line, std::string message) {
    if (error_.is_ok()) error_ = Status::invalid_argument(cat(source_, ":", line, ": ", std::move(message)));
  }
  bool failed() const { return !error_.is_ok(); }
  const date::time_zone* zone() const { return zone_; }

 private:
  void emit(uint32_t line, CommandBody body) {
    if (failed()) return;
    commands_.push_back(Command{0, std::move(body)});
    lines_.push_back(line);
  }
  // Records a definition; a second one of the same id is an error naming both lines.
  bool claim(IdKind kind, uint32_t id, uint32_t line);
  template <class Key>
  bool claim_once(std::map<Key, uint32_t>* seen, const Key& key, uint32_t line, const std::string& what);

  void read_time_zone(const toml::table& root);
  void read_kind(std::string_view key, const toml::node& node);
  void read_named(const toml::table& t, std::string_view key, IdKind kind);
  void read_product(const toml::table& t);
  void read_expiry(Fields& f, ExpiryPolicy* policy, int64_t* grace_ms, bool required);
  void read_tariff(const toml::table& t);
  void read_layout(const toml::table& t);
  void read_section(const toml::table& t, const std::vector<CategoryId>& categories, LayoutSection* section,
                    uint64_t* seats_total);
  std::optional<RowBand> read_band(const toml::table& t, const std::vector<CategoryId>& categories);
  void read_performance(const toml::table& t);
  void read_contingents(Fields& perf, PerformanceId performance);
  void emit_contingents(PerformanceId performance, const std::vector<PendingContingent>& pending);

  std::string_view source_;
  Status error_;
  std::string time_zone_ = "UTC";
  const date::time_zone* zone_ = nullptr;
  std::array<std::unordered_map<uint32_t, uint32_t>, kIdKinds> ids_;  // id -> line
  std::vector<Command> commands_;
  std::vector<uint32_t> lines_;
};

// ---- Fields -----------------------------------------------------------------

Fields::Fields(Reader* reader, const toml::table& table, std::string what, std::initializer_list<std::string_view> keys)
    : reader_(reader), table_(table), what_(std::move(what)) {
  const toml::key* unknown = nullptr;
  for (const auto& [key, node] : table_) {
    if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
    if (!unknown || key.source().begin.line < unknown->source().begin.line) unknown = &key;
  }
  if (!unknown) return;
  std::string allowed;
  for (std::string_view k : keys) allowed += cat(allowed.empty() ? "" : ", ", k);
  fail(unknown->source().begin.line,
       cat("unknown key '", unknown->str(), "' in ", what_, " (its keys: ", allowed, ")"));
}

void Fields::fail(uint32_t line, std::string message) { reader_->fail(line, std::move(message)); }

void Fields::wrong_type(std::string_view key, const toml::node& n, std::string_view expected) {
  fail(line_of(n), cat(what_, ": ", key, " must be ", expected, ", not ", type_name(n)));
}

const toml::node* Fields::need(std::string_view key, bool required) {
  const toml::node* n = table_.get(key);
  if (!n && required) fail(line(), cat(what_, ": missing required key '", key, "'"));
  return n;
}

std::optional<int64_t> Fields::integer(std::string_view key, bool required) {
  const toml::node* n = need(key, required);
  if (!n) return std::nullopt;
  if (!n->is_integer()) {
    wrong_type(key, *n, "an integer");
    return std::nullopt;
  }
  return n->as_integer()->get();
}

uint32_t Fields::id(std::string_view key) {
  const std::optional<int64_t> v = integer(key, true);
  if (!v) return kNone;
  if (*v < 1 || *v >= int64_t{kIdReserved}) {
    fail_at(key, cat(what_, ": ", key, " = ", *v, " is out of range: ids are 1 to ", kIdReserved - 1));
    return kNone;
  }
  return static_cast<uint32_t>(*v);
}

uint32_t Fields::optional_id(std::string_view key) { return has(key) ? id(key) : kNone; }

uint32_t Fields::count(std::string_view key, std::optional<uint32_t> fallback) {
  const std::optional<int64_t> v = integer(key, !fallback);
  if (!v) return fallback.value_or(0);
  if (*v < 0 || *v > int64_t{UINT32_MAX}) {
    fail_at(key, cat(what_, ": ", key, " = ", *v, " is out of range: 0 to ", UINT32_MAX));
    return 0;
  }
  return static_cast<uint32_t>(*v);
}

std::string Fields::text(std::string_view key) {
  const toml::node* n = need(key, true);
  if (!n) return {};
  if (!n->is_string()) {
    wrong_type(key, *n, "a string");
    return {};
  }
  return n->as_string()->get();
}

std::string Fields::name(std::string_view key) {
  std::string s = text(key);
  if (has(key) && table_.get(key)->is_string()) {
    if (s.empty()) fail_at(key, cat(what_, ": ", key, " must not be empty"));
    if (s.size() > kNameLengthMax) fail_at(key, cat(what_, ": ", key, " is longer than ", kNameLengthMax, " bytes"));
  }
  return s;
}

std::string Fields::optional_name(std::string_view key) { return has(key) ? name(key) : std::string(); }

bool Fields::flag(std::string_view key, bool fallback) {
  const toml::node* n = need(key, false);
  if (!n) return fallback;
  if (!n->is_boolean()) {
    wrong_type(key, *n, "true or false");
    return fallback;
  }
  return n->as_boolean()->get();
}

int64_t Fields::duration_ms(std::string_view key, std::optional<int64_t> fallback) {
  const toml::node* n = need(key, !fallback);
  if (!n) return fallback.value_or(0);
  if (!n->is_string()) {
    wrong_type(key, *n, "a duration string such as \"30m\" or \"1d12h\"");
    return 0;
  }
  Result<int64_t> ms = parse_duration_ms(n->as_string()->get());
  if (!ms.is_ok()) {
    fail(line_of(*n), cat(what_, ": ", key, ": ", ms.status().message()));
    return 0;
  }
  return *ms;
}

std::optional<int64_t> Fields::time_ms(std::string_view key, bool required) {
  const toml::node* n = need(key, required);
  if (!n) return std::nullopt;
  if (n->is_date() || n->is_time()) {
    fail(line_of(*n),
         cat(what_, ": ", key, " needs both a date and a time of day, e.g. 2027-01-15T20:00:00, not ", type_name(*n)));
    return std::nullopt;
  }
  if (!n->is_date_time()) {
    wrong_type(key, *n, "a date-time such as 2027-01-15T20:00:00 (no quotes)");
    return std::nullopt;
  }
  const toml::date_time& dt = n->as_date_time()->get();
  DateTimeText t{dt.date.year,   dt.date.month,  dt.date.day,        dt.time.hour,
                 dt.time.minute, dt.time.second, dt.time.nanosecond, std::nullopt};
  if (dt.offset) t.offset_minutes = dt.offset->minutes;
  if (!reader_->zone()) return std::nullopt;  // the time zone's own error is reported
  Result<int64_t> ms = date_time_to_ms(reader_->zone(), t);
  if (!ms.is_ok()) {
    fail(line_of(*n), cat(what_, ": ", key, ": ", ms.status().message()));
    return std::nullopt;
  }
  return *ms;
}

template <class E, size_t N>
E Fields::choice(std::string_view key, const std::array<std::pair<std::string_view, E>, N>& options,
                 std::optional<E> fallback) {
  const toml::node* n = need(key, !fallback);
  if (!n) return fallback.value_or(options[0].second);
  std::string allowed;
  for (const auto& [word, value] : options) allowed += cat(allowed.empty() ? "\"" : ", \"", word, "\"");
  if (!n->is_string()) {
    wrong_type(key, *n, cat("one of ", allowed));
    return options[0].second;
  }
  for (const auto& [word, value] : options)
    if (n->as_string()->get() == word) return value;
  fail(line_of(*n), cat(what_, ": unknown ", key, " \"", n->as_string()->get(), "\" (one of ", allowed, ")"));
  return options[0].second;
}

const toml::array* Fields::array(std::string_view key, bool required) {
  const toml::node* n = need(key, required);
  if (!n) return nullptr;
  if (!n->is_array()) {
    wrong_type(key, *n, "an array [ ... ]");
    return nullptr;
  }
  return n->as_array();
}

std::vector<uint32_t> Fields::ids(std::string_view key, bool required) {
  std::vector<uint32_t> out;
  const toml::array* a = array(key, required);
  if (!a) return out;
  for (const toml::node& e : *a) {
    const auto* v = e.as_integer();
    if (!v || v->get() < 1 || v->get() >= int64_t{kIdReserved}) {
      fail(line_of(e), cat(what_, ": ", key, " must list ids (integers 1 to ", kIdReserved - 1, ")"));
      return {};
    }
    out.push_back(static_cast<uint32_t>(v->get()));
  }
  return out;
}

std::vector<const toml::table*> Fields::tables(std::string_view key, bool required) {
  std::vector<const toml::table*> out;
  const toml::array* a = array(key, required);
  if (!a) return out;
  for (const toml::node& e : *a) {
    if (!e.is_table()) {
      fail(line_of(e), cat(what_, ": each element of ", key, " must be a table { ... }, not ", type_name(e)));
      return {};
    }
    out.push_back(e.as_table());
  }
  return out;
}

// ---- Reader -----------------------------------------------------------------

bool Reader::claim(IdKind kind, uint32_t id, uint32_t line) {
  if (failed()) return false;
  auto [it, fresh] = ids_[kind].try_emplace(id, line);
  if (!fresh)
    fail(line, cat("duplicate ", kIdKindNames[kind], " id ", id, " (first defined at line ", it->second, ")"));
  return fresh;
}

template <class Key>
bool Reader::claim_once(std::map<Key, uint32_t>* seen, const Key& key, uint32_t line, const std::string& what) {
  if (failed()) return false;
  auto [it, fresh] = seen->try_emplace(key, line);
  if (!fresh) fail(line, cat(what, " is given twice (first at line ", it->second, ")"));
  return fresh;
}

void Reader::read_time_zone(const toml::table& root) {
  const toml::node* n = root.get("time_zone");
  if (n && !n->is_string()) {
    fail(line_of(*n), cat("time_zone must be a string such as \"Europe/Paris\", not ", type_name(*n)));
    return;
  }
  if (n) time_zone_ = n->as_string()->get();
  Result<const date::time_zone*> zone = find_time_zone(time_zone_);
  if (!zone.is_ok()) return fail(n ? line_of(*n) : 1, zone.status().message());
  zone_ = *zone;
}

void Reader::read_named(const toml::table& t, std::string_view key, IdKind kind) {
  Fields f(this, t, cat("[[", key, "]]"), {"id", "name"});
  const uint32_t id = f.id("id");
  std::string name = f.name("name");
  if (!claim(kind, id, f.line())) return;
  switch (kind) {
    case kSeasonIds:
      return emit(f.line(), DefineSeason{id, std::move(name)});
    case kFamilyIds:
      return emit(f.line(), DefineProductFamily{id, std::move(name)});
    case kProductTypeIds:
      return emit(f.line(), DefineProductType{id, std::move(name)});
    case kChannelIds:
      return emit(f.line(), DefineChannel{id, std::move(name)});
    case kCategoryIds:
      return emit(f.line(), DefineCategory{id, std::move(name)});
    default:
      TESSERA_CHECK(false);
  }
}

void Reader::read_expiry(Fields& f, ExpiryPolicy* policy, int64_t* grace_ms, bool required) {
  *policy = f.choice("expiry", kExpiryPolicies,
                     required ? std::nullopt : std::optional<ExpiryPolicy>(ExpiryPolicy::kKeepUntilReleased));
  *grace_ms = 0;
  if (failed()) return;
  if (*policy == ExpiryPolicy::kOverdueThenArchive) {
    if (!f.has("overdue_grace"))
      return f.fail_at("expiry", cat(f.what(),
                                     ": expiry = \"overdue-then-archive\" needs overdue_grace "
                                     "(how long an order stays overdue before it is archived), e.g. \"1d\""));
    *grace_ms = f.duration_ms("overdue_grace", std::nullopt);
  } else if (f.has("overdue_grace")) {
    f.fail_at("overdue_grace", cat(f.what(), ": overdue_grace applies only with expiry = \"overdue-then-archive\""));
  }
}

void Reader::read_product(const toml::table& t) {
  Fields f(this, t, "[[product]]",
           {"id", "season", "family", "name", "type", "deadline_after_start", "expiry", "overdue_grace",
            "hold_lifetime_max", "hold_extensions_max", "channel_expiry", "option_lifetime"});
  DefineProduct p{f.id("id"), f.id("season"), f.id("family"), f.name("name")};
  p.type = f.optional_id("type");
  p.deadline_after_start = f.flag("deadline_after_start", false);
  read_expiry(f, &p.expiry_policy, &p.overdue_grace_ms, false);
  p.hold_lifetime_max_ms = f.duration_ms("hold_lifetime_max", DefineProduct{}.hold_lifetime_max_ms);
  p.hold_extensions_max = f.count("hold_extensions_max", DefineProduct{}.hold_extensions_max);
  const std::vector<const toml::table*> expiries = f.tables("channel_expiry", false);
  const std::vector<const toml::table*> lifetimes = f.tables("option_lifetime", false);
  if (!claim(kProductIds, p.product.value(), f.line())) return;
  const ProductId product = p.product;
  emit(f.line(), std::move(p));
  std::map<uint32_t, uint32_t> channels_seen;
  for (const toml::table* e : expiries) {
    Fields g(this, *e, cat("product ", product, " channel_expiry"), {"channel", "expiry", "overdue_grace"});
    SetChannelExpiryPolicy c{product, g.id("channel"), ExpiryPolicy::kKeepUntilReleased, 0};
    read_expiry(g, &c.expiry_policy, &c.overdue_grace_ms, true);
    if (claim_once(&channels_seen, c.channel.value(), g.line(), cat("channel_expiry for channel ", c.channel)))
      emit(g.line(), c);
  }
  std::map<std::pair<uint32_t, BookingKind>, uint32_t> lifetimes_seen;
  for (const toml::table* e : lifetimes) {
    Fields g(this, *e, cat("product ", product, " option_lifetime"), {"channel", "kind", "lifetime"});
    SetOptionLifetime c{product, g.optional_id("channel"),
                        g.choice("kind", kBookingKinds, std::optional<BookingKind>()),
                        g.duration_ms("lifetime", std::nullopt)};
    if (claim_once(
            &lifetimes_seen, std::pair{c.channel.value(), c.kind}, g.line(),
            cat("option_lifetime for kind ", c.kind == BookingKind::kOption ? "option" : "reservation",
                c.channel == ChannelId{kNone} ? std::string(" on every channel") : cat(" on channel ", c.channel))))
      emit(g.line(), c);
  }
}

void Reader::read_tariff(const toml::table& t) {
  Fields f(this, t, "[[tariff]]", {"id", "product", "name", "prices"});
  DefineTariff d{f.id("id"), f.id("product"), f.name("name")};
  const std::vector<const toml::table*> prices = f.tables("prices", false);
  if (!claim(kTariffIds, d.tariff.value(), f.line())) return;
  const TariffId tariff = d.tariff;
  emit(f.line(), std::move(d));
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> seen;
  for (const toml::table* e : prices) {
    Fields g(this, *e, cat("tariff ", tariff, " prices"), {"category", "channel", "cents"});
    SetTariffPrice c{tariff, g.id("category"), g.optional_id("channel"), g.count("cents", std::nullopt)};
    if (claim_once(
            &seen, std::pair{c.category.value(), c.channel.value()}, g.line(),
            cat("the price of category ", c.category,
                c.channel == ChannelId{kNone} ? std::string(" on every channel") : cat(" on channel ", c.channel))))
      emit(g.line(), c);
  }
}

void Reader::read_layout(const toml::table& t) {
  Fields f(this, t, "[[layout]]", {"id", "name", "categories", "section"});
  DefineVenueLayout d{f.id("id"), f.name("name"), {}, {}};
  for (uint32_t c : f.ids("categories", true)) {
    if (std::find(d.categories.begin(), d.categories.end(), CategoryId{c}) != d.categories.end())
      f.fail_at("categories", cat("layout ", d.layout, ": category ", c, " is listed twice in categories"));
    d.categories.push_back(c);
  }
  if (d.categories.size() > kLayoutCategoriesMax)
    f.fail_at("categories", cat("layout ", d.layout, ": at most ", kLayoutCategoriesMax, " categories"));
  const std::vector<const toml::table*> sections = f.tables("section", false);
  if (sections.size() > kLayoutSectionsMax)
    f.fail_at("section", cat("layout ", d.layout, ": at most ", kLayoutSectionsMax, " sections"));
  if (!claim(kLayoutIds, d.layout.value(), f.line())) return;
  uint64_t seats_total = 0;
  for (const toml::table* s : sections) {
    if (failed()) return;
    d.sections.emplace_back();
    read_section(*s, d.categories, &d.sections.back(), &seats_total);
  }
  emit(f.line(), std::move(d));
}

void Reader::read_section(const toml::table& t, const std::vector<CategoryId>& categories, LayoutSection* section,
                          uint64_t* seats_total) {
  Fields f(this, t, "[[layout.section]]", {"name", "rows"});
  section->name = f.name("name");
  for (const toml::table* row : f.tables("rows", true)) {
    std::optional<RowBand> band = read_band(*row, categories);
    if (!band) return;
    *seats_total += band->rows.size() * band->seats.size();
    if (*seats_total > kLayoutSeatsMax)
      return fail(line_of(*row), cat("the layout has more than ", kLayoutSeatsMax, " seats"));
    expand_band(*band, section);
  }
}

std::optional<RowBand> Reader::read_band(const toml::table& t, const std::vector<CategoryId>& categories) {
  Fields f(this, t, "a row band",
           {"rows", "seats", "category", "wheelchair", "companion", "restricted_view", "blocked", "other_categories",
            "ranks"});
  RowBand band{};
  auto run_of = [&](std::string_view key) {
    const std::string text = f.text(key);
    if (failed()) return NumberRun{};
    Result<NumberRun> run = parse_number_run(text);
    if (!run.is_ok()) f.fail_at(key, cat(key, ": ", run.status().message()));
    return run.is_ok() ? *run : NumberRun{};
  };
  auto slot_of = [&](uint32_t category, uint32_t line) -> uint8_t {
    auto it = std::find(categories.begin(), categories.end(), CategoryId{category});
    if (it == categories.end() && !failed())
      f.fail(line, cat("category ", category, " is not in the layout's categories"));
    return static_cast<uint8_t>(it == categories.end() ? 0 : it - categories.begin());
  };
  auto list_of = [&](const Fields& g, std::string_view key, const std::string& text) {
    Result<std::vector<NumberRun>> runs = parse_number_list(text);
    if (!runs.is_ok() && !failed()) fail(g.line_of_key(key), cat(key, ": ", runs.status().message()));
    return runs.is_ok() ? *runs : std::vector<NumberRun>{};
  };
  band.rows = run_of("rows");
  band.seats = run_of("seats");
  if (!failed() && band.seats.size() > kRowSeatsMax)
    f.fail_at("seats", cat("a row has at most ", kRowSeatsMax, " seats"));
  band.category_slot = slot_of(f.id("category"), f.line_of_key("category"));
  for (size_t i = 0; i < kSeatFlagKeys.size(); ++i)
    if (f.has(kSeatFlagKeys[i].key))
      band.flag_seats[i] = list_of(f, kSeatFlagKeys[i].key, f.text(kSeatFlagKeys[i].key));
  for (const toml::table* other : f.tables("other_categories", false)) {
    Fields g(this, *other, "other_categories", {"category", "seats"});
    const uint8_t slot = slot_of(g.id("category"), g.line_of_key("category"));
    band.other_categories.emplace_back(slot, list_of(g, "seats", g.text("seats")));
  }
  if (const toml::array* ranks = f.array("ranks", false)) {
    for (const toml::node& r : *ranks) {
      const auto* v = r.as_integer();
      if (!v || v->get() < 0 || v->get() > 65535) {
        f.fail(line_of(r), "ranks must be integers 0 to 65535");
        break;
      }
      band.ranks.push_back(static_cast<uint16_t>(v->get()));
    }
  }
  if (failed()) return std::nullopt;
  if (Status s = check_band(band); !s.is_ok()) {
    f.fail(f.line(), s.message());
    return std::nullopt;
  }
  return band;
}

void Reader::read_performance(const toml::table& t) {
  Fields f(this, t, "[[performance]]",
           {"id", "product", "starts_at", "capacity", "contact_limit", "layout", "general_admission", "channel_caps",
            "contingent", "responsible", "assistant"});
  DefinePerformance d{f.id("id"), f.id("product"), f.time_ms("starts_at", true).value_or(0), f.count("capacity", 0u),
                      f.count("contact_limit", 0u)};
  const uint32_t layout = f.optional_id("layout");
  const SetPerformanceStaff staff{d.performance, f.optional_id("responsible"), f.optional_id("assistant")};
  const std::vector<const toml::table*> areas = f.tables("general_admission", false);
  const std::vector<const toml::table*> caps = f.tables("channel_caps", false);
  if (!claim(kPerformanceIds, d.performance.value(), f.line())) return;
  const PerformanceId performance = d.performance;
  emit(f.line(), d);
  std::map<uint32_t, uint32_t> seen;
  for (const toml::table* e : areas) {
    Fields g(this, *e, cat("performance ", performance, " general_admission"), {"category", "capacity"});
    SetGeneralAdmission c{performance, g.id("category"), g.count("capacity", std::nullopt)};
    if (claim_once(&seen, c.category.value(), g.line(), cat("general admission of category ", c.category)))
      emit(g.line(), c);
  }
  if (layout != kNone) emit(f.line_of_key("layout"), AssignLayout{performance, layout});
  seen.clear();
  for (const toml::table* e : caps) {
    Fields g(this, *e, cat("performance ", performance, " channel_caps"), {"channel", "cap"});
    SetChannelCap c{performance, g.id("channel"), g.count("cap", std::nullopt)};
    if (claim_once(&seen, c.channel.value(), g.line(), cat("the cap of channel ", c.channel))) emit(g.line(), c);
  }
  if (staff.responsible != ContactId{kNone} || staff.assistant != ContactId{kNone})
    emit(f.line_of_key(staff.responsible != ContactId{kNone} ? "responsible" : "assistant"), staff);
  read_contingents(f, performance);
}

void Reader::read_contingents(Fields& perf, PerformanceId performance) {
  std::vector<PendingContingent> pending;
  for (const toml::table* e : perf.tables("contingent", false)) {
    Fields g(this, *e, cat("performance ", performance, " contingent"),
             {"id", "name", "category", "parent", "allotment", "channels", "release_back"});
    PendingContingent c{g.id("id"),
                        g.line(),
                        g.optional_id("category"),
                        g.optional_id("parent"),
                        g.count("allotment", std::nullopt),
                        {},
                        g.time_ms("release_back", false),
                        g.line_of_key("release_back"),
                        g.optional_name("name")};
    for (uint32_t ch : g.ids("channels", false)) c.channels.push_back(ch);
    if (!claim(kContingentIds, c.id, c.line)) return;
    pending.push_back(std::move(c));
  }
  emit_contingents(performance, pending);
}

void Reader::emit_contingents(PerformanceId performance, const std::vector<PendingContingent>& pending) {
  std::unordered_map<uint32_t, const PendingContingent*> by_id;
  for (const PendingContingent& c : pending) by_id.emplace(c.id, &c);
  for (const PendingContingent& c : pending) {
    if (failed()) return;
    if (c.parent == kNone) {
      if (c.category == kNone) return fail(c.line, cat("contingent ", c.id, ": missing required key 'category'"));
      emit(c.line, DefineContingent{c.id, performance, c.category, c.allotment, c.channels, c.name});
    } else {
      // Its root gives its category; the parents must stay on this performance and not loop.
      const PendingContingent* root = &c;
      for (size_t steps = 0; root->parent != kNone; ++steps) {
        auto it = by_id.find(root->parent);
        if (it == by_id.end())
          return fail(c.line, cat("contingent ", c.id, ": parent ", root->parent,
                                  " is not a contingent of performance ", performance, " in this file"));
        if (steps > pending.size()) return fail(c.line, cat("contingent ", c.id, ": its parents form a loop"));
        root = it->second;
      }
      if (c.category != kNone && c.category != root->category)
        return fail(c.line, cat("contingent ", c.id, ": category ", c.category, " differs from its parent's (",
                                root->category, "); a sub-contingent takes its parent's category, omit it"));
      emit(c.line, DefineSubContingent{c.id, performance, c.parent, c.allotment, c.channels, c.name});
    }
    if (c.release_back_ms) emit(c.release_back_line, SetContingentReleaseBack{performance, c.id, *c.release_back_ms});
  }
}

void Reader::read_kind(std::string_view key, const toml::node& node) {
  const toml::array* items = node.as_array();
  if (!items || !std::all_of(items->begin(), items->end(), [](const toml::node& e) { return e.is_table(); }))
    return fail(line_of(node), cat(key, " must be written as [[", key, "]] tables"));
  for (const toml::node& e : *items) {
    if (failed()) return;
    const toml::table& t = *e.as_table();
    if (key == "season") read_named(t, key, kSeasonIds);
    if (key == "family") read_named(t, key, kFamilyIds);
    if (key == "product_type") read_named(t, key, kProductTypeIds);
    if (key == "channel") read_named(t, key, kChannelIds);
    if (key == "category") read_named(t, key, kCategoryIds);
    if (key == "product") read_product(t);
    if (key == "tariff") read_tariff(t);
    if (key == "layout") read_layout(t);
    if (key == "performance") read_performance(t);
  }
}

Result<CatalogFile> Reader::run(std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, source_);
  } catch (const toml::parse_error& e) {
    return Status::invalid_argument(cat(source_, ":", e.source().begin.line, ": ", e.description()));
  }
  read_time_zone(root);
  // Top-level keys in the order they appear, so the first error is the
  // first in the file.
  std::vector<std::pair<const toml::key*, const toml::node*>> items;
  for (const auto& [key, node] : root) items.emplace_back(&key, &node);
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first->source().begin.line < b.first->source().begin.line; });
  static constexpr std::array<std::string_view, 9> kKinds = {
      "season", "family", "product_type", "channel", "category", "product", "tariff", "layout", "performance"};
  for (const auto& [key, node] : items) {
    if (key->str() == "time_zone") continue;
    if (std::find(kKinds.begin(), kKinds.end(), key->str()) == kKinds.end()) {
      fail(key->source().begin.line,
           cat("unknown key '", key->str(),
               "' (a catalog holds time_zone and [[season]], [[family]], [[product_type]], [[channel]], [[category]], "
               "[[product]], [[tariff]], [[layout]], [[performance]] tables)"));
      break;
    }
    read_kind(key->str(), *node);
  }
  if (failed()) return error_;
  CatalogFile file{time_zone_, {}};
  file.entries.reserve(commands_.size());
  for (size_t i : canonical_permutation(commands_)) file.entries.push_back(CatalogEntry{commands_[i], lines_[i]});
  return file;
}

}  // namespace

Result<CatalogFile> parse_catalog(std::string_view text, std::string_view source_name) {
  return Reader(source_name).run(text);
}

}  // namespace tessera::catalog
