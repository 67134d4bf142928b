// The travel book's e-mails through the tessera-server process and a local
// aiosmtpd (seed 003): a departure's convocation tells every registration —
// "available in your account" once paid with a complete file, otherwise
// what is missing and what is still to pay —, to the client, the legal
// representative or both as the client's record says; each mail is a
// workflow entry, a re-send by hand goes again, and the convocations
// survive SIGKILL and restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "engine/contact_card.h"
#include "engine/reply_detail.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/net/net_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the other
// server tests, whose anonymous namespaces hold the same helper names.
namespace tessera::server::travel_book_test {
namespace {

using namespace tessera::engine;
using namespace tessera::testing_support;
using testing::now_ms;

constexpr ContactId kClient = 7, kOther = 8, kChild = 21, kParent = 30;
constexpr DocumentTypeId kHealthForm = 1;
constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

class TravelBookServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(relay_.ready());
    start();
  }
  void start() {
    server_ = std::make_unique<ServerProcess>(
        dir_.path() + "/data",
        std::vector<std::string>{"--token", "a:admin", "--smtp-host", "127.0.0.1", "--smtp-port",
                                 std::to_string(relay_.port()), "--mail-from", "voyages@example.org"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    admin_ = server_->client("a");
    office_ = server_->client("t");
    ASSERT_TRUE(admin_ && office_);
  }
  void restart() {
    admin_.reset(), office_.reset();
    server_->stop(SIGKILL);
    server_.reset();
    start();
  }
  void must(net::Client& c, CommandBody body) {
    const net::ClientReply r = one(c, std::move(body));
    ASSERT_TRUE(r.ok()) << r.message;
  }
  // Sets the contact's e-mail (and to whom a minor's mails go).
  void mail_settings(ContactId id, const std::string& email, MinorsEmailTo to) {
    const net::ClientReply card = one(*office_, GetContact{id, 0});
    ASSERT_TRUE(card.ok()) << card.message;
    ContactFields f = std::get<ContactCard>(card.detail->value).record;
    f.email = email;
    f.minors_email_to = to;
    must(*office_, ChangeContact{id, f});
  }
  OrderId option(ContactId contact) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       contact,
                                       workload::kBoxOffice,
                                       {workload::demo_line(1000, 1, 1, 1)},
                                       now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // The mails to `to` once there are `n` (waiting up to 10 s).
  std::vector<ReceivedMail> mails_to(const std::string& to, size_t n) {
    std::vector<ReceivedMail> got;
    for (int i = 0; i < 100; ++i) {
      got.clear();
      for (ReceivedMail& m : read_maildir(dir_.path() + "/maildir"))
        if (m.header("to").find(to) != std::string::npos) got.push_back(std::move(m));
      if (got.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return got;
  }
  bool workflow_has(OrderId id, std::string_view detail) {
    for (int i = 0; i < 100; ++i) {
      for (const WorkflowEntry& e : testing::order_record(*office_, id).workflow)
        if (e.detail == detail) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  TempDir dir_;
  AiosmtpdProcess relay_{dir_.path() + "/maildir"};
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> admin_, office_;
};

TEST_F(TravelBookServer, ADeparturesConvocationTellsEachRegistrationWhatItStillNeeds) {
  must(*admin_, DefineDocumentType{kHealthForm, "Fiche sanitaire", {workload::kProductRelease}});
  mail_settings(kClient, "client@example.org", MinorsEmailTo::kBoth);
  mail_settings(kParent, "parent@example.org", MinorsEmailTo::kClient);
  mail_settings(kOther, "autre@example.org", MinorsEmailTo::kLegalRepresentative);
  const OrderId unpaid = option(kClient);
  must(*office_, AddParticipant{unpaid, kChild, kParent, 0});
  const OrderId ready = option(kOther);  // no representative named: the client gets it
  must(*office_, AddParticipant{ready, kOther, kNone, 0});
  must(*office_, Confirm{ready, {}});
  must(*office_, AddPayment{ready, PaymentMode::kCheque, 6'000, now_ms(), kNone, kNone, {}, {}, {}, kNone});
  const std::string form(2000, 'f');
  must(*office_, AttachDocument{ready, kOther, kHealthForm, "fiche.pdf", {}, 0, form});
  must(*office_, CheckDocument{ready, 1, true});
  ASSERT_TRUE(testing::order_record(*office_, ready).file_complete);

  const net::ClientReply attached =
      one(*office_, AttachDepartureBook{1000, "convocation-lyon.pdf", {}, 0, std::string(5000, 'c')});
  ASSERT_TRUE(attached.ok()) << attached.message;
  EXPECT_EQ(attached.value, 2);

  // The unpaid order's client asked for both: the client and the representative.
  const std::vector<ReceivedMail> to_client = mails_to("client@example.org", 1);
  const std::vector<ReceivedMail> to_parent = mails_to("parent@example.org", 1);
  ASSERT_EQ(to_client.size(), 1u);
  ASSERT_EQ(to_parent.size(), 1u);
  const std::string missing = decode_quoted_printable(to_client[0].body);
  EXPECT_NE(missing.find("convocation-lyon.pdf"), std::string::npos) << missing;
  EXPECT_NE(missing.find("Fiche sanitaire"), std::string::npos) << "what is missing: " << missing;
  EXPECT_NE(missing.find("60"), std::string::npos) << "what is still to pay: " << missing;
  const std::vector<ReceivedMail> to_other = mails_to("autre@example.org", 1);
  ASSERT_EQ(to_other.size(), 1u);
  const std::string available = decode_quoted_printable(to_other[0].body);
  EXPECT_EQ(available.find("Fiche sanitaire"), std::string::npos) << available;
  EXPECT_NE(to_other[0].header("subject").find("available"), std::string::npos) << to_other[0].header("subject");
  EXPECT_TRUE(workflow_has(unpaid, "travel-book e-mail 1 sent"));
  EXPECT_TRUE(workflow_has(ready, "travel-book e-mail 2 sent"));
  const OrderRecord page = testing::order_record(*office_, ready);
  EXPECT_TRUE(page.travel_book_attached);
  EXPECT_TRUE(page.travel_book_released);
  EXPECT_FALSE(testing::order_record(*office_, unpaid).travel_book_released);

  // Sent again by hand; the convocations survive a SIGKILL.
  must(*office_, SendTravelBookMail{unpaid});
  EXPECT_EQ(mails_to("parent@example.org", 2).size(), 2u);
  restart();
  const OrderRecord after = testing::order_record(*office_, ready);
  ASSERT_EQ(after.travel_books.size(), 1u);
  EXPECT_EQ(after.travel_books[0].name, "convocation-lyon.pdf");
  EXPECT_TRUE(after.travel_book_released);
  EXPECT_EQ(mails_to("autre@example.org", 2).size(), 1u) << "nothing sent twice after the restart";
}

}  // namespace
}  // namespace tessera::server::travel_book_test
