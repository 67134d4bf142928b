// Canonical order: each command gets a key (a short vector of numbers)
// compared lexicographically; a contingent's key ends with the ids on its
// path from the root, which orders each tree depth first, children by id.
#include "catalog/catalog_order.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace tessera::catalog {

using namespace tessera::engine;

namespace {

using Key = std::vector<uint64_t>;

enum Group : uint64_t {
  kSeasons = 1,
  kFamilies,
  kProductTypes,
  kChannels,
  kCategories,
  kProducts,
  kTariffs,
  kLayouts,
  kPerformances,
  kOtherCommands,
};
// Within an owner (product, tariff, performance): the owner's definition,
// then its settings in this order.
enum Part : uint64_t { kDefinition = 0, kFirstSetting = 1 };

struct Owners {
  std::unordered_set<uint32_t> products, tariffs, performances;
  // Contingents of the list: id -> (performance, parent or kNone for a root).
  std::unordered_map<uint32_t, std::pair<uint32_t, uint32_t>> contingents;
};

Owners owners_of(const std::vector<Command>& commands) {
  Owners o;
  for (const Command& c : commands) {
    if (auto* p = std::get_if<DefineProduct>(&c.body)) o.products.insert(p->product.value());
    if (auto* t = std::get_if<DefineTariff>(&c.body)) o.tariffs.insert(t->tariff.value());
    if (auto* p = std::get_if<DefinePerformance>(&c.body)) o.performances.insert(p->performance.value());
    if (auto* k = std::get_if<DefineContingent>(&c.body))
      o.contingents.try_emplace(k->contingent.value(), k->performance.value(), kNone);
    if (auto* k = std::get_if<DefineSubContingent>(&c.body))
      o.contingents.try_emplace(k->contingent.value(), k->performance.value(), k->parent.value());
  }
  return o;
}

// Appends the path of ids from the contingent's root down to it, or returns
// false if its chain of parents leaves the list or the performance (an
// orphan) or loops.
bool contingent_path(const Owners& o, uint32_t contingent, Key* path) {
  std::vector<uint32_t> up;
  uint32_t id = contingent;
  const uint32_t performance = o.contingents.at(contingent).first;
  while (id != kNone) {
    auto it = o.contingents.find(id);
    if (it == o.contingents.end() || it->second.first != performance || up.size() > o.contingents.size()) return false;
    up.push_back(id);
    id = it->second.second;
  }
  path->insert(path->end(), up.rbegin(), up.rend());
  return true;
}

// {group, orphan, owner, part, ...}: settings whose owner is not in the
// list come after every owner of the group.
Key owned(Group group, const std::unordered_set<uint32_t>& owners, uint32_t owner, uint64_t part) {
  return Key{group, owners.count(owner) ? 0u : 1u, owner, part};
}

Key contingent_key(const Owners& o, PerformanceId performance, ContingentId contingent) {
  Key key = owned(kPerformances, o.performances, performance.value(), kFirstSetting + 4);
  Key path;
  const bool rooted = contingent_path(o, contingent.value(), &path);
  key.push_back(rooted ? 0 : 1);
  if (rooted)
    key.insert(key.end(), path.begin(), path.end());
  else
    key.push_back(contingent.value());
  return key;
}

Key key_of(const Owners& o, const CommandBody& body) {
  return std::visit(
      [&o](const auto& c) -> Key {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, DefineSeason>) return {kSeasons, c.season.value()};
        if constexpr (std::is_same_v<T, DefineProductFamily>) return {kFamilies, c.family.value()};
        if constexpr (std::is_same_v<T, DefineProductType>) return {kProductTypes, c.type.value()};
        if constexpr (std::is_same_v<T, DefineChannel>) return {kChannels, c.channel.value()};
        if constexpr (std::is_same_v<T, DefineCategory>) return {kCategories, c.category.value()};
        if constexpr (std::is_same_v<T, DefineProduct>) return {kProducts, 0, c.product.value(), kDefinition};
        if constexpr (std::is_same_v<T, SetChannelExpiryPolicy>) {
          Key k = owned(kProducts, o.products, c.product.value(), kFirstSetting);
          k.push_back(c.channel.value());
          return k;
        }
        if constexpr (std::is_same_v<T, SetOptionLifetime>) {
          Key k = owned(kProducts, o.products, c.product.value(), kFirstSetting + 1);
          k.insert(k.end(), {c.channel.value(), static_cast<uint64_t>(c.kind)});
          return k;
        }
        if constexpr (std::is_same_v<T, DefineTariff>) return {kTariffs, 0, c.tariff.value(), kDefinition};
        if constexpr (std::is_same_v<T, SetTariffPrice>) {
          Key k = owned(kTariffs, o.tariffs, c.tariff.value(), kFirstSetting);
          k.insert(k.end(), {c.category.value(), c.channel.value()});
          return k;
        }
        if constexpr (std::is_same_v<T, DefineVenueLayout>) return {kLayouts, c.layout.value()};
        if constexpr (std::is_same_v<T, DefinePerformance>)
          return {kPerformances, 0, c.performance.value(), kDefinition};
        if constexpr (std::is_same_v<T, SetGeneralAdmission>) {
          Key k = owned(kPerformances, o.performances, c.performance.value(), kFirstSetting);
          k.push_back(c.category.value());
          return k;
        }
        if constexpr (std::is_same_v<T, AssignLayout>)
          return owned(kPerformances, o.performances, c.performance.value(), kFirstSetting + 1);
        if constexpr (std::is_same_v<T, SetChannelCap>) {
          Key k = owned(kPerformances, o.performances, c.performance.value(), kFirstSetting + 2);
          k.push_back(c.channel.value());
          return k;
        }
        if constexpr (std::is_same_v<T, SetPerformanceStaff>)
          return owned(kPerformances, o.performances, c.performance.value(), kFirstSetting + 3);
        if constexpr (std::is_same_v<T, DefineContingent> || std::is_same_v<T, DefineSubContingent>)
          return contingent_key(o, c.performance, c.contingent);
        if constexpr (std::is_same_v<T, SetContingentReleaseBack>) {
          Key k = owned(kPerformances, o.performances, c.performance.value(), kFirstSetting + 5);
          k.push_back(c.contingent.value());
          return k;
        }
        return {kOtherCommands};
      },
      body);
}

}  // namespace

std::vector<size_t> canonical_permutation(const std::vector<Command>& commands) {
  const Owners owners = owners_of(commands);
  std::vector<Key> keys;
  keys.reserve(commands.size());
  for (const Command& c : commands) keys.push_back(key_of(owners, c.body));
  std::vector<size_t> order(commands.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&keys](size_t a, size_t b) { return keys[a] < keys[b]; });
  return order;
}

}  // namespace tessera::catalog
