// SubscriptionBook: series and issues, reminder formats, subscriptions and
// reminder runs (seed 002). Every refusal must leave the book's hash as it
// was; check_invariants() runs after every command.
#include "engine/subscriptions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "engine/codec.h"
#include "engine/limits.h"
#include "tests/engine/engine_clock.h"

namespace tessera::engine {
namespace {

constexpr int64_t kJan = 1'767'225'600'000;  // 2026-01-01
constexpr int64_t kFeb = kJan + 31 * kDay;
constexpr int64_t kMar = kFeb + 28 * kDay;
constexpr int64_t kApr = kMar + 31 * kDay;
constexpr int64_t kNow = kApr + 10 * kDay;

constexpr SeriesId kMagazine = 1, kOtherSeries = 2;
constexpr IssueId kIssueJan = 101, kIssueFeb = 102, kIssueMar = 103, kIssueApr = 104;
constexpr IssueId kOtherIssue = 201;
constexpr uint32_t kFormat = 7;

DefineReminderFormat csv_format(uint32_t id = kFormat) {
  return DefineReminderFormat{id,
                              "Relance",
                              FormatType::kReminder,
                              ";",
                              "csv",
                              true,
                              {ReminderField::kContactNumber, ReminderField::kLastName, ReminderField::kEmail,
                               ReminderField::kSeries, ReminderField::kLastIssue, ReminderField::kReminderRank}};
}

class SubscriptionBookTest : public testing::Test {
 protected:
  SubscriptionBookTest() {
    must(book_.define(DefineSeries{kMagazine, "Revue Tessera"}));
    must(book_.define(DefineSeries{kOtherSeries, "Autre titre"}));
    // Defined out of date order on purpose: the book keeps them sorted.
    must(book_.define(DefineIssue{kMagazine, kIssueMar, kMar, "n°3 mars"}));
    must(book_.define(DefineIssue{kMagazine, kIssueJan, kJan, "n°1 janvier"}));
    must(book_.define(DefineIssue{kMagazine, kIssueApr, kApr, "n°4 avril"}));
    must(book_.define(DefineIssue{kMagazine, kIssueFeb, kFeb, "n°2 février"}));
    must(book_.define(DefineIssue{kOtherSeries, kOtherIssue, kFeb, "autre n°1"}));
    must(book_.define(csv_format()));
    must(
        contacts_.define(DefineContact{1, 100000000300, "Dupont", "Jeanne", "jeanne@example.org", kContactIndividual}));
    must(contacts_.define(DefineContact{2, 100000000100, "Martin", "Paul", "paul@example.org", kContactIndividual}));
    must(contacts_.define(DefineContact{3, 100000000200, "Céline", "", "", kContactIndividual}));
    must(contacts_.define(
        DefineContact{9, 100000000900, "Mairie de Lyon", "", "compta@lyon.example", kContactOrganisation}));
  }

  static void must(const Reply& r) { ASSERT_TRUE(r.ok()) << reply_code_name(r.code) << ": " << r.message; }

  uint64_t hash() const {
    Hasher h;
    book_.hash_into(h);
    return h.value();
  }
  void check() const {
    const Status s = book_.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  // Applies a command that must be refused with `code`, and checks that it
  // changed nothing. Returns the refusal's message.
  template <typename F>
  std::string refused(ReplyCode code, F&& apply) {
    const uint64_t before = hash();
    const Reply r = apply();
    EXPECT_EQ(r.code, code) << reply_code_name(r.code) << ": " << r.message;
    EXPECT_FALSE(r.message.empty());
    EXPECT_EQ(r.detail, nullptr);
    EXPECT_EQ(hash(), before) << "a refusal changed the book: " << r.message;
    check();
    return r.message;
  }

  void subscribe(SubscriptionId id, ContactId subscriber, int64_t ends_ms, ContactId payer = kNone,
                 SeriesId series = kMagazine) {
    must(book_.apply(Subscribe{id, series, subscriber, payer, ends_ms}, contacts_));
    check();
  }

  Reply start(RunId run, std::vector<IssueId> issues, Audience audience = Audience::kDirect,
              SeriesId series = kMagazine) {
    Reply r = book_.apply(StartReminderRun{run, series, std::move(issues), audience, kFormat, Delivery::kFile},
                          contacts_, kNow);
    check();
    return r;
  }
  Reply validate(RunId run, int64_t now_ms = kNow + kDay) {
    Reply r = book_.apply(ValidateReminderRun{run}, now_ms);
    check();
    return r;
  }
  Reply cancel(RunId run) {
    Reply r = book_.apply(CancelReminderRun{run});
    check();
    return r;
  }

  static const ReminderBatch& batch(const Reply& r) {
    EXPECT_NE(r.detail, nullptr);
    return std::get<ReminderBatch>(r.detail->value);
  }
  static std::vector<SubscriptionId> selected(const Reply& r) {
    std::vector<SubscriptionId> ids;
    for (const ReminderItem& item : batch(r).items) ids.push_back(item.subscription);
    return ids;
  }
  uint32_t rank(SubscriptionId id) const {
    const SubscriptionRecord* s = book_.subscription(id);
    EXPECT_NE(s, nullptr);
    return s ? s->reminder_rank : 0;
  }

  SubscriptionBook book_;
  ContactBook contacts_;
};

// ---- Formats ----------------------------------------------------------------------

TEST_F(SubscriptionBookTest, FormatWithNoFields_IsRefused) {
  DefineReminderFormat f = csv_format(8);
  f.columns.clear();
  const std::string message = refused(ReplyCode::kInvalidArgument, [&] { return book_.define(f); });
  EXPECT_NE(message.find("no fields"), std::string::npos) << message;
  EXPECT_EQ(book_.format(8), nullptr);
}

TEST_F(SubscriptionBookTest, DefineReminderFormat_RefusesEveryBadField) {
  auto bad = [&](ReplyCode code, auto change) {
    DefineReminderFormat f = csv_format(8);
    change(f);
    refused(code, [&] { return book_.define(f); });
    EXPECT_EQ(check_reminder_format(f).code, code == ReplyCode::kDuplicate ? ReplyCode::kOk : code);
  };
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.format = 0; });
  bad(ReplyCode::kDuplicate, [](auto& f) { f.format = kFormat; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.name.clear(); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.name.assign(kNameLengthMax + 1, 'x'); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.type = static_cast<FormatType>(1); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.separator.clear(); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.separator = ";;;;;"; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.separator = "\n"; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.separator = ";\r"; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.separator = "\""; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.extension.clear(); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.extension = ".csv"; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.extension = "abcdefghijklmnopq"; });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.extension = "c/v"; });
  bad(ReplyCode::kInvalidArgument,
      [](auto& f) { f.columns.push_back(static_cast<ReminderField>(kReminderFieldCount)); });
  bad(ReplyCode::kInvalidArgument, [](auto& f) { f.columns.push_back(ReminderField::kEmail); });
  bad(ReplyCode::kLimitExceeded, [](auto& f) { f.columns.assign(kReminderColumnsMax + 1, ReminderField::kEmail); });
}

TEST_F(SubscriptionBookTest, DefineReminderFormat_AcceptsTabSeparatorAndEveryField) {
  DefineReminderFormat f = csv_format(8);
  f.separator = "\t";
  f.extension = "TXT2";
  f.columns.clear();
  for (uint8_t v = 0; v < kReminderFieldCount; ++v) f.columns.push_back(static_cast<ReminderField>(v));
  must(book_.define(f));
  ASSERT_NE(book_.format(8), nullptr);
  EXPECT_EQ(book_.format(8)->columns.size(), kReminderFieldCount);
  check();
}

// ---- Series and issues --------------------------------------------------------------

std::vector<uint32_t> listed(const SubscriptionBook& book) {
  const Reply r = book.query(ListReminderFormats{}, ContactBook{});
  EXPECT_TRUE(r.ok());
  std::vector<uint32_t> ids;
  for (const DefineReminderFormat& f : std::get<ReminderFormats>(r.detail->value).formats) {
    EXPECT_FALSE(f.replace);
    ids.push_back(f.format);
  }
  EXPECT_EQ(r.value, static_cast<int64_t>(ids.size()));
  return ids;
}

TEST_F(SubscriptionBookTest, Formats_AreListedById_ChangedWithReplace_AndDeleted) {
  must(book_.define(csv_format(3)));
  EXPECT_EQ(listed(book_), (std::vector<uint32_t>{3, kFormat})) << "by id, not by definition order";
  // Defined again without replace: a duplicate that says how to change it.
  EXPECT_NE(refused(ReplyCode::kDuplicate, [&] { return book_.define(csv_format(3)); }).find("replace"),
            std::string::npos);
  DefineReminderFormat changed = csv_format(3);
  changed.name = "Relance abonnés";
  changed.separator = "\t";
  changed.columns = {ReminderField::kLastName, ReminderField::kEndDate};
  changed.replace = true;
  must(book_.define(changed));
  check();
  ASSERT_NE(book_.format(3), nullptr);
  EXPECT_EQ(book_.format(3)->name, "Relance abonnés");
  EXPECT_EQ(book_.format(3)->columns.size(), 2u);
  EXPECT_FALSE(book_.format(3)->replace) << "the format is kept, not the request";
  DefineReminderFormat unknown = csv_format(44);
  unknown.replace = true;
  refused(ReplyCode::kNotFound, [&] { return book_.define(unknown); });
  changed.columns = {};
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(changed); });

  must(book_.define(DeleteReminderFormat{3}));
  check();
  EXPECT_EQ(listed(book_), std::vector<uint32_t>{kFormat});
  EXPECT_EQ(book_.format(3), nullptr) << "unusable once deleted";
  refused(ReplyCode::kNotFound, [&] { return book_.define(DeleteReminderFormat{3}); });
  refused(ReplyCode::kNotFound, [&] { return book_.define(DeleteReminderFormat{44}); });
  refused(ReplyCode::kDuplicate, [&] { return book_.define(csv_format(3)); });
  changed = csv_format(3);
  changed.replace = true;
  refused(ReplyCode::kNotFound, [&] { return book_.define(changed); });
  refused(ReplyCode::kNotFound, [&] {
    return book_.apply(StartReminderRun{50, kMagazine, {kIssueMar}, Audience::kDirect, 3, Delivery::kFile}, contacts_,
                       kNow);
  });
}

TEST_F(SubscriptionBookTest, AFormatAnUnfinishedRunUses_CannotChangeOrGo_ButAFinishedRunKeepsIt) {
  subscribe(1, 1, kMar + kDay);
  ASSERT_TRUE(start(20, {kIssueMar}).ok());
  DefineReminderFormat changed = csv_format();
  changed.name = "Autre";
  changed.replace = true;
  EXPECT_NE(refused(ReplyCode::kInvalidState, [&] { return book_.define(changed); }).find("run 20 uses it"),
            std::string::npos);
  refused(ReplyCode::kInvalidState, [&] { return book_.define(DeleteReminderFormat{kFormat}); });
  must(book_.apply(RecordRunExport{20, 1, 0, "relance.csv"}, kNow));
  refused(ReplyCode::kInvalidState, [&] { return book_.define(DeleteReminderFormat{kFormat}); });  // exported only
  ASSERT_TRUE(validate(20).ok());
  must(book_.define(changed));
  must(book_.define(DeleteReminderFormat{kFormat}));
  check();
  // The validated run still shows its batch, with the format's last definition.
  const Reply shown = book_.query(GetReminderRun{20}, contacts_);
  ASSERT_TRUE(shown.ok()) << shown.message;
  EXPECT_EQ(batch(shown).format.name, "Autre");
  EXPECT_EQ(batch(shown).items.size(), 1u);
  // A cancelled run does not hold a format either.
  must(book_.define(csv_format(8)));
  ASSERT_TRUE(
      book_.apply(StartReminderRun{21, kMagazine, {kIssueMar}, Audience::kDirect, 8, Delivery::kFile}, contacts_, kNow)
          .ok());
  refused(ReplyCode::kInvalidState, [&] { return book_.define(DeleteReminderFormat{8}); });
  ASSERT_TRUE(cancel(21).ok());
  must(book_.define(DeleteReminderFormat{8}));
  EXPECT_TRUE(listed(book_).empty());

  // A snapshot keeps the deletions (and the hash says so).
  SubscriptionBook loaded;
  ASSERT_TRUE(decode(encode(book_), loaded).is_ok());
  ASSERT_TRUE(loaded.rebuild_indexes());
  Hasher h;
  loaded.hash_into(h);
  EXPECT_EQ(h.value(), hash());
  EXPECT_TRUE(listed(loaded).empty());
  EXPECT_EQ(loaded.format(8), nullptr);
  EXPECT_TRUE(loaded.check_invariants().is_ok());
}

// ---- Document templates ----------------------------------------------------------

TEST_F(SubscriptionBookTest, DocumentTemplates_AreDefinedReplacedListedAndRemoved) {
  const DefineDocumentTemplate fr{DocumentKind::kOrderReminder, "fr", "Rappel {count}", "Bonjour {name},\n{items}"};
  const DefineDocumentTemplate en{DocumentKind::kOrderReminder, "en", "Reminder", "Dear {name},\n{table}"};
  const DefineDocumentTemplate third{DocumentKind::kThirdPartyReminder, "fr", "Vos abonnés", "{items}"};
  const uint64_t empty = hash();
  must(book_.define(fr));
  must(book_.define(third));
  must(book_.define(en));
  check();
  EXPECT_NE(hash(), empty);
  Reply listed = book_.query(ListDocumentTemplates{}, contacts_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(std::get<DocumentTemplates>(listed.detail->value).templates,
            (std::vector<DefineDocumentTemplate>{en, fr, third}))
      << "by document, then language";
  EXPECT_EQ(book_.templates_of(DocumentKind::kOrderReminder), (std::vector<DefineDocumentTemplate>{en, fr}));
  EXPECT_TRUE(book_.templates_of(DocumentKind::kSubscriptionReminder).empty());
  DefineDocumentTemplate changed = fr;
  changed.subject = "Dernier rappel";
  must(book_.define(changed));  // defining it again replaces it
  EXPECT_EQ(book_.templates_of(DocumentKind::kOrderReminder)[1].subject, "Dernier rappel");
  DefineDocumentTemplate remove{DocumentKind::kOrderReminder, "fr", "", "", true};
  must(book_.define(remove));
  check();
  EXPECT_EQ(book_.templates_of(DocumentKind::kOrderReminder), (std::vector<DefineDocumentTemplate>{en}));
  refused(ReplyCode::kNotFound, [&] { return book_.define(remove); });
}

TEST_F(SubscriptionBookTest, DocumentTemplates_RefuseUnknownFieldsAndBadText) {
  auto bad = [&](ReplyCode code, DefineDocumentTemplate t) { return refused(code, [&] { return book_.define(t); }); };
  const auto kind = DocumentKind::kOrderReminder;
  EXPECT_NE(bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel", "Bonjour {nom}"}).find("unknown field {nom}"),
            std::string::npos);
  EXPECT_NE(bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel", "Bonjour {name"}).find("unclosed"),
            std::string::npos);
  EXPECT_NE(bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel", "a } b"}).find("'}}'"), std::string::npos);
  EXPECT_NE(bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel {items}", "x"}).find("one line"), std::string::npos);
  bad(ReplyCode::kInvalidArgument, {kind, "fr", "deux\nlignes", "x"});
  bad(ReplyCode::kInvalidArgument, {kind, "fr", "", "x"});
  bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel", ""});
  bad(ReplyCode::kInvalidArgument, {kind, "fr", std::string(kTemplateSubjectBytesMax + 1, 'a'), "x"});
  bad(ReplyCode::kInvalidArgument, {kind, "fr", "Rappel", std::string(kTemplateBodyBytesMax + 1, 'a')});
  EXPECT_NE(bad(ReplyCode::kInvalidArgument, {kind, "FR", "Rappel", "x"}).find("ISO 639-1"), std::string::npos);
  bad(ReplyCode::kInvalidArgument, {kind, "fra", "Rappel", "x"});
  bad(ReplyCode::kInvalidArgument, {static_cast<DocumentKind>(kDocumentKindLast + 1), "fr", "Rappel", "x"});
  must(book_.define(DefineDocumentTemplate{kind, "fr", "{{Rappel}}", "Bonjour {name}, {{ {count} }}"}));
}

TEST_F(SubscriptionBookTest, DefineSeries_RefusesZeroDuplicateAndBadName) {
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(DefineSeries{0, "x"}); });
  refused(ReplyCode::kDuplicate, [&] { return book_.define(DefineSeries{kMagazine, "x"}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(DefineSeries{3, ""}); });
}

TEST_F(SubscriptionBookTest, DefineIssue_RefusesBadInput) {
  refused(ReplyCode::kNotFound, [&] { return book_.define(DefineIssue{99, 1, kJan, "x"}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(DefineIssue{kMagazine, 0, kJan, "x"}); });
  refused(ReplyCode::kDuplicate, [&] { return book_.define(DefineIssue{kMagazine, kIssueJan, kApr, "x"}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(DefineIssue{kMagazine, 105, -1, "x"}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.define(DefineIssue{kMagazine, 105, kApr, ""}); });
  // The same issue id in another series is another issue.
  must(book_.define(DefineIssue{kOtherSeries, kIssueJan, kJan, "autre janvier"}));
  check();
}

TEST_F(SubscriptionBookTest, DefineIssue_SameDate_LastIssueIsTheHighestId) {
  must(book_.define(DefineIssue{kMagazine, 150, kFeb, "hors-série février"}));
  subscribe(1, 1, kFeb + kDay);
  EXPECT_EQ(start(1, {kIssueFeb}).value, 0);
  EXPECT_EQ(start(2, {150}).value, 1);
}

// ---- Subscriptions --------------------------------------------------------------

TEST_F(SubscriptionBookTest, Subscribe_RefusesBadInput) {
  subscribe(1, 1, kFeb);
  auto sub = [&](Subscribe s) { return [this, s] { return book_.apply(s, contacts_); }; };
  refused(ReplyCode::kInvalidArgument, sub({0, kMagazine, 1, 0, kFeb}));
  refused(ReplyCode::kDuplicate, sub({1, kMagazine, 2, 0, kFeb}));
  refused(ReplyCode::kNotFound, sub({2, 99, 1, 0, kFeb}));
  refused(ReplyCode::kInvalidArgument, sub({2, kMagazine, 0, 0, kFeb}));
  refused(ReplyCode::kInvalidArgument, sub({2, kMagazine, 1, 1, kFeb}));
  refused(ReplyCode::kInvalidArgument, sub({2, kMagazine, 1, 0, 0}));
  refused(ReplyCode::kInvalidArgument, sub({2, kMagazine, 1, 0, -5}));
  // A contact without a record may subscribe (its reminders show no name).
  subscribe(2, 555, kFeb, 556);
  // Not one being deleted, nor a deleted one, as subscriber or payer.
  must(contacts_.freeze(FreezeContact{2, FreezeAction::kFreeze}));
  must(contacts_.set_profile(SetContactProfile{3, 0, 0, 1, true}));
  EXPECT_NE(refused(ReplyCode::kInvalidState, sub({3, kMagazine, 2, 0, kFeb})).find("being deleted"),
            std::string::npos);
  refused(ReplyCode::kInvalidState, sub({3, kMagazine, 1, 2, kFeb}));
  EXPECT_NE(refused(ReplyCode::kNotFound, sub({3, kMagazine, 3, 0, kFeb})).find("was deleted"), std::string::npos);
  EXPECT_EQ(book_.running_of(555, kFeb - 1), 1u);
  EXPECT_EQ(book_.running_of(556, kFeb - 1), 1u) << "a payer counts";
  EXPECT_EQ(book_.running_of(555, kFeb), 0u) << "an ended subscription does not";
}

TEST_F(SubscriptionBookTest, RenewSubscription_MovesEndAndResetsRank) {
  subscribe(1, 1, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 1);
  must(validate(1));
  EXPECT_EQ(rank(1), 1u);
  refused(ReplyCode::kNotFound, [&] { return book_.apply(RenewSubscription{99, kApr}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.apply(RenewSubscription{1, kFeb}); });
  refused(ReplyCode::kInvalidArgument, [&] { return book_.apply(RenewSubscription{1, kJan}); });
  EXPECT_EQ(rank(1), 1u);
  must(book_.apply(RenewSubscription{1, kApr}));
  check();
  EXPECT_EQ(rank(1), 0u);
  EXPECT_EQ(book_.subscription(1)->definition.ends_ms, kApr);
}

// ---- Runs: selection -----------------------------------------------------------------

TEST_F(SubscriptionBookTest, StartReminderRun_SelectsSubscriptionsEndingOnChosenIssues) {
  subscribe(1, 1, kFeb);                       // ends on the February issue's date: last issue February
  subscribe(2, 2, kMar - 1);                   // between February and March: last issue February
  subscribe(3, 3, kMar);                       // last issue March
  subscribe(4, 1, kJan - 1);                   // ends before the first issue: no last issue
  subscribe(5, 2, kJan + kDay);                // last issue January
  subscribe(6, 3, kFeb, kNone, kOtherSeries);  // another series
  const Reply r = start(1, {kIssueFeb, kIssueJan});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 3);
  std::vector<SubscriptionId> ids = selected(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<SubscriptionId>{1, 2, 5}));
  const ReminderBatch& b = batch(r);
  EXPECT_EQ(b.run, 1u);
  EXPECT_EQ(b.state, RunState::kSelected);
  EXPECT_EQ(b.delivery, Delivery::kFile);
  EXPECT_EQ(b.format.fields(), csv_format().fields());
}

TEST_F(SubscriptionBookTest, StartReminderRun_ChangesNoRank) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kMar);
  ASSERT_EQ(start(1, {kIssueFeb, kIssueMar}).value, 2);
  EXPECT_EQ(rank(1), 0u);
  EXPECT_EQ(rank(2), 0u);
  EXPECT_EQ(book_.subscription(1)->reminded_ms, 0);
}

TEST_F(SubscriptionBookTest, ThirdPartyAudience_SelectsPaidSubscriptions) {
  subscribe(1, 1, kFeb);     // direct
  subscribe(2, 2, kFeb, 9);  // paid by the city
  subscribe(3, 3, kFeb, 9);
  const Reply third = start(1, {kIssueFeb}, Audience::kThirdParty);
  EXPECT_EQ(third.value, 2);
  EXPECT_EQ(selected(third), (std::vector<SubscriptionId>{2, 3}));
  for (const ReminderItem& item : batch(third).items) {
    EXPECT_EQ(item.payer, 9u);
    EXPECT_EQ(item.payer_number, 100000000900u);
    EXPECT_EQ(item.payer_name, "Mairie de Lyon");
    EXPECT_EQ(item.payer_email, "compta@lyon.example");
  }
  const Reply direct = start(2, {kIssueFeb}, Audience::kDirect);
  EXPECT_EQ(selected(direct), (std::vector<SubscriptionId>{1}));
  EXPECT_EQ(batch(direct).items[0].payer, kNone);
  EXPECT_EQ(batch(direct).items[0].payer_name, "");
}

TEST_F(SubscriptionBookTest, StartReminderRun_ItemsCarryContactAndSubscriptionData) {
  subscribe(1, 1, kFeb + kDay);
  subscribe(2, 777, kFeb);  // no contact record
  const Reply r = start(1, {kIssueFeb});
  ASSERT_EQ(r.value, 2);
  const std::vector<ReminderItem>& items = batch(r).items;
  // Contact 777 has no record, so number 0: it sorts first.
  EXPECT_EQ(items[0].subscription, 2u);
  EXPECT_EQ(items[0].contact, 777u);
  EXPECT_EQ(items[0].contact_number, 0u);
  EXPECT_EQ(items[0].last_name, "");
  const ReminderItem& a = items[1];
  EXPECT_EQ(a.contact, 1u);
  EXPECT_EQ(a.contact_number, 100000000300u);
  EXPECT_EQ(a.last_name, "Dupont");
  EXPECT_EQ(a.first_name, "Jeanne");
  EXPECT_EQ(a.email, "jeanne@example.org");
  EXPECT_EQ(a.subscription, 1u);
  EXPECT_EQ(a.series_name, "Revue Tessera");
  EXPECT_EQ(a.ends_ms, kFeb + kDay);
  EXPECT_EQ(a.last_issue_name, "n°2 février");
  EXPECT_EQ(a.reminder_rank, 1u);
  EXPECT_EQ(a.order, 0u);
}

TEST_F(SubscriptionBookTest, StartReminderRun_ItemsSortedByContactNumberThenSubscription) {
  // Contact numbers: 2 -> ...100, 3 -> ...200, 1 -> ...300.
  subscribe(10, 1, kFeb);
  subscribe(4, 3, kFeb);
  subscribe(7, 2, kFeb);
  subscribe(3, 1, kFeb);
  subscribe(5, 2, kFeb);
  EXPECT_EQ(selected(start(1, {kIssueFeb})), (std::vector<SubscriptionId>{5, 7, 4, 3, 10}));
}

TEST_F(SubscriptionBookTest, StartReminderRun_SameCommandsGiveSameItemsAndHash) {
  auto build = [this](SubscriptionBook& b) {
    for (uint32_t id = 1; id <= 40; ++id)
      must(
          b.apply(Subscribe{id, kMagazine, 1 + id % 3, id % 4 == 0 ? 9u : 0u, kJan + (id % 5) * 20 * kDay}, contacts_));
    return b.apply(StartReminderRun{1, kMagazine, {kIssueJan, kIssueFeb}, Audience::kDirect, kFormat, Delivery::kEmail},
                   contacts_, kNow);
  };
  SubscriptionBook other = book_;
  const Reply a = build(book_);
  const Reply b = build(other);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(a.value, 0);
  Hasher ha, hb, hx, hy;
  ha.add(batch(a));
  hb.add(batch(b));
  EXPECT_EQ(ha.value(), hb.value());
  book_.hash_into(hx);
  other.hash_into(hy);
  EXPECT_EQ(hx.value(), hy.value());
  check();
}

TEST_F(SubscriptionBookTest, StartReminderRun_RefusesBadInput) {
  subscribe(1, 1, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  auto run = [this](StartReminderRun c) { return [this, c] { return book_.apply(c, contacts_, kNow); }; };
  const auto d = Audience::kDirect;
  const auto f = Delivery::kFile;
  refused(ReplyCode::kInvalidArgument, run({0, kMagazine, {kIssueFeb}, d, kFormat, f}));
  refused(ReplyCode::kDuplicate, run({1, kMagazine, {kIssueFeb}, d, kFormat, f}));
  refused(ReplyCode::kNotFound, run({2, 99, {kIssueFeb}, d, kFormat, f}));
  const std::string none = refused(ReplyCode::kInvalidArgument, run({2, kMagazine, {}, d, kFormat, f}));
  EXPECT_NE(none.find("choose at least one issue"), std::string::npos) << none;
  const std::string other = refused(ReplyCode::kNotFound, run({2, kMagazine, {kIssueFeb, kOtherIssue}, d, kFormat, f}));
  EXPECT_NE(other.find("issue 201"), std::string::npos) << other;
  refused(ReplyCode::kInvalidArgument, run({2, kMagazine, {kIssueFeb, kIssueFeb}, d, kFormat, f}));
  refused(ReplyCode::kLimitExceeded,
          run({2, kMagazine, std::vector<IssueId>(kRunIssuesMax + 1, kIssueFeb), d, kFormat, f}));
  refused(ReplyCode::kNotFound, run({2, kMagazine, {kIssueFeb}, d, 99, f}));
  refused(ReplyCode::kInvalidArgument, run({2, kMagazine, {kIssueFeb}, static_cast<Audience>(2), kFormat, f}));
  refused(ReplyCode::kInvalidArgument, run({2, kMagazine, {kIssueFeb}, d, kFormat, static_cast<Delivery>(3)}));
}

TEST_F(SubscriptionBookTest, StartReminderRun_WithNothingToRemind_RecordsAnEmptyRun) {
  // Runs are broadcast: a shard with no matching subscription still keeps
  // the run, so the later validate / cancel / get find it.
  const Reply r = start(1, {kIssueApr});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 0);
  EXPECT_TRUE(batch(r).items.empty());
  EXPECT_TRUE(validate(1).ok());
}

// ---- Runs: validation and cancellation ---------------------------------------------

TEST_F(SubscriptionBookTest, ValidateReminderRun_RaisesRanksOnce) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kMar);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 1);
  const Reply v = validate(1, kNow + kDay);
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.value, static_cast<int64_t>(RunState::kValidated));
  EXPECT_EQ(rank(1), 1u);
  EXPECT_EQ(book_.subscription(1)->reminded_ms, kNow + kDay);
  EXPECT_EQ(rank(2), 0u);  // not in the run
  const std::string again =
      refused(ReplyCode::kInvalidState, [&] { return book_.apply(ValidateReminderRun{1}, kNow); });
  EXPECT_NE(again.find("already validated"), std::string::npos) << again;
  EXPECT_EQ(rank(1), 1u);
}

TEST_F(SubscriptionBookTest, NextRun_AfterValidation_CarriesNextRank) {
  subscribe(1, 1, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 1);
  ASSERT_TRUE(validate(1).ok());
  const Reply second = start(2, {kIssueFeb});
  ASSERT_EQ(second.value, 1);
  EXPECT_EQ(batch(second).items[0].reminder_rank, 2u);
  EXPECT_EQ(rank(1), 1u);
  ASSERT_TRUE(validate(2).ok());
  EXPECT_EQ(rank(1), 2u);
}

TEST_F(SubscriptionBookTest, TwoRunsAtSameRank_RaiseRankOnce) {
  subscribe(1, 1, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 1);
  ASSERT_EQ(start(2, {kIssueFeb, kIssueMar}).value, 1);
  ASSERT_TRUE(validate(1).ok());
  ASSERT_TRUE(validate(2).ok());
  EXPECT_EQ(rank(1), 1u);
}

TEST_F(SubscriptionBookTest, OlderRunValidatedLate_NeverLowersRank) {
  subscribe(1, 1, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());  // carries rank 1
  ASSERT_TRUE(start(2, {kIssueFeb}).ok());  // carries rank 1
  ASSERT_TRUE(validate(2).ok());
  ASSERT_TRUE(start(3, {kIssueFeb}).ok());  // carries rank 2
  ASSERT_TRUE(validate(3).ok());
  ASSERT_TRUE(validate(1).ok());
  EXPECT_EQ(rank(1), 2u);
}

TEST_F(SubscriptionBookTest, RenewedSinceRun_ValidationLeavesRankAlone) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 2);
  must(book_.apply(RenewSubscription{1, kFeb + 365 * kDay}));
  ASSERT_TRUE(validate(1).ok());
  EXPECT_EQ(rank(1), 0u);
  EXPECT_EQ(book_.subscription(1)->reminded_ms, 0);
  EXPECT_EQ(rank(2), 1u);
}

TEST_F(SubscriptionBookTest, CancelledRun_ChangesNoRank) {
  subscribe(1, 1, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 1);
  const uint64_t before = hash();
  const Reply c = cancel(1);
  ASSERT_TRUE(c.ok()) << c.message;
  EXPECT_EQ(c.value, static_cast<int64_t>(RunState::kCancelled));
  EXPECT_NE(hash(), before);  // the run's state changed
  EXPECT_EQ(rank(1), 0u);
  const std::string v = refused(ReplyCode::kInvalidState, [&] { return book_.apply(ValidateReminderRun{1}, kNow); });
  EXPECT_NE(v.find("cancelled"), std::string::npos) << v;
  refused(ReplyCode::kInvalidState, [&] { return book_.apply(CancelReminderRun{1}); });
  refused(ReplyCode::kInvalidState, [&] { return book_.apply(RecordRunExport{1, 1, 0, "/tmp/r.csv"}, kNow); });
  refused(ReplyCode::kInvalidState, [&] {
    return book_.apply(ExportReminderRun{1, Delivery::kFile}, contacts_, kNow);
  });
  EXPECT_EQ(rank(1), 0u);
}

TEST_F(SubscriptionBookTest, ValidatedRun_CannotBeCancelled_ButCanBeExportedAgain) {
  subscribe(1, 1, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  ASSERT_TRUE(validate(1).ok());
  refused(ReplyCode::kInvalidState, [&] { return book_.apply(CancelReminderRun{1}); });
  EXPECT_NE(book_.check_run_open(RunId{1}, "record an export").message.find("already validated"), std::string::npos)
      << "rules 3 and older refuse it (Shard::on)";
  const Reply again = book_.apply(ExportReminderRun{1, Delivery::kEmail}, contacts_, kNow + 2 * kDay);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(batch(again).state, RunState::kValidated);
  EXPECT_EQ(batch(again).delivery, Delivery::kEmail);
  EXPECT_EQ(selected(again), std::vector<SubscriptionId>{1});
  const Reply recorded = book_.apply(RecordRunExport{1, 1, 0, "smtp://mail:25"}, kNow + 2 * kDay);
  ASSERT_TRUE(recorded.ok()) << recorded.message;
  EXPECT_EQ(recorded.value, static_cast<int64_t>(RunState::kValidated)) << "a re-export does not reopen the run";
  check();
  EXPECT_EQ(rank(1), 1u) << "exporting again raises nothing";
}

// ---- Runs: date ranges, review, export, validation option -----------------------------

TEST_F(SubscriptionBookTest, DateRange_SelectsLastIssuesDatedWithinIt_AloneOrWithIssues) {
  subscribe(1, 1, kJan + kDay);  // last issue January
  subscribe(2, 2, kFeb);         // February
  subscribe(3, 3, kMar + kDay);  // March
  subscribe(4, 1, kApr);         // April
  auto run = [&](RunId id, std::vector<IssueId> issues, int64_t from, int64_t to) {
    Reply r = book_.apply(
        StartReminderRun{id, kMagazine, std::move(issues), Audience::kDirect, kFormat, Delivery::kReview, from, to},
        contacts_, kNow);
    check();
    return r;
  };
  // February and March issues are dated within [kFeb, kMar]: the bounds count.
  Reply r = run(1, {}, kFeb, kMar);
  ASSERT_TRUE(r.ok()) << r.message;
  std::vector<SubscriptionId> ids = selected(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<SubscriptionId>{2, 3}));
  // A range and an issue: either one selects.
  r = run(2, {kIssueApr}, kJan, kJan + kDay);
  ASSERT_TRUE(r.ok()) << r.message;
  ids = selected(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<SubscriptionId>{1, 4}));
  // A range between two issues selects nothing (the run is still made).
  r = run(3, {}, kFeb + kDay, kMar - kDay);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 0);
}

TEST_F(SubscriptionBookTest, DateRange_ThatMakesNoSense_IsRefused) {
  subscribe(1, 1, kFeb);
  auto with_range = [&](std::vector<IssueId> issues, int64_t from, int64_t to) {
    return [&, issues, from, to] {
      return book_.apply(StartReminderRun{9, kMagazine, issues, Audience::kDirect, kFormat, Delivery::kFile, from, to},
                         contacts_, kNow);
    };
  };
  EXPECT_NE(refused(ReplyCode::kInvalidArgument, with_range({}, kMar, kFeb)).find("before it starts"),
            std::string::npos);
  EXPECT_NE(refused(ReplyCode::kInvalidArgument, with_range({}, 0, 0)).find("issue or a date range"),
            std::string::npos);
  refused(ReplyCode::kInvalidArgument, with_range({}, kFeb, 0));   // a start without an end
  refused(ReplyCode::kInvalidArgument, with_range({}, -1, kFeb));  // before the epoch
  refused(ReplyCode::kInvalidArgument, with_range({}, kFeb, kTimeMsMax + 1));
  refused(ReplyCode::kNotFound, with_range({kOtherIssue}, kJan, kFeb));  // an issue of another series
  refused(ReplyCode::kInvalidArgument, [&] {
    return book_.apply(StartReminderRun{9, kMagazine, {kIssueFeb}, Audience::kDirect, kFormat, Delivery{7}}, contacts_,
                       kNow);
  });
}

TEST_F(SubscriptionBookTest, ReviewRun_CountsRanks_ThenExportsWhenAsked) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb);
  subscribe(3, 3, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  must(book_.apply(RecordRunExport{1, 3, 0, "/tmp/first.csv"}, kNow));
  ASSERT_TRUE(validate(1).ok());  // ranks 1, 1, 1
  subscribe(4, 1, kFeb);          // rank 0
  const Reply review = book_.apply(
      StartReminderRun{2, kMagazine, {kIssueFeb}, Audience::kDirect, kFormat, Delivery::kReview}, contacts_, kNow);
  check();
  ASSERT_TRUE(review.ok()) << review.message;
  EXPECT_EQ(review.value, 4);
  EXPECT_EQ(batch(review).delivery, Delivery::kReview);
  EXPECT_EQ(batch(review).state, RunState::kSelected);
  std::map<uint32_t, int> ranks;
  for (const ReminderItem& i : batch(review).items) ++ranks[i.reminder_rank];
  EXPECT_EQ(ranks, (std::map<uint32_t, int>{{1, 1}, {2, 3}}));
  refused(ReplyCode::kInvalidArgument, [&] {
    return book_.apply(ExportReminderRun{2, Delivery::kReview}, contacts_, kNow);
  });
  refused(ReplyCode::kNotFound, [&] { return book_.apply(ExportReminderRun{3, Delivery::kFile}, contacts_, kNow); });
  const Reply exported = book_.apply(ExportReminderRun{2, Delivery::kFile}, contacts_, kNow + 1000);
  check();
  ASSERT_TRUE(exported.ok()) << exported.message;
  EXPECT_EQ(exported.value, 4);
  EXPECT_EQ(batch(exported).delivery, Delivery::kFile);
  EXPECT_EQ(rank(1), 1u) << "an export raises no rank";
  const Reply listed = book_.query(ListReminderRuns{kNone, kNone}, contacts_);
  ASSERT_TRUE(listed.ok()) << listed.message;
  const ReminderRuns& runs = std::get<ReminderRuns>(listed.detail->value);
  ASSERT_EQ(runs.runs.size(), 2u);
  EXPECT_EQ(runs.runs[0].run, 2u) << "newest first";
  EXPECT_EQ(runs.runs[0].export_requested_ms, kNow + 1000);
  EXPECT_EQ(runs.runs[0].exported_ms, 0) << "asked, not recorded yet: under way";
  EXPECT_EQ(runs.runs[0].selected, 4u);
  EXPECT_EQ(runs.runs[1].state, RunState::kValidated);
  EXPECT_EQ(runs.runs[1].exported_ms, kNow);
  EXPECT_EQ(runs.runs[1].destination, "/tmp/first.csv");
}

TEST_F(SubscriptionBookTest, WithoutValidation_ExportRaisesTheRanksOfThoseDeliveredOnly) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb);
  subscribe(3, 3, kFeb);
  const Reply r = book_.apply(
      StartReminderRun{
          1, kMagazine, {kIssueFeb}, Audience::kDirect, kFormat, Delivery::kEmail, 0, 0, /*validation=*/false},
      contacts_, kNow);
  check();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_FALSE(batch(r).validation);
  // Nothing delivered (the relay was down): no rank moves, the run waits.
  Reply e = book_.apply(RecordRunExport{1, 0, 3, "smtp://mail:25"}, kNow);
  check();
  ASSERT_TRUE(e.ok()) << e.message;
  EXPECT_EQ(e.value, static_cast<int64_t>(RunState::kExported));
  EXPECT_EQ(rank(1) + rank(2) + rank(3), 0u);
  // Exported again: contact 3's e-mail failed; the others are reminded.
  e = book_.apply(RecordRunExport{1, 2, 1, "smtp://mail:25", {3}}, kNow + kDay);
  check();
  ASSERT_TRUE(e.ok()) << e.message;
  EXPECT_EQ(e.value, static_cast<int64_t>(RunState::kValidated));
  EXPECT_EQ(rank(1), 1u);
  EXPECT_EQ(rank(2), 1u);
  EXPECT_EQ(rank(3), 0u) << "never reminded: its rank stays";
  EXPECT_EQ(book_.subscription(1)->reminded_ms, kNow + kDay);
  // Its activity shows no mailing for the one that failed.
  ContactActivity activity;
  std::vector<ActivityRow> mailings;
  book_.activity_of(3, kNow, activity, &mailings);
  EXPECT_TRUE(mailings.empty());
  book_.activity_of(1, kNow, activity, &mailings);
  EXPECT_EQ(mailings.size(), 1u);
}

TEST_F(SubscriptionBookTest, WithValidation_TheFailedOnesKeepTheirRank) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  must(book_.apply(RecordRunExport{1, 1, 1, "smtp://mail:25", {2}}, kNow));
  check();
  EXPECT_EQ(rank(1), 0u) << "the run waits for its validation";
  ASSERT_TRUE(validate(1).ok());
  EXPECT_EQ(rank(1), 1u);
  EXPECT_EQ(rank(2), 0u);
}

TEST_F(SubscriptionBookTest, AnExportRecordedUnderRules3_CountsNoReminderAsUndelivered) {
  subscribe(1, 1, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  // Logged before rules 4: nothing delivered, yet validation raised the rank then.
  must(book_.apply(RecordRunExport{1, 0, 1, "smtp://mail:25"}, kNow, /*track_undelivered=*/false));
  ASSERT_TRUE(validate(1).ok());
  EXPECT_EQ(rank(1), 1u);
}

TEST_F(SubscriptionBookTest, ListReminderRuns_PagesNewestFirst_ByCursorAndSeries) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb, kNone, kOtherSeries);
  const uint32_t runs = kRunsInReplyMax + 5;
  for (uint32_t id = 1; id <= runs; ++id) {
    const SeriesId series = id % 2 ? kMagazine : kOtherSeries;
    const IssueId issue = id % 2 ? kIssueFeb : kOtherIssue;
    must(book_.apply(StartReminderRun{id, series, {issue}, Audience::kDirect, kFormat, Delivery::kReview}, contacts_,
                     kNow));
  }
  Reply r = book_.query(ListReminderRuns{kNone, kNone}, contacts_);
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderRuns first = std::get<ReminderRuns>(r.detail->value);
  EXPECT_EQ(first.total, runs);
  ASSERT_EQ(first.runs.size(), kRunsInReplyMax);
  EXPECT_EQ(first.runs.front().run, runs);
  EXPECT_EQ(first.next_before, first.runs.back().run);
  r = book_.query(ListReminderRuns{kNone, first.next_before}, contacts_);
  const ReminderRuns second = std::get<ReminderRuns>(r.detail->value);
  ASSERT_EQ(second.runs.size(), 5u);
  EXPECT_EQ(second.runs.back().run, 1u);
  EXPECT_EQ(second.next_before, 0u) << "the last page";
  r = book_.query(ListReminderRuns{kOtherSeries, kNone}, contacts_);
  const ReminderRuns other = std::get<ReminderRuns>(r.detail->value);
  EXPECT_EQ(other.total, runs / 2);
  for (const ReminderRunSummary& s : other.runs) {
    EXPECT_EQ(s.series, kOtherSeries);
    EXPECT_EQ(s.series_name, "Autre titre");
    EXPECT_EQ(s.selected, 1u);
    EXPECT_EQ(s.delivery, Delivery::kReview);
  }
  refused(ReplyCode::kNotFound, [&] { return book_.query(ListReminderRuns{SeriesId{77}, kNone}, contacts_); });
}

TEST_F(SubscriptionBookTest, UnknownRun_IsRefusedByEveryRunCommand) {
  refused(ReplyCode::kNotFound, [&] { return book_.apply(ValidateReminderRun{5}, kNow); });
  refused(ReplyCode::kNotFound, [&] { return book_.apply(CancelReminderRun{5}); });
  refused(ReplyCode::kNotFound, [&] { return book_.apply(RecordRunExport{5, 1, 0, "x"}, kNow); });
  refused(ReplyCode::kNotFound, [&] { return book_.query(GetReminderRun{5}, contacts_); });
}

// ---- Export and GetReminderRun -------------------------------------------------------

TEST_F(SubscriptionBookTest, RecordRunExport_ShowsProgressInGetReminderRun) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kFeb);
  ASSERT_EQ(start(1, {kIssueFeb}).value, 2);
  refused(ReplyCode::kInvalidArgument, [&] { return book_.apply(RecordRunExport{1, 2, 0, ""}, kNow); });
  refused(ReplyCode::kInvalidArgument, [&] {
    return book_.apply(RecordRunExport{1, 2, 0, std::string(kRunDestinationLengthMax + 1, 'x')}, kNow);
  });
  const Reply e = book_.apply(RecordRunExport{1, 1, 1, "smtp://mail:25"}, kNow);
  check();
  ASSERT_TRUE(e.ok()) << e.message;
  EXPECT_EQ(e.value, static_cast<int64_t>(RunState::kExported));
  EXPECT_EQ(rank(1), 0u);  // exporting is not validating
  // A later report of the same run replaces the counts.
  must(book_.apply(RecordRunExport{1, 2, 0, "smtp://mail:25"}, kNow));
  check();
  const Reply g = book_.query(GetReminderRun{1}, contacts_);
  ASSERT_TRUE(g.ok()) << g.message;
  EXPECT_EQ(g.value, 2);
  const ReminderBatch& b = batch(g);
  EXPECT_EQ(b.state, RunState::kExported);
  EXPECT_EQ(b.delivered, 2u);
  EXPECT_EQ(b.failed, 0u);
  EXPECT_EQ(b.destination, "smtp://mail:25");
  ASSERT_TRUE(validate(1).ok());
  EXPECT_EQ(rank(1), 1u);
  EXPECT_EQ(rank(2), 1u);
}

TEST_F(SubscriptionBookTest, GetReminderRun_ShowsCurrentContactsAndRecordedRanks) {
  subscribe(1, 1, kFeb);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  ASSERT_TRUE(validate(1).ok());
  must(contacts_.update(
      UpdateContact{1, 100000000301, "Dupont-Durand", "Jeanne", "jd@example.org", kContactIndividual}));
  const uint64_t before = hash();
  const Reply g = book_.query(GetReminderRun{1}, contacts_);
  EXPECT_EQ(hash(), before);
  ASSERT_TRUE(g.ok()) << g.message;
  const ReminderBatch& b = batch(g);
  EXPECT_EQ(b.state, RunState::kValidated);
  ASSERT_EQ(b.items.size(), 1u);
  EXPECT_EQ(b.items[0].last_name, "Dupont-Durand");
  EXPECT_EQ(b.items[0].contact_number, 100000000301u);
  EXPECT_EQ(b.items[0].reminder_rank, 1u);
  EXPECT_EQ(b.items[0].last_issue_name, "n°2 février");
  // A second run carries rank 2; the first still shows the rank it carried.
  ASSERT_TRUE(start(2, {kIssueFeb}).ok());
  EXPECT_EQ(batch(book_.query(GetReminderRun{2}, contacts_)).items[0].reminder_rank, 2u);
  EXPECT_EQ(batch(book_.query(GetReminderRun{1}, contacts_)).items[0].reminder_rank, 1u);
}

// ---- Limits -------------------------------------------------------------------------

TEST_F(SubscriptionBookTest, CatalogLimits_AreRefusedWithLimitExceeded) {
  for (uint32_t i = 1; i < kReminderFormatsMax; ++i) must(book_.define(csv_format(100 + i)));  // format 7 exists
  refused(ReplyCode::kLimitExceeded, [&] { return book_.define(csv_format(50'000)); });
  for (uint32_t id = 3; id < kSeriesMax + 1; ++id) must(book_.define(DefineSeries{id, "s"}));
  refused(ReplyCode::kLimitExceeded, [&] { return book_.define(DefineSeries{kSeriesMax + 1, "s"}); });
  for (uint32_t id = 1; id <= kIssuesPerSeriesMax; ++id) must(book_.define(DefineIssue{3, id, id * kDay, "n"}));
  refused(ReplyCode::kLimitExceeded, [&] { return book_.define(DefineIssue{3, 50'000, 0, "n"}); });
}

TEST_F(SubscriptionBookTest, RunLimit_IsRefusedWithLimitExceeded) {
  for (uint32_t id = 1; id <= kRunsMax; ++id)
    ASSERT_TRUE(book_
                    .apply(StartReminderRun{id, kMagazine, {kIssueJan}, Audience::kDirect, kFormat, Delivery::kFile},
                           contacts_, kNow)
                    .ok());
  refused(ReplyCode::kLimitExceeded, [&] {
    return book_.apply(
        StartReminderRun{kRunsMax + 1, kMagazine, {kIssueJan}, Audience::kDirect, kFormat, Delivery::kFile}, contacts_,
        kNow);
  });
}

// ---- Snapshot support ----------------------------------------------------------------

TEST_F(SubscriptionBookTest, CopyWithRebuiltIndexes_KeepsHashAndLookups) {
  subscribe(1, 1, kFeb);
  subscribe(2, 2, kMar, 9);
  ASSERT_TRUE(start(1, {kIssueFeb}).ok());
  SubscriptionBook copy = book_;
  ASSERT_TRUE(copy.rebuild_indexes());
  Hasher a, b;
  book_.hash_into(a);
  copy.hash_into(b);
  EXPECT_EQ(a.value(), b.value());
  EXPECT_TRUE(copy.check_invariants().is_ok());
  ASSERT_NE(copy.subscription(2), nullptr);
  EXPECT_EQ(copy.subscription(2)->definition.payer, 9u);
  EXPECT_TRUE(copy.apply(ValidateReminderRun{1}, kNow).ok());
  EXPECT_EQ(copy.subscription(1)->reminder_rank, 1u);
}

// ---- Randomised against a reference model -----------------------------------------

// The model: subscriptions as (payer, end, rank); runs as lists of
// (subscription, rank carried, end seen) and a state; the last issue is
// found by a linear scan.
struct ModelSub {
  ContactId payer = kNone;
  int64_t ends_ms = 0;
  uint32_t rank = 0;
};
struct ModelItem {
  SubscriptionId subscription;
  uint32_t rank;
  int64_t ends_ms;
};
struct ReminderRunModel {
  std::vector<ModelItem> items;
  RunState state = RunState::kSelected;
  bool validation = true;
  std::set<SubscriptionId> undelivered;  // by the last recorded export
};

class RandomRuns {
 public:
  RandomRuns(SubscriptionBook book, const ContactBook& contacts, uint32_t seed)
      : book_(std::move(book)), contacts_(contacts), rng_(seed) {}

  uint32_t raised() const { return raised_; }  // ranks raised so far (the test is not vacuous)

  void step() {
    const uint64_t before = hash();
    Reply r;
    switch (rng_() % 7) {
      case 0:
        r = subscribe();
        break;
      case 1:
        r = renew();
        break;
      case 2:
      case 3:
        r = start();
        break;
      case 4:
        r = validate();
        break;
      case 5:
        r = cancel();
        break;
      default:
        r = record_export();
        break;
    }
    if (!r.ok()) {
      EXPECT_EQ(hash(), before) << "refusal changed the book: " << r.message;
    }
    const Status s = book_.check_invariants();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    for (const auto& [id, m] : subs_) {
      ASSERT_NE(book_.subscription(id), nullptr);
      ASSERT_EQ(book_.subscription(id)->reminder_rank, m.rank) << "subscription " << id;
      ASSERT_EQ(book_.subscription(id)->definition.ends_ms, m.ends_ms) << "subscription " << id;
    }
  }

 private:
  // The last issue (0: none) and its date.
  static std::pair<IssueId, int64_t> last_issue(int64_t ends_ms) {
    const std::pair<IssueId, int64_t> issues[] = {
        {kIssueJan, kJan}, {kIssueFeb, kFeb}, {kIssueMar, kMar}, {kIssueApr, kApr}};
    std::pair<IssueId, int64_t> last{0, 0};
    for (auto [id, date] : issues)
      if (date <= ends_ms) last = {id, date};
    return last;
  }
  uint64_t hash() const {
    Hasher h;
    book_.hash_into(h);
    return h.value();
  }
  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  Reply subscribe() {
    const SubscriptionId id = 1 + pick(60);
    const ContactId payer = pick(3) == 0 ? 9 : kNone;
    const int64_t ends = kJan - kDay + static_cast<int64_t>(pick(120)) * kDay;
    Reply r = book_.apply(Subscribe{id, kMagazine, 1 + pick(3), payer, ends}, contacts_);
    EXPECT_EQ(r.ok(), !subs_.count(id)) << r.message;
    if (r.ok()) subs_[id] = ModelSub{payer, ends, 0};
    return r;
  }
  Reply renew() {
    const SubscriptionId id = 1 + pick(60);
    const int64_t ends = kJan + static_cast<int64_t>(pick(150)) * kDay;
    Reply r = book_.apply(RenewSubscription{id, ends});
    auto it = subs_.find(id);
    EXPECT_EQ(r.ok(), it != subs_.end() && ends > it->second.ends_ms) << r.message;
    if (r.ok()) it->second = ModelSub{it->second.payer, ends, 0};
    return r;
  }
  Reply start() {
    const RunId run = 1 + pick(40);
    std::vector<IssueId> issues;
    for (IssueId i : {kIssueJan, kIssueFeb, kIssueMar, kIssueApr})
      if (pick(2)) issues.push_back(i);
    const Audience audience = pick(2) ? Audience::kThirdParty : Audience::kDirect;
    const bool ranged = pick(3) == 0;
    const int64_t from = ranged ? kJan - 10 * kDay + static_cast<int64_t>(pick(120)) * kDay : 0;
    const int64_t to = ranged ? from + static_cast<int64_t>(pick(60)) * kDay : 0;
    const bool validation = pick(2) == 0;
    const Delivery delivery = pick(3) == 0 ? Delivery::kReview : Delivery::kEmail;
    Reply r = book_.apply(StartReminderRun{run, kMagazine, issues, audience, kFormat, delivery, from, to, validation},
                          contacts_, kNow);
    EXPECT_EQ(r.ok(), !runs_.count(run) && (!issues.empty() || ranged)) << r.message;
    if (!r.ok()) return r;
    ReminderRunModel& m = runs_[run];
    m.validation = validation;
    for (const auto& [id, s] : subs_) {
      const auto [last, date] = last_issue(s.ends_ms);
      if ((s.payer != kNone) != (audience == Audience::kThirdParty)) continue;
      if (last == 0) continue;
      const bool in_range = ranged && date >= from && date <= to;
      if (!in_range && std::find(issues.begin(), issues.end(), last) == issues.end()) continue;
      m.items.push_back(ModelItem{id, s.rank + 1, s.ends_ms});
    }
    EXPECT_EQ(r.value, static_cast<int64_t>(m.items.size()));
    std::map<SubscriptionId, uint32_t> got;
    for (const ReminderItem& item : std::get<ReminderBatch>(r.detail->value).items)
      got[item.subscription] = item.reminder_rank;
    std::map<SubscriptionId, uint32_t> want;
    for (const ModelItem& item : m.items) want[item.subscription] = item.rank;
    EXPECT_EQ(got, want);
    return r;
  }
  bool open(RunId run) const {
    auto it = runs_.find(run);
    return it != runs_.end() && (it->second.state == RunState::kSelected || it->second.state == RunState::kExported);
  }
  Reply validate() {
    const RunId run = 1 + pick(40);
    Reply r = book_.apply(ValidateReminderRun{run}, kNow + kDay);
    EXPECT_EQ(r.ok(), open(run)) << r.message;
    if (r.ok()) raise(runs_[run]);
    return r;
  }
  // Validation: the ranks of the reminders delivered, not renewed since.
  void raise(ReminderRunModel& m) {
    for (const ModelItem& item : m.items) {
      if (m.undelivered.count(item.subscription)) continue;
      ModelSub& s = subs_[item.subscription];
      if (s.ends_ms != item.ends_ms) continue;
      raised_ += item.rank > s.rank;
      s.rank = std::max(s.rank, item.rank);
    }
    m.state = RunState::kValidated;
  }
  Reply cancel() {
    const RunId run = 1 + pick(40);
    Reply r = book_.apply(CancelReminderRun{run});
    EXPECT_EQ(r.ok(), open(run)) << r.message;
    if (r.ok()) runs_[run].state = RunState::kCancelled;
    return r;
  }
  Reply record_export() {
    const RunId run = 1 + pick(40);
    auto it = runs_.find(run);
    std::vector<SubscriptionId> failed;
    if (it != runs_.end())
      for (const ModelItem& item : it->second.items)
        if (pick(4) == 0) failed.push_back(item.subscription);
    const uint32_t delivered = pick(10);
    Reply r = book_.apply(
        RecordRunExport{run, delivered, static_cast<uint32_t>(failed.size()), "/var/tessera/relance.csv", failed},
        kNow + kDay);
    // Any run but a cancelled one (rules 4: a validated one too).
    EXPECT_EQ(r.ok(), it != runs_.end() && it->second.state != RunState::kCancelled) << r.message;
    if (!r.ok()) return r;
    ReminderRunModel& m = it->second;
    m.undelivered = {failed.begin(), failed.end()};
    if (delivered == 0)
      for (const ModelItem& item : m.items) m.undelivered.insert(item.subscription);
    if (m.state == RunState::kSelected) m.state = RunState::kExported;
    if (!m.validation && m.state == RunState::kExported && delivered > 0) raise(m);
    EXPECT_EQ(r.value, static_cast<int64_t>(m.state));
    return r;
  }

  SubscriptionBook book_;
  const ContactBook& contacts_;
  std::mt19937_64 rng_;
  std::map<SubscriptionId, ModelSub> subs_;
  std::map<RunId, ReminderRunModel> runs_;
  uint32_t raised_ = 0;
};

TEST_F(SubscriptionBookTest, RandomCommands_MatchReferenceModel) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    RandomRuns runs(book_, contacts_, seed);
    for (int step = 0; step < 500; ++step) {
      runs.step();
      if (HasFailure()) return;
    }
    EXPECT_GT(runs.raised(), 0u);
  }
}

}  // namespace
}  // namespace tessera::engine
