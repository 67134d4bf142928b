// The travel book and convocations on one shard (seed 003,
// engine/commands_travel_book.h): a departure's convocation reaches every
// registration of it, an individual one needs individual mode, switching
// back to group withdraws it, the book is released only once fully paid
// with a complete file, every attachment and re-send queues a mail that
// says what is missing, and noting a mail takes it out of the outbox.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_dossier.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::travel_book_test {
namespace {

constexpr PrincipalId kClerk = 14;
constexpr ContactId kAda{21}, kParent{30};
constexpr DocumentTypeId kHealthForm{1};
const std::string kBook(64, 'c'), kOwn(64, 'd'), kForm(64, 'e');

class TravelBookTest : public ShardTest {
 protected:
  OrderId option(uint32_t units = 1) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  std::vector<TravelBookMail> mails() {
    const Reply r = run(GetTravelBookMails{{}});
    EXPECT_TRUE(r.ok()) << r.message;
    return std::get<TravelBookMails>(r.detail->value).mails;
  }
};

TEST_F(TravelBookTest, ADeparturesConvocationReachesEveryRegistration_AndSaysWhatIsMissing) {
  ASSERT_TRUE(run(DefineDocumentType{kHealthForm, "Fiche sanitaire", {workload::kProductRelease}}).ok());
  const OrderId first = option(), second = option();
  ASSERT_TRUE(run_as(kClerk, AddParticipant{first, kAda, kParent, 0}).ok());
  const Reply held = hold(kPerfRelease, 1, 1);  // a cart is no registration
  ASSERT_TRUE(held.ok());
  const Reply attached = run_as(kClerk, AttachDepartureBook{kPerfRelease, "convocation.pdf", kBook, 900, {}});
  ASSERT_TRUE(attached.ok()) << attached.message;
  EXPECT_EQ(attached.value, 2) << "both registrations, not the cart";

  const std::vector<TravelBookMail> queued = mails();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].order, first);
  EXPECT_EQ(queued[0].seq, 1u);
  EXPECT_EQ(queued[0].client, ContactId{7});
  EXPECT_EQ(queued[0].representatives, std::vector<ContactId>{kParent});
  EXPECT_FALSE(queued[0].available);
  EXPECT_EQ(queued[0].missing, std::vector<std::string>{"Fiche sanitaire"});
  EXPECT_EQ(queued[0].balance_cents, 6'000);
  EXPECT_EQ(queued[0].book, "convocation.pdf");

  const OrderRecord r = record(second);
  ASSERT_EQ(r.travel_books.size(), 1u);
  EXPECT_TRUE(r.travel_books[0].group);
  EXPECT_TRUE(r.travel_book_attached);
  EXPECT_FALSE(r.travel_book_released) << "not paid, file incomplete";

  // Noting a mail takes it out; the same note again changes nothing.
  ASSERT_TRUE(run(NoteTravelBookMail{first, 1, true, "Anne <a@example.org>", {}}).ok());
  const uint64_t hash = shard_.state_hash();
  ASSERT_TRUE(run(NoteTravelBookMail{first, 1, true, "Anne <a@example.org>", {}}).ok());
  EXPECT_EQ(shard_.state_hash(), hash);
  EXPECT_EQ(mails().size(), 1u);
  const OrderRecord noted = record(first);
  EXPECT_EQ(noted.workflow.back().action, WorkflowAction::kEmailSent);
  EXPECT_EQ(noted.workflow.back().detail, "travel-book e-mail 1 sent");
  const Reply later = run(GetTravelBookMails{{1}});
  EXPECT_EQ(std::get<TravelBookMails>(later.detail->value).mails.size(), 1u) << "seq 2 is after 1";
}

TEST_F(TravelBookTest, TheBookIsReleasedOncePaidWithACompleteFile_AndIndividualOnesFollowTheMode) {
  const OrderId id = option();
  expect_refused_as(kClerk, AttachTravelBook{id, "moi.pdf", kOwn, 100, {}}, ReplyCode::kInvalidState, "group mode");
  expect_refused_as(kClerk, SendTravelBookMail{id}, ReplyCode::kInvalidState, "no convocation");
  ASSERT_TRUE(run_as(kClerk, SetTravelBookMode{id, TravelBookMode::kIndividual}).ok());
  ASSERT_TRUE(run_as(kClerk, AttachTravelBook{id, "moi.pdf", kOwn, 100, {}}).ok());
  expect_refused_as(kClerk, AttachTravelBook{id, "x.pdf", "XYZ", 100, {}}, ReplyCode::kInvalidArgument, "sha256");
  OrderRecord r = record(id);
  EXPECT_TRUE(r.travel_book_attached);
  EXPECT_FALSE(r.travel_book_released);
  ASSERT_TRUE(run(Confirm{id, {}}).ok());
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCheque, 6'000, now_, kNone, kNone, {}, {}, {}, kNone}).ok());
  r = record(id);
  EXPECT_TRUE(r.fully_paid);
  EXPECT_TRUE(r.travel_book_released) << "paid, nothing required";
  ASSERT_TRUE(run_as(kClerk, SendTravelBookMail{id}).ok());
  const std::vector<TravelBookMail> queued = mails();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_FALSE(queued[0].available) << "told when it was attached, unpaid";
  EXPECT_TRUE(queued[1].available) << "the re-send says it is in the client's account";
  EXPECT_EQ(queued[1].balance_cents, 0);

  // Back to group mode: the individual one is withdrawn, and nothing is shown.
  ASSERT_TRUE(run_as(kClerk, SetTravelBookMode{id, TravelBookMode::kGroup}).ok());
  r = record(id);
  ASSERT_EQ(r.travel_books.size(), 1u);
  EXPECT_TRUE(r.travel_books[0].withdrawn);
  EXPECT_FALSE(r.travel_book_attached);
  // A departure's convocation shows in either mode (group -> individual keeps it).
  ASSERT_TRUE(run_as(kClerk, AttachDepartureBook{kPerfRelease, "groupe.pdf", kBook, 900, {}}).ok());
  ASSERT_TRUE(run_as(kClerk, SetTravelBookMode{id, TravelBookMode::kIndividual}).ok());
  r = record(id);
  ASSERT_EQ(r.travel_books.size(), 2u);
  EXPECT_TRUE(r.travel_books[0].group);
  EXPECT_TRUE(r.travel_book_released);

  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
}

}  // namespace
}  // namespace tessera::engine::travel_book_test
