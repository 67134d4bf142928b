// Catalog definitions: validation of each definition and the lookups orders
// need (prices, expiry rules).
#include "engine/catalog.h"

#include <algorithm>

#include "base/civil_date.h"
#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/order_money.h"

namespace tessera::engine {

bool valid_name(const std::string& name) { return !name.empty() && name.size() <= kNameLengthMax; }

namespace {

template <typename Id>
Reply check_new_id(Id id, bool exists, const char* what) {
  if (is_reserved_id(id)) return refuse(ReplyCode::kInvalidArgument, cat(what, " id ", id, " is reserved"));
  if (exists) return refuse(ReplyCode::kDuplicate, cat(what, " ", id, " is already defined"));
  return Reply{};
}

template <typename Id>
Reply check_named(Id id, const std::string& name, bool exists, size_t count, const char* what) {
  Reply r = check_new_id(id, exists, what);
  if (!r.ok()) return r;
  if (!valid_name(name))
    return refuse(ReplyCode::kInvalidArgument, cat(what, " name must have 1 to ", kNameLengthMax, " bytes"));
  if (count >= kEntitiesMax) return refuse(ReplyCode::kLimitExceeded, cat("too many ", what, "s"));
  return r;
}

bool valid_grace(ExpiryPolicy policy, int64_t grace_ms) {
  if (policy != ExpiryPolicy::kOverdueThenArchive) return grace_ms == 0;
  return grace_ms > 0 && grace_ms <= kDeadlineAheadMsMax;
}

// define(c): the check, then the change it allows (which cannot fail).
template <typename Def, typename Change>
Reply check_then(const Catalog& catalog, const Def& c, Change change) {
  Reply r = catalog.check(c);
  if (r.ok()) change();
  return r;
}

// Rules kept per product (kNone: the default of every product without its
// own): validation rules, cancellation terms, return-city rules.

// The refusal of a rule for an unknown product, or of one rule too many.
template <typename Rule>
Reply check_product_rule(const EntityTable<ProductId, Product>& products, const std::vector<Rule>& rules,
                         ProductId product, const char* what) {
  if (product != kNone && !products.find(product))
    return refuse(ReplyCode::kNotFound, cat("product ", product, " not found"));
  const bool replaces = std::any_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.product == product; });
  if (!replaces && rules.size() >= kEntitiesMax) return refuse(ReplyCode::kLimitExceeded, cat("too many ", what));
  return Reply{};
}

// Sets the product's rule: replaces the one it has, or adds it.
template <typename Rule>
void put_product_rule(std::vector<Rule>& rules, Rule rule) {
  for (Rule& r : rules)
    if (r.product == rule.product) {
      r = std::move(rule);
      return;
    }
  rules.push_back(std::move(rule));
}

// The product's own rule, else the default's, else `fallback`.
template <typename Rule>
Rule product_rule(const std::vector<Rule>& rules, ProductId product, Rule fallback) {
  for (const Rule& r : rules) {
    if (r.product == product) return r;
    if (r.product == kNone) fallback = r;
  }
  return fallback;
}

}  // namespace

// Each definition is a check (const: a catalog broadcast is prepared on every
// shard before any applies it) and the change it allows, which cannot fail.
Reply Catalog::check(const DefineSeason& c) const {
  return check_named(c.season, c.name, seasons_.find(c.season) != nullptr, seasons_.size(), "season");
}
Reply Catalog::check(const DefineProductFamily& c) const {
  return check_named(c.family, c.name, families_.find(c.family) != nullptr, families_.size(), "product family");
}
Reply Catalog::check(const DefineProductType& c) const {
  return check_named(c.type, c.name, product_types_.find(c.type) != nullptr, product_types_.size(), "product type");
}
Reply Catalog::check(const DefineChannel& c) const {
  return check_named(c.channel, c.name, channels_.find(c.channel) != nullptr, channels_.size(), "channel");
}
Reply Catalog::check(const DefineCategory& c) const {
  return check_named(c.category, c.name, categories_.find(c.category) != nullptr, categories_.size(), "category");
}

Reply Catalog::check(const DefineProduct& c) const {
  Reply r = check_named(c.product, c.name, products_.find(c.product) != nullptr, products_.size(), "product");
  if (!r.ok()) return r;
  if (!seasons_.find(c.season)) return refuse(ReplyCode::kNotFound, cat("season ", c.season, " not found"));
  if (!families_.find(c.family)) return refuse(ReplyCode::kNotFound, cat("product family ", c.family, " not found"));
  if (c.type != kNone && !product_types_.find(c.type))
    return refuse(ReplyCode::kNotFound, cat("product type ", c.type, " not found"));
  if (!valid_grace(c.expiry_policy, c.overdue_grace_ms))
    return refuse(ReplyCode::kInvalidArgument,
                  "overdue_grace_ms must be > 0 (and at most 3 years) for overdue-then-archive, 0 otherwise");
  if (c.hold_lifetime_max_ms < kHoldTtlMsMin || c.hold_lifetime_max_ms > kHoldTtlMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("hold_lifetime_max_ms must be in [", kHoldTtlMsMin, ", ", kHoldTtlMsMax, "]"));
  if (c.hold_extensions_max > 1000)
    return refuse(ReplyCode::kInvalidArgument, "hold_extensions_max must be at most 1000");
  return r;
}

Reply Catalog::check(const DefineTariff& c) const {
  Reply r = check_named(c.tariff, c.name, tariffs_.find(c.tariff) != nullptr, tariffs_.size(), "tariff");
  if (!r.ok()) return r;
  if (!products_.find(c.product)) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  return r;
}

Reply Catalog::check(const SetTariffPrice& c) const {
  const Tariff* t = tariffs_.find(c.tariff);
  if (!t) return refuse(ReplyCode::kNotFound, cat("tariff ", c.tariff, " not found"));
  if (!categories_.find(c.category)) return refuse(ReplyCode::kNotFound, cat("category ", c.category, " not found"));
  if (c.channel != kNone && !channels_.find(c.channel))
    return refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  const bool replaces = std::any_of(t->prices.begin(), t->prices.end(), [&](const TariffPrice& p) {
    return p.category == c.category && p.channel == c.channel;
  });
  if (!replaces && t->prices.size() >= kTariffPricesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("tariff ", c.tariff, " has ", kTariffPricesMax, " prices already"));
  return Reply{};
}

Reply Catalog::check(const SetChannelExpiryPolicy& c) const {
  const Product* p = products_.find(c.product);
  if (!p) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (!channels_.find(c.channel)) return refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  if (!valid_grace(c.expiry_policy, c.overdue_grace_ms))
    return refuse(ReplyCode::kInvalidArgument,
                  "overdue_grace_ms must be > 0 (and at most 3 years) for overdue-then-archive, 0 otherwise");
  const bool replaces = std::any_of(p->channel_policies.begin(), p->channel_policies.end(),
                                    [&](const PolicyOverride& o) { return o.channel == c.channel; });
  if (!replaces && p->channel_policies.size() >= kPolicyOverridesPerProductMax)
    return refuse(ReplyCode::kLimitExceeded, cat("product ", c.product, " has too many channel policies"));
  return Reply{};
}

Reply Catalog::check(const SetOptionLifetime& c) const {
  if (!products_.find(c.product)) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (c.channel != kNone && !channels_.find(c.channel))
    return refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  if (c.kind > BookingKind::kReservation)
    return refuse(ReplyCode::kInvalidArgument, "kind must be option or reservation");
  if (c.lifetime_ms < kOptionLifetimeMsMin || c.lifetime_ms > kDeadlineAheadMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("lifetime_ms must be in [", kOptionLifetimeMsMin, ", ", kDeadlineAheadMsMax, "]"));
  const size_t of_product =
      static_cast<size_t>(std::count_if(option_lifetimes_.begin(), option_lifetimes_.end(),
                                        [&](const OptionLifetime& o) { return o.product == c.product; }));
  const bool replaces = std::any_of(option_lifetimes_.begin(), option_lifetimes_.end(), [&](const OptionLifetime& o) {
    return o.product == c.product && o.channel == c.channel && o.kind == c.kind;
  });
  if (!replaces && of_product >= 2 * (kPolicyOverridesPerProductMax + 1))
    return refuse(ReplyCode::kLimitExceeded, cat("product ", c.product, " has too many option lifetimes"));
  return Reply{};
}

Reply Catalog::define(const SetOptionLifetime& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  for (OptionLifetime& o : option_lifetimes_) {
    if (o.product == c.product && o.channel == c.channel && o.kind == c.kind) {
      o.lifetime_ms = c.lifetime_ms;
      return r;
    }
  }
  option_lifetimes_.push_back(OptionLifetime{c.product, c.channel, c.kind, c.lifetime_ms});
  return r;
}

int64_t Catalog::option_lifetime(ProductId product, ChannelId channel, BookingKind kind) const {
  int64_t every_channel = 0;
  for (const OptionLifetime& o : option_lifetimes_) {
    if (o.product != product || o.kind != kind) continue;
    if (o.channel == channel) return o.lifetime_ms;
    if (o.channel == kNone) every_channel = o.lifetime_ms;
  }
  return every_channel;
}

Reply Catalog::define(const DefineSeason& c) {
  return check_then(*this, c, [&] { seasons_.add(c.season, Named<SeasonId>{c.season, c.name}); });
}
Reply Catalog::define(const DefineProductFamily& c) {
  return check_then(*this, c, [&] { families_.add(c.family, Named<ProductFamilyId>{c.family, c.name}); });
}
Reply Catalog::define(const DefineProductType& c) {
  return check_then(*this, c, [&] { product_types_.add(c.type, Named<ProductTypeId>{c.type, c.name}); });
}

bool Catalog::rebuild_product_types() {
  if (!product_types_.rebuild_index()) return false;
  for (const Product& p : products_.items())
    if (p.definition.type != kNone && !product_types_.find(p.definition.type)) return false;
  return true;
}
Reply Catalog::define(const DefineChannel& c) {
  return check_then(*this, c, [&] { channels_.add(c.channel, Named<ChannelId>{c.channel, c.name}); });
}
Reply Catalog::define(const DefineCategory& c) {
  return check_then(*this, c, [&] { categories_.add(c.category, Named<CategoryId>{c.category, c.name}); });
}
Reply Catalog::define(const DefineProduct& c) {
  return check_then(*this, c, [&] { products_.add(c.product, Product{c, {}}); });
}
Reply Catalog::define(const DefineTariff& c) {
  return check_then(*this, c, [&] { tariffs_.add(c.tariff, Tariff{c.tariff, c.product, c.name, {}}); });
}

Reply Catalog::define(const SetTariffPrice& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  Tariff* t = tariffs_.find(c.tariff);
  for (TariffPrice& p : t->prices) {
    if (p.category == c.category && p.channel == c.channel) {
      p.price_cents = c.price_cents;
      return r;
    }
  }
  t->prices.push_back(TariffPrice{c.category, c.channel, c.price_cents});
  return r;
}

Reply Catalog::define(const SetChannelExpiryPolicy& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  Product* p = products_.find(c.product);
  for (PolicyOverride& o : p->channel_policies) {
    if (o.channel == c.channel) {
      o = PolicyOverride{c.channel, c.expiry_policy, c.overdue_grace_ms};
      return r;
    }
  }
  p->channel_policies.push_back(PolicyOverride{c.channel, c.expiry_policy, c.overdue_grace_ms});
  return r;
}

int64_t Catalog::price_cents(const Tariff& tariff, CategoryId category, ChannelId channel) const {
  int64_t fallback = -1;
  for (const TariffPrice& p : tariff.prices) {
    if (p.category != category) continue;
    if (p.channel == channel) return p.price_cents;
    if (p.channel == kNone) fallback = p.price_cents;
  }
  return fallback;
}

ExpiryRule Catalog::expiry_rule(const Product& product, ChannelId channel) const {
  for (const PolicyOverride& o : product.channel_policies)
    if (o.channel == channel) return ExpiryRule{o.expiry_policy, o.overdue_grace_ms};
  return ExpiryRule{product.definition.expiry_policy, product.definition.overdue_grace_ms};
}

// ---- Money: third-party payers and validation rules --------------------------

Reply Catalog::check(const DefinePayer& c) const {
  if (is_reserved_id(c.payer)) return refuse(ReplyCode::kInvalidArgument, cat("payer id ", c.payer, " is reserved"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("payer name must have 1 to ", kNameLengthMax, " bytes"));
  if (!payers_.find(c.payer) && payers_.size() >= kPayersMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kPayersMax, " third-party payers"));
  return Reply{};
}

Reply Catalog::define(const DefinePayer& c) {
  return check_then(*this, c, [&] {
    if (Named<PayerId>* known = payers_.find(c.payer))
      known->name = c.name;  // a rename
    else
      payers_.add(c.payer, Named<PayerId>{c.payer, c.name});
  });
}

Reply Catalog::check(const SetValidationRule& c) const {
  if (Reply bad = check_product_rule(products_, validation_rules_, c.product, "validation rules"); !bad.ok())
    return bad;
  if (c.on_payment > ValidateOnPayment::kNever)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown on_payment ", static_cast<unsigned>(c.on_payment)));
  const bool deposit = c.on_payment == ValidateOnPayment::kDeposit;
  if (deposit ? (c.deposit_percent < 1 || c.deposit_percent > 100) : c.deposit_percent != 0)
    return refuse(ReplyCode::kInvalidArgument, "deposit_percent must be in [1, 100] with a deposit rule, 0 otherwise");
  return Reply{};
}

Reply Catalog::define(const SetValidationRule& c) {
  return check_then(*this, c, [&] {
    put_product_rule(validation_rules_, ValidationRule{c.product, c.on_payment, c.deposit_percent, c.on_contract});
  });
}

ValidationRule Catalog::validation_rule(ProductId product) const {
  return product_rule(validation_rules_, product, ValidationRule{});  // any payment, a signed contract
}

Reply Catalog::check(const SetCancellationTerms& c) const {
  if (Reply bad = check_product_rule(products_, cancellation_terms_, c.product, "cancellation terms"); !bad.ok())
    return bad;
  if (c.scale.size() > kCancellationStepsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a cancellation scale has at most ", kCancellationStepsMax, " steps"));
  for (size_t i = 0; i < c.scale.size(); ++i) {
    const CancellationStep& step = c.scale[i];
    if (step.percent > 100 || step.days_before > kCancellationDaysMax)
      return refuse(ReplyCode::kInvalidArgument, cat("cancellation step ", i + 1, ": percent must be in [0, 100] and ",
                                                     "days_before at most ", kCancellationDaysMax));
    if (i > 0 && step.days_before >= c.scale[i - 1].days_before)
      return refuse(ReplyCode::kInvalidArgument, "a cancellation scale lists its steps by days_before, most first");
  }
  if (!c.scale.empty() && c.scale.back().days_before != 0)
    return refuse(ReplyCode::kInvalidArgument,
                  "a cancellation scale ends with a step of 0 days (what a cancellation on the last day costs)");
  if (c.commission_percent > 100) return refuse(ReplyCode::kInvalidArgument, "commission_percent must be in [0, 100]");
  if ((c.commission_percent == 0) != c.organiser.empty())
    return refuse(ReplyCode::kInvalidArgument,
                  "a commission names the organiser it bills (and an organiser comes with a commission)");
  if (c.organiser.size() > kInvoiceTextMax)
    return refuse(ReplyCode::kLimitExceeded, cat("the organiser block has at most ", kInvoiceTextMax, " bytes"));
  return Reply{};
}

Reply Catalog::define(const SetCancellationTerms& c) {
  return check_then(*this, c, [&] { put_product_rule(cancellation_terms_, c); });
}

SetCancellationTerms Catalog::cancellation_terms(ProductId product) const {
  return product_rule(cancellation_terms_, product, SetCancellationTerms{kNone, {}, 0, {}});
}

Reply Catalog::check(const SetReturnCityRule& c) const {
  if (Reply bad = check_product_rule(products_, return_city_rules_, c.product, "return-city rules"); !bad.ok())
    return bad;
  if (c.rule_hundredths > kReturnCityRuleMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("rule_hundredths must be at most ", kReturnCityRuleMax, " (", kReturnCityRuleMax / 100, " %)"));
  return Reply{};
}

Reply Catalog::define(const SetReturnCityRule& c) {
  return check_then(*this, c, [&] { put_product_rule(return_city_rules_, c); });
}

Reply Catalog::check(const SetAutoInvoicing& c) const {
  return check_product_rule(products_, auto_invoicing_rules_, c.product, "automatic invoicing rules");
}

Reply Catalog::define(const SetAutoInvoicing& c) {
  return check_then(*this, c, [&] { put_product_rule(auto_invoicing_rules_, c); });
}

bool Catalog::auto_invoices(ProductId product) const {
  return product_rule(auto_invoicing_rules_, product, SetAutoInvoicing{kNone, false}).enabled;
}

bool Catalog::auto_invoicing_on() const {
  return std::any_of(auto_invoicing_rules_.begin(), auto_invoicing_rules_.end(),
                     [](const SetAutoInvoicing& r) { return r.enabled; });
}

Reply Catalog::check(const DefineAnnexFee& c) const {
  if (is_reserved_id(c.fee)) return refuse(ReplyCode::kInvalidArgument, cat("annex fee id ", c.fee, " is reserved"));
  if (c.product != kNone && !products_.find(c.product))
    return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("an annex fee's name has 1 to ", kNameLengthMax, " bytes"));
  if (c.price_cents < 0 || c.price_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("an annex fee's price is in [0, ", kPaymentCentsMax, "] cents"));
  if (!annex_fees_.find(c.fee) && annex_fees_.size() >= kAnnexFeesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kAnnexFeesMax, " annex fees"));
  return Reply{};
}

Reply Catalog::define(const DefineAnnexFee& c) {
  return check_then(*this, c, [&] {
    if (DefineAnnexFee* known = annex_fees_.find(c.fee))
      *known = c;  // later orders get the new terms; orders that have it keep theirs
    else
      annex_fees_.add(c.fee, c);
  });
}

Reply Catalog::check(const DefineDocumentType& c) const {
  if (is_reserved_id(c.type))
    return refuse(ReplyCode::kInvalidArgument, cat("document type id ", c.type, " is reserved"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("a document type's name has 1 to ", kNameLengthMax, " bytes"));
  if (c.required_for.size() > kFilterListMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("a document type is required for at most ", kFilterListMax, " products"));
  for (size_t i = 0; i < c.required_for.size(); ++i) {
    if (!products_.find(c.required_for[i]))
      return refuse(ReplyCode::kNotFound, cat("product ", c.required_for[i], " not found"));
    for (size_t j = 0; j < i; ++j)
      if (c.required_for[j] == c.required_for[i])
        return refuse(ReplyCode::kInvalidArgument, cat("product ", c.required_for[i], " is named twice"));
  }
  if (!document_types_.find(c.type) && document_types_.size() >= kDocumentTypesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kDocumentTypesMax, " document types"));
  return Reply{};
}

Reply Catalog::define(const DefineDocumentType& c) {
  return check_then(*this, c, [&] {
    if (DefineDocumentType* known = document_types_.find(c.type))
      *known = c;  // orders keep their documents; what their files need follows the new list
    else
      document_types_.add(c.type, c);
  });
}

Reply Catalog::check(const DefineDeparture& c) const {
  if (is_reserved_id(c.performance))
    return refuse(ReplyCode::kInvalidArgument, cat("performance id ", c.performance, " is reserved"));
  if (!products_.find(c.product)) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (!valid_name(c.city))
    return refuse(ReplyCode::kInvalidArgument, cat("a departure's city has 1 to ", kNameLengthMax, " bytes"));
  if (!valid_civil_date(c.date))
    return refuse(ReplyCode::kInvalidArgument, cat("a departure's date is a real YYYYMMDD day; not ", c.date));
  if (c.round_trip_cents < 0 || c.round_trip_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a round trip's price is in [0, ", kPaymentCentsMax, "] cents"));
  if (const DefineDeparture* known = departures_.find(c.performance); known && known->product != c.product)
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", c.performance, " is a departure of product ",
                                                   known->product, "; a departure keeps its product"));
  if (!departures_.find(c.performance) && departures_.size() >= kDeparturesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kDeparturesMax, " departures"));
  return Reply{};
}

Reply Catalog::check_departure_shard(const DefineDeparture& c, uint32_t shard_count) const {
  const uint32_t shard = shard_of_performance(c.performance, shard_count);
  for (const DefineDeparture& other : departures_.items()) {
    if (other.product != c.product || other.performance == c.performance) continue;
    const uint32_t theirs = shard_of_performance(other.performance, shard_count);
    if (theirs == shard) return Reply{};  // they all share one: the first says where
    uint32_t fits = c.performance.value() + 1;
    while (is_reserved_id(fits) || shard_of_performance(PerformanceId{fits}, shard_count) != theirs) ++fits;
    return refuse(ReplyCode::kInvalidArgument,
                  cat("performance ", c.performance, " lies on shard ", shard, " and product ", c.product,
                      "'s departures on shard ", theirs, " (departure ", other.performance,
                      "): a product's departures share one shard, so an order changes departure atomically; "
                      "performance ",
                      fits, ", for one, lies on shard ", theirs));
  }
  return Reply{};
}

Reply Catalog::define(const DefineDeparture& c) {
  return check_then(*this, c, [&] {
    if (DefineDeparture* known = departures_.find(c.performance))
      *known = c;  // orders keep the round-trip prices they took
    else
      departures_.add(c.performance, c);
  });
}

Reply Catalog::check(const DefineAddOn& c) const {
  if (is_reserved_id(c.addon)) return refuse(ReplyCode::kInvalidArgument, cat("add-on id ", c.addon, " is reserved"));
  if (!products_.find(c.product)) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("an add-on's name has 1 to ", kNameLengthMax, " bytes"));
  if (c.price_cents < 0 || c.price_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("an add-on's price is in [0, ", kPaymentCentsMax, "] cents"));
  if (const DefineAddOn* known = add_ons_.find(c.addon); known && known->product != c.product)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("add-on ", c.addon, " is product ", known->product, "'s; an add-on keeps its product"));
  if (!add_ons_.find(c.addon) && add_ons_.size() >= kAddOnsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kAddOnsMax, " add-ons"));
  return Reply{};
}

Reply Catalog::define(const DefineAddOn& c) {
  return check_then(*this, c, [&] {
    if (DefineAddOn* known = add_ons_.find(c.addon))
      *known = c;  // selected add-ons keep their prices
    else
      add_ons_.add(c.addon, c);
  });
}

uint32_t Catalog::return_city_rule(ProductId product) const {
  return product_rule(return_city_rules_, product, SetReturnCityRule{kNone, 0}).rule_hundredths;
}

Reply Catalog::check(const SetSponsorshipRule& c) const {
  if (Reply bad = check_product_rule(products_, sponsorship_rules_, c.product, "sponsorship rules"); !bad.ok())
    return bad;
  for (const int64_t cents : {c.reduction_cents, c.reward_cents})
    if (cents < 0 || cents > kPaymentCentsMax)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("a sponsorship's reduction and reward are in [0, ", kPaymentCentsMax, "] cents"));
  return Reply{};
}

Reply Catalog::define(const SetSponsorshipRule& c) {
  return check_then(*this, c, [&] { put_product_rule(sponsorship_rules_, c); });
}

SetSponsorshipRule Catalog::sponsorship_rule(ProductId product) const {
  return product_rule(sponsorship_rules_, product, SetSponsorshipRule{kNone, 0, 0});
}

Reply Catalog::quote(const QuoteReturnCity& c) const {
  if (c.product != kNone && !products_.find(c.product))
    return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  for (const int64_t cents : {c.round_trip_a_cents, c.round_trip_b_cents})
    if (cents < 0 || cents > kPaymentCentsMax)
      return refuse(ReplyCode::kInvalidArgument, cat("a round trip's price is in [0, ", kPaymentCentsMax, "] cents"));
  const uint32_t rule = return_city_rule(c.product);
  Reply r;
  r.value = return_city_cents(c.round_trip_a_cents, c.round_trip_b_cents, rule);
  r.message = cat("(", c.round_trip_a_cents, " + ", c.round_trip_b_cents, ") / 2 x (1 + ", rule / 100, ".",
                  rule % 100 < 10 ? "0" : "", rule % 100, " %) = ", r.value, " cents, half up");
  return r;
}

void Catalog::hash_into(Hasher& h) const {
  h.add(seasons_.items());
  h.add(families_.items());
  h.add(products_.items());
  h.add(channels_.items());
  h.add(categories_.items());
  h.add(tariffs_.items());
  if (!option_lifetimes_.empty()) h.add(option_lifetimes_);          // absent before them
  if (product_types_.size() != 0) h.add(product_types_.items());     // likewise
  if (payers_.size() != 0) h.add(payers_.items());                   // likewise
  if (!validation_rules_.empty()) h.add(validation_rules_);          // likewise
  if (!cancellation_terms_.empty()) h.add(cancellation_terms_);      // likewise
  if (!return_city_rules_.empty()) h.add(return_city_rules_);        // likewise
  if (!sponsorship_rules_.empty()) h.add(sponsorship_rules_);        // likewise
  if (!auto_invoicing_rules_.empty()) h.add(auto_invoicing_rules_);  // likewise
  if (annex_fees_.size() != 0) h.add(annex_fees_.items());           // likewise
  if (document_types_.size() != 0) h.add(document_types_.items());   // likewise
  if (departures_.size() != 0) h.add(departures_.items());           // likewise
  if (add_ons_.size() != 0) h.add(add_ons_.items());                 // likewise
}

}  // namespace tessera::engine
