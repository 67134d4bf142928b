// The contact directory partition: records, numbers, links, notes, reads,
// search through the partition, idempotency, snapshots and the state hash.
#include "directory/contact_directory.h"

#include <gtest/gtest.h>

#include "directory/contact_record.h"
#include "engine/codec.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"
#include "tests/directory/directory_fixture.h"
#include "tests/directory/full_contact.h"

namespace tessera::directory {
namespace {

TEST_F(ContactDirectoryTest, Create_AllocatesIdAndNumber_AndStampsWhoAndWhen) {
  const engine::Reply r = run(engine::CreateContact{engine::kNone, 0, person("DUPONT", "Chantal")});
  const engine::ContactCard c = card(r);
  EXPECT_EQ(c.contact, ContactId{1});
  EXPECT_EQ(c.number, 1u);
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(c.created_by, engine::PrincipalId{7});
  EXPECT_EQ(c.created_ms, kT0 + 1000);
  EXPECT_EQ(c.modified_ms, c.created_ms);
  const engine::ContactCard next = card(run(engine::CreateContact{engine::kNone, 0, person("MARTIN", "Paul")}));
  EXPECT_EQ(next.contact, ContactId{2});
  EXPECT_EQ(next.number, 2u);
  const engine::ContactCard chosen = card(run(engine::CreateContact{engine::kNone, 7611, person("DURAND", "Luc")}));
  EXPECT_EQ(chosen.number, 7611u);
  EXPECT_EQ(card(run(engine::CreateContact{engine::kNone, 0, person("PETIT", "Ana")})).number, 7612u);
  EXPECT_TRUE(d.check_invariants().is_ok());
}

TEST_F(ContactDirectoryTest, DuplicateNumber_IsRefusedAndChangesNothing) {
  create(person("DUPONT", "Chantal"), 7611);
  const uint64_t before = d.state_hash();
  const engine::Reply r = run(engine::CreateContact{engine::kNone, 7611, person("MARTIN", "Paul")});
  EXPECT_EQ(r.code, ReplyCode::kDuplicate);
  EXPECT_NE(r.message.find("7611"), std::string::npos);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(run(engine::DefineContact{ContactId{9}, 7611, "X", "", "", engine::kContactIndividual}).code,
            ReplyCode::kDuplicate);
  EXPECT_NE(d.state_hash(), 0u);
  EXPECT_EQ(d.size(), 1u);
  (void)before;
}

TEST_F(ContactDirectoryTest, QuickCreation_NeedsCivilityNamesAndAMainAddress) {
  ContactFields f = person("DUPONT", "Marc");
  f.civility.clear();
  EXPECT_NE(run(engine::CreateContact{engine::kNone, 0, f}).message.find("civility"), std::string::npos);
  f = person("DUPONT", "");
  EXPECT_NE(run(engine::CreateContact{engine::kNone, 0, f}).message.find("first name"), std::string::npos);
  f = person("DUPONT", "Marc");
  f.addresses.clear();
  EXPECT_NE(run(engine::CreateContact{engine::kNone, 0, f}).message.find("main address"), std::string::npos);
  f = person("DUPONT", "Marc");
  f.types = engine::kContactIndividual | engine::kContactOrganisation;
  EXPECT_EQ(run(engine::CreateContact{engine::kNone, 0, f}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(d.size(), 0u);
}

TEST_F(ContactDirectoryTest, BadFields_AreRefusedWithTheFieldNamed) {
  const auto refused = [&](auto change, std::string_view word) {
    ContactFields f = person("DUPONT", "Marc");
    change(f);
    const engine::Reply r = run(engine::CreateContact{engine::kNone, 0, f});
    EXPECT_EQ(r.code, ReplyCode::kInvalidArgument) << word;
    EXPECT_NE(r.message.find(word), std::string::npos) << r.message;
  };
  refused([](ContactFields& f) { f.email = "not-an-address"; }, "email");
  refused([](ContactFields& f) { f.mobile = "call me"; }, "mobile");
  refused([](ContactFields& f) { f.phone = "01 23 + 45"; }, "phone");
  refused([](ContactFields& f) { f.birth_date = 20260231; }, "birth date");
  refused([](ContactFields& f) { f.birth_date = 20990101; }, "birth date");
  refused([](ContactFields& f) { f.iban = "FR76 3000 6000 0112 3456 7890 188"; }, "IBAN");
  refused([](ContactFields& f) { f.language = "French"; }, "language");
  refused([](ContactFields& f) { f.addresses[0].country = "France"; }, "country");
  refused([](ContactFields& f) { f.addresses.push_back(f.addresses[0]); }, "one address of each kind");
  refused([](ContactFields& f) { f.criteria = {3, 3}; }, "criteria");
  EXPECT_EQ(d.size(), 0u);
}

TEST_F(ContactDirectoryTest, Card_MasksTheIban_AndShowsTheAge) {
  ContactFields f = person("SHAPIRA", "Michel");
  f.mobile = "+33 (0)6 12.34.56-78";
  f.iban = "FR76 3000 6000 0112 3456 7890 189";
  f.birth_date = 20000708;
  const engine::ContactCard c = card(run(engine::CreateContact{engine::kNone, 17, f}));
  EXPECT_EQ(c.record.iban, "FR** **** **** **** **** ***0 189");
  EXPECT_EQ(c.age, 25);  // on 2026-05-28
  const engine::ContactCard by_number = card(run(engine::GetContact{engine::kNone, 17}));
  EXPECT_EQ(by_number.record.last_name, "SHAPIRA");
  EXPECT_EQ(run(engine::GetContact{engine::kNone, 18}).code, ReplyCode::kNotFound);
}

TEST_F(ContactDirectoryTest, Links_AllowOnlyTheSeedsPairs_AndNoCycle) {
  const ContactId parent = create(person("DUPONT", "Anne"));
  const ContactId child = create(person("DUPONT", "Léo"));
  const ContactId acme = create(organisation("ACME"));
  const ContactId holding = create(organisation("HOLDING"));
  using K = engine::ContactLinkKind;
  EXPECT_TRUE(run(engine::LinkContacts{child, parent, K::kChildOf}).ok());
  EXPECT_EQ(run(engine::LinkContacts{parent, child, K::kChildOf}).code, ReplyCode::kInvalidArgument);  // cycle
  EXPECT_EQ(run(engine::LinkContacts{child, parent, K::kChildOf}).code, ReplyCode::kDuplicate);
  EXPECT_EQ(run(engine::LinkContacts{child, acme, K::kChildOf}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::LinkContacts{acme, parent, K::kMemberOf}).code, ReplyCode::kInvalidArgument);
  EXPECT_TRUE(run(engine::LinkContacts{parent, acme, K::kRelayOf}).ok());
  EXPECT_TRUE(run(engine::LinkContacts{acme, holding, K::kSubsidiaryOf}).ok());
  EXPECT_EQ(run(engine::LinkContacts{holding, acme, K::kSubsidiaryOf}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::LinkContacts{acme, acme, K::kSubsidiaryOf}).code, ReplyCode::kInvalidArgument);
  const ContactId other = create(organisation("OTHER"));
  EXPECT_EQ(run(engine::LinkContacts{acme, other, K::kSubsidiaryOf}).code, ReplyCode::kInvalidArgument);  // one parent

  const engine::ContactCard a = card(run(engine::GetContact{parent}));
  ASSERT_EQ(a.links.size(), 2u);
  EXPECT_EQ(a.links[0].kind, K::kRelayOf);
  EXPECT_TRUE(a.links[0].outgoing);
  EXPECT_EQ(a.links[0].other_name, "ACME");
  EXPECT_EQ(a.links[1].kind, K::kChildOf);
  EXPECT_FALSE(a.links[1].outgoing);  // parent of Léo
  EXPECT_EQ(a.links[1].other_name, "DUPONT Léo");

  // A relay cannot become an organisation while it relays one.
  ContactFields as_org = organisation("DUPONT");
  EXPECT_NE(run(engine::ChangeContact{parent, as_org}).message.find("remove the link"), std::string::npos);
  EXPECT_TRUE(run(engine::LinkContacts{parent, acme, K::kRelayOf, true}).ok());
  EXPECT_EQ(run(engine::LinkContacts{parent, acme, K::kRelayOf, true}).code, ReplyCode::kNotFound);
  EXPECT_TRUE(d.check_invariants().is_ok());
}

TEST_F(ContactDirectoryTest, CreateAsMemberOfAnOrganisation_CopiesItsAddress) {
  const ContactId acme = create(organisation("ACME"));
  ContactFields f = person("MARTIN", "Paul");
  f.addresses.clear();
  engine::CreateContact c{engine::kNone, 0, f, true, acme, true};
  const engine::ContactCard m = card(run(c));
  ASSERT_EQ(m.record.addresses.size(), 1u);
  EXPECT_EQ(m.record.addresses[0].city, "LYON");
  EXPECT_EQ(m.record.web_login, "someone@example.org");
  EXPECT_EQ(m.web_account_ms, now);
  ASSERT_EQ(m.links.size(), 1u);
  EXPECT_EQ(m.links[0].kind, engine::ContactLinkKind::kMemberOf);
  EXPECT_EQ(m.links[0].other, acme);
}

TEST_F(ContactDirectoryTest, NotesAndChanges_KeepNumberAndStampTheModification) {
  const ContactId id = create(person("DUPONT", "Anne"), 100);
  EXPECT_EQ(run(engine::AddContactNote{id, "Préfère le balcon"}).value, 1);
  EXPECT_EQ(run(engine::AddContactNote{id, ""}).code, ReplyCode::kInvalidArgument);
  ContactFields f = person("DUPONT-ROUGIER", "Anne");
  const engine::ContactCard c = card(run(engine::ChangeContact{id, f}));
  EXPECT_EQ(c.number, 100u);
  EXPECT_EQ(c.record.last_name, "DUPONT-ROUGIER");
  EXPECT_GT(c.modified_ms, c.created_ms);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0].text, "Préfère le balcon");
  EXPECT_EQ(c.notes[0].by, engine::PrincipalId{7});
  EXPECT_EQ(search("dupont-r"), std::vector<uint64_t>{100});
}

TEST_F(ContactDirectoryTest, Search_IgnoresCaseAndAccents_AndHidesInvalidContactsUnlessAsked) {
  create(person("DUPONT", "Céline"), 1);
  create(person("Dupont", "Marc"), 2);
  ContactFields gone = person("DUPONT", "Zoé");
  gone.flags = engine::kContactInvalid;
  create(gone, 3);
  EXPECT_EQ(search("celine"), std::vector<uint64_t>{1});
  EXPECT_EQ(search("CÉLINE"), std::vector<uint64_t>{1});
  EXPECT_EQ(search("dup"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(search("dup", true), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(search("*pont"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(search("Dupont, m"), std::vector<uint64_t>{2});
  EXPECT_EQ(run(engine::SearchContacts{"*po", 0, 20}).code, ReplyCode::kInvalidArgument);
  const engine::Reply page = run(engine::SearchContacts{"dupont", 0, 1});
  EXPECT_EQ(page.value, 2);  // the exact total, beyond the page
  const auto& rows = std::get<engine::ContactSearchPage>(page.detail->value).rows;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].line, "DUPONT, Céline | FR-75012 [1]");
}

TEST_F(ContactDirectoryTest, RequestKey_RetriedCreate_MakesOneContact) {
  const engine::Reply first = run(engine::CreateContact{engine::kNone, 0, person("DUPONT", "Anne")}, 42);
  const engine::Reply again = run(engine::CreateContact{engine::kNone, 0, person("DUPONT", "Anne")}, 42);
  EXPECT_EQ(card(again).contact, card(first).contact);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(run(engine::CreateContact{engine::kNone, 0, person("MARTIN", "Paul")}, 42).code, ReplyCode::kDuplicate);
}

TEST_F(ContactDirectoryTest, Snapshot_LoadsToTheSameStateHash_AndTheSameSearches) {
  const ContactId a = create(person("DUPONT", "Anne"));
  const ContactId b = create(organisation("ACME"));
  ASSERT_TRUE(run(engine::LinkContacts{a, b, engine::ContactLinkKind::kMemberOf}).ok());
  ASSERT_TRUE(run(engine::AddContactNote{a, "note"}).ok());
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_TRUE((*loaded)->check_invariants().is_ok());
  // The loaded directory allocates the same next id and number.
  Command c{0, engine::CreateContact{engine::kNone, 0, person("MARTIN", "Paul")}};
  const engine::Reply from_loaded = (*loaded)->apply(c, now + 5000);
  const engine::Reply from_live = d.apply(c, now + 5000);
  EXPECT_EQ(from_loaded.value, from_live.value);
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  bytes[bytes.size() / 2] ^= 0x5A;
  EXPECT_FALSE(ContactDirectory::load(bytes.substr(0, bytes.size() - 3)).is_ok());
}

TEST_F(ContactDirectoryTest, ProfilesNewerThan_ListsWhatAShardLacks) {
  const ContactId a = create(person("DUPONT", "Anne"));
  const ContactId b = create(person("MARTIN", "Paul"));
  auto all = d.profiles_newer_than([](ContactId) { return 0; });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].types, engine::kContactIndividual);
  const uint64_t seq_b = all[1].seq;
  auto lacking = d.profiles_newer_than([&](ContactId id) { return id == b ? seq_b : 0; });
  ASSERT_EQ(lacking.size(), 1u);
  EXPECT_EQ(lacking[0].contact, a);
  // A change of types is a newer profile; a change of name is not.
  ContactFields renamed = person("DUPONT", "Annie");
  ASSERT_TRUE(run(engine::ChangeContact{a, renamed}).ok());
  EXPECT_EQ(d.profiles_newer_than([&](ContactId id) { return id == a ? all[0].seq : seq_b; }).size(), 0u);
}

TEST_F(ContactDirectoryTest, Delete_RemovesRecordLinksAndSearchEntries_AndNeverGivesTheIdAgain) {
  const ContactId a = create(person("DUPONT", "Anne"), 7611);
  const ContactId org = create(organisation("ACME"));
  const ContactId child = create(person("DUPONT", "Lucas"));
  ASSERT_TRUE(run(engine::LinkContacts{a, org, engine::ContactLinkKind::kMemberOf}).ok());
  ASSERT_TRUE(run(engine::LinkContacts{child, a, engine::ContactLinkKind::kChildOf}).ok());
  const uint64_t before = d.profiles_newer_than([](ContactId) { return 0; }).back().seq;

  const engine::Reply r = run(engine::DeleteContact{a});
  const engine::ContactCard gone = card(r);
  EXPECT_TRUE(gone.deleted);
  EXPECT_EQ(gone.number, 7611u);
  EXPECT_EQ(gone.record.last_name, "DUPONT");
  EXPECT_GT(gone.profile_seq, before);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.stats().links, 0u) << "both of its links went with it";
  EXPECT_TRUE(d.check_invariants().is_ok()) << d.check_invariants().message();

  // Reads, changes and a second deletion find nothing; search no longer lists it.
  EXPECT_EQ(run(engine::GetContact{a, 0}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::GetContact{engine::kNone, 7611}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::ChangeContact{a, person("DUPONT", "Annie")}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::LinkContacts{child, a, engine::ContactLinkKind::kChildOf}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::AddContactNote{a, "x"}).code, ReplyCode::kNotFound);
  const engine::Reply again = run(engine::DeleteContact{a});
  EXPECT_EQ(again.code, ReplyCode::kNotFound);
  EXPECT_NE(again.message.find("was deleted"), std::string::npos) << again.message;
  EXPECT_EQ(search("dupont"), std::vector<uint64_t>{card(run(engine::GetContact{child, 0})).number});
  EXPECT_TRUE(card(run(engine::GetContact{child, 0})).links.empty());

  // The id is never given again; an explicit number may be.
  engine::CreateContact same_id{a, 0, person("MARTIN", "Paul")};
  EXPECT_EQ(run(same_id).code, ReplyCode::kDuplicate);
  EXPECT_NE(create(person("MARTIN", "Paul"), 7611), a);
  EXPECT_EQ(run(engine::DeleteContact{ContactId{999}}).code, ReplyCode::kNotFound);

  // The shards learn of it through the profile, resent after a crash.
  const auto profiles = d.profiles_newer_than([&](ContactId id) { return id == a ? before : UINT64_MAX >> 1; });
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_EQ(profiles[0].contact, a);
  EXPECT_TRUE(profiles[0].deleted);
  EXPECT_EQ(profiles[0].seq, gone.profile_seq);
  const auto hand_over = profile_hand_over(r);
  ASSERT_TRUE(hand_over.has_value());
  EXPECT_TRUE(std::get<engine::SetContactProfile>(*hand_over).deleted);

  // A snapshot keeps the deletion.
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_EQ((*loaded)->size(), d.size());
  EXPECT_EQ((*loaded)->apply(Command{0, engine::GetContact{a, 0}}, now).code, ReplyCode::kNotFound);
}

TEST_F(ContactDirectoryTest, Merge_MovesLinksAndNotesToTheSurvivor_AndRetiresTheDuplicate) {
  const ContactId anne = create(person("DUPONT", "Anne"), 7611);
  const ContactId twin = create(person("DUPONT", "Anne"), 7612);
  const ContactId org = create(organisation("ACME"));
  const ContactId child = create(person("DUPONT", "Lucas"));
  ASSERT_TRUE(run(engine::LinkContacts{twin, org, engine::ContactLinkKind::kMemberOf}).ok());
  ASSERT_TRUE(run(engine::LinkContacts{child, twin, engine::ContactLinkKind::kChildOf}).ok());
  ASSERT_TRUE(run(engine::LinkContacts{twin, anne, engine::ContactLinkKind::kChildOf}).ok());  // cannot follow
  ASSERT_TRUE(run(engine::AddContactNote{twin, "préfère le balcon"}).ok());

  EXPECT_EQ(run(engine::MergeContacts{anne, anne}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::MergeContacts{anne, org}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::MergeContacts{anne, ContactId{99}}).code, ReplyCode::kNotFound);
  const engine::Reply r = run(engine::MergeContacts{anne, twin});
  const engine::ContactCard survivor = card(r);
  EXPECT_EQ(survivor.contact, anne);
  EXPECT_EQ(survivor.merged_from, twin);
  EXPECT_EQ(r.value, 7611);
  ASSERT_EQ(survivor.links.size(), 2u) << "member of ACME and parent of Lucas; the link to itself is dropped";
  ASSERT_EQ(survivor.notes.size(), 2u);
  EXPECT_EQ(survivor.notes[0].text, "préfère le balcon");
  EXPECT_NE(survivor.notes[1].text.find("merged contact " + std::to_string(twin.value()) + " (number 7612)"),
            std::string::npos)
      << survivor.notes[1].text;
  EXPECT_NE(survivor.notes[1].text.find("1 of its links did not fit"), std::string::npos) << survivor.notes[1].text;
  EXPECT_EQ(d.size(), 3u);
  EXPECT_TRUE(d.check_invariants().is_ok()) << d.check_invariants().message();

  const engine::Reply gone = run(engine::GetContact{twin, 0});
  EXPECT_EQ(gone.code, ReplyCode::kNotFound);
  EXPECT_NE(gone.message.find("was merged into contact " + std::to_string(anne.value())), std::string::npos);
  EXPECT_EQ(run(engine::GetContact{engine::kNone, 7612}).code, ReplyCode::kNotFound);
  EXPECT_EQ(search("dupont, anne"), std::vector<uint64_t>{7611});

  // The shards' hand-over, from the reply and (after a crash) from the state.
  const auto hand_over = profile_hand_over(r);
  ASSERT_TRUE(hand_over.has_value());
  const auto& profile = std::get<engine::SetContactProfile>(*hand_over);
  EXPECT_EQ(profile.contact, twin);
  EXPECT_TRUE(profile.deleted);
  EXPECT_EQ(profile.merged_into, anne);
  const auto resent = d.profiles_newer_than([&](ContactId id) { return id == twin ? 0 : UINT64_MAX >> 1; });
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].merged_into, anne);
  EXPECT_EQ(resent[0].seq, profile.seq);

  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_NE((*loaded)->apply(Command{0, engine::GetContact{twin, 0}}, now).message.find("merged into"),
            std::string::npos);
}

TEST_F(ContactDirectoryTest, InventoryCommands_AreRefused) {
  EXPECT_EQ(run(engine::GetAvailability{}).code, ReplyCode::kInvalidArgument);
}

TEST_F(ContactDirectoryTest, Numbers_FollowANumberChange_AndInvalidContactsKeepTheirs) {
  const ContactId a = create(person("DUPONT", "Jean"), 5);
  ContactFields invalid = person("MARTIN", "Anne");
  invalid.flags = engine::kContactInvalid;
  const ContactId b = create(invalid, 6);
  EXPECT_EQ(card(run(engine::GetContact{engine::kNone, 6})).contact, b) << "found in the invalid contacts' index";
  EXPECT_EQ(run(engine::CreateContact{engine::kNone, 6, person("X", "Y")}).code, ReplyCode::kDuplicate);

  ASSERT_TRUE(run(engine::UpdateContact{a, 9, "DUPONT", "Jean", "", engine::kContactIndividual}).ok());
  EXPECT_EQ(card(run(engine::GetContact{engine::kNone, 9})).contact, a);
  EXPECT_EQ(run(engine::GetContact{engine::kNone, 5}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::UpdateContact{b, 9, "MARTIN", "Anne", "", engine::kContactIndividual}).code,
            ReplyCode::kDuplicate);
  EXPECT_NE(create(person("DURAND", "Paul"), 5), engine::kNone) << "the old number is free again";
  EXPECT_TRUE(d.check_invariants().is_ok());
}

// Every field of a and b equal, through fields() (a string equals a view).
template <typename A, typename B>
bool same_fields(const A& a, const B& b) {
  if constexpr (requires { a.fields(); }) {
    return std::apply(
        [&](const auto&... x) {
          return std::apply([&](const auto&... y) { return (same_fields(x, y) && ...); }, b.fields());
        },
        a.fields());
  } else if constexpr (requires {
                         a.begin();
                         a.size();
                       } &&
                       !std::is_convertible_v<A, std::string_view>) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_fields(a[i], b[i])) return false;
    return true;
  } else {
    return a == b;
  }
}

TEST(ContactRecord, ViewReadsEveryFieldOfThePackedRecord) {
  ContactFields f = testing::full_contact();
  StoredContact stored;
  stored.packed = engine::encode(f);
  const ContactFieldsView v = view(stored);
  EXPECT_TRUE(same_fields(f, v));
  EXPECT_EQ(address_of(v, engine::AddressKind::kBilling)->city, "LYON");
  EXPECT_EQ(address_of(v, engine::AddressKind::kDelivery), nullptr);
  f.first_name = "Céline";
  EXPECT_FALSE(same_fields(f, v)) << "the comparison sees a changed field";
}

// StoredContact as snapshots before the compact slot wrote it.
struct SlotBeforeCompaction {
  ContactId contact = engine::kNone;
  uint64_t number = 0;
  std::string packed;
  int64_t created_ms = 0;
  engine::PrincipalId created_by = 0;
  int64_t modified_ms = 0;
  engine::PrincipalId modified_by = 0;
  int64_t web_account_ms = 0;
  engine::PrincipalId web_account_by = 0;
  uint64_t profile_seq = 0;
  std::vector<engine::ContactNote> notes;
  auto fields() const {
    return std::tie(contact, number, packed, created_ms, created_by, modified_ms, modified_by, web_account_ms,
                    web_account_by, profile_seq, notes);
  }
};

TEST(StoredContactSlot, CodecBytesAndHash_AreThoseOfTheFormerSlot_SoOldSnapshotsLoad) {
  for (const bool with_notes : {false, true}) {
    SlotBeforeCompaction before{ContactId{41},
                                7611,
                                engine::encode(person("DUPONT", "Chantal")),
                                1'780'000'000'000,
                                engine::PrincipalId{3},
                                1'780'000'500'000,
                                engine::PrincipalId{4},
                                1'780'000'600'000,
                                engine::PrincipalId{5},
                                9,
                                {}};
    if (with_notes)
      before.notes = {{1'780'000'700'000, engine::PrincipalId{6}, "Préfère le balcon"},
                      {1, engine::PrincipalId{7}, "x"}};
    StoredContact now;
    now.contact = before.contact;
    now.number = before.number;
    now.packed = before.packed;
    now.created_ms = before.created_ms;
    now.created_by = before.created_by;
    now.modified_ms = before.modified_ms;
    now.modified_by = before.modified_by;
    now.web_account_ms = before.web_account_ms;
    now.web_account_by = before.web_account_by;
    now.profile_seq = before.profile_seq;
    for (const engine::ContactNote& n : before.notes) now.notes.push_back(n);

    const std::string bytes = engine::encode(before);
    EXPECT_EQ(engine::encode(now), bytes);
    StoredContact read;
    ASSERT_TRUE(engine::decode(bytes, read).is_ok());
    EXPECT_EQ(engine::encode(read), bytes);
    EXPECT_EQ(read.notes.size(), before.notes.size());
    EXPECT_EQ(unpack(read), person("DUPONT", "Chantal"));
    engine::Hasher a, b;
    a.add(before);
    b.add(now);
    EXPECT_EQ(a.value(), b.value());
  }
}

TEST(ContactRecord, CompletionLine_WithAndWithoutFirstName) {
  EXPECT_EQ(completion_line("DUPONT", "Chantal", "FR", "75012", 7611), "DUPONT, Chantal | FR-75012 [7611]");
  EXPECT_EQ(completion_line("TESSERA SA", "", "FR", "69002", 12), "TESSERA SA | FR-69002 [12]");
}

TEST(ContactRecord, MaskIbanAndCompletionLine) {
  EXPECT_EQ(mask_iban("FR7630006000011234567890189"), "FR*********************0189");
  EXPECT_EQ(mask_iban("FR76 3000 6000 0112 3456 7890 189"), "FR** **** **** **** **** ***0 189");
  EXPECT_EQ(age_on(20000708, 20150707), 14);
  EXPECT_EQ(age_on(20000708, 20150708), 15);
  EXPECT_EQ(age_on(0, 20150708), -1);
  EXPECT_EQ(civil_date(0), 19700101u);
  EXPECT_EQ(civil_date(kT0), 20260528u);
}

}  // namespace
}  // namespace tessera::directory
