// Shard snapshots: the whole state of a shard as bytes, and back.
//
// Only primary state is written — catalog, venue layouts, quotas,
// performances with their seat maps, contingent trees (with release-back
// dates), order slots with the free list, timer order, idempotency ring,
// counters. Everything derivable (id indexes, per-contact counters, layout
// row indexes, per-row free seat counts, the timing wheel itself) is rebuilt
// on load, which keeps snapshots small and lets load() re-check the result
// with check_invariants().
#include <algorithm>
#include <cassert>

#include "engine/codec.h"
#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

namespace {

constexpr uint32_t kSnapshotMagic = 0x54534E50;  // "TSNP"
// Optional sections after the order slots, each a u16 tag and its body,
// written only when not empty: a snapshot of a deployment that does not
// use them is byte for byte what an older build wrote, and a build that
// meets a tag it does not know refuses the snapshot (the log is replayed).
constexpr uint16_t kSectionPrincipals = 1;
constexpr uint16_t kSectionOrderPrincipals = 2;     // the used slots whose creator is known
constexpr uint16_t kSectionOrderPages = 3;          // the used slots' workflows, notes and client information
constexpr uint16_t kSectionOptionLifetimes = 4;     // the catalog's SetOptionLifetime entries
constexpr uint16_t kSectionOrderClosings = 5;       // the closed slots' closing state changes
constexpr uint16_t kSectionContactProfiles = 6;     // the directory's profile sequence per contact
constexpr uint16_t kSectionClosedContacts = 7;      // contacts being deleted or deleted
constexpr uint16_t kSectionClientMarks = 8;         // contacts' first confirmed orders here, in mark order
constexpr uint16_t kSectionRetention = 9;           // the order retention, archived performances, retired units
constexpr uint16_t kSectionProductTypes = 10;       // the catalog's DefineProductType entries
constexpr uint16_t kSectionMoneyConfig = 11;        // the catalog's payers and validation rules
constexpr uint16_t kSectionOrderMoney = 12;         // the money of the orders that have some, by slot
constexpr uint16_t kSectionInvoices = 13;           // the invoice register (shard 0), in the order numbered
constexpr uint16_t kSectionCancellationTerms = 14;  // the catalog's SetCancellationTerms, in definition order
constexpr uint16_t kSectionReturnCityRules = 15;    // the catalog's SetReturnCityRule, in definition order
constexpr uint16_t kSectionPromoRegister = 16;      // the promo register (shard 0): codes, live uses, returns taken
constexpr uint16_t kSectionPromoOutbox = 17;        // the shard's pending promo claims and uses given back
constexpr uint16_t kSectionAnnexFees = 18;          // the catalog's DefineAnnexFee entries, in definition order
constexpr uint16_t kSectionBatches = 19;            // the batch register (shard 0): every batch, by kind and number
constexpr uint16_t kSectionAutoInvoicing = 20;   // the catalog's SetAutoInvoicing rules and the sweep (after the money)
constexpr uint16_t kSectionCashbackOutbox = 21;  // the shard's pending cashback claims and claims given back
constexpr uint16_t kSectionSponsorshipRules = 22;  // the catalog's SetSponsorshipRule, in definition order
constexpr uint16_t kSectionPreRegistrations = 23;  // the pre-registration parts and lead parts, by id
constexpr uint16_t kSectionPerformanceStaff = 24;  // the performances' responsible and assistant, by id
constexpr uint16_t kSectionOrderDossiers = 25;     // the participants and documents of the orders that have some
constexpr uint16_t kSectionDocumentTypes = 26;     // the catalog's DefineDocumentType entries, in definition order
constexpr uint16_t kSectionDepartures = 27;        // the catalog's DefineDeparture entries, in definition order
constexpr uint16_t kSectionAddOns = 28;            // the catalog's DefineAddOn entries, in definition order
constexpr uint16_t kSectionAddOnQuotas = 29;       // the add-on quotas of the shard's departures, sorted
constexpr uint16_t kSectionTravelBooks = 30;       // the departures' convocations and the travel-book mail outbox

struct OrderCreator {
  uint32_t slot = 0;
  PrincipalId principal = 0;
  auto fields() const { return std::tie(slot, principal); }
};

// A closed order's closing state change (Order::closed_*), in its slot.
struct OrderClosing {
  uint32_t slot = 0;
  int64_t at_ms = 0;
  PrincipalId by = 0;
  OrderState from = OrderState::kHeld;
  uint16_t at_event = 0;
  auto fields() const { return std::tie(slot, at_ms, by, from, at_event); }
};

Status check_cold(const OrderCold& cold) {
  for (const WorkflowEvent& e : cold.workflow)
    if (e.action > kWorkflowActionLast || e.from > OrderState::kCancelled || e.to > OrderState::kCancelled ||
        e.what > kWorkflowDetailLast)
      return Status::invalid_argument("snapshot has a workflow entry out of range");
  if (cold.notes.size() > kOrderNotesMax) return Status::invalid_argument("snapshot has too many notes on an order");
  return Status();
}

// The snapshot image of one used order slot (read and written alike).
auto slot_fields(Order& o, bool& timer, int64_t& timer_due_ms) {
  return std::tie(o.generation, o.state, o.kind, o.mark, o.locked, o.policy, o.extensions, o.extensions_max, o.channel,
                  o.contact, o.created_ms, o.deadline_ms, o.hold_until_max_ms, o.overdue_grace_ms, o.due_ms,
                  o.file_number, o.reminder_rank, o.reminded_ms, o.timer_seq, o.lines, timer, timer_due_ms);
}

template <typename Tuple>
void put_all(Writer& w, const Tuple& t) {
  std::apply([&w](const auto&... f) { (w.put(f), ...); }, t);
}

template <typename Tuple>
Status get_all(Reader& r, Tuple t) {
  Status s;
  std::apply([&](auto&... f) { ((s.is_ok() ? (void)(s = r.get(f)) : (void)0), ...); }, t);
  return s;
}

}  // namespace

void Shard::save(std::string* out) const {
  // One allocation up front (about 110 bytes per order slot): growing a
  // 100 MB string by doubling would copy and page-fault it several times.
  size_t seats = 0;
  for (const VenueLayout& l : stock_.layouts().items()) seats += size_t{l.seat_count()} * 4;
  for (const Performance& p : stock_.performances().items()) seats += p.seat_map.seats.size() * 2;
  const OrderTable& orders = orders_.table();
  out->reserve(out->size() + 4096 + size_t{orders.slot_count()} * 112 + stock_.quotas().size() * 16 + seats);
  Writer w(out);
  put_all(w, std::tie(kSnapshotMagic, kCodecVersion, shard_, shard_count_, now_ms_));
  put_all(w, std::make_tuple(timers_.wheel().next_tick_ms(), timers_.next_seq(), commands_applied_, expiries_fired_));
  put_all(w, std::tie(catalog_, stock_.layouts(), stock_.quotas().all(), stock_.performances(), stock_.contingents(),
                      idempotency_, contacts_, subscriptions_));
  w.put(orders.free_list());
  w.put(orders.slot_count());
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    Order& o = const_cast<Order&>(orders.at(slot));  // slot_fields ties by reference; nothing is written
    bool timer = o.timer.valid();
    int64_t due = timer ? timers_.wheel().due_ms(o.timer) : 0;
    put_all(w, slot_fields(o, timer, due));
  }
  if (!principals_.empty()) put_all(w, std::tie(kSectionPrincipals, principals_.all()));
  std::vector<OrderCreator> creators;
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot)
    if (orders.at(slot).principal != 0) creators.push_back(OrderCreator{slot, orders.at(slot).principal});
  if (!creators.empty()) put_all(w, std::tie(kSectionOrderPrincipals, creators));
  if (!catalog_.option_lifetimes().empty()) put_all(w, std::tie(kSectionOptionLifetimes, catalog_.option_lifetimes()));
  if (catalog_.product_types().size() != 0) put_all(w, std::tie(kSectionProductTypes, catalog_.product_types()));
  if (catalog_.payers().size() != 0 || !catalog_.validation_rules().empty())
    put_all(w, std::tie(kSectionMoneyConfig, catalog_.payers(), catalog_.validation_rules()));
  if (const std::vector<MoneyTable::Entry> money = desk_.money().current(orders); !money.empty())
    put_all(w, std::tie(kSectionOrderMoney, money));
  if (!invoices_.empty()) put_all(w, std::tie(kSectionInvoices, invoices_.documents()));
  if (!catalog_.auto_invoicing_rules().empty() || !auto_invoicing_.state().unused())
    put_all(w, std::tie(kSectionAutoInvoicing, catalog_.auto_invoicing_rules(), auto_invoicing_.state()));
  if (!catalog_.cancellation_terms().empty())
    put_all(w, std::tie(kSectionCancellationTerms, catalog_.cancellation_terms()));
  if (!catalog_.return_city_rules().empty())
    put_all(w, std::tie(kSectionReturnCityRules, catalog_.return_city_rules()));
  if (!catalog_.sponsorship_rules().empty())
    put_all(w, std::tie(kSectionSponsorshipRules, catalog_.sponsorship_rules()));
  if (!promos_.empty()) put_all(w, std::make_tuple(kSectionPromoRegister, promos_.state()));
  if (!desk_.promo_outbox().empty()) put_all(w, std::tie(kSectionPromoOutbox, desk_.promo_outbox()));
  if (!desk_.cashback_outbox().empty()) put_all(w, std::tie(kSectionCashbackOutbox, desk_.cashback_outbox()));
  if (!preregs_.empty()) put_all(w, std::make_tuple(kSectionPreRegistrations, preregs_.state()));
  if (!stock_.staff().empty()) put_all(w, std::tie(kSectionPerformanceStaff, stock_.staff()));
  if (catalog_.annex_fees().size() != 0) put_all(w, std::tie(kSectionAnnexFees, catalog_.annex_fees()));
  if (catalog_.document_types().size() != 0) put_all(w, std::tie(kSectionDocumentTypes, catalog_.document_types()));
  if (catalog_.departures().size() != 0) put_all(w, std::tie(kSectionDepartures, catalog_.departures()));
  if (catalog_.add_ons().size() != 0) put_all(w, std::tie(kSectionAddOns, catalog_.add_ons()));
  if (!desk_.add_on_quotas().rows().empty()) put_all(w, std::tie(kSectionAddOnQuotas, desk_.add_on_quotas().rows()));
  if (!desk_.travel_books().empty()) put_all(w, std::tie(kSectionTravelBooks, desk_.travel_books()));
  if (const std::vector<DossierTable::Entry> dossiers = desk_.dossiers().current(orders); !dossiers.empty())
    put_all(w, std::tie(kSectionOrderDossiers, dossiers));
  if (!batches_.empty()) put_all(w, std::make_tuple(kSectionBatches, batches_.batches()));
  if (!contacts_.profile_seqs().empty()) put_all(w, std::tie(kSectionContactProfiles, contacts_.profile_seqs()));
  if (!contacts_.closed().empty()) put_all(w, std::tie(kSectionClosedContacts, contacts_.closed()));
  if (!contacts_.client_marks().empty()) put_all(w, std::tie(kSectionClientMarks, contacts_.client_marks()));
  if (!retention_.state().unused())
    put_all(w, std::make_tuple(kSectionRetention, retention_.state(), stock_.retired_by_quota(),
                               stock_.retired_by_category()));
  std::vector<OrderClosing> closings;
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    if (!o.live() && o.close_recorded())
      closings.push_back(OrderClosing{slot, o.closed_ms, o.closed_by, o.closed_from, o.close_at_event});
  }
  if (!closings.empty()) put_all(w, std::tie(kSectionOrderClosings, closings));
  uint32_t paged = 0;
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const OrderCold& c = orders.cold(slot);
    paged += !(c.workflow.empty() && c.notes.empty() && c.client_info.empty());
  }
  if (paged == 0) return;
  put_all(w, std::tie(kSectionOrderPages, paged));
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const OrderCold& c = orders.cold(slot);
    if (!(c.workflow.empty() && c.notes.empty() && c.client_info.empty())) put_all(w, std::tie(slot, c));
  }
}

Result<std::unique_ptr<Shard>> Shard::load(std::string_view bytes) {
  Reader r(bytes);
  uint32_t magic = 0, version = 0, shard = 0, shard_count = 0;
  int64_t now_ms = 0, next_tick_ms = 0;
  Status s = get_all(r, std::tie(magic, version, shard, shard_count, now_ms, next_tick_ms));
  if (!s.is_ok()) return s;
  if (magic != kSnapshotMagic) return Status::invalid_argument("not a Tessera shard snapshot");
  if (version != kCodecVersion && version != kCodecVersionV3)
    return Status::failed_precondition(
        cat("snapshot format v", version, "; this build reads v", kCodecVersionV3, " and v", kCodecVersion));
  r.set_codec_version(version);  // the header's fields are plain integers in both
  if (shard_count == 0 || shard_count > kShardsMax || shard >= shard_count || now_ms < 0 || now_ms > kTimeMsMax ||
      next_tick_ms < 0 || next_tick_ms > kTimeMsMax + 1)
    return Status::invalid_argument("snapshot header out of range");

  auto out = std::make_unique<Shard>(shard, shard_count, std::min(next_tick_ms, kTimeMsMax));
  Shard& sh = *out;
  sh.now_ms_ = now_ms;
  std::vector<Quota> quotas;
  std::vector<uint32_t> free_slots;
  uint32_t used = 0;
  uint64_t timer_seq_next = 0;
  s = get_all(r, std::tie(timer_seq_next, sh.commands_applied_, sh.expiries_fired_, sh.catalog_, sh.stock_.layouts(),
                          quotas, sh.stock_.performances(), sh.stock_.contingents(), sh.idempotency_, sh.contacts_,
                          sh.subscriptions_, free_slots, used));
  if (!s.is_ok()) return s;
  sh.timers_.set_next_seq(timer_seq_next);
  if (used > kLiveOrdersPerShardMax || free_slots.size() > used)
    return Status::invalid_argument("snapshot order table out of range");
  if (!(sh.catalog_.rebuild_indexes() && sh.stock_.performances().rebuild_index() &&
        sh.stock_.contingents().rebuild_index() && sh.idempotency_.rebuild_index() &&
        sh.stock_.layouts().rebuild_index() && sh.contacts_.rebuild_index() && sh.subscriptions_.rebuild_indexes()))
    return Status::invalid_argument("snapshot has an id that is repeated or out of range");
  s = sh.stock_.restore(quotas);
  if (!s.is_ok()) return s;
  s = sh.seats_.restore_seat_maps();
  if (!s.is_ok()) return s;

  s = sh.load_orders(r, used, free_slots);
  if (!s.is_ok()) return s;
  int creators_loaded = 0, pages_loaded = 0, lifetimes_loaded = 0, closings_loaded = 0, profiles_loaded = 0,
      closed_loaded = 0, clients_loaded = 0, retention_loaded = 0, types_loaded = 0, money_config_loaded = 0,
      money_loaded = 0, invoices_loaded = 0, terms_loaded = 0, rules_loaded = 0, sponsorship_loaded = 0,
      promo_register_loaded = 0, promo_outbox_loaded = 0, annex_fees_loaded = 0, batches_loaded = 0, auto_loaded = 0,
      cashback_outbox_loaded = 0, preregs_loaded = 0, staff_loaded = 0, dossiers_loaded = 0, document_types_loaded = 0,
      departures_loaded = 0, add_ons_loaded = 0, add_on_quotas_loaded = 0, travel_books_loaded = 0;
  while (!r.done()) {
    uint16_t section = 0;
    s = r.get(section);
    std::vector<OrderCreator> creators;
    if (s.is_ok() && section == kSectionOrderPages && pages_loaded++ == 0) {
      s = sh.load_order_pages(r);
    } else if (s.is_ok() && section == kSectionOrderClosings && closings_loaded++ == 0) {
      s = sh.load_order_closings(r);
    } else if (s.is_ok() && section == kSectionOptionLifetimes && lifetimes_loaded++ == 0) {
      s = r.get(sh.catalog_.option_lifetimes());
      for (const OptionLifetime& o : sh.catalog_.option_lifetimes())
        if (s.is_ok() && (!sh.catalog_.product(o.product) || o.kind > BookingKind::kReservation ||
                          o.lifetime_ms < kOptionLifetimeMsMin || o.lifetime_ms > kDeadlineAheadMsMax))
          s = Status::invalid_argument("snapshot has an option lifetime out of range");
    } else if (s.is_ok() && section == kSectionContactProfiles && profiles_loaded++ == 0) {
      s = r.get(sh.contacts_.profile_seqs());
      const auto& seqs = sh.contacts_.profile_seqs();
      for (size_t i = 0; s.is_ok() && i < seqs.size(); ++i)
        if (seqs[i].seq == 0 || !sh.contacts_.find(seqs[i].contact) ||
            (i > 0 && !(seqs[i - 1].contact < seqs[i].contact)))
          s = Status::invalid_argument("snapshot contact profiles are out of order or name no contact");
    } else if (s.is_ok() && section == kSectionClosedContacts && closed_loaded++ == 0) {
      s = r.get(sh.contacts_.closed());
      const auto& closed = sh.contacts_.closed();
      for (size_t i = 0; s.is_ok() && i < closed.size(); ++i)
        if (is_reserved_id(closed[i].contact) || (closed[i].freezes == 0) == !closed[i].deleted ||
            (i > 0 && !(closed[i - 1].contact < closed[i].contact)))
          s = Status::invalid_argument("snapshot closed contacts are out of order or neither frozen nor deleted");
    } else if (s.is_ok() && section == kSectionClientMarks && clients_loaded++ == 0) {
      s = r.get(sh.contacts_.client_marks());
      for (const ContactBook::ClientSince& c : sh.contacts_.client_marks())
        if (s.is_ok() && (c.since_ms < 0 || c.since_ms > kTimeMsMax))
          s = Status::invalid_argument("snapshot has a client mark out of range");
      if (s.is_ok() && !sh.contacts_.rebuild_clients())
        s = Status::invalid_argument("snapshot marks a contact a client twice");
    } else if (s.is_ok() && section == kSectionRetention && retention_loaded++ == 0) {
      RetentionState state;
      std::vector<StockLedger::RetiredUnits> by_quota, by_category;
      s = get_all(r, std::tie(state, by_quota, by_category));
      if (s.is_ok()) s = sh.retention_.restore(std::move(state));
      if (s.is_ok()) s = sh.stock_.restore_retired(by_quota, by_category);
    } else if (s.is_ok() && section == kSectionProductTypes && types_loaded++ == 0) {
      s = r.get(sh.catalog_.product_types());
    } else if (s.is_ok() && section == kSectionMoneyConfig && money_config_loaded++ == 0) {
      s = get_all(r, std::tie(sh.catalog_.payers(), sh.catalog_.validation_rules()));
      if (s.is_ok() && !sh.catalog_.rebuild_payers()) s = Status::invalid_argument("snapshot repeats a payer");
      for (const ValidationRule& v : sh.catalog_.validation_rules())
        if (s.is_ok() &&
            !sh.catalog_.check(SetValidationRule{v.product, v.on_payment, v.deposit_percent, v.on_contract}).ok())
          s = Status::invalid_argument("snapshot has a validation rule out of range");
    } else if (s.is_ok() && section == kSectionOrderMoney && money_loaded++ == 0) {
      std::vector<MoneyTable::Entry> money;
      s = r.get(money);
      if (s.is_ok())
        s = sh.desk_.money().restore(
            std::move(money), sh.orders_.table(), [](const OrderMoney& m) { return check_restored(m); }, "order money");
    } else if (s.is_ok() && section == kSectionCancellationTerms && terms_loaded++ == 0) {
      std::vector<SetCancellationTerms> terms;
      s = r.get(terms);
      for (const SetCancellationTerms& t : terms)
        if (s.is_ok() && !sh.catalog_.define(t).ok())
          s = Status::invalid_argument("snapshot has cancellation terms out of range");
      if (s.is_ok() && sh.catalog_.cancellation_terms().size() != terms.size())
        s = Status::invalid_argument("snapshot repeats a product's cancellation terms");
    } else if (s.is_ok() && section == kSectionReturnCityRules && rules_loaded++ == 0) {
      std::vector<SetReturnCityRule> rules;
      s = r.get(rules);
      for (const SetReturnCityRule& rule : rules)
        if (s.is_ok() && !sh.catalog_.define(rule).ok())
          s = Status::invalid_argument("snapshot has a return-city rule out of range");
      if (s.is_ok() && sh.catalog_.return_city_rules().size() != rules.size())
        s = Status::invalid_argument("snapshot repeats a product's return-city rule");
    } else if (s.is_ok() && section == kSectionSponsorshipRules && sponsorship_loaded++ == 0) {
      std::vector<SetSponsorshipRule> rules;
      s = r.get(rules);
      for (const SetSponsorshipRule& rule : rules)
        if (s.is_ok() && !sh.catalog_.define(rule).ok())
          s = Status::invalid_argument("snapshot has a sponsorship rule out of range");
      if (s.is_ok() && sh.catalog_.sponsorship_rules().size() != rules.size())
        s = Status::invalid_argument("snapshot repeats a product's sponsorship rule");
    } else if (s.is_ok() && section == kSectionAnnexFees && annex_fees_loaded++ == 0) {
      s = r.get(sh.catalog_.annex_fees());
      if (s.is_ok() && !sh.catalog_.rebuild_annex_fees()) s = Status::invalid_argument("snapshot repeats an annex fee");
      for (const DefineAnnexFee& f : sh.catalog_.annex_fees().items())
        if (s.is_ok() && (f.price_cents < 0 || f.price_cents > kPaymentCentsMax ||
                          (f.product != kNone && !sh.catalog_.product(f.product))))
          s = Status::invalid_argument("snapshot has an annex fee out of range");
    } else if (s.is_ok() && section == kSectionDocumentTypes && document_types_loaded++ == 0) {
      s = r.get(sh.catalog_.document_types());
      if (s.is_ok() && !sh.catalog_.rebuild_document_types())
        s = Status::invalid_argument("snapshot repeats a document type");
      for (const DefineDocumentType& t : sh.catalog_.document_types().items())
        if (s.is_ok() && (t.name.empty() || t.name.size() > kNameLengthMax || t.required_for.size() > kFilterListMax ||
                          std::any_of(t.required_for.begin(), t.required_for.end(),
                                      [&](ProductId p) { return !sh.catalog_.product(p); })))
          s = Status::invalid_argument("snapshot has a document type out of range");
    } else if (s.is_ok() && section == kSectionDepartures && departures_loaded++ == 0) {
      s = r.get(sh.catalog_.departures());
      if (s.is_ok() && !sh.catalog_.rebuild_departures()) s = Status::invalid_argument("snapshot repeats a departure");
      for (const DefineDeparture& d : sh.catalog_.departures().items())
        if (s.is_ok() && !sh.catalog_.check(d).ok())
          s = Status::invalid_argument("snapshot has a departure out of range");
    } else if (s.is_ok() && section == kSectionAddOns && add_ons_loaded++ == 0) {
      s = r.get(sh.catalog_.add_ons());
      if (s.is_ok() && !sh.catalog_.rebuild_add_ons()) s = Status::invalid_argument("snapshot repeats an add-on");
      for (const DefineAddOn& a : sh.catalog_.add_ons().items())
        if (s.is_ok() && !sh.catalog_.check(a).ok())
          s = Status::invalid_argument("snapshot has an add-on out of range");
    } else if (s.is_ok() && section == kSectionAddOnQuotas && add_on_quotas_loaded++ == 0) {
      std::vector<AddOnQuota> rows;
      s = r.get(rows);
      if (s.is_ok()) s = sh.desk_.add_on_quotas().restore(std::move(rows));
    } else if (s.is_ok() && section == kSectionTravelBooks && travel_books_loaded++ == 0) {
      TravelBookState state;
      s = r.get(state);
      if (s.is_ok()) s = sh.desk_.restore_travel_books(std::move(state));
    } else if (s.is_ok() && section == kSectionOrderDossiers && dossiers_loaded++ == 0) {
      std::vector<DossierTable::Entry> dossiers;
      s = r.get(dossiers);
      if (s.is_ok())
        s = sh.desk_.dossiers().restore(
            std::move(dossiers), sh.orders_.table(), [](const OrderDossier& d) { return check_restored(d); },
            "order dossier");
    } else if (s.is_ok() && section == kSectionPromoRegister && promo_register_loaded++ == 0) {
      PromoRegister::State state;
      s = r.get(state);
      if (s.is_ok()) s = sh.promos_.restore(std::move(state));
    } else if (s.is_ok() && section == kSectionPromoOutbox && promo_outbox_loaded++ == 0) {
      PromoOutbox outbox;
      s = r.get(outbox);
      if (s.is_ok()) s = sh.desk_.restore_promo(std::move(outbox));
    } else if (s.is_ok() && section == kSectionCashbackOutbox && cashback_outbox_loaded++ == 0) {
      CashbackOutbox outbox;
      s = r.get(outbox);
      if (s.is_ok()) s = sh.desk_.restore_cashback(std::move(outbox));
    } else if (s.is_ok() && section == kSectionPreRegistrations && preregs_loaded++ == 0) {
      PreRegistrationBook::State state;
      s = r.get(state);
      if (s.is_ok()) s = sh.preregs_.restore(std::move(state));
    } else if (s.is_ok() && section == kSectionPerformanceStaff && staff_loaded++ == 0) {
      std::vector<SetPerformanceStaff> staff;
      s = r.get(staff);
      if (s.is_ok()) s = sh.stock_.restore_staff(std::move(staff));
    } else if (s.is_ok() && section == kSectionAutoInvoicing && auto_loaded++ == 0) {
      std::vector<SetAutoInvoicing> rules;
      AutoInvoicingState state;
      s = get_all(r, std::tie(rules, state));
      for (const SetAutoInvoicing& rule : rules)
        if (s.is_ok() && !sh.catalog_.define(rule).ok())
          s = Status::invalid_argument("snapshot has an automatic invoicing rule of an unknown product");
      if (s.is_ok() && sh.catalog_.auto_invoicing_rules().size() != rules.size())
        s = Status::invalid_argument("snapshot repeats a product's automatic invoicing rule");
      if (s.is_ok()) s = sh.auto_invoicing_.restore(state);
    } else if (s.is_ok() && section == kSectionBatches && batches_loaded++ == 0) {
      std::vector<PaymentBatch> batches;
      s = r.get(batches);
      if (s.is_ok()) s = sh.batches_.restore(std::move(batches));
    } else if (s.is_ok() && section == kSectionInvoices && invoices_loaded++ == 0) {
      std::vector<InvoiceDocument> documents;
      s = r.get(documents);
      if (s.is_ok()) s = sh.invoices_.restore(std::move(documents));
    } else if (s.is_ok() && section == kSectionPrincipals && sh.principals_.empty()) {
      s = r.get(sh.principals_.all());
    } else if (s.is_ok() && section == kSectionOrderPrincipals && creators_loaded++ == 0) {
      s = r.get(creators);
      for (size_t i = 0; s.is_ok() && i < creators.size(); ++i) {
        if (creators[i].slot >= sh.orders_.table().slot_count())
          s = Status::invalid_argument("snapshot names the creator of an unused order slot");
        else
          sh.orders_.table().at(creators[i].slot).principal = creators[i].principal;
      }
    } else if (s.is_ok()) {
      s = Status::invalid_argument(cat("snapshot has an unknown or repeated section ", section));
    }
    if (!s.is_ok()) return s;
  }
  if (!sh.catalog_.rebuild_product_types())
    return Status::invalid_argument("snapshot has a repeated product type, or a product of an unknown type");
  sh.mark_confirmed_clients();
  // Before this build a closed order's closing state change was the last
  // such entry of its stored workflow: it moves to the order itself.
  if (closings_loaded == 0) sh.lift_closing_events();
  s = sh.check_invariants();
  if (!s.is_ok()) return Status::internal("snapshot fails its invariants: " + s.message());
  return out;
}

// Reads the order pages section: a count, then (slot, OrderCold) by slot.
Status Shard::load_order_pages(Reader& r) {
  OrderTable& orders = orders_.table();
  uint32_t count = 0;
  Status s = r.get(count);
  if (s.is_ok() && count > orders.slot_count())
    s = Status::invalid_argument("snapshot has more order pages than slots");
  int64_t previous = -1;
  for (uint32_t i = 0; s.is_ok() && i < count; ++i) {
    uint32_t slot = 0;
    s = r.get(slot);
    if (!s.is_ok()) break;
    if (slot >= orders.slot_count() || int64_t{slot} <= previous)
      return Status::invalid_argument("snapshot order pages name an unused slot or are out of order");
    previous = slot;
    s = r.get(orders.cold(slot));
    if (s.is_ok()) s = check_cold(orders.cold(slot));
    if (s.is_ok()) orders.at(slot).workflow_size = static_cast<uint16_t>(orders.cold(slot).workflow.size());
  }
  return s;
}

// Reads the order closings section. (Where a closing stands among its
// slot's workflow entries is checked with the invariants, once every
// section is read.)
Status Shard::load_order_closings(Reader& r) {
  OrderTable& orders = orders_.table();
  std::vector<OrderClosing> closings;
  Status s = r.get(closings);
  int64_t previous = -1;
  for (size_t i = 0; s.is_ok() && i < closings.size(); ++i) {
    const OrderClosing& c = closings[i];
    if (c.slot >= orders.slot_count() || int64_t{c.slot} <= previous)
      return Status::invalid_argument("snapshot order closings name an unused slot or are out of order");
    previous = c.slot;
    Order& o = orders.at(c.slot);
    if (o.live() || is_closed(c.from) || c.at_event == Order::kNoCloseEvent || c.at_ms < 0 || c.at_ms > kTimeMsMax)
      return Status::invalid_argument(cat("snapshot order closing of slot ", c.slot, " out of range"));
    o.closed_ms = c.at_ms;
    o.closed_by = c.by;
    o.closed_from = c.from;
    o.close_at_event = c.at_event;
  }
  return s;
}

void Shard::lift_closing_events() {
  OrderTable& orders = orders_.table();
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    Order& o = orders.at(slot);
    if (o.live()) continue;
    std::vector<WorkflowEvent>& workflow = orders.cold(slot).workflow;
    for (size_t i = workflow.size(); i-- > 0;) {
      const WorkflowEvent& e = workflow[i];
      if (e.action != WorkflowAction::kStateChanged) continue;
      if (e.to == o.state && !is_closed(e.from)) {
        o.closed_ms = e.at_ms;
        o.closed_by = e.principal;
        o.closed_from = e.from;
        o.close_at_event = static_cast<uint16_t>(i);
        workflow.erase(workflow.begin() + static_cast<ptrdiff_t>(i));
        o.workflow_size = static_cast<uint16_t>(workflow.size());
      }
      break;
    }
  }
}

// Reads `used` order slots, then rebuilds the per-contact counters and the
// timing wheel (timers re-armed by due, then by original arming order).
Status Shard::load_orders(Reader& r, uint32_t used, const std::vector<uint32_t>& free_slots) {
  for (uint32_t s : free_slots)
    if (s >= used) return Status::invalid_argument("snapshot free list names an unused slot");
  OrderTable& orders = orders_.table();
  orders.restore(used, free_slots);
  struct Pending {
    int64_t due_ms;
    uint64_t seq;
    uint32_t slot;
    bool contingent;  // slot is then a contingents_ index
  };
  std::vector<Pending> timers;
  EntityTable<ContingentId, Contingent>& contingents = stock_.contingents();
  for (uint32_t i = 0; i < contingents.size(); ++i) {
    const Contingent& k = contingents.items()[i];
    if (k.release_back_ms != 0 && !k.released) timers.push_back(Pending{k.release_back_ms, k.timer_seq, i, true});
  }
  for (uint32_t slot = 0; slot < used; ++slot) {
    Order& o = orders.at(slot);
    bool timer = false;
    int64_t due = 0;
    Status s = get_all(r, slot_fields(o, timer, due));
    if (!s.is_ok()) return s;
    if (o.state > OrderState::kCancelled || o.kind > BookingKind::kReservation || o.mark > ReleaseMark::kKeep ||
        o.policy > ExpiryPolicy::kKeepUntilReleased)
      return Status::invalid_argument(cat("snapshot order slot ", slot, " has an unknown state"));
    for (OrderLine& line : o.lines) {
      s = stock_.resolve_line(line);
      if (!s.is_ok()) return s;
      if (o.live()) stock_.count_contact(line.performance_index, o.contact, line.quantity);
    }
    if (o.live() && is_booking(o.state)) orders_.follow_up().add(o, orders.id_of(slot));
    if (timer) {
      if (!o.live() || due < 0 || due > kTimeMsMax) return Status::invalid_argument("snapshot timer out of range");
      timers.push_back(Pending{due, o.timer_seq, slot, false});
    }
  }
  std::sort(timers.begin(), timers.end(), [](const Pending& a, const Pending& b) {
    return a.due_ms != b.due_ms ? a.due_ms < b.due_ms : a.seq < b.seq;
  });
  for (const Pending& t : timers) {
    if (t.contingent) {
      contingents.items()[t.slot].timer = timers_.restore(t.due_ms, kContingentTimerTag | t.slot);
      continue;
    }
    Order& o = orders.at(t.slot);
    o.timer = timers_.restore(t.due_ms, orders.id_of(t.slot).value());
  }
  return Status();
}

}  // namespace tessera::engine
