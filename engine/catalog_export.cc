// ExportCatalog: the catalog as the set-up commands that recreate it.
//
// Each owner writes out its own definitions: Catalog (seasons .. prices),
// VenueLayout (its DefineVenueLayout), and the shard the performances it
// holds. Shard 0 answers the catalog once; every shard answers its
// performances; merge_catalog_exports puts them in the canonical order
// (engine/commands_catalog.h) and hashes them.
#include <algorithm>
#include <map>
#include <optional>

#include "engine/catalog.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "engine/shard.h"
#include "engine/venue_layout.h"

namespace tessera::engine {

namespace {

Command cmd(CommandBody body) { return Command{0, std::move(body)}; }

// The items of a table, by id.
template <typename Id, typename T, typename IdOf>
std::vector<const T*> by_id(const EntityTable<Id, T>& table, IdOf id_of) {
  std::vector<const T*> out;
  out.reserve(table.size());
  for (const T& item : table.items()) out.push_back(&item);
  std::sort(out.begin(), out.end(), [&](const T* a, const T* b) { return id_of(*a) < id_of(*b); });
  return out;
}

template <typename Define, typename Id>
void export_named(const EntityTable<Id, Named<Id>>& table, std::vector<Command>* out) {
  for (const Named<Id>* n : by_id(table, [](const Named<Id>& x) { return x.id; }))
    out->push_back(cmd(Define{n->id, n->name}));
}

}  // namespace

void Catalog::export_into(std::vector<Command>* out) const {
  export_named<DefineSeason>(seasons_, out);
  export_named<DefineProductFamily>(families_, out);
  export_named<DefineProductType>(product_types_, out);
  export_named<DefineChannel>(channels_, out);
  export_named<DefineCategory>(categories_, out);
  for (const Product* p : by_id(products_, [](const Product& x) { return x.definition.product; })) {
    const ProductId id = p->definition.product;
    out->push_back(cmd(p->definition));
    std::vector<PolicyOverride> policies = p->channel_policies;
    std::sort(policies.begin(), policies.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
    for (const PolicyOverride& o : policies)
      out->push_back(cmd(SetChannelExpiryPolicy{id, o.channel, o.expiry_policy, o.overdue_grace_ms}));
    std::vector<OptionLifetime> lifetimes;
    for (const OptionLifetime& o : option_lifetimes_)
      if (o.product == id) lifetimes.push_back(o);
    std::sort(lifetimes.begin(), lifetimes.end(),
              [](const auto& a, const auto& b) { return std::tie(a.channel, a.kind) < std::tie(b.channel, b.kind); });
    for (const OptionLifetime& o : lifetimes)
      out->push_back(cmd(SetOptionLifetime{id, o.channel, o.kind, o.lifetime_ms}));
  }
  for (const Tariff* t : by_id(tariffs_, [](const Tariff& x) { return x.id; })) {
    out->push_back(cmd(DefineTariff{t->id, t->product, t->name}));
    std::vector<TariffPrice> prices = t->prices;
    std::sort(prices.begin(), prices.end(), [](const auto& a, const auto& b) {
      return std::tie(a.category, a.channel) < std::tie(b.category, b.channel);
    });
    for (const TariffPrice& p : prices)
      out->push_back(cmd(SetTariffPrice{t->id, p.category, p.channel, p.price_cents}));
  }
}

DefineVenueLayout VenueLayout::definition() const {
  DefineVenueLayout out{id, name, categories, {}};
  for (uint32_t s = 0; s < section_names.size(); ++s) {
    LayoutSection section{section_names[s], {}};
    const uint32_t row_end = s + 1 < section_first_row.size() ? section_first_row[s + 1] : row_count();
    for (uint32_t row = section_first_row[s]; row < row_end; ++row) {
      LayoutRow r{row_number[row], row_first_seat_number[row], {}};
      for (uint32_t seat = row_begin(row); seat < this->row_end(row); ++seat)
        r.seats.push_back(LayoutSeat{seat_category[seat], seat_flags[seat], seat_rank[seat]});
      section.rows.push_back(std::move(r));
    }
    out.sections.push_back(std::move(section));
  }
  return out;
}

Reply Shard::export_catalog() const {
  CatalogExport part;
  std::vector<Command>& out = part.commands;
  if (shard_ == 0) {
    catalog_.export_into(&out);
    for (const VenueLayout* l : by_id(stock_.layouts(), [](const VenueLayout& x) { return x.id; }))
      out.push_back(cmd(l->definition()));
  }
  const auto& contingents = stock_.contingents().items();
  // Sub-contingents of each contingent (by index), by id.
  std::vector<std::vector<uint32_t>> children(contingents.size());
  std::vector<std::vector<uint32_t>> roots(stock_.performances().size());
  for (uint32_t i = 0; i < contingents.size(); ++i) {
    const Contingent& k = contingents[i];
    (k.parent == kNoContingent ? roots[k.performance_index] : children[k.parent]).push_back(i);
  }
  auto id_less = [&](uint32_t a, uint32_t b) { return contingents[a].id < contingents[b].id; };
  for (const Performance* p :
       by_id(stock_.performances(), [](const Performance& x) { return x.definition.performance; })) {
    const PerformanceId id = p->definition.performance;
    out.push_back(cmd(p->definition));
    const VenueLayout* layout = p->seat_map.present() ? &stock_.layout_of(*p) : nullptr;
    std::vector<const GeneralAdmission*> areas;
    for (const GeneralAdmission& a : p->areas)
      if (!layout || layout->category_slot(a.category) == VenueLayout::kNoCategorySlot) areas.push_back(&a);
    std::sort(areas.begin(), areas.end(), [](const auto* a, const auto* b) { return a->category < b->category; });
    for (const GeneralAdmission* a : areas) out.push_back(cmd(SetGeneralAdmission{id, a->category, a->capacity}));
    if (layout) out.push_back(cmd(AssignLayout{id, layout->id}));
    std::vector<ChannelCap> caps = p->channel_caps;
    std::sort(caps.begin(), caps.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
    for (const ChannelCap& c : caps)
      out.push_back(cmd(SetChannelCap{id, c.channel, stock_.quotas()[c.quota].capacity}));
    if (const SetPerformanceStaff* staff = stock_.staff_of(id)) out.push_back(cmd(*staff));
    // Contingents, parents first: each root, then its subtree depth first.
    std::vector<uint32_t> stack = roots[stock_.index_of(*p)];
    std::sort(stack.begin(), stack.end(), [&](uint32_t a, uint32_t b) { return id_less(b, a); });
    std::vector<const Contingent*> released_back;
    while (!stack.empty()) {
      const uint32_t i = stack.back();
      stack.pop_back();
      const Contingent& k = contingents[i];
      if (k.parent == kNoContingent)
        out.push_back(cmd(DefineContingent{k.id, id, k.category, k.planned, k.channels, k.name}));
      else
        out.push_back(cmd(DefineSubContingent{k.id, id, contingents[k.parent].id, k.planned, k.channels, k.name}));
      if (k.release_back_ms != 0) released_back.push_back(&k);
      std::vector<uint32_t> sub = children[i];
      std::sort(sub.begin(), sub.end(), [&](uint32_t a, uint32_t b) { return id_less(b, a); });
      stack.insert(stack.end(), sub.begin(), sub.end());
    }
    std::sort(released_back.begin(), released_back.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
    for (const Contingent* k : released_back)
      out.push_back(cmd(SetContingentReleaseBack{id, k->id, k->release_back_ms}));
  }
  Reply r;
  r.value = static_cast<int64_t>(out.size());
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(part)});
  return r;
}

namespace {

// The performance a set-up command belongs to (none for catalog commands).
std::optional<PerformanceId> performance_of(const Command& c) {
  return std::visit(
      [](const auto& body) -> std::optional<PerformanceId> {
        if constexpr (requires { body.performance; }) {
          return body.performance;
        } else {
          return std::nullopt;
        }
      },
      c.body);
}

}  // namespace

Reply merge_catalog_exports(const std::vector<Reply>& parts) {
  CatalogExport all;
  // Shard 0's catalog first, then the performances of every shard by id
  // (each shard's are already in order, and a performance is on one shard).
  std::map<uint32_t, std::vector<Command>> performances;
  for (const Reply& r : parts) {
    if (!r.detail) continue;
    const auto* p = std::get_if<CatalogExport>(&r.detail->value);
    if (!p) continue;
    for (const Command& c : p->commands) {
      if (const std::optional<PerformanceId> performance = performance_of(c))
        performances[performance->value()].push_back(c);
      else
        all.commands.push_back(c);
    }
  }
  for (auto& [id, commands] : performances)
    for (Command& c : commands) all.commands.push_back(std::move(c));
  Hasher h;
  for (const Command& c : all.commands) h.add(c.body);
  all.catalog_hash = h.value();
  Reply out;
  out.value = static_cast<int64_t>(all.commands.size());
  out.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(all)});
  return out;
}

}  // namespace tessera::engine
