// Participants, the administrative file and attendance on one shard (seed
// 003, engine/commands_dossier.h): participants count against stock, the
// invoicing lock, the file complete only once every required document is
// there and checked, the client's alert, attendance defaults, the workflow,
// refusals that change nothing, and a snapshot.
#include "engine/order_dossier.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::dossier_test {
namespace {

constexpr PrincipalId kClerk = 14;
constexpr ContactId kAda{21}, kBen{22}, kCleo{23}, kDan{24}, kParent{30};
constexpr DocumentTypeId kHealthForm{1}, kConsent{2}, kOther{3};
const std::string kSha1(64, 'a'), kSha2(64, 'b');

class OrderDossierTest : public ShardTest {
 protected:
  // An option of `units` of category 1 of kPerfRelease (60.00 each).
  OrderId option(uint32_t units = 2) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  Reply attach(OrderId id, ContactId who, DocumentTypeId type, const std::string& sha = kSha1) {
    return run_as(kClerk, AttachDocument{id, who, type, "fiche.pdf", sha, 1234, {}});
  }
  bool workflow_says(OrderId id, WorkflowAction action, std::string_view detail) {
    const OrderRecord r = record(id);
    return std::any_of(r.workflow.begin(), r.workflow.end(),
                       [&](const WorkflowEntry& e) { return e.action == action && e.detail == detail; });
  }
};

TEST_F(OrderDossierTest, ParticipantsTakeTheOrdersUnitsThenMoreFromStock_AndGiveThemBack) {
  const OrderId id = option(2);
  const int64_t free = available(kPerfRelease, 1);
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kAda, kNone, 0}).ok());
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kBen, kParent, 0}).ok());
  EXPECT_EQ(available(kPerfRelease, 1), free) << "the order's two units were unnamed";
  EXPECT_EQ(record(id).quantity, 2u);

  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kCleo, kNone, 0}).ok());
  EXPECT_EQ(available(kPerfRelease, 1), free - 1) << "a third participant takes a unit from stock";
  OrderRecord r = record(id);
  EXPECT_EQ(r.quantity, 3u);
  EXPECT_EQ(r.total_cents, 18'000u);
  EXPECT_EQ(r.to_pay_cents, 18'000);
  ASSERT_EQ(r.participants.size(), 3u);
  EXPECT_EQ(r.participants[0].legal_representative, ContactId{7}) << "none named: the order's client";
  EXPECT_EQ(r.participants[1].legal_representative, kParent);

  // The rest of the category goes to a cart: the next participant finds no unit.
  ASSERT_TRUE(hold(kPerfRelease, 1, static_cast<uint32_t>(free - 1)).ok());
  ASSERT_EQ(available(kPerfRelease, 1), 0);
  expect_refused_as(kClerk, AddParticipant{id, kDan, kNone, 0}, ReplyCode::kSoldOut);
  expect_refused_as(kClerk, AddParticipant{id, kAda, kNone, 0}, ReplyCode::kDuplicate);
  expect_refused_as(kClerk, AddParticipant{id, kDan, kNone, 5}, ReplyCode::kInvalidArgument, "no line 5");
  expect_refused_as(kClerk, AddParticipant{id, kNone, kNone, 0}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, RemoveParticipant{id, kDan}, ReplyCode::kNotFound);

  ASSERT_TRUE(run_as(kClerk, RemoveParticipant{id, kCleo}).ok());
  EXPECT_EQ(available(kPerfRelease, 1), 1) << "its unit went back to stock";
  EXPECT_EQ(record(id).quantity, 2u);
  ASSERT_TRUE(run_as(kClerk, RemoveParticipant{id, kBen}).ok());
  expect_refused_as(kClerk, RemoveParticipant{id, kAda}, ReplyCode::kInvalidState, "last unit");
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kModified, "participant 23 added (line 0)"));
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kModified, "participant 23 removed (line 0)"));
  EXPECT_TRUE(shard_.check_invariants().is_ok());
}

TEST_F(OrderDossierTest, AnInvoicedOrdersParticipantsStay_UntilItIsDeInvoiced) {
  const OrderId id = option(1);
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kAda, kNone, 0}).ok());
  ASSERT_TRUE(run(Confirm{id, {}}).ok());
  invoice_step(kClerk, IssueInvoice{id});
  expect_refused_as(kClerk, AddParticipant{id, kBen, kNone, 0}, ReplyCode::kInvalidState, "invoiced");
  expect_refused_as(kClerk, SetLinePrice{id, 0, 5'000}, ReplyCode::kInvalidState, "invoiced");
  expect_refused_as(kClerk, RemoveParticipant{id, kAda}, ReplyCode::kInvalidState, "invoiced");
  EXPECT_TRUE(run_as(kClerk, SetLegalRepresentative{id, kAda, kParent}).ok()) << "not a price change";
  invoice_step(kClerk, CancelInvoice{id, "un participant de plus"});
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kBen, kNone, 0}).ok());
  EXPECT_EQ(record(id).quantity, 2u);
  EXPECT_EQ(record(id).participants[0].legal_representative, kParent);
}

TEST_F(OrderDossierTest, TheFileIsCompleteOnceEveryRequiredDocumentIsThereAndChecked) {
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche sanitaire", {workload::kProductRelease}}).ok());
  ASSERT_TRUE(run(DefineDocumentType{kConsent, "Autorisation parentale", {workload::kProductRelease}}).ok());
  ASSERT_TRUE(run(DefineDocumentType{kOther, "Attestation", {}}).ok());
  const OrderId id = option(2);
  OrderRecord r = record(id);
  EXPECT_FALSE(r.file_complete);
  ASSERT_EQ(r.missing_documents.size(), 2u) << "the two types, for units not named yet";
  EXPECT_EQ(r.missing_documents[0].participant, kNone);

  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kAda, kNone, 0}).ok());
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kBen, kNone, 0}).ok());
  EXPECT_EQ(record(id).missing_documents.size(), 4u);
  expect_refused_as(kClerk, AttachDocument{id, kAda, kNone, "x.pdf", kSha1, 10, {}}, ReplyCode::kInvalidArgument,
                    "document type");
  expect_refused_as(kClerk, AttachDocument{id, kDan, kHealthForm, "x.pdf", kSha1, 10, {}}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, AttachDocument{id, kAda, DocumentTypeId{9}, "x.pdf", kSha1, 10, {}}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, AttachDocument{id, kAda, kHealthForm, "x.pdf", "ABC", 10, {}}, ReplyCode::kInvalidArgument,
                    "sha256");
  expect_refused_as(kClerk, AttachDocument{id, kAda, kHealthForm, "x.pdf", kSha1, 10, "bytes"},
                    ReplyCode::kInvalidArgument, "stores its content first");
  expect_refused_as(kClerk, AttachDocument{id, kAda, kHealthForm, "x.pdf", kSha1, 0, {}}, ReplyCode::kInvalidArgument);

  for (ContactId who : {kAda, kBen})
    for (DocumentTypeId type : {kHealthForm, kConsent}) ASSERT_TRUE(attach(id, who, type).ok());
  const Reply other = attach(id, kNone, kOther, kSha2);
  ASSERT_TRUE(other.ok()) << other.message;
  EXPECT_EQ(other.value, 5) << "the document's number";
  r = record(id);
  EXPECT_FALSE(r.file_complete) << "attached, none checked";
  ASSERT_EQ(r.missing_documents.size(), 4u);
  EXPECT_TRUE(r.missing_documents[0].attached);
  EXPECT_FALSE(r.document_alert) << "an operator attached them";

  for (uint32_t n = 1; n <= 3; ++n) ASSERT_TRUE(run_as(kClerk, CheckDocument{id, n, true}).ok());
  EXPECT_FALSE(record(id).file_complete);
  ASSERT_TRUE(run_as(kClerk, CheckDocument{id, 4, true}).ok());
  r = record(id);
  EXPECT_TRUE(r.file_complete);
  EXPECT_TRUE(r.missing_documents.empty());
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kFileStatus, "administrative file complete"));
  EXPECT_TRUE(r.documents[3].checked);
  EXPECT_EQ(r.documents[3].checked_by, kClerk);

  ASSERT_TRUE(run_as(kClerk, CheckDocument{id, 4, false}).ok());
  r = record(id);
  EXPECT_FALSE(r.file_complete) << "refused: the file is incomplete again";
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kFileStatus, "administrative file incomplete"));
  expect_refused_as(kClerk, CheckDocument{id, 9, true}, ReplyCode::kNotFound);

  // A new participant needs the documents too.
  ASSERT_TRUE(run_as(kClerk, CheckDocument{id, 4, true}).ok());
  ASSERT_TRUE(record(id).file_complete);
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kCleo, kNone, 0}).ok());
  EXPECT_FALSE(record(id).file_complete);
}

TEST_F(OrderDossierTest, ADocumentTheClientAttachesRaisesAnAlertUntilAnOperatorChecksIt) {
  const Reply held = hold(kPerfRelease, 1, 1);
  ASSERT_TRUE(held.ok());
  Command web{0, AttachDocument{held.order, kNone, kNone, "attestation.pdf", kSha1, 99, {}}};
  web.principal = 40;
  web.own_orders_only = true;
  Reply r = shard_.apply(web, now_);
  EXPECT_EQ(r.code, ReplyCode::kNotFound) << "a web shop reaches only the orders it created";

  Command placed{
      0, Hold{7, workload::kWeb, {workload::demo_line(kPerfRelease, workload::kProductRelease, 1, 1)}, 10 * kMinute}};
  placed.principal = 40;
  placed.own_orders_only = true;
  const Reply own = shard_.apply(placed, now_);
  ASSERT_TRUE(own.ok()) << own.message;
  web.body = AttachDocument{own.order, kNone, kNone, "attestation.pdf", kSha1, 99, {}};
  r = shard_.apply(web, now_);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(record(own.order).document_alert);
  EXPECT_TRUE(record(own.order).documents[0].by_client);

  const auto alerts = [&] {
    const Reply page = run(ListOrders{kNone, kNone, 0, 0, 100, true});
    EXPECT_TRUE(page.ok()) << page.message;
    return std::get<OrderPage>(page.detail->value);
  };
  ASSERT_EQ(alerts().total, 1u);
  EXPECT_EQ(alerts().orders[0].order, own.order);
  ASSERT_TRUE(run_as(kClerk, CheckDocument{own.order, 1, false}).ok());
  EXPECT_EQ(alerts().total, 0u) << "refused is reviewed too";
  EXPECT_FALSE(record(own.order).document_alert);

  const Reply got = run(GetDocument{own.order, 1});
  ASSERT_TRUE(got.ok()) << got.message;
  EXPECT_EQ(got.value, 99);
  EXPECT_EQ(std::get<DocumentFile>(got.detail->value).document.sha256, kSha1);
  EXPECT_EQ(run(GetDocument{own.order, 2}).code, ReplyCode::kNotFound);
}

TEST_F(OrderDossierTest, ParticipantsOfAValidatedFullyPaidCompleteOrderArePresentByDefault) {
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche sanitaire", {workload::kProductRelease}}).ok());
  const OrderId id = option(1);
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kAda, kNone, 0}).ok());
  const auto attendance = [&] { return record(id).participants.at(0); };
  EXPECT_EQ(attendance().attendance, Attendance::kUnset);
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCard, 6'000, 0, kNone, kNone, "", "", ""}).ok());
  ASSERT_EQ(state(id), OrderState::kConfirmed) << "the payment validated it";
  EXPECT_EQ(attendance().attendance, Attendance::kUnset) << "validated and paid, the file is not complete";
  ASSERT_TRUE(attach(id, kAda, kHealthForm).ok());
  ASSERT_TRUE(run_as(kClerk, CheckDocument{id, 1, true}).ok());
  EXPECT_EQ(attendance().attendance, Attendance::kPresent);
  EXPECT_FALSE(attendance().attendance_set);

  expect_refused_as(kClerk, SetAttendance{id, kAda, Attendance::kPresent, "malade"}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, SetAttendance{id, kBen, Attendance::kAbsent, ""}, ReplyCode::kNotFound);
  ASSERT_TRUE(run_as(kClerk, SetAttendance{id, kAda, Attendance::kAbsent, "malade"}).ok());
  EXPECT_EQ(attendance().attendance, Attendance::kAbsent);
  EXPECT_TRUE(attendance().attendance_set);
  EXPECT_EQ(attendance().absence_reason, "malade");
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kModified, "participant 21: absent"));
  ASSERT_TRUE(run_as(kClerk, SetAttendance{id, kAda, Attendance::kUnset, ""}).ok());
  EXPECT_EQ(attendance().attendance, Attendance::kPresent) << "back to the default";
}

TEST_F(OrderDossierTest, APartialConfirmationKeepsParticipantsOnTheirLines_AndASnapshotKeepsItAll) {
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche sanitaire", {workload::kProductRelease}}).ok());
  const Reply two = run(Book{BookingKind::kOption,
                             7,
                             workload::kWeb,
                             {workload::demo_line(kPerfRelease, workload::kProductRelease, 1, 2),
                              workload::demo_line(kPerfRelease, workload::kProductRelease, 2, 1)},
                             now_ + 10 * kDay});
  ASSERT_TRUE(two.ok()) << two.message;
  ASSERT_TRUE(run_as(kClerk, AddParticipant{two.order, kAda, kNone, 1}).ok());
  ASSERT_TRUE(run_as(kClerk, AddParticipant{two.order, kBen, kNone, 0}).ok());
  ASSERT_TRUE(run_as(kClerk, AddParticipant{two.order, kCleo, kNone, 0}).ok());
  expect_refused_as(0, Confirm{two.order, {1, 1}}, ReplyCode::kInvalidArgument, "participants");
  ASSERT_TRUE(run_as(kClerk, RemoveParticipant{two.order, kCleo}).ok());
  ASSERT_TRUE(attach(two.order, kAda, kHealthForm).ok());
  ASSERT_TRUE(run_as(kClerk, SetAttendance{two.order, kBen, Attendance::kAbsent, "grippe"}).ok());

  const std::unique_ptr<Shard> copy = reloaded(shard_);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->state_hash(), shard_.state_hash());
  const Reply again = copy->apply(Command{0, GetOrderRecord{two.order}}, now_);
  ASSERT_TRUE(again.ok());
  const OrderRecord& r = std::get<OrderRecord>(again.detail->value);
  ASSERT_EQ(r.participants.size(), 2u);
  EXPECT_EQ(r.participants[1].absence_reason, "grippe");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].sha256, kSha1);

  // Ben's unit was line 0's last: the line goes, Ada's line 1 becomes line 0.
  ASSERT_TRUE(run_as(kClerk, RemoveParticipant{two.order, kBen}).ok());
  OrderRecord left = record(two.order);
  ASSERT_EQ(left.lines.size(), 1u);
  EXPECT_EQ(left.lines[0].category, CategoryId{2});
  ASSERT_EQ(left.participants.size(), 1u);
  EXPECT_EQ(left.participants[0].line, 0u);

  // A partial confirmation that drops a line before a participant's: the same.
  const Reply other = run(Book{BookingKind::kOption,
                               7,
                               workload::kWeb,
                               {workload::demo_line(kPerfRelease, workload::kProductRelease, 1, 1),
                                workload::demo_line(kPerfRelease, workload::kProductRelease, 2, 1)},
                               now_ + 10 * kDay});
  ASSERT_TRUE(other.ok()) << other.message;
  ASSERT_TRUE(run_as(kClerk, AddParticipant{other.order, kDan, kNone, 1}).ok());
  const Reply partly = run(Confirm{other.order, {0, 1}});
  ASSERT_TRUE(partly.ok()) << partly.message;
  const OrderRecord confirmed = record(other.order);
  EXPECT_EQ(confirmed.quantity, 1u);
  ASSERT_EQ(confirmed.participants.size(), 1u);
  EXPECT_EQ(confirmed.participants[0].line, 0u);
  EXPECT_EQ(confirmed.lines.at(0).category, CategoryId{2});
}

TEST_F(OrderDossierTest, PaymentsAllocatedToParticipantsCountAgainstTheirShare_ToTheCent) {
  const OrderId id = option(3);  // 3 x 60.00
  for (ContactId who : {kAda, kBen}) ASSERT_TRUE(run_as(kClerk, AddParticipant{id, who, kParent, 0}).ok());
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kCleo, kNone, 0}).ok());
  // 3 x 33.34 less a cash discount of 0.01: 100.01 over three units of
  // the same price, 33.34, 33.34, 33.33.
  ASSERT_TRUE(run_as(kClerk, SetLinePrice{id, 0, 3'334}).ok());
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 1}).ok());
  OrderRecord r = record(id);
  ASSERT_EQ(r.to_pay_cents, 10'001);
  ASSERT_EQ(r.participants.size(), 3u);
  EXPECT_EQ(r.participants[0].share_cents + r.participants[1].share_cents + r.participants[2].share_cents, 10'001)
      << "the shares add up to what the order costs";
  EXPECT_EQ(r.participants[0].share_cents, 3'334);
  EXPECT_EQ(r.participants[2].share_cents, 3'333);
  EXPECT_TRUE(workflow_says(id, WorkflowAction::kModified, "line 0 unit price 3334 cents"));

  expect_refused_as(kClerk, AddPayment{id, PaymentMode::kCheque, 1'000, 0, kNone, kNone, "", "", "", kDan},
                    ReplyCode::kNotFound, "no participant");
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCheque, 2'000, 0, kNone, kNone, "", "", "", kAda}).ok());
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCash, 500, 0, kNone, kNone, "", "", "", kCleo}).ok());
  ASSERT_TRUE(
      run_as(kClerk, AddPayment{id, PaymentMode::kCash, -100, 0, kNone, kNone, "", "", "trop perçu", kAda}).ok());
  r = record(id);
  EXPECT_EQ(r.payments[0].contact, kParent) << "paid by the participant's legal representative";
  EXPECT_EQ(r.payments[1].contact, ContactId{7}) << "no representative named: the client";
  EXPECT_EQ(r.participants[0].paid_cents, 1'900);
  EXPECT_EQ(r.participants[0].balance_cents, 3'334 - 1'900);
  EXPECT_EQ(r.participants[2].paid_cents, 500);
  EXPECT_EQ(r.balance_cents, 10'001 - 2'400) << "the order's balance counts them all";

  expect_refused_as(kClerk, RemoveParticipant{id, kAda}, ReplyCode::kInvalidState, "allocated");
  ASSERT_TRUE(
      run_as(kClerk, ChangePayment{id, 1, PaymentMode::kCheque, 2'000, 0, kNone, kNone, "", "", "", kBen}).ok());
  EXPECT_EQ(record(id).participants[1].paid_cents, 2'000);
  expect_refused_as(kClerk, RemoveParticipant{id, kAda}, ReplyCode::kInvalidState, "allocated");  // the refund
  expect_refused_as(kClerk, SetLinePrice{id, 5, 100}, ReplyCode::kInvalidArgument, "no line 5");
  expect_refused_as(kClerk, SetLinePrice{id, 0, -1}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, SetLinePrice{id, 0, kLinePriceCentsMax + 1}, ReplyCode::kInvalidArgument);
}

TEST_F(OrderDossierTest, DocumentTypesAreChecked) {
  expect_refused_as(kClerk, DefineDocumentType{kHealthForm, "", {}}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, DefineDocumentType{kHealthForm, "Fiche", {ProductId{99}}}, ReplyCode::kNotFound);
  expect_refused_as(kClerk,
                    DefineDocumentType{kHealthForm, "Fiche", {workload::kProductRelease, workload::kProductRelease}},
                    ReplyCode::kInvalidArgument, "twice");
  expect_refused_as(kClerk, DefineDocumentType{kNone, "Fiche", {}}, ReplyCode::kInvalidArgument, "reserved");
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche", {}}).ok());
  const OrderId id = option(1);
  EXPECT_TRUE(record(id).file_complete) << "required for no product yet";
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche", {workload::kProductRelease}}).ok());
  EXPECT_FALSE(record(id).file_complete) << "required now";
}

}  // namespace
}  // namespace tessera::engine::dossier_test
