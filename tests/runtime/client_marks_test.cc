// Client vs prospect across the partitions: a shard marks a contact at its
// first confirmed order there, the set's client pump carries the mark to
// the directory, and a mark a stop cut off is carried at the next start.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/reply_detail.h"
#include "runtime/shard_set.h"
#include "tests/runtime/contact_fixture.h"

namespace tessera::runtime {
namespace {

int64_t client_since(ShardSet& set, ContactId id) {
  const Reply r = set.call(Command{0, GetContact{id}});
  EXPECT_TRUE(r.ok()) << r.message;
  return r.ok() ? std::get<ContactCard>(r.detail->value).client_since_ms : -1;
}

ContactId create(ShardSet& set, const char* last, const char* first) {
  const Reply r = set.call(Command{0, CreateContact{kNone, 0, person(last, first)}});
  EXPECT_TRUE(r.ok()) << r.message;
  return r.ok() ? std::get<ContactCard>(r.detail->value).contact : kNone;
}

TEST(ClientMarks, TheFirstConfirmedOrderMakesAClient_OnlyOnce_AndThePumpCarriesIt) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  const ContactId chantal = create(set, "DUPONT", "Chantal");
  const ContactId paul = create(set, "MARTIN", "Paul");

  const Reply option = set.call(Command{0, option_for(chantal, 1000)});
  ASSERT_TRUE(option.ok()) << option.message;
  ASSERT_TRUE(set.pump_client_marks().ok());
  EXPECT_EQ(client_since(set, chantal), 0) << "an option is no purchase";

  clock.advance_ms(60'000);
  ASSERT_TRUE(set.call(Command{0, Confirm{option.order, {}}}).ok());
  // The set's own pump thread may carry the mark first: the explicit pump
  // then finds nothing left (at most one mark either way).
  const Reply pumped = set.pump_client_marks();
  ASSERT_TRUE(pumped.ok()) << pumped.message;
  EXPECT_LE(pumped.value, 1);
  EXPECT_EQ(client_since(set, chantal), kT0 + 60'000);

  // A second purchase, on the other shard: a mark there, the earlier time stays.
  clock.advance_ms(60'000);
  const Reply again = set.call(Command{0, option_for(chantal, 1001)});
  ASSERT_TRUE(again.ok() && set.call(Command{0, Confirm{again.order, {}}}).ok());
  EXPECT_LE(set.pump_client_marks().value, 1);
  EXPECT_EQ(set.pump_client_marks().value, 0) << "nothing new";
  EXPECT_EQ(client_since(set, chantal), kT0 + 60'000);

  // Without an explicit pump: the set's pump thread carries Paul's mark.
  const Reply his = set.call(Command{0, option_for(paul, 1000)});
  ASSERT_TRUE(his.ok() && set.call(Command{0, Confirm{his.order, {}}}).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (client_since(set, paul) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(client_since(set, paul), kT0 + 120'000);

  FindContacts clients;
  clients.with_prospects = false;
  const Reply found = set.call(Command{0, clients});
  ASSERT_TRUE(found.ok()) << found.message;
  EXPECT_EQ(found.value, 2);
  set.stop();

  // The marks are shard state: in the snapshot and the hash.
  for (uint32_t s = 0; s < 2; ++s) {
    const Shard& shard = set.runner(s).shard();
    const bool has_1000 = s == shard_of_performance(1000, 2);  // both contacts bought there
    EXPECT_EQ(shard.contacts().client_marks().size(), has_1000 ? 2u : 1u) << "shard " << s;
    std::string bytes;
    shard.save(&bytes);
    auto loaded = Shard::load(bytes);
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
    EXPECT_EQ((*loaded)->state_hash(), shard.state_hash());
    EXPECT_EQ((*loaded)->contacts().client_marks().size(), shard.contacts().client_marks().size());
  }
}

TEST(ClientMarks, AMarkAStopCutOff_IsCarriedAtTheNextStart) {
  ManualClock clock(kT0);
  auto directory = std::make_unique<DirectoryRunner>(clock);
  const Reply created = directory->shard().apply(Command{0, CreateContact{kNone, 0, person("DUPONT", "Chantal")}}, kT0);
  ASSERT_TRUE(created.ok()) << created.message;
  const ContactId chantal = std::get<ContactCard>(created.detail->value).contact;
  // Logged on the shard, never carried: the confirmation of an order.
  ShardSet first(2, clock);
  first.start();
  define_demo(first);
  first.stop();
  std::vector<std::unique_ptr<ShardRunner>> runners;
  for (uint32_t s = 0; s < 2; ++s) {  // the shards as a restart finds them
    std::string bytes;
    first.runner(s).shard().save(&bytes);
    auto loaded = Shard::load(bytes);
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
    runners.push_back(std::make_unique<ShardRunner>(std::move(*loaded), clock, RunnerConfig{}));
  }
  const uint32_t at = shard_of_performance(1000, 2);
  // The profile the directory hands every shard, so the shard knows her.
  ASSERT_TRUE(runners[at]
                  ->shard()
                  .apply(Command{0, SetContactProfile{chantal, std::get<ContactCard>(created.detail->value).number,
                                                      kContactIndividual, 1}},
                         kT0 + 500)
                  .ok());
  const Reply option = runners[at]->shard().apply(Command{0, option_for(chantal, 1000)}, kT0 + 1'000);
  ASSERT_TRUE(option.ok()) << option.message;
  ASSERT_TRUE(runners[at]->shard().apply(Command{0, Confirm{option.order, {}}}, kT0 + 2'000).ok());

  ShardSet set(std::move(runners), std::move(directory));
  set.start();
  ASSERT_TRUE(set.pump_client_marks().ok());
  EXPECT_EQ(client_since(set, chantal), kT0 + 2'000);
  set.stop();
  std::vector<uint64_t> taken(at + 1, 0);
  taken[at] = 1;
  EXPECT_EQ(set.directory()->shard().client_marks_taken(), taken);
}

TEST(ClientMarks, AMergeLeavesTheSurvivorAClient_OnTheShardsAndInTheDirectory) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  define_demo(set);
  const ContactId anne = create(set, "DUPONT", "Anne");
  const ContactId twin = create(set, "DUPONT", "Anne");
  const Reply bought = set.call(Command{0, option_for(twin, 1000)});
  ASSERT_TRUE(bought.ok() && set.call(Command{0, Confirm{bought.order, {}}}).ok());
  ASSERT_TRUE(set.call(Command{0, MergeContacts{anne, twin}}).ok());
  ASSERT_TRUE(set.pump_client_marks().ok());
  EXPECT_EQ(client_since(set, anne), kT0);
  set.stop();
  const Shard& shard = set.runner(shard_of_performance(1000, 2)).shard();
  EXPECT_EQ(shard.contacts().client_since(anne), kT0) << "its confirmed order names anne now";
  EXPECT_TRUE(shard.check_invariants().is_ok()) << shard.check_invariants().message();
}

}  // namespace
}  // namespace tessera::runtime
