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
// Query: the payer list (Payers).
struct ListPayers {
  auto fields() const { return std::tie(); }
};

// ---- On an order (its shard) -----------------------------------------------

// Records a payment (amount > 0) or a refund (amount < 0, immediate modes
// only, with a reason, at most what the immediate payments add up to).
// Payments are numbered 1, 2, ... per order in the order they are recorded.
// A positive payment needs a live order past the cart (option, reservation,
// overdue or confirmed); a refund may also follow a closed order still in
// memory. received_ms: when it was received (0: now).
struct AddPayment {
  OrderId order;
  PaymentMode mode;
  int64_t amount_cents;
  int64_t received_ms;
  ContactId contact;   // who paid (kNone: the order's contact)
  PayerId payer;       // the third-party payer (deferred mode only), else kNone
  std::string label;   // the payer's name as written on the payment
  std::string bank;    // the bank it is cashed at
  std::string reason;  // a refund's reason
  auto fields() const { return std::tie(order, mode, amount_cents, received_ms, contact, payer, label, bank, reason); }
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
  auto fields() const {
    return std::tie(order, payment, mode, amount_cents, received_ms, contact, payer, label, bank, reason);
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
// The travel contract came back signed (signed_ms 0: now).
struct SignContract {
  OrderId order;
  int64_t signed_ms;
  auto fields() const { return std::tie(order, signed_ms); }
};

}  // namespace tessera::engine
