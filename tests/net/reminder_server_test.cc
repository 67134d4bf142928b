// Reminders end to end: the real server on loopback (2 shards, demo venue)
// exports follow-up reminders and subscription reminder runs as files into
// its export directory and as emails through a real SMTP server on loopback
// (Debian's aiosmtpd writing a Maildir), and records ranks and progress.
// Nothing waits on time: every wait has a generous deadline.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "runtime/clock.h"
#include "tests/engine/engine_clock.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::start_server;

class ReminderServer : public ::testing::Test {
 protected:
  void start(bool with_smtp) {
    server::ServerConfig config = testing::test_config();
    config.export_dir = dir_.path() + "/exports";
    if (with_smtp) {
      smtp_ = std::make_unique<testing_support::AiosmtpdProcess>(dir_.path() + "/maildir");
      ASSERT_TRUE(smtp_->ready());
      config.smtp_host = "127.0.0.1";
      config.smtp_port = smtp_->port();
      config.mail_from = "billetterie@example.org";
    }
    app_ = start_server(std::move(config), 0);  // its own contacts below
    office_ = connect_client(*app_, testing::kBackofficeToken);
    ASSERT_TRUE(office_);
    now_ms_ = runtime::SystemClock().now_ms();
    for (const DefineContact& c :
         {DefineContact{1, 100000002951, "BOSCHE", "Lennart", "lennart@example.org", kContactIndividual},
          DefineContact{2, 100000000002, "ACME", "", "office@acme.example", kContactOrganisation},
          DefineContact{3, 100000000003, "MARTIN", "Paul", "", kContactIndividual}})
      ASSERT_TRUE(one(c).ok());
    ASSERT_TRUE(one(DefineReminderFormat{1,
                                         "Relance",
                                         FormatType::kReminder,
                                         ";",
                                         "csv",
                                         false,
                                         {ReminderField::kContactNumber, ReminderField::kLastName,
                                          ReminderField::kOrderNumber, ReminderField::kDeadline}})
                    .ok());
  }
  Reply one(CommandBody body) {
    auto r = office_->call({Command{0, std::move(body)}});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? (*r)[0] : refuse(ReplyCode::kBusy, "no reply");
  }
  OrderId book(ContactId contact, PerformanceId performance) {
    const Reply r = one(Book{BookingKind::kOption,
                             contact,
                             workload::kBoxOffice,
                             {workload::demo_line(performance, performance.value() / 1000, 1, 1)},
                             now_ms_ + 3 * kDay});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  uint32_t follow_up_rank(OrderId order) {
    FollowUpFilter f;
    f.kind = BookingKind::kOption;
    f.due_until_ms = now_ms_ + 5 * kDay;
    f.season = 1;
    f.family = 1;
    const Reply r = one(QueryFollowUp{f, {}, 100});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const FollowUpRow& row : std::get<FollowUpPage>(r.detail->value).rows)
      if (row.order == order) return row.reminder_rank;
    ADD_FAILURE() << "order " << order << " not in the follow-up";
    return 0;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  testing_support::TempDir dir_;
  std::unique_ptr<testing_support::AiosmtpdProcess> smtp_;
  std::unique_ptr<server::ServerApp> app_;
  std::unique_ptr<Client> office_;
  int64_t now_ms_ = 0;
};

TEST_F(ReminderServer, RemindOrders_WritesTheFileAndRaisesTheRank) {
  start(false);
  const OrderId a = book(1, 3000);
  const OrderId b = book(2, 3001);  // the other shard, most likely
  const Reply r = one(RemindOrders{{a, b}, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(batch.delivered, 2u);
  EXPECT_EQ(batch.failed, 0u);
  ASSERT_TRUE(std::filesystem::exists(batch.destination)) << batch.destination;
  EXPECT_EQ(std::filesystem::path(batch.destination).parent_path(), std::filesystem::path(dir_.path() + "/exports"));
  const std::string file = read(batch.destination);
  EXPECT_EQ(file.substr(0, file.find('\n')), "contact_number;last_name;order_number;deadline");
  EXPECT_NE(file.find("100000002951;BOSCHE;" + to_string(a) + ";"), std::string::npos) << file;
  EXPECT_NE(file.find("100000000002;ACME;" + to_string(b) + ";"), std::string::npos) << file;
  EXPECT_EQ(follow_up_rank(a), 1u);
  EXPECT_EQ(follow_up_rank(b), 1u);
}

TEST_F(ReminderServer, RemindOrders_ByEmailWithoutSmtp_IsRefusedAndChangesNothing) {
  start(false);
  const OrderId a = book(1, 3000);
  const Reply r = one(RemindOrders{{a}, 1, Delivery::kEmail});
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(r.message.find("SMTP"), std::string::npos) << r.message;
  EXPECT_EQ(follow_up_rank(a), 0u);
}

TEST_F(ReminderServer, RemindOrders_ByEmail_SendsOneMessagePerContact) {
  start(true);
  const OrderId a1 = book(1, 3000);
  const OrderId a2 = book(1, 3001);
  const OrderId b = book(2, 3000);
  const OrderId no_email = book(3, 3000);
  const Reply r = one(RemindOrders{{a1, a2, b, no_email}, 1, Delivery::kEmail});
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(batch.delivered, 3u) << r.message;
  EXPECT_EQ(batch.failed, 1u) << r.message;  // contact 3 has no email address
  std::vector<testing_support::ReceivedMail> mails;
  ASSERT_TRUE(testing::eventually([&] {
    mails = testing_support::read_maildir(dir_.path() + "/maildir");
    return mails.size() == 2;
  }));
  std::map<std::string, std::string> body_by_recipient;
  for (const auto& m : mails) body_by_recipient[m.header("to")] = m.body;
  ASSERT_EQ(body_by_recipient.size(), 2u);
  const auto lennart = std::find_if(body_by_recipient.begin(), body_by_recipient.end(), [](const auto& kv) {
    return kv.first.find("lennart@example.org") != std::string::npos;
  });
  ASSERT_NE(lennart, body_by_recipient.end());
  EXPECT_NE(lennart->second.find(to_string(a1)), std::string::npos);
  EXPECT_NE(lennart->second.find(to_string(a2)), std::string::npos);
  EXPECT_EQ(follow_up_rank(a1), 1u);
  EXPECT_EQ(follow_up_rank(b), 1u);
  EXPECT_EQ(follow_up_rank(no_email), 0u) << "never reminded: its rank stays";
}

TEST_F(ReminderServer, RemindOrders_ByEmail_UseTheBackOfficesTemplate) {
  start(true);
  ASSERT_TRUE(one(DefineDocumentTemplate{DocumentKind::kOrderReminder, "en", "Reminder: {count} booking(s)",
                                         "Dear {name},\n\n{items}Total: {total}\n"})
                  .ok());
  EXPECT_EQ(one(DefineDocumentTemplate{DocumentKind::kOrderReminder, "en", "x", "{nom}"}).code,
            ReplyCode::kInvalidArgument);
  const Reply listed = one(ListDocumentTemplates{});
  ASSERT_TRUE(listed.ok()) << listed.message;
  ASSERT_EQ(std::get<DocumentTemplates>(listed.detail->value).templates.size(), 1u);
  const OrderId a = book(1, 3000);
  const Reply r = one(RemindOrders{{a}, 0, Delivery::kEmail});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(std::get<ReminderBatch>(r.detail->value).templates.empty()) << "the mailer's, not the client's";
  std::vector<testing_support::ReceivedMail> mails;
  ASSERT_TRUE(testing::eventually([&] {
    mails = testing_support::read_maildir(dir_.path() + "/maildir");
    return mails.size() == 1;
  }));
  EXPECT_EQ(mails[0].header("subject"), "Reminder: 1 booking(s)");
  const std::string body = testing_support::decode_quoted_printable(mails[0].body);
  EXPECT_EQ(body.find("Dear Lennart BOSCHE,"), 0u) << body;
  EXPECT_NE(body.find("Commande n° " + to_string(a)), std::string::npos) << body;
}

TEST_F(ReminderServer, RemindOrders_WithoutAFormat_WriteTheDefaultDocument) {
  start(false);
  const OrderId a = book(1, 3000);
  const Reply r = one(RemindOrders{{a}, 0, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(batch.format.name, "Rappel d'options/réservations");
  EXPECT_NE(batch.destination.find("Rappel_d_options_reservations_"), std::string::npos) << batch.destination;
  const std::string file = read(batch.destination);
  EXPECT_EQ(file.substr(0, file.find('\n')),
            "contact_number;last_name;first_name;email;order_number;file_number;product;performance_date;quantity;"
            "amount;deadline;reminder_rank;street;postcode;city;country");
  EXPECT_NE(file.find("100000002951;BOSCHE;Lennart;lennart@example.org;" + to_string(a) + ";"), std::string::npos)
      << file;
  EXPECT_EQ(follow_up_rank(a), 1u);
}

TEST_F(ReminderServer, RemindOrders_WhenTheFileCannotBeWritten_RaiseNoRank) {
  start(false);
  std::ofstream(dir_.path() + "/exports") << "a file where the export directory should be";
  const OrderId a = book(1, 3000);
  const Reply r = one(RemindOrders{{a}, 1, Delivery::kFile});
  EXPECT_EQ(r.code, ReplyCode::kUnavailable) << r.message;
  EXPECT_NE(r.message.find("not written"), std::string::npos) << r.message;
  EXPECT_EQ(follow_up_rank(a), 0u);
  std::filesystem::remove(dir_.path() + "/exports");
  ASSERT_TRUE(one(RemindOrders{{a}, 1, Delivery::kFile}).ok());
  EXPECT_EQ(follow_up_rank(a), 1u) << "written the second time";
}

TEST_F(ReminderServer, SubscriptionRun_ExportsByEmailAndRaisesRanksOnlyWhenValidated) {
  start(true);
  ASSERT_TRUE(one(DefineSeries{5, "La Revue"}).ok());
  ASSERT_TRUE(one(DefineIssue{5, 11, now_ms_ + 10 * kDay, "Numéro 11"}).ok());
  ASSERT_TRUE(one(DefineIssue{5, 12, now_ms_ + 40 * kDay, "Numéro 12"}).ok());
  ASSERT_TRUE(one(Subscribe{100, 5, 1, kNone, now_ms_ + 15 * kDay}).ok());  // last issue 11
  ASSERT_TRUE(one(Subscribe{101, 5, 2, kNone, now_ms_ + 12 * kDay}).ok());  // last issue 11
  ASSERT_TRUE(one(Subscribe{102, 5, 3, kNone, now_ms_ + 50 * kDay}).ok());  // last issue 12: not reminded
  ASSERT_TRUE(one(Subscribe{103, 5, 3, 2, now_ms_ + 15 * kDay}).ok());      // paid by contact 2: third party

  Reply r = one(StartReminderRun{1, 5, {11}, Audience::kDirect, 1, Delivery::kEmail});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  ASSERT_EQ(batch.items.size(), 2u);
  EXPECT_EQ(batch.items[0].subscription, 101u);  // sorted by contact number: ACME first
  EXPECT_EQ(batch.items[0].reminder_rank, 1u);
  EXPECT_EQ(batch.delivered, 2u);
  ASSERT_TRUE(testing::eventually([&] { return testing_support::read_maildir(dir_.path() + "/maildir").size() == 2; }));

  r = one(GetReminderRun{1});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).state, RunState::kExported);
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).delivered, 2u);

  // Not validated: a second run still carries rank 1. Cancelled: no change.
  r = one(StartReminderRun{2, 5, {11}, Audience::kDirect, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).items[0].reminder_rank, 1u);
  ASSERT_TRUE(one(CancelReminderRun{2}).ok());
  ASSERT_TRUE(one(ValidateReminderRun{1}).ok());
  EXPECT_EQ(one(ValidateReminderRun{1}).code, ReplyCode::kInvalidState);
  r = one(StartReminderRun{3, 5, {11}, Audience::kDirect, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& third = std::get<ReminderBatch>(r.detail->value);
  ASSERT_EQ(third.items.size(), 2u);
  EXPECT_EQ(third.items[0].reminder_rank, 2u);
  EXPECT_TRUE(std::filesystem::exists(third.destination));

  r = one(StartReminderRun{4, 5, {11}, Audience::kThirdParty, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(std::get<ReminderBatch>(r.detail->value).items.size(), 1u);
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).items[0].payer_name, "ACME");
}

// The seed's steps: select by a date range for review (nothing exported),
// read the selection and its ranks, export by post (postal addresses from
// the contact directory), export by e-mail; without validation the ranks
// rise at export, and only for the reminders that reached someone.
TEST_F(ReminderServer, SubscriptionRun_ReviewedThenExported_RanksRiseOnlyForThoseDelivered) {
  start(true);
  ContactFields lyon;
  lyon.types = kContactIndividual;
  lyon.civility = "Mme";
  lyon.last_name = "GIRAUD";
  lyon.first_name = "Élise";
  lyon.email = "elise@example.org";
  lyon.addresses = {ContactAddress{AddressKind::kMain, "12 rue des Lilas\nBâtiment B", "69003", "Lyon", "", "", "FR"}};
  const Reply created = one(CreateContact{4, 100000000004, lyon, false, kNone, false});
  ASSERT_TRUE(created.ok()) << created.message;
  ASSERT_TRUE(one(DefineReminderFormat{2,
                                       "Courrier",
                                       FormatType::kReminder,
                                       ";",
                                       "csv",
                                       false,
                                       {ReminderField::kContactNumber, ReminderField::kLastName, ReminderField::kStreet,
                                        ReminderField::kPostcode, ReminderField::kCity, ReminderField::kCountry}})
                  .ok());
  ASSERT_TRUE(one(DefineSeries{5, "La Revue"}).ok());
  ASSERT_TRUE(one(DefineIssue{5, 11, now_ms_ + 10 * kDay, "Numéro 11"}).ok());
  ASSERT_TRUE(one(DefineIssue{5, 12, now_ms_ + 40 * kDay, "Numéro 12"}).ok());
  ASSERT_TRUE(one(Subscribe{100, 5, 1, kNone, now_ms_ + 15 * kDay}).ok());  // last issue 11
  ASSERT_TRUE(one(Subscribe{101, 5, 3, kNone, now_ms_ + 12 * kDay}).ok());  // last issue 11; contact 3 has no e-mail
  ASSERT_TRUE(one(Subscribe{102, 5, 4, kNone, now_ms_ + 11 * kDay}).ok());  // last issue 11
  ASSERT_TRUE(one(Subscribe{103, 5, 1, kNone, now_ms_ + 45 * kDay}).ok());  // last issue 12: outside the range

  // 1. Select the subscriptions whose last issue is dated within 9..11 days: review only.
  const Reply review = one(StartReminderRun{1,
                                            5,
                                            {},
                                            Audience::kDirect,
                                            2,
                                            Delivery::kReview,
                                            now_ms_ + 9 * kDay,
                                            now_ms_ + 11 * kDay,
                                            /*validation=*/false});
  ASSERT_TRUE(review.ok()) << review.message;
  EXPECT_EQ(review.value, 3);
  const ReminderBatch& selection = std::get<ReminderBatch>(review.detail->value);
  EXPECT_EQ(selection.delivery, Delivery::kReview);
  EXPECT_EQ(selection.rank_counts, (std::vector<RankCount>{{1, 3}}));
  EXPECT_TRUE(selection.destination.empty());
  const std::string exports = dir_.path() + "/exports";
  EXPECT_TRUE(!std::filesystem::exists(exports) || std::filesystem::is_empty(exports)) << "a review writes no file";
  Reply listed = one(ListReminderRuns{kNone, kNone});
  ASSERT_TRUE(listed.ok()) << listed.message;
  ASSERT_EQ(std::get<ReminderRuns>(listed.detail->value).runs.size(), 1u);
  EXPECT_EQ(std::get<ReminderRuns>(listed.detail->value).runs[0].selected, 3u);
  EXPECT_EQ(std::get<ReminderRuns>(listed.detail->value).runs[0].export_requested_ms, 0);

  // 2. Export by post: one line per reminder, with the recipient's postal address.
  Reply exported = one(ExportReminderRun{1, Delivery::kFile});
  ASSERT_TRUE(exported.ok()) << exported.message;
  EXPECT_EQ(std::get<ReminderBatch>(exported.detail->value).delivered, 3u);
  const std::string first_file = std::get<ReminderBatch>(exported.detail->value).destination;  // `exported` is reused
  const std::string text = read(first_file);
  EXPECT_NE(text.find("contact_number;last_name;street;postcode;city;country\n"), std::string::npos) << text;
  EXPECT_NE(text.find("100000000004;GIRAUD;12 rue des Lilas, Bâtiment B;69003;Lyon;FR\n"), std::string::npos) << text;
  Reply shown = one(GetReminderRun{1});
  EXPECT_EQ(std::get<ReminderBatch>(shown.detail->value).state, RunState::kValidated)
      << "no validation step: the export raised the ranks";

  // 3. A second run by e-mail: contact 3 has no address, so its reminder fails.
  exported = one(StartReminderRun{2, 5, {11}, Audience::kDirect, 2, Delivery::kEmail, 0, 0, false});
  ASSERT_TRUE(exported.ok()) << exported.message;
  EXPECT_NE(exported.message.find("export incomplete"), std::string::npos) << exported.message;
  EXPECT_EQ(std::get<ReminderBatch>(exported.detail->value).delivered, 2u);
  EXPECT_EQ(std::get<ReminderBatch>(exported.detail->value).failed, 1u);
  ASSERT_TRUE(testing::eventually([&] { return testing_support::read_maildir(dir_.path() + "/maildir").size() == 2; }));

  // The ranks as a third run sees them: 2 for the two reached twice, 1 for contact 3.
  const Reply third = one(StartReminderRun{3, 5, {11}, Audience::kDirect, 2, Delivery::kReview});
  ASSERT_TRUE(third.ok()) << third.message;
  EXPECT_EQ(std::get<ReminderBatch>(third.detail->value).rank_counts, (std::vector<RankCount>{{2, 1}, {3, 2}}));
  for (const ReminderItem& item : std::get<ReminderBatch>(third.detail->value).items)
    EXPECT_EQ(item.reminder_rank, item.subscription == SubscriptionId{101} ? 2u : 3u) << item.subscription;

  // 4. The list shows each run's progress, newest first; a validated run can be exported again.
  listed = one(ListReminderRuns{5, kNone});
  ASSERT_TRUE(listed.ok()) << listed.message;
  const ReminderRuns& runs = std::get<ReminderRuns>(listed.detail->value);
  ASSERT_EQ(runs.runs.size(), 3u);
  EXPECT_EQ(runs.runs[0].run, 3u);
  EXPECT_EQ(runs.runs[1].delivered, 2u);
  EXPECT_EQ(runs.runs[1].failed, 1u);
  EXPECT_GE(runs.runs[1].exported_ms, runs.runs[1].export_requested_ms) << "export finished";
  EXPECT_EQ(runs.runs[1].series_name, "La Revue");
  const Reply again = one(ExportReminderRun{1, Delivery::kFile});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_NE(std::get<ReminderBatch>(again.detail->value).destination, first_file) << "never overwritten";
  ASSERT_TRUE(one(CancelReminderRun{3}).ok());
  EXPECT_EQ(one(ExportReminderRun{3, Delivery::kFile}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(one(ExportReminderRun{9, Delivery::kFile}).code, ReplyCode::kNotFound);

  // 5. The file of run 1 through the protocol, the same bytes as on disk.
  const std::string written = read(std::get<ReminderBatch>(again.detail->value).destination);
  const Reply chunk = one(ReadRunFile{1, 0});
  ASSERT_TRUE(chunk.ok()) << chunk.message;
  const RunFile& got = std::get<RunFile>(chunk.detail->value);
  EXPECT_EQ(got.content, written);
  EXPECT_EQ(got.total_bytes, written.size());
  EXPECT_EQ(got.next_offset, 0u) << "one chunk holds it";
  EXPECT_EQ(got.name,
            std::filesystem::path(std::get<ReminderBatch>(again.detail->value).destination).filename().string());
  const Reply tail = one(ReadRunFile{1, 10});
  ASSERT_TRUE(tail.ok()) << tail.message;
  EXPECT_EQ(std::get<RunFile>(tail.detail->value).content, written.substr(10));
  EXPECT_EQ(one(ReadRunFile{1, written.size() + 1}).code, ReplyCode::kInvalidArgument) << "past the end";
  EXPECT_EQ(one(ReadRunFile{2, 0}).code, ReplyCode::kInvalidState) << "run 2 was sent by e-mail";
  EXPECT_EQ(one(ReadRunFile{3, 0}).code, ReplyCode::kInvalidState) << "run 3 never exported";
  EXPECT_EQ(one(ReadRunFile{9, 0}).code, ReplyCode::kNotFound);
  // A destination recorded by hand outside the export directory is never read.
  auto admin = connect_client(*app_, testing::kAdminToken);
  ASSERT_TRUE(admin);
  auto recorded = admin->call({Command{0, RecordRunExport{1, 3, 0, "/etc/passwd"}}});
  ASSERT_TRUE(recorded.is_ok() && (*recorded)[0].ok());
  const Reply outside = one(ReadRunFile{1, 0});
  EXPECT_EQ(outside.code, ReplyCode::kInvalidArgument) << outside.message;
  EXPECT_EQ(outside.detail, nullptr);
  // A file removed from the export directory is NotFound.
  ASSERT_TRUE(
      admin->call({Command{0, RecordRunExport{1, 3, 0, dir_.path() + "/exports/../exports/gone.csv"}}}).is_ok());
  EXPECT_EQ(one(ReadRunFile{1, 0}).code, ReplyCode::kNotFound);
}

std::vector<std::string> format_names(const Reply& listed) {
  std::vector<std::string> names;
  if (listed.ok() && listed.detail)
    for (const DefineReminderFormat& f : std::get<ReminderFormats>(listed.detail->value).formats)
      names.push_back(std::to_string(f.format) + " " + f.name);
  return names;
}

// Over the wire, on both shards: a format is listed, changed, and deleted
// only once no unfinished run names it; a web shop may do none of it.
TEST_F(ReminderServer, FormatsAreListedChangedAndDeleted_NotWhileARunUsesThem) {
  start(false);
  ASSERT_TRUE(one(DefineSeries{5, "La Revue"}).ok());
  ASSERT_TRUE(one(DefineIssue{5, 11, now_ms_ + 10 * kDay, "Numéro 11"}).ok());
  ASSERT_TRUE(one(Subscribe{100, 5, 1, kNone, now_ms_ + 15 * kDay}).ok());
  EXPECT_EQ(format_names(one(ListReminderFormats{})), std::vector<std::string>{"1 Relance"});

  ASSERT_TRUE(one(StartReminderRun{1, 5, {11}, Audience::kDirect, 1, Delivery::kFile}).ok());
  DefineReminderFormat changed{1,
                               "Relance abonnés",
                               FormatType::kReminder,
                               "\t",
                               "txt",
                               false,
                               {ReminderField::kLastName, ReminderField::kEndDate},
                               true};
  Reply r = one(changed);
  EXPECT_EQ(r.code, ReplyCode::kInvalidState) << r.message;
  EXPECT_NE(r.message.find("run 1 uses it"), std::string::npos) << r.message;
  EXPECT_EQ(one(DeleteReminderFormat{1}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(format_names(one(ListReminderFormats{})), std::vector<std::string>{"1 Relance"}) << "nothing changed";

  ASSERT_TRUE(one(ValidateReminderRun{1}).ok());
  r = one(changed);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(format_names(one(ListReminderFormats{})), std::vector<std::string>{"1 Relance abonnés"});
  r = one(StartReminderRun{2, 5, {11}, Audience::kDirect, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& second = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(std::filesystem::path(second.destination).extension(), ".txt") << "the changed format writes the file";
  EXPECT_EQ(read(second.destination).substr(0, 18), "last_name\tend_date");
  ASSERT_TRUE(one(CancelReminderRun{2}).ok());

  auto shop = connect_client(*app_, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  auto refused = shop->call({Command{0, DeleteReminderFormat{1}}, Command{0, ListReminderFormats{}}});
  ASSERT_TRUE(refused.is_ok());
  for (const ClientReply& each : *refused) EXPECT_EQ(each.code, kForbidden) << each.message;

  ASSERT_TRUE(one(DeleteReminderFormat{1}).ok());
  EXPECT_TRUE(format_names(one(ListReminderFormats{})).empty());
  EXPECT_EQ(one(StartReminderRun{3, 5, {11}, Audience::kDirect, 1, Delivery::kFile}).code, ReplyCode::kNotFound);
  EXPECT_EQ(one(RemindOrders{{book(1, 3000)}, 1, Delivery::kFile}).code, ReplyCode::kNotFound);
  r = one(GetReminderRun{1});
  ASSERT_TRUE(r.ok()) << "a run keeps its deleted format: " << r.message;
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).format.name, "Relance abonnés");
}

TEST_F(ReminderServer, FormatWithNoFields_IsRefused) {
  start(false);
  const Reply r = one(DefineReminderFormat{2, "Vide", FormatType::kReminder, ";", "csv", false, {}});
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(one(RemindOrders{{book(1, 3000)}, 2, Delivery::kFile}).code, ReplyCode::kNotFound);
}

}  // namespace
}  // namespace tessera::net
