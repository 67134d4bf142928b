// Demo venue set-up commands.
#include "workload/demo_venue.h"

#include <algorithm>
#include <string>

namespace tessera::workload {

using namespace tessera::engine;

namespace {
Command cmd(CommandBody body) { return Command{0, std::move(body)}; }
}  // namespace

std::vector<Command> demo_catalog() {
  std::vector<Command> out;
  out.push_back(cmd(DefineSeason{1, "Saison 2026-2027"}));
  out.push_back(cmd(DefineProductFamily{1, "Théâtre"}));
  DefineProduct release{kProductRelease, 1, 1, "Le Misanthrope"};
  release.expiry_policy = ExpiryPolicy::kReleaseAtDeadline;
  DefineProduct overdue{kProductOverdue, 1, 1, "Circuit Provence (options annulables)"};
  overdue.expiry_policy = ExpiryPolicy::kOverdueThenArchive;
  overdue.overdue_grace_ms = kOverdueGraceMs;
  DefineProduct keep{kProductKeep, 1, 1, "Abonnement (suivi manuel)"};
  keep.expiry_policy = ExpiryPolicy::kKeepUntilReleased;
  out.push_back(cmd(release));
  out.push_back(cmd(overdue));
  out.push_back(cmd(keep));
  out.push_back(cmd(DefineChannel{kBoxOffice, "Guichet"}));
  out.push_back(cmd(DefineChannel{kWeb, "Internet"}));
  out.push_back(cmd(DefineChannel{kPartner, "Partenaires"}));
  const char* categories[] = {"Catégorie 1", "Catégorie 2", "Catégorie 3"};
  for (uint32_t c = 1; c <= 3; ++c) out.push_back(cmd(DefineCategory{c, categories[c - 1]}));
  for (uint32_t p = kProductRelease.value(); p <= kProductKeep.value(); ++p) {
    out.push_back(cmd(DefineTariff{demo_tariff(p, 1), p, "Plein tarif"}));
    out.push_back(cmd(DefineTariff{demo_tariff(p, 2), p, "Tarif réduit"}));
    for (uint32_t c = 1; c <= 3; ++c) {
      const uint32_t full = 6000 - 1500 * (c - 1);
      out.push_back(cmd(SetTariffPrice{demo_tariff(p, 1), c, kNone, full}));
      out.push_back(cmd(SetTariffPrice{demo_tariff(p, 2), c, kNone, full * 3 / 4}));
      out.push_back(cmd(SetTariffPrice{demo_tariff(p, 1), c, kWeb, full + 200}));  // web booking fee
    }
  }
  return out;
}

std::vector<Command> demo_performances(const DemoVenue& v, ProductId product) {
  std::vector<Command> out;
  for (uint32_t i = 0; i < v.performances; ++i) {
    const PerformanceId p = v.first_performance.value() + i;
    const uint32_t cap = v.capacity_per_performance;
    out.push_back(cmd(DefinePerformance{p, product, v.starts_at_ms + int64_t{i} * 86'400'000, cap, v.contact_limit}));
    const uint32_t cat1 = cap / 2, cat2 = cap * 3 / 10, cat3 = cap - cat1 - cat2;
    out.push_back(cmd(SetGeneralAdmission{p, 1, cat1}));
    out.push_back(cmd(SetGeneralAdmission{p, 2, cat2}));
    out.push_back(cmd(SetGeneralAdmission{p, 3, cat3}));
    if (cat1 / 10 > 0) out.push_back(cmd(DefineContingent{demo_partner_contingent(p), p, 1, cat1 / 10, {kPartner}}));
    if (v.web_cap_percent < 100) out.push_back(cmd(SetChannelCap{p, kWeb, cap * v.web_cap_percent / 100}));
  }
  return out;
}

DefineVenueLayout grid_layout(const GridLayout& g) {
  DefineVenueLayout out{g.layout, "Grande salle", g.categories, {}};
  const uint32_t bands = static_cast<uint32_t>(g.categories.size());
  for (uint32_t s = 0; s < g.sections; ++s) {
    LayoutSection section{"Section " + std::to_string(s + 1), {}};
    for (uint32_t r = 0; r < g.rows; ++r) {
      LayoutRow row{r + 1, 1, {}};
      for (uint32_t i = 0; i < g.seats; ++i) {
        const uint32_t off = 2 * i + 1 > g.seats ? (2 * i + 1 - g.seats) / 2 : (g.seats - 2 * i - 1) / 2;
        const uint32_t rank = std::min<uint32_t>(65535, r * (g.seats / 2 + 1) + off);
        uint8_t flags = 0;
        if (g.accessible && r + 1 == g.rows && i < 4) flags = i < 2 ? kSeatWheelchair : kSeatCompanion;
        row.seats.push_back(LayoutSeat{static_cast<uint8_t>(std::min(bands - 1, r * bands / g.rows)), flags,
                                       static_cast<uint16_t>(rank)});
      }
      section.rows.push_back(std::move(row));
    }
    out.sections.push_back(std::move(section));
  }
  return out;
}

LineRequest demo_line(PerformanceId performance, ProductId product, CategoryId category, uint32_t quantity) {
  return LineRequest{performance, category, demo_tariff(product, 1), quantity, kNone};
}

namespace {

// The contact number a demo contact carries (12 digits, clear of imports).
uint64_t demo_contact_number(uint32_t id) { return uint64_t{100'000'000'000} + id; }

}  // namespace

Command demo_contact(ContactId id) {
  ContactFields f;
  f.types = kContactIndividual;
  f.civility = "M.";
  f.last_name = "CLIENT";
  f.first_name = std::to_string(id.value());
  f.addresses.push_back(ContactAddress{AddressKind::kMain, "1 rue de la Paix", "75002", "PARIS", "", "", "FR"});
  return cmd(CreateContact{id, demo_contact_number(id.value()), std::move(f)});
}

Command demo_contact_profiles(uint32_t count) {
  SetContactProfiles profiles;
  for (uint32_t id = 1; id <= count; ++id)
    profiles.profiles.push_back(SetContactProfile{id, demo_contact_number(id), kContactIndividual, 1});
  return cmd(std::move(profiles));
}

}  // namespace tessera::workload
