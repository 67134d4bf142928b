// Catalog: the definitions every shard holds a copy of — seasons, product
// families, products (with their expiry and hold policies), sales channels,
// seat categories and tariffs.
//
// Catalog commands are broadcast to every shard, so each shard validates
// orders against its own copy without reading another shard's memory.
// Lookups use FlatMaps from client ids to dense indexes.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/command.h"
#include "engine/flat_map.h"
#include "engine/ids.h"

namespace tessera::engine {

template <typename Id>
struct Named {
  Id id;
  std::string name;
  auto fields() const { return std::tie(id, name); }
};

struct PolicyOverride {
  ChannelId channel;
  ExpiryPolicy expiry_policy;
  int64_t overdue_grace_ms;
  auto fields() const { return std::tie(channel, expiry_policy, overdue_grace_ms); }
};

struct Product {
  DefineProduct definition;
  std::vector<PolicyOverride> channel_policies;
  auto fields() const { return std::tie(definition, channel_policies); }
};

struct TariffPrice {
  CategoryId category;
  ChannelId channel;  // kNone = default for every channel
  uint32_t price_cents;
  auto fields() const { return std::tie(category, channel, price_cents); }
};

struct Tariff {
  TariffId id;
  ProductId product;
  std::string name;
  std::vector<TariffPrice> prices;
  auto fields() const { return std::tie(id, product, name, prices); }
};

// SetOptionLifetime, as kept.
struct OptionLifetime {
  ProductId product;
  ChannelId channel;  // kNone: every channel without its own
  BookingKind kind;
  int64_t lifetime_ms;
  auto fields() const { return std::tie(product, channel, kind, lifetime_ms); }
};

// SetValidationRule, as kept.
struct ValidationRule {
  ProductId product = kNone;  // kNone: the default
  ValidateOnPayment on_payment = ValidateOnPayment::kAnyPayment;
  uint32_t deposit_percent = 0;
  bool on_contract = true;
  auto fields() const { return std::tie(product, on_payment, deposit_percent, on_contract); }
};

// Resolved expiry rule for one order.
struct ExpiryRule {
  ExpiryPolicy policy;
  int64_t overdue_grace_ms;
};

// A table of entities keyed by client id, stored densely in definition order.
template <typename Id, typename T>
class EntityTable {
 public:
  T* find(Id id) {
    const uint32_t* i = index_.find(id);
    return i ? &items_[*i] : nullptr;
  }
  const T* find(Id id) const { return const_cast<EntityTable*>(this)->find(id); }
  void prefetch(Id id) const { index_.prefetch(id); }  // see FlatMap::prefetch
  // REQUIRES id not present.
  T& add(Id id, T item) {
    index_.insert(id, static_cast<uint32_t>(items_.size()));
    ids_.push_back(id);
    items_.push_back(std::move(item));
    return items_.back();
  }
  size_t size() const { return items_.size(); }
  const std::vector<T>& items() const { return items_; }
  std::vector<T>& items() { return items_; }

  // Snapshot support: ids and items are the state; the index is derived.
  auto fields() const { return std::tie(ids_, items_); }
  // Returns false (snapshot bytes not to be trusted) on an id that is
  // repeated or out of range, or ids and items of different counts.
  [[nodiscard]] bool rebuild_index() {
    index_.clear();
    if (ids_.size() != items_.size()) return false;
    for (uint32_t i = 0; i < ids_.size(); ++i) {
      if (ids_[i] == FlatMap<Id, uint32_t>::kEmpty || !index_.insert(ids_[i], i).second) return false;
    }
    return true;
  }

 private:
  FlatMap<Id, uint32_t> index_;
  std::vector<Id> ids_;
  std::vector<T> items_;
};

class Catalog {
 public:
  // Each returns kOk or the refusal; on refusal nothing changed.
  // check(c): the reply define(c) would give, changing nothing.
  Reply check(const DefineSeason& c) const;
  Reply check(const DefineProductFamily& c) const;
  Reply check(const DefineProductType& c) const;
  Reply check(const DefineProduct& c) const;
  Reply check(const DefineChannel& c) const;
  Reply check(const DefineCategory& c) const;
  Reply check(const DefineTariff& c) const;
  Reply check(const SetTariffPrice& c) const;
  Reply check(const SetChannelExpiryPolicy& c) const;
  Reply check(const SetOptionLifetime& c) const;
  Reply define(const DefineSeason& c);
  Reply define(const DefineProductFamily& c);
  Reply define(const DefineProductType& c);
  Reply define(const DefineProduct& c);
  Reply define(const DefineChannel& c);
  Reply define(const DefineCategory& c);
  Reply define(const DefineTariff& c);
  Reply define(const SetTariffPrice& c);
  Reply define(const SetChannelExpiryPolicy& c);
  Reply define(const SetOptionLifetime& c);
  // Money (engine/commands_money.h).
  Reply check(const DefinePayer& c) const;
  Reply check(const SetValidationRule& c) const;
  Reply define(const DefinePayer& c);
  Reply define(const SetValidationRule& c);
  Reply check(const SetCancellationTerms& c) const;
  Reply define(const SetCancellationTerms& c);
  Reply check(const SetReturnCityRule& c) const;
  Reply define(const SetReturnCityRule& c);
  Reply check(const SetAutoInvoicing& c) const;
  Reply define(const SetAutoInvoicing& c);
  Reply check(const DefineAnnexFee& c) const;
  Reply define(const DefineAnnexFee& c);
  Reply check(const SetSponsorshipRule& c) const;
  Reply define(const SetSponsorshipRule& c);
  Reply check(const DefineDocumentType& c) const;
  Reply define(const DefineDocumentType& c);
  Reply check(const DefineDeparture& c) const;
  Reply define(const DefineDeparture& c);
  Reply check(const DefineAddOn& c) const;
  Reply define(const DefineAddOn& c);
  // QuoteReturnCity: the product's rule applied to the two round trips.
  Reply quote(const QuoteReturnCity& c) const;

  const Product* product(ProductId id) const { return products_.find(id); }
  bool has_channel(ChannelId id) const { return channels_.find(id) != nullptr; }
  bool has_season(SeasonId id) const { return seasons_.find(id) != nullptr; }
  bool has_family(ProductFamilyId id) const { return families_.find(id) != nullptr; }
  bool has_product_type(ProductTypeId id) const { return product_types_.find(id) != nullptr; }
  // Names for display ("" when unknown).
  const std::string& channel_name(ChannelId id) const { return name_of(channels_, id); }
  const std::string& category_name(CategoryId id) const { return name_of(categories_, id); }
  bool has_category(CategoryId id) const { return categories_.find(id) != nullptr; }
  const Tariff* tariff(TariffId id) const { return tariffs_.find(id); }

  // Unit price of a tariff for a category sold on a channel, or -1 when the
  // tariff has no price for that category.
  int64_t price_cents(const Tariff& tariff, CategoryId category, ChannelId channel) const;
  ExpiryRule expiry_rule(const Product& product, ChannelId channel) const;
  // The configured lifetime of a booking of this kind on this channel (the
  // channel's own, else the product's), 0 when none is configured.
  int64_t option_lifetime(ProductId product, ChannelId channel, BookingKind kind) const;
  // Saved in a snapshot section of their own (snapshots written before them
  // have none), so not part of fields().
  std::vector<OptionLifetime>& option_lifetimes() { return option_lifetimes_; }
  const std::vector<OptionLifetime>& option_lifetimes() const { return option_lifetimes_; }
  // Likewise (DefineProductType came later); after loading them,
  // rebuild_product_types() (false: a repeated id, or a product whose type
  // is not among them).
  EntityTable<ProductTypeId, Named<ProductTypeId>>& product_types() { return product_types_; }
  const EntityTable<ProductTypeId, Named<ProductTypeId>>& product_types() const { return product_types_; }
  [[nodiscard]] bool rebuild_product_types();

  bool has_payer(PayerId id) const { return payers_.find(id) != nullptr; }
  // An annex fee by id (nullptr: unknown), and all of them in definition
  // order (snapshot section of their own; after loading, rebuild_annex_fees()).
  const DefineAnnexFee* annex_fee(AnnexFeeId id) const { return annex_fees_.find(id); }
  EntityTable<AnnexFeeId, DefineAnnexFee>& annex_fees() { return annex_fees_; }
  const EntityTable<AnnexFeeId, DefineAnnexFee>& annex_fees() const { return annex_fees_; }
  [[nodiscard]] bool rebuild_annex_fees() { return annex_fees_.rebuild_index(); }
  // A document type by id (nullptr: unknown), and all of them in definition
  // order (snapshot section of their own; after loading, rebuild_document_types()).
  const DefineDocumentType* document_type(DocumentTypeId id) const { return document_types_.find(id); }
  EntityTable<DocumentTypeId, DefineDocumentType>& document_types() { return document_types_; }
  const EntityTable<DocumentTypeId, DefineDocumentType>& document_types() const { return document_types_; }
  [[nodiscard]] bool rebuild_document_types() { return document_types_.rebuild_index(); }
  // Departures (by performance) and add-ons (by id), likewise
  // (engine/commands_dossier.h).
  const DefineDeparture* departure(PerformanceId id) const { return departures_.find(id); }
  EntityTable<PerformanceId, DefineDeparture>& departures() { return departures_; }
  const EntityTable<PerformanceId, DefineDeparture>& departures() const { return departures_; }
  [[nodiscard]] bool rebuild_departures() { return departures_.rebuild_index(); }
  // A product's departures share one shard (rules 6), so a departure change
  // moves the order's stock within one shard thread, atomically. Refuses
  // (InvalidArgument) a departure of `c.product` whose performance lies on
  // another of `shard_count` shards than the product's other departures,
  // naming the next performance id placed on theirs.
  Reply check_departure_shard(const DefineDeparture& c, uint32_t shard_count) const;
  const DefineAddOn* add_on(AddOnId id) const { return add_ons_.find(id); }
  EntityTable<AddOnId, DefineAddOn>& add_ons() { return add_ons_; }
  const EntityTable<AddOnId, DefineAddOn>& add_ons() const { return add_ons_; }
  [[nodiscard]] bool rebuild_add_ons() { return add_ons_.rebuild_index(); }
  // The return-city rule of a product's orders (its own, else the default).
  uint32_t return_city_rule(ProductId product) const;
  // The rule validating orders of `product`: its own, else the default,
  // else the built-in one (any payment, a signed contract).
  ValidationRule validation_rule(ProductId product) const;
  // Saved in a snapshot section of their own, like the option lifetimes;
  // after loading the payers, rebuild_payers() (false: a repeated id).
  EntityTable<PayerId, Named<PayerId>>& payers() { return payers_; }
  const EntityTable<PayerId, Named<PayerId>>& payers() const { return payers_; }
  std::vector<ValidationRule>& validation_rules() { return validation_rules_; }
  const std::vector<ValidationRule>& validation_rules() const { return validation_rules_; }
  [[nodiscard]] bool rebuild_payers() { return payers_.rebuild_index(); }
  // The cancellation terms of `product`'s orders: its own, else the
  // default, else none (no fees, no commission).
  SetCancellationTerms cancellation_terms(ProductId product) const;
  // Saved in a snapshot section of their own.
  std::vector<SetCancellationTerms>& cancellation_terms() { return cancellation_terms_; }
  const std::vector<SetCancellationTerms>& cancellation_terms() const { return cancellation_terms_; }
  std::vector<SetReturnCityRule>& return_city_rules() { return return_city_rules_; }
  const std::vector<SetReturnCityRule>& return_city_rules() const { return return_city_rules_; }
  // The sponsorship terms of `product`'s orders: its own, else the default,
  // else none (both amounts 0: no sponsor).
  SetSponsorshipRule sponsorship_rule(ProductId product) const;
  std::vector<SetSponsorshipRule>& sponsorship_rules() { return sponsorship_rules_; }
  const std::vector<SetSponsorshipRule>& sponsorship_rules() const { return sponsorship_rules_; }

  // Whether the product's orders are invoiced on their departure (its rule,
  // else the default, else no); whether any rule enables it.
  bool auto_invoices(ProductId product) const;
  bool auto_invoicing_on() const;
  std::vector<SetAutoInvoicing>& auto_invoicing_rules() { return auto_invoicing_rules_; }
  const std::vector<SetAutoInvoicing>& auto_invoicing_rules() const { return auto_invoicing_rules_; }

  void hash_into(class Hasher& h) const;
  // ExportCatalog: the commands that recreate this catalog, in canonical
  // order (engine/commands_catalog.h), appended to *out.
  void export_into(std::vector<Command>* out) const;

  // Snapshot support.
  auto fields() const { return std::tie(seasons_, families_, products_, channels_, categories_, tariffs_); }
  [[nodiscard]] bool rebuild_indexes() {
    return seasons_.rebuild_index() && families_.rebuild_index() && products_.rebuild_index() &&
           channels_.rebuild_index() && categories_.rebuild_index() && tariffs_.rebuild_index();
  }

 private:
  template <typename Id>
  using NamedTable = EntityTable<Id, Named<Id>>;
  template <typename Id>
  static const std::string& name_of(const NamedTable<Id>& table, Id id) {
    static const std::string kUnknown;
    const Named<Id>* n = table.find(id);
    return n ? n->name : kUnknown;
  }
  NamedTable<SeasonId> seasons_;
  NamedTable<ProductFamilyId> families_;
  NamedTable<ProductTypeId> product_types_;  // not in fields(): a snapshot section of its own
  EntityTable<ProductId, Product> products_;
  NamedTable<ChannelId> channels_;
  NamedTable<CategoryId> categories_;
  std::vector<OptionLifetime> option_lifetimes_;
  EntityTable<PayerId, Named<PayerId>> payers_;
  EntityTable<AnnexFeeId, DefineAnnexFee> annex_fees_;
  EntityTable<DocumentTypeId, DefineDocumentType> document_types_;
  EntityTable<PerformanceId, DefineDeparture> departures_;
  EntityTable<AddOnId, DefineAddOn> add_ons_;
  std::vector<ValidationRule> validation_rules_;
  std::vector<SetCancellationTerms> cancellation_terms_;  // by product, in definition order
  std::vector<SetReturnCityRule> return_city_rules_;      // likewise
  std::vector<SetAutoInvoicing> auto_invoicing_rules_;    // likewise
  std::vector<SetSponsorshipRule> sponsorship_rules_;     // likewise
  EntityTable<TariffId, Tariff> tariffs_;
};

// Shared validation of client-supplied names.
bool valid_name(const std::string& name);

}  // namespace tessera::engine
