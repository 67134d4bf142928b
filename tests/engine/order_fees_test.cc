// Annex fees on one shard (seed 003, "les autres frais (frais annexes)"):
// mandatory fees on every new order of their product, optional ones added
// by hand with their price open, the total to pay to the cent with a cash
// discount and a promo code, the invoice's fee lines, refusals that change
// nothing, and a snapshot.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_money.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::fees_test {
namespace {

constexpr PrincipalId kClerk = 14;
constexpr AnnexFeeId kFileFee = 1, kPerPerson = 2, kInsurance = 3, kOtherProduct = 4;

class OrderFeesTest : public ShardTest {
 protected:
  OrderFeesTest() {
    // 9.90 per order and 2.35 per unit on the release product's orders;
    // an optional insurance of 12.00; a mandatory fee of another product.
    for (const DefineAnnexFee& f :
         {DefineAnnexFee{kFileFee, workload::kProductRelease, "Frais de dossier", 990, false, true},
          DefineAnnexFee{kPerPerson, workload::kProductRelease, "Taxe de séjour", 235, true, true},
          DefineAnnexFee{kInsurance, kNone, "Assurance annulation", 1200, false, false},
          DefineAnnexFee{kOtherProduct, workload::kProductKeep, "Vestiaire", 300, false, true}}) {
      const Reply r = run_as(kClerk, f);
      EXPECT_TRUE(r.ok()) << r.message;
    }
  }
  // An option of `units` of category 1 of kPerfRelease (60.00 each).
  OrderId option(uint32_t units = 2) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
};

TEST_F(OrderFeesTest, ANewOrderTakesItsProductsMandatoryFees_PerOrderAndPerUnit) {
  const OrderId id = option(2);
  const OrderRecord r = record(id);
  ASSERT_EQ(r.fees.size(), 2u);
  EXPECT_EQ(r.fees[0].name, "Frais de dossier");
  EXPECT_EQ(r.fees[0].amount_cents, 990);
  EXPECT_TRUE(r.fees[0].mandatory);
  EXPECT_EQ(r.fees[1].quantity, 2u);
  EXPECT_EQ(r.fees[1].amount_cents, 470);
  EXPECT_EQ(r.fees_cents, 1460);
  EXPECT_EQ(r.total_cents, 12000u) << "the package stays the lines";
  EXPECT_EQ(r.to_pay_cents, 13460);

  const Reply other = book(kPerfKeep, 1, 1, now_ + 10 * kDay);
  ASSERT_TRUE(other.ok()) << other.message;
  const OrderRecord keep = record(other.order);
  ASSERT_EQ(keep.fees.size(), 1u) << "only its own product's";
  EXPECT_EQ(keep.fees[0].name, "Vestiaire");

  // A fee defined later goes on later orders only.
  ASSERT_TRUE(run_as(kClerk, DefineAnnexFee{5, kNone, "Frais de port", 500, false, true}).ok());
  EXPECT_EQ(record(id).fees.size(), 2u);
  EXPECT_EQ(record(option()).fees.size(), 3u);
}

TEST_F(OrderFeesTest, OptionalFeesComeWithTheirPriceOpen_MandatoryOnesStay) {
  const OrderId id = option(2);
  ASSERT_TRUE(run_as(kClerk, SetOrderFee{id, kInsurance, -1}).ok());
  EXPECT_EQ(record(id).to_pay_cents, 13460 + 1200);
  ASSERT_TRUE(run_as(kClerk, SetOrderFee{id, kInsurance, 999}).ok()) << "its price on this order";
  ASSERT_TRUE(run_as(kClerk, SetOrderFee{id, kFileFee, 0}).ok()) << "a mandatory fee's price may change";
  OrderRecord r = record(id);
  EXPECT_EQ(r.fees_cents, 0 + 470 + 999);
  EXPECT_EQ(r.to_pay_cents, 12000 + 1469);
  EXPECT_NE(r.workflow.back().detail.find("annex fee 1 at 0 cents"), std::string::npos) << r.workflow.back().detail;

  expect_refused_as(kClerk, RemoveOrderFee{id, kFileFee}, ReplyCode::kInvalidState, "mandatory");
  expect_refused_as(kClerk, SetOrderFee{id, AnnexFeeId{99}, -1}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, SetOrderFee{id, kOtherProduct, -1}, ReplyCode::kInvalidArgument, "is for product");
  expect_refused_as(kClerk, SetOrderFee{id, kInsurance, kPaymentCentsMax + 1}, ReplyCode::kInvalidArgument);
  const uint64_t before = shard_.state_hash();
  EXPECT_TRUE(run_as(kClerk, SetOrderFee{id, kInsurance, 999}).ok());
  EXPECT_EQ(shard_.state_hash(), before) << "the same price again changes nothing";

  ASSERT_TRUE(run_as(kClerk, RemoveOrderFee{id, kInsurance}).ok());
  expect_refused_as(kClerk, RemoveOrderFee{id, kInsurance}, ReplyCode::kNotFound, "has no annex fee");
  EXPECT_EQ(record(id).to_pay_cents, 12000 + 470);
}

TEST_F(OrderFeesTest, APerUnitFeeFollowsTheUnitsKept_APromoTakesNothingOffTheFees) {
  const OrderId id = option(3);
  EXPECT_EQ(record(id).fees_cents, 990 + 3 * 235);
  ASSERT_TRUE(run_as(kClerk, DefinePromoCode{"DIX", 0, 10, 0, 0, 0, kNone, 0}).ok());
  const Reply taken = run_as(kClerk, ApplyPromoCode{id, "DIX"});
  const Promo& p = std::get<Promo>(taken.detail->value);
  ASSERT_TRUE(run(ClaimPromoUse{p.claim}).ok());
  ASSERT_TRUE(run(NotePromoClaim{id, p.claim.attempt, true, 0, 10}).ok());
  OrderRecord r = record(id);
  EXPECT_EQ(r.reduction_cents, 1800) << "10 % of the 180.00 package";
  EXPECT_EQ(r.to_pay_cents, 18000 + 990 + 705 - 1800);
  // A cash discount may take the fees too, not more.
  expect_refused_as(kClerk, SetCashDiscount{id, 18000 + 990 + 705 + 1}, ReplyCode::kInvalidArgument, "fees");
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 18000 + 990 + 705}).ok());
  EXPECT_EQ(record(id).to_pay_cents, 0);
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 0}).ok());

  const Reply kept = run_as(kClerk, Confirm{id, {1}});  // one unit of the three
  ASSERT_TRUE(kept.ok()) << kept.message;
  r = record(id);
  EXPECT_EQ(r.fees[1].quantity, 1u);
  EXPECT_EQ(r.fees_cents, 990 + 235);
}

TEST_F(OrderFeesTest, AnInvoicePrintsEachFeeAsALine_AndLocksThem) {
  const OrderId id = option(2);
  ASSERT_TRUE(run_as(kClerk, SetOrderFee{id, kInsurance, -1}).ok());
  ASSERT_TRUE(run_as(kClerk, Confirm{id, {}}).ok());
  const Reply frozen = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.at(0);
  ASSERT_EQ(d.lines.size(), 4u);
  EXPECT_EQ(d.lines[1].label, "Frais de dossier");
  EXPECT_EQ(d.lines[2].label, "Taxe de séjour");
  EXPECT_EQ(d.lines[2].quantity, 2u);
  EXPECT_EQ(d.lines[2].amount_cents, 470);
  EXPECT_EQ(d.lines[3].amount_cents, 1200);
  EXPECT_EQ(d.package_cents, 12000 + 990 + 470 + 1200);
  EXPECT_EQ(d.total_cents, d.package_cents);
  d.year = 2026;
  const Reply numbered = run_as(kClerk, RecordInvoice{d});
  ASSERT_TRUE(numbered.ok()) << numbered.message;
  const InvoiceDocument& n = std::get<Invoices>(numbered.detail->value).documents.at(0);
  ASSERT_TRUE(run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number}).ok());
  expect_refused_as(kClerk, SetOrderFee{id, kInsurance, 1}, ReplyCode::kInvalidState, "invoiced");
  expect_refused_as(kClerk, RemoveOrderFee{id, kInsurance}, ReplyCode::kInvalidState, "invoiced");
}

TEST_F(OrderFeesTest, DefinitionsAreChecked_AndASnapshotKeepsTheFees) {
  expect_refused_as(kClerk, DefineAnnexFee{6, ProductId{99}, "X", 100, false, false}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, DefineAnnexFee{6, kNone, "", 100, false, false}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, DefineAnnexFee{6, kNone, "X", -1, false, false}, ReplyCode::kInvalidArgument);
  const OrderId id = option(2);
  ASSERT_TRUE(run_as(kClerk, SetOrderFee{id, kInsurance, 750}).ok());
  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  std::string again;
  (*loaded)->save(&again);
  EXPECT_EQ(again, bytes);
}

}  // namespace
}  // namespace tessera::engine::fees_test
