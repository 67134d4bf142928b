// Money on orders (seed 003, "Onglet Règlement"): payments, refunds,
// third-party payers and their collection, the cash discount, the signed
// travel contract, and the rule by which a payment or a contract validates
// an option. Amounts are integer cents of the organisation's one currency.
// An order's money lives with the order on its shard, so "a payment
// validates the option" is one logged command.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

// How a payment was made. Transfer, cheque, cash and card are immediate;
// a third-party payer's coverage ("prise en charge", PEC) is deferred: it
// counts as paid at once, and is "awaiting collection" until collected.
enum class PaymentMode : uint8_t { kTransfer = 0, kCheque, kCash, kCard, kThirdParty };
constexpr bool is_deferred(PaymentMode m) { return m == PaymentMode::kThirdParty; }

// What makes a payment validate an option, reservation or overdue order
// (it becomes the engine's `confirmed`, the seed's "Contrat validé").
enum class ValidateOnPayment : uint8_t {
  kAnyPayment = 0,  // the first payment (the default)
  kDeposit,         // payments reach deposit_percent of the total to pay
  kNever,           // payments never validate (Confirm or a signed contract does)
};

// ---- Configuration (every shard) -------------------------------------------

// A third-party payer of the back office's list ("Commercial > tiers
// payant"): defines it, or renames it.
struct DefinePayer {
  PayerId payer;
  std::string name;
  auto fields() const { return std::tie(payer, name); }
};
// The validation rule of a product's orders (product kNone: the default of
// every product without its own). Without any, the first payment and a
// signed contract both validate.
struct SetValidationRule {
  ProductId product;
  ValidateOnPayment on_payment;
  uint32_t deposit_percent;  // 1..100 with kDeposit, else 0
  bool on_contract;          // a signed travel contract validates
  auto fields() const { return std::tie(product, on_payment, deposit_percent, on_contract); }
};
// One step of a cancellation scale: a client cancelling `days_before` whole
// days (24 h periods) or more before the order's first performance starts
// pays `percent` of the order's total to pay, unless a step with more days
// applies.
struct CancellationStep {
  uint32_t days_before;
  uint32_t percent;  // 0..100
  auto fields() const { return std::tie(days_before, percent); }
  bool operator==(const CancellationStep&) const = default;
};
// The cancellation terms of a product's orders (product kNone: the default
// of every product without its own; the product of the order's first line
// decides). Without any, a client's cancellation costs nothing and an
// organiser's bills no commission.
struct SetCancellationTerms {
  ProductId product;
  std::vector<CancellationStep> scale;  // days_before strictly decreasing, the last 0; empty: no fees
  uint32_t commission_percent;          // an organiser's cancellation: billed to `organiser` (0..100)
  std::string organiser;                // the commission invoice's billed-to block (name, then address lines)
  auto fields() const { return std::tie(product, scale, commission_percent, organiser); }
};
// The return-city rule of a product's orders (product kNone: the default of
// every product without its own; seed 003): a trip returning to another
// city than it left from costs (round trip A + round trip B) / 2 × (1 +
// rule), the rule in hundredths of a percent (2000: 20 %). Without one, the
// rule is 0 (the average of the two round trips).
struct SetReturnCityRule {
  ProductId product;
  uint32_t rule_hundredths;  // 0..100'000 (1000 %)
  auto fields() const { return std::tie(product, rule_hundredths); }
  bool operator==(const SetReturnCityRule&) const = default;
};
// Query: the price of a return to another city for a product's order, from
// the two cities' round-trip prices (reply: value = the price in cents).
struct QuoteReturnCity {
  ProductId product;
  int64_t round_trip_a_cents;  // from the departure city and back
  int64_t round_trip_b_cents;  // from the return city and back
  auto fields() const { return std::tie(product, round_trip_a_cents, round_trip_b_cents); }
};
// An annex fee of a product's orders (seed 003, "les autres frais (frais
// annexes)"): a mandatory one is on every order of the product placed after
// it is defined (product kNone: of every product); an optional one is added
// by hand (SetOrderFee). Defining it again changes what later orders get;
// orders that have it keep their price.
struct DefineAnnexFee {
  AnnexFeeId fee;
  ProductId product;    // kNone: every product
  std::string name;     // as the order summary and the invoice print it
  int64_t price_cents;  // 0..kPaymentCentsMax
  bool per_unit;        // × the order's units, else once per order
  bool mandatory;
  auto fields() const { return std::tie(fee, product, name, price_cents, per_unit, mandatory); }
  bool operator==(const DefineAnnexFee&) const = default;
};
// Query: the payer list (Payers).
struct ListPayers {
  auto fields() const { return std::tie(); }
};

// ---- On an order (its shard) -----------------------------------------------

// Who cancels a validated order (seed 003: "annulation client" or
// "annulation organisateur").
enum class CancelledBy : uint8_t { kNobody = 0, kClient, kOrganiser };

// Records a payment (amount > 0) or a refund (amount < 0, immediate modes
// only, with a reason, at most what the immediate payments add up to).
// Payments are numbered 1, 2, ... per order in the order they are recorded.
// A positive payment needs a live order past the cart (option, reservation,
// overdue or confirmed); a refund may also follow a closed order still in
// memory. received_ms: when it was received (0: now). participant: the
// participant it is allocated to (seed 003: "l'affectation d'un règlement à
// un participant": their legal representative paid it, and it counts
// against that participant's share; engine/commands_dossier.h); kNone: the
// order as a whole. With a participant and no contact, the payer is the
// participant's legal representative.
struct AddPayment {
  OrderId order;
  PaymentMode mode;
  int64_t amount_cents;
  int64_t received_ms;
  ContactId contact;              // who paid (kNone: the order's contact)
  PayerId payer;                  // the third-party payer (deferred mode only), else kNone
  std::string label;              // the payer's name as written on the payment
  std::string bank;               // the bank it is cashed at
  std::string reason;             // a refund's reason
  ContactId participant = kNone;  // appended
  auto fields() const {
    return std::tie(order, mode, amount_cents, received_ms, contact, payer, label, bank, reason, participant);
  }
};
// Corrects payment `payment` of the order: every field but its number is
// replaced, under AddPayment's checks; a payment stays a payment and a
// refund a refund. A deferred payment moved to an immediate mode forgets
// its collection.
struct ChangePayment {
  OrderId order;
  uint32_t payment;
  PaymentMode mode;
  int64_t amount_cents;
  int64_t received_ms;
  ContactId contact;
  PayerId payer;
  std::string label;
  std::string bank;
  std::string reason;
  ContactId participant = kNone;  // appended
  auto fields() const {
    return std::tie(order, payment, mode, amount_cents, received_ms, contact, payer, label, bank, reason, participant);
  }
};
// A deferred payment's money arrived (collected_ms 0: now).
struct CollectPayment {
  OrderId order;
  uint32_t payment;
  int64_t collected_ms;
  auto fields() const { return std::tie(order, payment, collected_ms); }
};
// The cash discount ("remise en numéraire"): a free amount off this order's
// total (0 removes it); at most the order's package total.
struct SetCashDiscount {
  OrderId order;
  int64_t amount_cents;
  auto fields() const { return std::tie(order, amount_cents); }
};
// Adds an annex fee of the order's product to the order, or sets the price
// of one it has ("leurs tarifs sont ouverts en modification"); price_cents
// < 0: the catalog's price. A mandatory fee's price can change, it cannot
// be removed. Refused once the order is invoiced (until de-invoiced).
struct SetOrderFee {
  OrderId order;
  AnnexFeeId fee;
  int64_t price_cents;
  auto fields() const { return std::tie(order, fee, price_cents); }
};
// Removes an optional annex fee from the order.
struct RemoveOrderFee {
  OrderId order;
  AnnexFeeId fee;
  auto fields() const { return std::tie(order, fee); }
};
// The travel contract came back signed (signed_ms 0: now).
struct SignContract {
  OrderId order;
  int64_t signed_ms;
  auto fields() const { return std::tie(order, signed_ms); }
};

// Cancels a validated (confirmed) order, as seed 003's operators do (never
// a web shop): its stock returns and, in one logged command, it freezes the
// documents the server then numbers and renders (reply: Invoices):
//   - the order's invoice, if it has one, is cancelled by a credit note;
//   - by the client: the fee of the product's scale for the whole days left
//     before the first performance starts (percent of the total to pay,
//     rounded half up to the cent) is billed on a cancellation invoice (none
//     when the fee is 0) and is what the order owes from then on;
//   - by the organiser: nothing is owed; a cancellation invoice of 0 records
//     the cancellation, and a commission invoice bills the terms' organiser
//     commission_percent of the total to pay (none when that is 0).
// The balance then says what is owed to whom: below 0, the refund owed to
// the client (AddPayment with a negative amount records it).
struct CancelValidated {
  OrderId order;
  CancelledBy by;
  std::string reason;  // required: it is on every document
  auto fields() const { return std::tie(order, by, reason); }
};

}  // namespace tessera::engine
