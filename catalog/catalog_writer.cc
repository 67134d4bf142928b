// write_catalog: engine commands -> a catalog file.
//
// The commands are put in canonical order, which places each owner (a
// product, tariff or performance) right before its settings; the writer
// walks them once, owner by owner, checking that each setting belongs to
// the owner before it. Defaults are left out, so a written file reads like
// a hand-written one. Before returning, the text is parsed back and
// compared with the commands: a file that would not read back exactly is
// never handed out.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "base/strings.h"
#include "catalog/catalog_file.h"
#include "catalog/catalog_order.h"
#include "catalog/catalog_rows.h"
#include "catalog/catalog_values.h"
#include "engine/codec.h"

namespace tessera::catalog {

using namespace tessera::engine;

namespace {

std::string id_list(const std::vector<ChannelId>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += cat(i ? ", " : "", ids[i]);
  return out + "]";
}

// `key = [ {..}, {..} ]`, one inline table a line when there are several.
void put_array(std::string* out, std::string_view indent, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  if (items.size() == 1) {
    *out += cat(indent, key, " = [", items[0], "]\n");
    return;
  }
  *out += cat(indent, key, " = [\n");
  for (const std::string& item : items) *out += cat(indent, "  ", item, ",\n");
  *out += cat(indent, "]\n");
}

// `separator`: ", " in an inline table, "\n" in a table.
std::string expiry_fields(ExpiryPolicy policy, int64_t grace_ms, std::string_view separator) {
  std::string out = cat("expiry = \"", expiry_word(policy), "\"");
  if (policy == ExpiryPolicy::kOverdueThenArchive)
    out += cat(separator, "overdue_grace = \"", format_duration_ms(grace_ms), "\"");
  return out;
}

class Writer {
 public:
  Writer(const std::vector<Command>& sorted, const date::time_zone* zone, std::string_view zone_name)
      : commands_(sorted), zone_(zone), zone_name_(zone_name) {}
  Result<std::string> run();

 private:
  // The commands [begin, end) that belong to the owner at `begin`.
  size_t block_end(size_t begin) const;
  bool fail(std::string message) {
    if (error_.is_ok()) error_ = Status::invalid_argument(cat("cannot write a catalog: ", std::move(message)));
    return false;
  }
  bool define_once(std::string_view kind, uint32_t id) {
    return defined_.insert(cat(kind, " ", id)).second || fail(cat(kind, " ", id, " is defined twice"));
  }
  std::string duration(int64_t ms) {
    if (ms < 0) fail(cat("a duration of ", ms, " ms is negative"));
    return format_duration_ms(ms);
  }
  void check_expiry(const std::string& what, ExpiryPolicy policy, int64_t grace_ms) {
    if (grace_ms < 0 || (grace_ms != 0 && policy != ExpiryPolicy::kOverdueThenArchive))
      fail(cat(what, ": overdue grace ", grace_ms, " ms is only for overdue-then-archive, and not negative"));
  }
  std::string date_time(int64_t ms) {
    Result<std::string> t = format_date_time(zone_, ms);
    if (!t.is_ok()) fail(t.status().message());
    return t.is_ok() ? *t : "";
  }

  void write_named(std::string_view table, std::string_view kind, uint32_t id, const std::string& name);
  void write_product(size_t begin, size_t end);
  void write_tariff(size_t begin, size_t end);
  void write_layout(const DefineVenueLayout& d);
  void write_band(const RowBand& band, const DefineVenueLayout& d, std::vector<std::string>* items);
  void write_performance(size_t begin, size_t end);
  void write_contingents(const DefinePerformance& d, size_t begin, size_t end);

  const std::vector<Command>& commands_;
  const date::time_zone* zone_;
  std::string_view zone_name_;
  std::string out_;
  Status error_;
  std::unordered_set<std::string> defined_;  // "kind id"
};

// The setting's owner id if `body` is a setting of `owner`'s kind.
template <class Owner>
bool owned_by(const CommandBody& body, const Owner& owner) {
  return std::visit(
      [&owner](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        // Nested: the owner's branch is discarded as a whole for other owners
        // (clang checks `owner.tariff` of a combined condition eagerly).
        if constexpr (std::is_same_v<Owner, DefineProduct>) {
          if constexpr (std::is_same_v<T, SetChannelExpiryPolicy> || std::is_same_v<T, SetOptionLifetime>)
            return c.product == owner.product;
        } else if constexpr (std::is_same_v<Owner, DefineTariff>) {
          if constexpr (std::is_same_v<T, SetTariffPrice>) return c.tariff == owner.tariff;
        } else if constexpr (std::is_same_v<Owner, DefinePerformance>) {
          if constexpr (std::is_same_v<T, SetGeneralAdmission> || std::is_same_v<T, AssignLayout> ||
                        std::is_same_v<T, SetChannelCap> || std::is_same_v<T, SetPerformanceStaff> ||
                        std::is_same_v<T, DefineContingent> || std::is_same_v<T, DefineSubContingent> ||
                        std::is_same_v<T, SetContingentReleaseBack>)
            return c.performance == owner.performance;
        }
        return false;
      },
      body);
}

size_t Writer::block_end(size_t begin) const {
  size_t end = begin + 1;
  const CommandBody& owner = commands_[begin].body;
  while (end < commands_.size() && std::visit(
                                       [&](const auto& o) {
                                         using O = std::decay_t<decltype(o)>;
                                         if constexpr (std::is_same_v<O, DefineProduct> ||
                                                       std::is_same_v<O, DefineTariff> ||
                                                       std::is_same_v<O, DefinePerformance>)
                                           return owned_by(commands_[end].body, o);
                                         return false;
                                       },
                                       owner))
    ++end;
  return end;
}

void Writer::write_named(std::string_view table, std::string_view kind, uint32_t id, const std::string& name) {
  if (!define_once(kind, id)) return;
  out_ += cat("[[", table, "]]\nid = ", id, "\nname = ", quote_string(name), "\n\n");
}

void Writer::write_product(size_t begin, size_t end) {
  const auto& d = std::get<DefineProduct>(commands_[begin].body);
  if (!define_once("product", d.product.value())) return;
  out_ += cat("[[product]]\nid = ", d.product, "\nseason = ", d.season, "\nfamily = ", d.family,
              "\nname = ", quote_string(d.name), "\n");
  const DefineProduct defaults{};
  if (d.type != kNone) out_ += cat("type = ", d.type, "\n");
  if (d.deadline_after_start) out_ += "deadline_after_start = true\n";
  check_expiry(cat("product ", d.product), d.expiry_policy, d.overdue_grace_ms);
  if (d.expiry_policy != defaults.expiry_policy)
    out_ += expiry_fields(d.expiry_policy, d.overdue_grace_ms, "\n") + "\n";
  if (d.hold_lifetime_max_ms != defaults.hold_lifetime_max_ms)
    out_ += cat("hold_lifetime_max = \"", duration(d.hold_lifetime_max_ms), "\"\n");
  if (d.hold_extensions_max != defaults.hold_extensions_max)
    out_ += cat("hold_extensions_max = ", d.hold_extensions_max, "\n");
  std::vector<std::string> expiries, lifetimes;
  for (size_t i = begin + 1; i < end; ++i) {
    if (auto* e = std::get_if<SetChannelExpiryPolicy>(&commands_[i].body)) {
      check_expiry(cat("product ", d.product, " channel ", e->channel), e->expiry_policy, e->overdue_grace_ms);
      expiries.push_back(
          cat("{ channel = ", e->channel, ", ", expiry_fields(e->expiry_policy, e->overdue_grace_ms, ", "), " }"));
    }
    if (auto* l = std::get_if<SetOptionLifetime>(&commands_[i].body))
      lifetimes.push_back(cat("{ ",
                              l->channel == ChannelId{kNone} ? std::string() : cat("channel = ", l->channel, ", "),
                              "kind = \"", l->kind == BookingKind::kOption ? "option" : "reservation",
                              "\", lifetime = \"", duration(l->lifetime_ms), "\" }"));
  }
  put_array(&out_, "", "channel_expiry", expiries);
  put_array(&out_, "", "option_lifetime", lifetimes);
  out_ += "\n";
}

void Writer::write_tariff(size_t begin, size_t end) {
  const auto& d = std::get<DefineTariff>(commands_[begin].body);
  if (!define_once("tariff", d.tariff.value())) return;
  out_ += cat("[[tariff]]\nid = ", d.tariff, "\nproduct = ", d.product, "\nname = ", quote_string(d.name), "\n");
  std::vector<std::string> prices;
  for (size_t i = begin + 1; i < end; ++i) {
    const auto& p = std::get<SetTariffPrice>(commands_[i].body);
    prices.push_back(cat("{ category = ", p.category, ", ",
                         p.channel == ChannelId{kNone} ? std::string() : cat("channel = ", p.channel, ", "),
                         "cents = ", p.price_cents, " }"));
  }
  put_array(&out_, "", "prices", prices);
  out_ += "\n";
}

void Writer::write_band(const RowBand& band, const DefineVenueLayout& d, std::vector<std::string>* items) {
  auto category = [&](uint8_t slot) {
    if (slot >= d.categories.size()) {
      fail(cat("layout ", d.layout, " has a seat of category slot ", slot, " beyond its categories"));
      return std::string("0");
    }
    return cat(d.categories[slot]);
  };
  std::string item = cat("{ rows = \"", format_number_run(band.rows), "\", seats = \"", format_number_run(band.seats),
                         "\", category = ", category(band.category_slot));
  for (size_t f = 0; f < kSeatFlagKeys.size(); ++f)
    if (!band.flag_seats[f].empty())
      item += cat(", ", kSeatFlagKeys[f].key, " = \"", format_number_list(band.flag_seats[f]), "\"");
  if (!band.other_categories.empty()) {
    item += ", other_categories = [";
    for (size_t i = 0; i < band.other_categories.size(); ++i)
      item += cat(i ? ", " : "", "{ category = ", category(band.other_categories[i].first), ", seats = \"",
                  format_number_list(band.other_categories[i].second), "\" }");
    item += "]";
  }
  if (!band.ranks.empty()) {
    item += ", ranks = [";
    for (size_t i = 0; i < band.ranks.size(); ++i) item += cat(i ? ", " : "", band.ranks[i]);
    item += "]";
  }
  items->push_back(item + " }");
}

void Writer::write_layout(const DefineVenueLayout& d) {
  if (!define_once("layout", d.layout.value())) return;
  out_ += cat("[[layout]]\nid = ", d.layout, "\nname = ", quote_string(d.name), "\ncategories = [");
  for (size_t i = 0; i < d.categories.size(); ++i) out_ += cat(i ? ", " : "", d.categories[i]);
  out_ += "]\n";
  for (const LayoutSection& section : d.sections) {
    Result<std::vector<RowBand>> bands = compress_rows(section);
    if (!bands.is_ok()) {
      fail(cat("layout ", d.layout, " section \"", section.name, "\": ", bands.status().message()));
      return;
    }
    std::vector<std::string> items;
    for (const RowBand& band : *bands) write_band(band, d, &items);
    out_ += cat("\n  [[layout.section]]\n  name = ", quote_string(section.name), "\n");
    if (items.empty()) out_ += "  rows = []\n";
    put_array(&out_, "  ", "rows", items);
  }
  out_ += "\n";
}

void Writer::write_performance(size_t begin, size_t end) {
  const auto& d = std::get<DefinePerformance>(commands_[begin].body);
  if (!define_once("performance", d.performance.value())) return;
  out_ += cat("[[performance]]\nid = ", d.performance, "\nproduct = ", d.product,
              "\nstarts_at = ", date_time(d.starts_at_ms), "\n");
  if (d.capacity != 0) out_ += cat("capacity = ", d.capacity, "\n");
  if (d.contact_limit != 0) out_ += cat("contact_limit = ", d.contact_limit, "\n");
  std::vector<std::string> areas, caps;
  std::set<uint32_t> area_categories, cap_channels;
  bool has_layout = false, has_staff = false;
  size_t contingents = end;
  for (size_t i = begin + 1; i < end && contingents == end; ++i) {
    const CommandBody& body = commands_[i].body;
    if (auto* a = std::get_if<SetGeneralAdmission>(&body)) {
      if (!area_categories.insert(a->category.value()).second)
        fail(cat("performance ", d.performance, ": general admission of category ", a->category, " is set twice"));
      areas.push_back(cat("{ category = ", a->category, ", capacity = ", a->capacity, " }"));
    } else if (auto* l = std::get_if<AssignLayout>(&body)) {
      if (has_layout) fail(cat("performance ", d.performance, " is assigned two layouts"));
      has_layout = true;
      out_ += cat("layout = ", l->layout, "\n");
    } else if (auto* staff = std::get_if<SetPerformanceStaff>(&body)) {
      if (has_staff) fail(cat("performance ", d.performance, " is given its staff twice"));
      has_staff = true;
      if (staff->responsible != ContactId{kNone}) out_ += cat("responsible = ", staff->responsible, "\n");
      if (staff->assistant != ContactId{kNone}) out_ += cat("assistant = ", staff->assistant, "\n");
    } else if (auto* c = std::get_if<SetChannelCap>(&body)) {
      if (!cap_channels.insert(c->channel.value()).second)
        fail(cat("performance ", d.performance, ": the cap of channel ", c->channel, " is set twice"));
      caps.push_back(cat("{ channel = ", c->channel, ", cap = ", c->cap, " }"));
    } else {
      contingents = i;
    }
  }
  put_array(&out_, "", "general_admission", areas);
  put_array(&out_, "", "channel_caps", caps);
  write_contingents(d, contingents, end);
  out_ += "\n";
}

void Writer::write_contingents(const DefinePerformance& d, size_t begin, size_t end) {
  // Canonical order: the trees depth first, then the release-back dates.
  size_t dates = begin;
  while (dates < end && !std::holds_alternative<SetContingentReleaseBack>(commands_[dates].body)) ++dates;
  std::vector<int64_t> release_back(dates - begin);
  std::vector<bool> has_release_back(dates - begin, false);
  auto index_of = [&](ContingentId id) -> size_t {
    for (size_t i = begin; i < dates; ++i) {
      const ContingentId c = std::visit(
          [](const auto& x) -> ContingentId {
            if constexpr (requires { x.contingent; }) return x.contingent;
            return kNone;
          },
          commands_[i].body);
      if (c == id) return i - begin;
    }
    return SIZE_MAX;
  };
  for (size_t i = dates; i < end; ++i) {
    const auto& r = std::get<SetContingentReleaseBack>(commands_[i].body);
    const size_t k = index_of(r.contingent);
    if (k == SIZE_MAX) {
      fail(cat("a release-back date for contingent ", r.contingent, " without its definition on performance ",
               d.performance));
    } else if (has_release_back[k]) {
      fail(cat("contingent ", r.contingent, " has two release-back dates"));
    } else {
      has_release_back[k] = true;
      release_back[k] = r.release_back_ms;
    }
  }
  for (size_t i = begin; i < dates; ++i) {
    out_ += "\n  [[performance.contingent]]\n";
    if (auto* c = std::get_if<DefineContingent>(&commands_[i].body)) {
      if (!define_once("contingent", c->contingent.value())) return;
      out_ += cat("  id = ", c->contingent, "\n");
      if (!c->name.empty()) out_ += cat("  name = ", quote_string(c->name), "\n");
      out_ += cat("  category = ", c->category, "\n  allotment = ", c->allotment, "\n");
      if (!c->channels.empty()) out_ += cat("  channels = ", id_list(c->channels), "\n");
    } else if (auto* s = std::get_if<DefineSubContingent>(&commands_[i].body)) {
      if (!define_once("contingent", s->contingent.value())) return;
      if (index_of(s->parent) == SIZE_MAX)
        fail(cat("sub-contingent ", s->contingent, ": its parent ", s->parent, " is not defined on performance ",
                 d.performance, " among the commands"));
      out_ += cat("  id = ", s->contingent, "\n");
      if (!s->name.empty()) out_ += cat("  name = ", quote_string(s->name), "\n");
      out_ += cat("  parent = ", s->parent, "\n  allotment = ", s->allotment, "\n");
      if (!s->channels.empty()) out_ += cat("  channels = ", id_list(s->channels), "\n");
    }
    if (has_release_back[i - begin]) out_ += cat("  release_back = ", date_time(release_back[i - begin]), "\n");
  }
}

Result<std::string> Writer::run() {
  out_ = cat("# Tessera catalog (docs/catalog.md). Date-times are local times of time_zone.\ntime_zone = ",
             quote_string(zone_name_), "\n\n");
  for (size_t begin = 0; begin < commands_.size() && error_.is_ok();) {
    const size_t end = block_end(begin);
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, DefineSeason>)
            write_named("season", "season", c.season.value(), c.name);
          else if constexpr (std::is_same_v<T, DefineProductFamily>)
            write_named("family", "family", c.family.value(), c.name);
          else if constexpr (std::is_same_v<T, DefineProductType>)
            write_named("product_type", "product type", c.type.value(), c.name);
          else if constexpr (std::is_same_v<T, DefineChannel>)
            write_named("channel", "channel", c.channel.value(), c.name);
          else if constexpr (std::is_same_v<T, DefineCategory>)
            write_named("category", "category", c.category.value(), c.name);
          else if constexpr (std::is_same_v<T, DefineProduct>)
            write_product(begin, end);
          else if constexpr (std::is_same_v<T, DefineTariff>)
            write_tariff(begin, end);
          else if constexpr (std::is_same_v<T, DefineVenueLayout>)
            write_layout(c);
          else if constexpr (std::is_same_v<T, DefinePerformance>)
            write_performance(begin, end);
          else if constexpr (std::is_same_v<T, SetChannelExpiryPolicy> || std::is_same_v<T, SetOptionLifetime>)
            fail(cat(command_name(commands_[begin].body), " for product ", c.product,
                     " without its DefineProduct among the commands"));
          else if constexpr (std::is_same_v<T, SetTariffPrice>)
            fail(cat("SetTariffPrice for tariff ", c.tariff, " without its DefineTariff among the commands"));
          else if constexpr (requires { c.performance; } && !std::is_same_v<T, DefinePerformance>)
            fail(cat(command_name(commands_[begin].body), " for performance ", c.performance,
                     " without its DefinePerformance among the commands"));
          else
            fail(cat(command_name(commands_[begin].body), " is not a catalog command"));
        },
        commands_[begin].body);
    begin = end;
  }
  if (!error_.is_ok()) return error_;
  return std::move(out_);
}

// OK iff `text` reads back to exactly `sorted`.
Status check_round_trip(const std::string& text, const std::vector<Command>& sorted) {
  Result<CatalogFile> back = parse_catalog(text, "written catalog");
  if (!back.is_ok()) return Status::invalid_argument(cat("cannot write a catalog: ", back.status().message()));
  if (back->entries.size() != sorted.size())
    return Status::internal(cat("catalog writer: ", sorted.size(), " commands read back as ", back->entries.size()));
  for (size_t i = 0; i < sorted.size(); ++i)
    if (encode(back->entries[i].command.body) != encode(sorted[i].body))
      return Status::internal(
          cat("catalog writer: command ", i, " (", command_name(sorted[i].body), ") does not read back the same"));
  return Status::ok();
}

}  // namespace

Result<std::string> write_catalog(const std::vector<Command>& commands, std::string_view time_zone) {
  Result<const date::time_zone*> zone = find_time_zone(time_zone);
  if (!zone.is_ok()) return zone.status();
  std::vector<Command> sorted = commands;
  sort_canonical(&sorted);
  Result<std::string> text = Writer(sorted, *zone, time_zone).run();
  if (!text.is_ok()) return text;
  if (Status s = check_round_trip(*text, sorted); !s.is_ok()) return s;
  return text;
}

}  // namespace tessera::catalog
