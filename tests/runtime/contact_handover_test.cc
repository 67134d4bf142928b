// The contact directory beside the shards: profiles handed to every shard
// before the reply, names read from the directory at query time, and the
// reconciliation at start (legacy shard contacts, a lost hand-over), and
// the deletion of a contact (freeze, count, delete or thaw), and the merge
// of two (orders, per-contact units and follow-up rows follow the survivor).
#include <gtest/gtest.h>

#include <thread>

#include "engine/reply_detail.h"
#include "runtime/shard_set.h"
#include "tests/runtime/contact_fixture.h"
#include "workload/demo_venue.h"

namespace tessera::runtime {
namespace {

using namespace tessera::engine;

// The follow-up screen's options of the demo season (filters added by the caller).
QueryFollowUp options_in_season_1() {
  QueryFollowUp q{};
  q.filter.kind = BookingKind::kOption;
  q.filter.due_until_ms = kT0 + 400LL * 86'400'000;
  q.filter.season = 1;
  q.filter.family = 1;
  return q;
}

TEST(ContactHandOver, EveryShardHasTheProfileWhenTheReplyArrives) {
  ManualClock clock(kT0);
  ShardSet set(3, clock);
  set.start();
  const Reply created = set.call(Command{0, CreateContact{kNone, 0, person("MARTIN", "Paul")}});
  ASSERT_TRUE(created.ok()) << created.message;
  const ContactCard card = std::get<ContactCard>(created.detail->value);
  ContactFields org = person("ACME", "");
  org.types = kContactOrganisation | kContactPartner;
  ASSERT_TRUE(set.call(Command{0, ChangeContact{card.contact, org}}).ok());
  const Reply legacy =
      set.call(Command{0, DefineContact{ContactId{50}, 9000, "DURAND", "Luc", "", kContactIndividual}});
  ASSERT_TRUE(legacy.ok()) << legacy.message;
  EXPECT_EQ(legacy.detail, nullptr) << "DefineContact answers an Ack";
  set.stop();
  for (uint32_t s = 0; s < 3; ++s) {
    const ContactBook& book = set.runner(s).shard().contacts();
    ASSERT_NE(book.find(card.contact), nullptr) << "shard " << s;
    EXPECT_EQ(book.find(card.contact)->record.types, kContactOrganisation | kContactPartner);
    EXPECT_EQ(book.find(card.contact)->record.last_name, "") << "no copy of the record on a shard";
    EXPECT_EQ(book.profile_seq(card.contact),
              set.directory()->shard().profiles_newer_than([](ContactId) { return 0; })[0].seq);
    ASSERT_NE(book.find(50), nullptr);
    EXPECT_EQ(book.find(50)->record.number, 9000u);
  }
}

TEST(ContactHandOver, AnImportHandsTheNewAndRetypedContactsToEveryShardInOneCommand) {
  ManualClock clock(kT0);
  ShardSet set(3, clock);
  set.start();
  const uint32_t columns = kColumnCivility | kColumnLastName | kColumnFirstName | kColumnPostcode | kColumnCity |
                           kColumnCountry | kColumnTypes;
  ContactFields guide = person("MARTIN", "Paul");
  guide.types = kContactIndividual | kContactGuide;
  const Reply imported = set.call(Command{
      0, ImportContacts{columns, {ContactImportRow{2, 7611, guide}, ContactImportRow{3, 0, person("DURAND", "")}}}});
  ASSERT_TRUE(imported.ok()) << imported.message;
  const auto& report = std::get<ContactImportReport>(imported.detail->value);
  ASSERT_EQ(report.created, 1u);
  ASSERT_EQ(report.refused, 1u);
  const ContactId id = report.rows[0].contact;
  const Reply again = set.call(Command{0, ImportContacts{columns, {ContactImportRow{2, 7611, guide}}}});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(std::get<ContactImportReport>(again.detail->value).unchanged, 1u) << "nothing to hand over";
  set.stop();
  for (uint32_t s = 0; s < 3; ++s) {
    const ContactBook& book = set.runner(s).shard().contacts();
    ASSERT_NE(book.find(id), nullptr) << "shard " << s;
    EXPECT_EQ(book.find(id)->record.types, kContactIndividual | kContactGuide);
    EXPECT_EQ(book.find(id)->record.number, 7611u);
    EXPECT_EQ(book.profile_seq(id), report.rows[0].profile_seq);
  }
}

TEST(ContactHandOver, FollowUpRowsShowTheDirectorysCurrentName) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(set.call(c).ok());
  workload::DemoVenue venue;
  venue.performances = 2;
  for (const Command& c : workload::demo_performances(venue, 1)) ASSERT_TRUE(set.call(c).ok());
  const Reply created = set.call(Command{0, CreateContact{kNone, 7611, person("DUPONT", "Chantal")}});
  ASSERT_TRUE(created.ok()) << created.message;
  const ContactId id = std::get<ContactCard>(created.detail->value).contact;
  Book book{
      BookingKind::kOption, id, workload::kBoxOffice, {workload::demo_line(1000, 1, 2, 2)}, kT0 + 10 * 86'400'000LL};
  const Reply booked = set.call(Command{0, book});
  ASSERT_TRUE(booked.ok()) << booked.message;
  ASSERT_TRUE(set.call(Command{0, ChangeContact{id, person("DUPONT-ROUGIER", "Chantal")}}).ok());
  QueryFollowUp q = options_in_season_1();
  q.filter.contact_types = kContactIndividual;
  const Reply page = set.call(Command{0, q});
  ASSERT_TRUE(page.ok()) << page.message;
  const auto& rows = std::get<FollowUpPage>(page.detail->value).rows;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].contact_name, "DUPONT-ROUGIER Chantal");
  EXPECT_EQ(rows[0].contact_number, 7611u);
  q.filter.contact_types = kContactOrganisation;
  EXPECT_EQ(set.call(Command{0, q}).value, 0) << "the shards filter on the handed-over types";
  set.stop();
}

// The seed's "CAT PUB" column: the audience category the directory has for
// the contact, by name.
TEST(ContactHandOver, FollowUpRowsShowTheAudienceCategory) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  ASSERT_TRUE(set.call(Command{0, DefineContactListEntry{ContactListKind::kAudience, 3, "Contact occasionnel"}}).ok());
  ContactFields occasional = person("DUPONT", "Chantal");
  occasional.audience = 3;
  const ContactId id = create_contact(set, occasional);
  const ContactId plain = create_contact(set, person("MARTIN", "Paul"));
  ASSERT_TRUE(set.call(Command{0, option_for(id, 1000)}).ok());
  ASSERT_TRUE(set.call(Command{0, option_for(plain, 1001)}).ok()) << "the other shard knows it too";
  const Reply unknown = set.call(Command{0, option_for(ContactId{plain.value() + 1000}, 1000)});
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound) << "a server's shard takes orders only for created contacts";
  EXPECT_NE(unknown.message.find("does not exist"), std::string::npos) << unknown.message;

  const Reply page = set.call(Command{0, options_in_season_1()});
  ASSERT_TRUE(page.ok()) << page.message;
  const auto& rows = std::get<FollowUpPage>(page.detail->value).rows;
  ASSERT_EQ(rows.size(), 2u);
  for (const FollowUpRow& row : rows) {
    if (row.contact == id) {
      EXPECT_EQ(row.audience, 3u);
      EXPECT_EQ(row.audience_name, "Contact occasionnel");
    } else {
      EXPECT_EQ(row.audience, 0u);
      EXPECT_EQ(row.audience_name, "");
    }
  }
  set.stop();
}

TEST(ContactHandOver, StartCopiesLegacyShardContacts_AndResendsLostProfiles) {
  ManualClock clock(kT0);
  std::vector<std::unique_ptr<ShardRunner>> runners;
  for (uint32_t s = 0; s < 2; ++s) {
    runners.push_back(std::make_unique<ShardRunner>(s, 2, clock));
    // Logged before the directory existed: a copy of the record on every shard.
    const Reply r = runners.back()->shard().apply(
        Command{0, DefineContact{ContactId{8}, 100000000008, "BOSCHE", "Lennart", "l@example.org", kContactIndividual}},
        kT0);
    ASSERT_TRUE(r.ok()) << r.message;
  }
  auto directory = std::make_unique<DirectoryRunner>(clock);
  // A contact the directory has but the shards never heard of (a crash
  // between the directory's write and the hand-over).
  ASSERT_TRUE(directory->shard().apply(Command{0, CreateContact{kNone, 0, person("MARTIN", "Paul")}}, kT0).ok());
  ShardSet set(std::move(runners), std::move(directory));
  set.start();
  const Reply legacy = set.call(Command{0, GetContact{ContactId{8}}});
  ASSERT_TRUE(legacy.ok()) << legacy.message;
  EXPECT_EQ(std::get<ContactCard>(legacy.detail->value).record.email, "l@example.org");
  set.stop();
  const directory::ContactDirectory& dir = set.directory()->shard();
  for (uint32_t s = 0; s < 2; ++s) {
    const ContactBook& book = set.runner(s).shard().contacts();
    EXPECT_TRUE(dir.profiles_newer_than([&](ContactId c) { return book.profile_seq(c); }).empty()) << "shard " << s;
    EXPECT_EQ(book.find(8)->record.last_name, "BOSCHE") << "a legacy record keeps its names";
  }
}

TEST(ContactDeletion, RefusedWhileAnOrderLives_ThenDeleted_AndNoShardTakesAnOrderForItAgain) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  const Reply created = set.call(Command{0, CreateContact{kNone, 7611, person("DUPONT", "Chantal")}});
  ASSERT_TRUE(created.ok()) << created.message;
  const ContactId id = std::get<ContactCard>(created.detail->value).contact;
  // One live order on each shard's performance (1000 and 1001 live on different shards).
  const Reply first = set.call(Command{0, option_for(id, 1000)});
  const Reply second = set.call(Command{0, option_for(id, 1001)});
  ASSERT_TRUE(first.ok() && second.ok()) << first.message << second.message;

  const Reply refused = set.call(Command{0, DeleteContact{id}});
  EXPECT_EQ(refused.code, ReplyCode::kInvalidState);
  EXPECT_NE(refused.message.find("live orders or running subscriptions (2)"), std::string::npos) << refused.message;
  EXPECT_TRUE(set.call(Command{0, GetContact{id}}).ok()) << "the refusal changes nothing";
  const Reply third = set.call(Command{0, option_for(id, 1000)});
  ASSERT_TRUE(third.ok()) << "the freeze is thawed: " << third.message;

  for (OrderId order : {first.order, second.order, third.order}) ASSERT_TRUE(set.call(Command{0, Release{order}}).ok());
  const Reply deleted = set.call(Command{0, DeleteContact{id}});
  ASSERT_TRUE(deleted.ok()) << deleted.message;
  EXPECT_TRUE(std::get<ContactCard>(deleted.detail->value).deleted);
  EXPECT_EQ(set.call(Command{0, GetContact{id}}).code, ReplyCode::kNotFound);
  for (PerformanceId p : {PerformanceId{1000}, PerformanceId{1001}}) {
    const Reply late = set.call(Command{0, option_for(id, p)});
    EXPECT_EQ(late.code, ReplyCode::kNotFound) << "performance " << p;
    EXPECT_NE(late.message.find("was deleted"), std::string::npos) << late.message;
  }
  EXPECT_TRUE(set.call(Command{0, option_for(kNone, 1000)}).ok()) << "orders without a contact still go";
  set.stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const auto& closed = set.runner(s).shard().contacts().closed();
    ASSERT_EQ(closed.size(), 1u) << "shard " << s;
    EXPECT_TRUE(closed[0].deleted);
    EXPECT_EQ(closed[0].freezes, 0u);
    EXPECT_TRUE(set.runner(s).shard().check_invariants().is_ok());
  }
}

TEST(ContactDeletion, AFrozenContactTakesNoOrder_AndFreezesNest) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  const ContactId id = create_contact(set, person("MARTIN", "Paul"));
  const Reply booked = set.call(Command{0, option_for(id, 1000)});
  ASSERT_TRUE(booked.ok()) << booked.message;
  const Reply frozen = set.call(Command{0, FreezeContact{id, FreezeAction::kFreeze}});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  EXPECT_EQ(frozen.value, 1) << "its live orders, summed over the shards";
  ASSERT_TRUE(set.call(Command{0, FreezeContact{id, FreezeAction::kFreeze}}).ok());
  EXPECT_EQ(set.call(Command{0, option_for(id, 1001)}).code, ReplyCode::kInvalidState);
  ASSERT_TRUE(set.call(Command{0, FreezeContact{id, FreezeAction::kThaw}}).ok());
  EXPECT_EQ(set.call(Command{0, option_for(id, 1001)}).code, ReplyCode::kInvalidState) << "one freeze is left";
  ASSERT_TRUE(set.call(Command{0, FreezeContact{id, FreezeAction::kThaw}}).ok());
  EXPECT_TRUE(set.call(Command{0, option_for(id, 1001)}).ok());
  EXPECT_EQ(set.call(Command{0, FreezeContact{id, FreezeAction{9}}}).code, ReplyCode::kInvalidArgument);
  set.stop();
}

TEST(ContactDeletion, StartThawsADeletionCutShort_AndHandsOverALoggedOne) {
  ManualClock clock(kT0);
  std::vector<std::unique_ptr<ShardRunner>> runners;
  auto directory = std::make_unique<DirectoryRunner>(clock);
  const Reply kept = directory->shard().apply(Command{0, CreateContact{kNone, 0, person("MARTIN", "Paul")}}, kT0);
  const Reply gone = directory->shard().apply(Command{0, CreateContact{kNone, 0, person("DURAND", "Luc")}}, kT0);
  ASSERT_TRUE(kept.ok() && gone.ok());
  const ContactId kept_id = std::get<ContactCard>(kept.detail->value).contact;
  const ContactId gone_id = std::get<ContactCard>(gone.detail->value).contact;
  // A kill -9 after the freezes: one deletion the directory never logged,
  // one it logged without handing it over.
  ASSERT_TRUE(directory->shard().apply(Command{0, DeleteContact{gone_id}}, kT0).ok());
  for (uint32_t s = 0; s < 2; ++s) {
    runners.push_back(std::make_unique<ShardRunner>(s, 2, clock));
    for (ContactId id : {kept_id, gone_id})
      ASSERT_TRUE(runners.back()->shard().apply(Command{0, FreezeContact{id, FreezeAction::kFreeze}}, kT0).ok());
  }
  ShardSet set(std::move(runners), std::move(directory));
  set.start();
  define_demo(set);
  EXPECT_TRUE(set.call(Command{0, option_for(kept_id, 1000)}).ok()) << "thawed at start";
  EXPECT_EQ(set.call(Command{0, option_for(gone_id, 1000)}).code, ReplyCode::kNotFound) << "deleted at start";
  set.stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const auto& closed = set.runner(s).shard().contacts().closed();
    ASSERT_EQ(closed.size(), 1u) << "shard " << s;
    EXPECT_EQ(closed[0].contact, gone_id);
    EXPECT_TRUE(closed[0].deleted);
  }
}

TEST(ContactMerge, OrdersFollowTheSurvivor_WithTheirPerContactUnitsAndFollowUpRows) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(set.call(c).ok());
  workload::DemoVenue venue;
  venue.performances = 2;
  venue.contact_limit = 6;
  for (const Command& c : workload::demo_performances(venue, 1)) ASSERT_TRUE(set.call(c).ok());
  const Reply a = set.call(Command{0, CreateContact{kNone, 7611, person("DUPONT", "Chantal")}});
  const Reply b = set.call(Command{0, CreateContact{kNone, 7612, person("DUPOND", "Chantal")}});
  ASSERT_TRUE(a.ok() && b.ok()) << a.message << b.message;
  const ContactId survivor = std::get<ContactCard>(a.detail->value).contact;
  const ContactId duplicate = std::get<ContactCard>(b.detail->value).contact;
  ASSERT_TRUE(set.call(Command{0, option_for(survivor, 1000)}).ok());
  ASSERT_TRUE(set.call(Command{0, option_for(duplicate, 1000)}).ok());
  ASSERT_TRUE(set.call(Command{0, option_for(duplicate, 1001)}).ok());
  const auto available = [&](ContactId c) {
    return set.call(Command{0, GetAvailability{1000, 2, kNone, workload::kBoxOffice, c}}).value;
  };
  ASSERT_EQ(available(survivor), 5);

  EXPECT_EQ(set.call(Command{0, MergeContacts{survivor, survivor}}).code, ReplyCode::kInvalidArgument);
  ContactFields org = person("ACME", "");
  org.types = kContactOrganisation;
  const Reply acme = set.call(Command{0, CreateContact{kNone, 0, org}});
  ASSERT_TRUE(acme.ok()) << acme.message;
  EXPECT_EQ(set.call(Command{0, MergeContacts{survivor, std::get<ContactCard>(acme.detail->value).contact}}).code,
            ReplyCode::kInvalidArgument)
      << "an individual and an organisation are not duplicates";
  const Reply merged = set.call(Command{0, MergeContacts{survivor, duplicate}});
  ASSERT_TRUE(merged.ok()) << merged.message;
  EXPECT_EQ(available(survivor), 4) << "the duplicate's unit counts against the survivor's limit";
  EXPECT_EQ(set.call(Command{0, MergeContacts{survivor, duplicate}}).code, ReplyCode::kNotFound);

  QueryFollowUp q = options_in_season_1();
  q.filter.contact = survivor;
  const Reply page = set.call(Command{0, q});
  ASSERT_TRUE(page.ok()) << page.message;
  EXPECT_EQ(page.value, 3) << "the follow-up screen finds the duplicate's options under the survivor";
  for (const FollowUpRow& row : std::get<FollowUpPage>(page.detail->value).rows) EXPECT_EQ(row.contact_number, 7611u);
  q.filter.contact = duplicate;
  EXPECT_EQ(set.call(Command{0, q}).value, 0);
  set.stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const Status ok = set.runner(s).shard().check_invariants();
    EXPECT_TRUE(ok.is_ok()) << "shard " << s << ": " << ok.to_string();
  }
}

TEST(ContactMerge, AMergeOrADeletionNamingAContactTheOtherIsWorkingOnIsRefusedBusy_AndChangesNothing) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  const ContactId kept = create_contact(set, person("DUPONT", "Chantal"));
  const ContactId duplicate = create_contact(set, person("DUPOND", "Chantal"));
  ASSERT_TRUE(set.call(Command{0, option_for(duplicate, 1000)}).ok());

  ASSERT_TRUE(set.claim_contacts({kept}));  // as a deletion of `kept` between its freeze and its delete
  const Reply merge = set.call(Command{0, MergeContacts{kept, duplicate}});
  EXPECT_EQ(merge.code, ReplyCode::kBusy) << merge.message;
  EXPECT_NE(merge.message.find("is being deleted or merged"), std::string::npos) << merge.message;
  EXPECT_EQ(set.call(Command{0, DeleteContact{kept}}).code, ReplyCode::kBusy);
  EXPECT_TRUE(set.call(Command{0, GetContact{duplicate}}).ok()) << "the duplicate is still there";
  EXPECT_EQ(set.call(Command{0, ListOrders{duplicate, kNone, 0, 0, 10}}).value, 1) << "its order is still its own";
  EXPECT_FALSE(set.claim_contacts({duplicate, kept})) << "all or none";
  EXPECT_TRUE(set.call(Command{0, ListOrders{kept, kNone, 0, 0, 10}}).ok());
  set.release_contacts({kept});

  ASSERT_TRUE(set.call(Command{0, MergeContacts{kept, duplicate}}).ok()) << "once the other is answered";
  EXPECT_EQ(set.call(Command{0, ListOrders{kept, kNone, 0, 0, 10}}).value, 1);
  EXPECT_TRUE(set.claim_contacts({kept, duplicate})) << "the merge gave its claim back";
  set.release_contacts({kept, duplicate});
  set.stop();
}

// A deletion of one contact and a merge of a duplicate into it, at once,
// many times: never a deleted contact with a live order.
TEST(ContactMerge, ADeletionAndAMergeIntoTheSameContactAtOnceNeverLeaveADeletedContactWithOrders) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  for (int round = 0; round < 40; ++round) {
    const ContactId target = create_contact(set, person("DUPONT", "Chantal"));
    const ContactId duplicate = create_contact(set, person("DUPOND", "Chantal"));
    ASSERT_TRUE(set.call(Command{0, option_for(duplicate, round % 2 == 0 ? 1000 : 1001)}).ok());
    Reply deleted, merged;
    std::thread deleting([&] { deleted = set.call(Command{0, DeleteContact{target}}); });
    merged = set.call(Command{0, MergeContacts{target, duplicate}});
    deleting.join();
    EXPECT_FALSE(deleted.ok() && merged.ok()) << "round " << round << ": both went through";
    const bool target_gone = set.call(Command{0, GetContact{target}}).code == ReplyCode::kNotFound;
    const int64_t target_orders = set.call(Command{0, ListOrders{target, kNone, 0x1F, 0, 10}}).value;
    EXPECT_FALSE(target_gone && target_orders > 0) << "round " << round << ": a deleted contact holds live orders";
    EXPECT_EQ(target_gone, deleted.ok()) << deleted.message;
  }
  set.stop();
}

}  // namespace
}  // namespace tessera::runtime
