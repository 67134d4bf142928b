// The contact directory's organisation-defined lists (criteria, audience
// categories), its advanced search (FindContacts, every criterion of the
// seed's screen) and client vs prospect (NoteContactClients).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "directory/contact_directory.h"
#include "directory/contact_record.h"
#include "engine/reply_detail.h"
#include "tests/directory/directory_fixture.h"

namespace tessera::directory {
namespace {

using engine::ContactLinkKind;
using engine::ContactListKind;
using engine::DefineContactListEntry;
using engine::FindContacts;

class ContactFindTest : public ContactDirectoryTest {
 protected:
  engine::ContactFindPage find(const FindContacts& q) {
    const engine::Reply r = run(q);
    EXPECT_TRUE(r.ok()) << r.message;
    if (!r.ok()) return {};
    return std::get<engine::ContactFindPage>(r.detail->value);
  }
  std::vector<uint64_t> numbers(const FindContacts& q) {
    std::vector<uint64_t> out;
    for (const auto& row : find(q).rows) out.push_back(row.number);
    return out;
  }
  engine::Reply mark(uint32_t shard, uint64_t seq, ContactId contact, int64_t at) {
    return run(engine::NoteContactClients{{engine::ClientMark{shard, seq, contact, at}}});
  }
};

FindContacts query() { return FindContacts{}; }

// ---- Lists -----------------------------------------------------------------------

TEST_F(ContactFindTest, Lists_DefineRenameRetire_AndReadBack) {
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 1, "Contact occasionnel"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 2, "Abonné fidèle"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kIndividualCriterion, 4, "Amateur de danse"}).ok());
  // Names are unique within a list, case and accents ignored; ids start at 1.
  EXPECT_EQ(run(DefineContactListEntry{ContactListKind::kAudience, 3, "ABONNE FIDELE"}).code, ReplyCode::kDuplicate);
  EXPECT_EQ(run(DefineContactListEntry{ContactListKind::kAudience, 0, "Zéro"}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineContactListEntry{ContactListKind::kAudience, 3, ""}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineContactListEntry{ContactListKind{9}, 3, "x"}).code, ReplyCode::kInvalidArgument);
  // The same name in another list is fine; a rename keeps the id.
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kOrganisationCriterion, 4, "Amateur de danse"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 2, "Abonné"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 1, "Contact occasionnel", true}).ok());

  const engine::Reply shown = run(engine::GetContactLists{false});
  ASSERT_TRUE(shown.ok());
  const auto& entries = std::get<engine::ContactLists>(shown.detail->value).entries;
  ASSERT_EQ(entries.size(), 3u) << "the retired entry is left out";
  EXPECT_EQ(entries[0], (engine::ContactListEntry{ContactListKind::kIndividualCriterion, 4, "Amateur de danse"}));
  EXPECT_EQ(entries[1], (engine::ContactListEntry{ContactListKind::kOrganisationCriterion, 4, "Amateur de danse"}));
  EXPECT_EQ(entries[2], (engine::ContactListEntry{ContactListKind::kAudience, 2, "Abonné"}));
  EXPECT_EQ(run(engine::GetContactLists{true}).value, 4);
}

TEST_F(ContactFindTest, Lists_OnceDefined_OnlyTheirEntriesAreGiven_AndARecordKeepsWhatItHad) {
  // No list yet: any id, as before lists existed.
  ContactFields early = person("MARTIN", "Paul");
  early.audience = 5;
  early.criteria = {8};
  const ContactId paul = create(early);

  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 1, "Contact occasionnel"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kIndividualCriterion, 4, "Danse"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kIndividualCriterion, 6, "Opéra"}).ok());
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kOrganisationCriterion, 9, "Comité d'entreprise"}).ok());

  ContactFields f = person("DUPONT", "Chantal");
  f.audience = 2;
  EXPECT_EQ(run(engine::CreateContact{engine::kNone, 0, f}).code, ReplyCode::kNotFound) << "no audience 2";
  f.audience = 1;
  f.criteria = {9};
  EXPECT_EQ(run(engine::CreateContact{engine::kNone, 0, f}).code, ReplyCode::kNotFound)
      << "9 is an organisation's criterion";
  f.criteria = {4, 6};
  const engine::ContactCard chantal = card(run(engine::CreateContact{engine::kNone, 0, f}));
  EXPECT_EQ(chantal.audience_name, "Contact occasionnel");
  EXPECT_EQ(chantal.criteria_names, (std::vector<std::string>{"Danse", "Opéra"}));

  // Retired: kept by the contacts that carry it, given to no other.
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kIndividualCriterion, 6, "Opéra", true}).ok());
  ContactFields changed = f;
  changed.first_name = "Chantale";
  EXPECT_TRUE(run(engine::ChangeContact{chantal.contact, changed}).ok()) << "criterion 6 stays on her record";
  ContactFields other = person("DURAND", "Marc");
  other.criteria = {6};
  const engine::Reply retired = run(engine::CreateContact{engine::kNone, 0, other});
  EXPECT_EQ(retired.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(retired.message.find("retired"), std::string::npos) << retired.message;

  // A record written before the lists keeps its ids; its card names none.
  const engine::ContactCard old = card(run(engine::GetContact{paul, 0}));
  EXPECT_EQ(old.record.audience, 5u);
  EXPECT_EQ(old.audience_name, "");
  EXPECT_EQ(old.criteria_names, std::vector<std::string>{""});
  // A change keeps the ids the record had; a new one must come from the lists.
  EXPECT_TRUE(run(engine::ChangeContact{paul, early}).ok());
  early.criteria = {8, 7};
  EXPECT_EQ(run(engine::ChangeContact{paul, early}).code, ReplyCode::kNotFound);
}

TEST_F(ContactFindTest, Lists_AreCheckedOnImport_RowByRow) {
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 1, "Contact occasionnel"}).ok());
  engine::ImportContacts file;
  file.columns = engine::kColumnCivility | engine::kColumnLastName | engine::kColumnFirstName |
                 engine::kColumnAudience | engine::kColumnPostcode | engine::kColumnCity | engine::kColumnCountry;
  ContactFields good = person("DUPONT", "Chantal");
  good.audience = 1;
  ContactFields bad = person("DURAND", "Marc");
  bad.audience = 7;
  file.rows = {engine::ContactImportRow{2, 100, good}, engine::ContactImportRow{3, 101, bad}};
  const engine::Reply r = run(file);
  ASSERT_TRUE(r.ok()) << r.message;
  const auto& report = std::get<engine::ContactImportReport>(r.detail->value);
  EXPECT_EQ(report.created, 1u);
  ASSERT_EQ(report.refused, 1u);
  EXPECT_NE(report.rows[1].reason.find("audience category"), std::string::npos) << report.rows[1].reason;
}

// ---- Advanced search -------------------------------------------------------------

class AdvancedSearchTest : public ContactFindTest {
 protected:
  void SetUp() override {
    ContactFields chantal = person("DUPONT", "Chantal", "75012");
    chantal.mobile = "+33 6 12 34 56 78";
    chantal.email = "chantal.dupont@example.org";
    chantal.criteria = {4};
    chantal.flags = engine::kContactAmbassador;
    chantal.iban = "FR76 3000 6000 0112 3456 7890 189";
    chantal.reference_code = "REF-7611";
    chantal_ = create(chantal, 7611);

    ContactFields vincent = person("DUPONT-ROUGIER", "Vincent", "92700");
    vincent.addresses[0].city = "COLOMBES";
    vincent.phone = "01 47 00 00 01";
    vincent.email = "vincent@rougier.fr";
    vincent_ = create(vincent, 2398);

    ContactFields celine = person("Lefèvre", "Céline", "69002");
    celine.addresses[0].city = "Lyon";
    celine.addresses[0].lines = "3 place Bellecour\nEscalier B";
    celine.email = "celine@example.org";
    celine_ = create(celine, 501);

    ContactFields gone = person("DUPONT", "Marie", "75006");
    gone.flags = engine::kContactInvalid;
    invalid_ = create(gone, 1469);

    ContactFields acme = organisation("ACME SPECTACLES");
    acme.admin_number = "123 456 789 00012";
    acme.criteria = {9};
    acme_ = create(acme, 900);
    ASSERT_TRUE(run(engine::LinkContacts{celine_, acme_, ContactLinkKind::kRelayOf}).ok());
    ASSERT_TRUE(run(engine::LinkContacts{vincent_, acme_, ContactLinkKind::kMemberOf}).ok());
  }

  ContactId chantal_, vincent_, celine_, invalid_, acme_;
};

TEST_F(AdvancedSearchTest, NoCriterion_ListsEveryValidContactInNameOrder_WithTheExactTotal) {
  const engine::ContactFindPage all = find(query());
  EXPECT_EQ(all.total, 4u);
  EXPECT_EQ(numbers(query()), (std::vector<uint64_t>{900, 7611, 2398, 501}));
  FindContacts page = query();
  page.offset = 1;
  page.limit = 2;
  const engine::ContactFindPage second = find(page);
  EXPECT_EQ(second.total, 4u);
  ASSERT_EQ(second.rows.size(), 2u);
  EXPECT_EQ(second.rows[0].number, 7611u);
  EXPECT_EQ(second.rows[1].number, 2398u);
  FindContacts with_invalid = query();
  with_invalid.with_invalid = true;
  EXPECT_EQ(numbers(with_invalid), (std::vector<uint64_t>{900, 7611, 2398, 501, 1469}))
      << "invalid contacts come after the valid ones, as in the quick search";
}

TEST_F(AdvancedSearchTest, Name_TakesTheQuickSearchForms) {
  FindContacts q = query();
  q.name = "dupont";
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{7611, 2398}));
  q.name = "*pont";
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{7611}));
  q.name = "*pont*";
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{7611, 2398}));
  q.name = "Dupont, v";
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{2398}));
  q.name = "celine";
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{501})) << "accents and case ignored";
  q.name = "*po";
  EXPECT_EQ(run(q).code, ReplyCode::kInvalidArgument) << "a '*' pattern needs three letters";
  q.name = "dupont";
  q.with_invalid = true;
  EXPECT_EQ(numbers(q), (std::vector<uint64_t>{7611, 2398, 1469}));
}

TEST_F(AdvancedSearchTest, RecordCriteria_EachNarrowsTheResult) {
  auto only = [&](auto set) {
    FindContacts q = query();
    set(q);
    return numbers(q);
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(only([](FindContacts& q) { q.number = 2398; }), V{2398});
  EXPECT_EQ(only([](FindContacts& q) {
              q.number = 2398;
              q.name = "lef";
            }),
            V{})
      << "a name and a number must both hold";
  EXPECT_EQ(only([](FindContacts& q) { q.types = engine::kContactOrganisation; }), V{900});
  EXPECT_EQ(only([](FindContacts& q) { q.phone = "06 12 34 56 78"; }), V{7611}) << "national form of +33 6...";
  EXPECT_EQ(only([](FindContacts& q) { q.phone = "47 00 00 01"; }), V{2398});
  EXPECT_EQ(only([](FindContacts& q) { q.email = "CHANTAL."; }), V{7611});
  EXPECT_EQ(only([](FindContacts& q) { q.country = "fr"; }), (V{900, 7611, 2398, 501}));
  EXPECT_EQ(only([](FindContacts& q) { q.postcode = "75"; }), V{7611});
  EXPECT_EQ(only([](FindContacts& q) { q.city = "lyo"; }), (V{900, 501})) << "LYON and Lyon";
  EXPECT_EQ(only([](FindContacts& q) { q.admin_number = "12345678900012"; }), V{900}) << "spaces ignored";
  EXPECT_EQ(only([](FindContacts& q) { q.criterion = 4; }), V{7611});
  EXPECT_EQ(only([](FindContacts& q) { q.iban = engine::IbanFilter::kWith; }), V{7611});
  EXPECT_EQ(only([](FindContacts& q) { q.iban = engine::IbanFilter::kWithout; }), (V{900, 2398, 501}));
  EXPECT_EQ(only([](FindContacts& q) { q.reference_code = "ref-7611"; }), V{7611});
  EXPECT_EQ(only([](FindContacts& q) { q.ambassadors_only = true; }), V{7611});
  FindContacts short_phone = query();
  short_phone.phone = "123";
  EXPECT_EQ(run(short_phone).code, ReplyCode::kInvalidArgument);
  short_phone.phone = "0001";
  EXPECT_EQ(run(short_phone).code, ReplyCode::kInvalidArgument) << "one digit past its leading zeros";
}

TEST_F(AdvancedSearchTest, LinkCriteria_RelaysConnectionsAndTheRoleColumns) {
  using V = std::vector<uint64_t>;
  FindContacts q = query();
  q.with_relays = false;
  EXPECT_EQ(numbers(q), (V{900, 7611, 2398})) << "Céline relays ACME";
  q = query();
  q.relay = "lefe";
  EXPECT_EQ(numbers(q), V{900}) << "the organisation whose relay is Lefèvre";
  q.relay = "acme";
  EXPECT_EQ(numbers(q), V{501}) << "the individual who relays ACME";
  q = query();
  q.linked_to = acme_;
  q.link_kind = ContactLinkKind::kMemberOf;
  EXPECT_EQ(numbers(q), V{2398});
  q.link_kind = ContactLinkKind::kRelayOf;
  EXPECT_EQ(numbers(q), V{501});
  q.linked_to = ContactId{999};
  EXPECT_EQ(run(q).code, ReplyCode::kNotFound);
  q.linked_to = acme_;
  q.link_kind = ContactLinkKind{0};
  EXPECT_EQ(run(q).code, ReplyCode::kInvalidArgument);

  const engine::ContactFindPage page = find(query());
  ASSERT_EQ(page.rows.size(), 4u);
  const engine::ContactFindRow& acme = page.rows[0];
  EXPECT_EQ(acme.role_kind, 0) << "an organisation with no parent is public";
  EXPECT_EQ(acme.relay, celine_);
  EXPECT_EQ(acme.relay_name, "Lefèvre Céline");
  EXPECT_EQ(acme.city, "LYON");
  const engine::ContactFindRow& vincent = page.rows[2];
  EXPECT_EQ(vincent.role_kind, static_cast<uint8_t>(ContactLinkKind::kMemberOf));
  EXPECT_EQ(vincent.role_of_name, "ACME SPECTACLES");
  const engine::ContactFindRow& celine = page.rows[3];
  EXPECT_EQ(celine.role_kind, static_cast<uint8_t>(ContactLinkKind::kRelayOf));
  EXPECT_EQ(celine.relay, acme_);
  EXPECT_EQ(celine.address, "3 place Bellecour, Escalier B");
  EXPECT_EQ(celine.name, "Lefèvre Céline");
}

TEST_F(AdvancedSearchTest, BadInput_IsRefused) {
  FindContacts q = query();
  q.limit = 101;
  EXPECT_EQ(run(q).code, ReplyCode::kLimitExceeded);
  q = query();
  q.city = std::string(300, 'a');
  EXPECT_EQ(run(q).code, ReplyCode::kInvalidArgument);
  q = query();
  q.iban = engine::IbanFilter{7};
  EXPECT_EQ(run(q).code, ReplyCode::kInvalidArgument);
}

// ---- Client vs prospect ----------------------------------------------------------

TEST_F(AdvancedSearchTest, ClientMarks_MakeClients_OnceEach_AndFilterProspects) {
  EXPECT_EQ(card(run(engine::GetContact{chantal_, 0})).client_since_ms, 0) << "a prospect";
  ASSERT_EQ(mark(0, 1, chantal_, kT0 + 50'000).value, 1);
  ASSERT_EQ(mark(1, 1, chantal_, kT0 + 20'000).value, 1);
  EXPECT_EQ(mark(1, 1, chantal_, kT0 + 10'000).value, 0) << "shard 1's mark 1 was taken: a resend changes nothing";
  EXPECT_EQ(card(run(engine::GetContact{chantal_, 0})).client_since_ms, kT0 + 20'000) << "the earliest";
  ASSERT_EQ(mark(0, 2, ContactId{4242}, kT0).value, 1) << "an unknown contact: taken, nothing changes";
  EXPECT_EQ(d.client_marks_taken(), (std::vector<uint64_t>{2, 1}));

  FindContacts clients = query();
  clients.with_prospects = false;
  EXPECT_EQ(numbers(clients), std::vector<uint64_t>{7611});
  EXPECT_EQ(find(clients).rows[0].client_since_ms, kT0 + 20'000);

  EXPECT_EQ(run(engine::NoteContactClients{{engine::ClientMark{0, 0, chantal_, kT0}}}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::NoteContactClients{}).code, ReplyCode::kInvalidArgument);
}

TEST_F(AdvancedSearchTest, ClientMarks_FollowAMerge_AndLeaveWithADeletion) {
  ContactFields twin = person("DUPONT", "Chantal", "75012");
  const ContactId dup = create(twin, 7612);
  ASSERT_TRUE(mark(0, 1, dup, kT0 + 5'000).ok());
  ASSERT_TRUE(mark(0, 2, vincent_, kT0 + 6'000).ok());
  ASSERT_TRUE(run(engine::MergeContacts{chantal_, dup}).ok());
  EXPECT_EQ(card(run(engine::GetContact{chantal_, 0})).client_since_ms, kT0 + 5'000) << "the duplicate's purchase";
  // A mark read from a shard after the merge still reaches the survivor.
  ASSERT_TRUE(mark(1, 1, dup, kT0 + 1'000).ok());
  EXPECT_EQ(card(run(engine::GetContact{chantal_, 0})).client_since_ms, kT0 + 1'000);
  ASSERT_TRUE(run(engine::DeleteContact{vincent_}).ok());
  EXPECT_TRUE(d.check_invariants().is_ok()) << d.check_invariants().message();
  FindContacts clients = query();
  clients.with_prospects = false;
  EXPECT_EQ(numbers(clients), std::vector<uint64_t>{7611});
}

// The city and postcode criteria come from the address index (no record
// read): they must find exactly what reading every record would, through
// creations, changes of address, deletions, invalid contacts, contacts
// without an address, and a snapshot reload.
TEST_F(ContactFindTest, AddressCriteria_FindWhatEveryRecordSays_ThroughChangesDeletionsAndReload) {
  const std::vector<std::string> cities = {"PARIS",   "Paris",         "PARIS 12E",   "Pantin", "LYON",
                                           "Lyon 2e", "Saint-Étienne", "SAINT-DENIS", "Évry"};
  const std::vector<std::string> postcodes = {"75012", "75 012", "75001", "93500", "69002", "42000", "93200", "91000"};
  std::mt19937 rng(11);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  struct Live {
    ContactId id;
    ContactFields record;
  };
  std::map<uint64_t, Live> live;  // by number
  auto located = [&](std::string last, bool invalid) {
    ContactFields f = person(std::move(last), "Anne", pick(postcodes));
    f.addresses[0].city = pick(cities);
    if (invalid) f.flags = engine::kContactInvalid;
    return f;
  };
  for (uint64_t number = 1; number <= 240; ++number) {
    ContactFields f = located(number % 2 ? "DUPONT" : "MARTIN", rng() % 6 == 0);
    live[number] = Live{create(f, number), f};
  }
  for (uint32_t i = 0; i < 20; ++i) {  // no address at all (DefineContact)
    const uint64_t number = 1000 + i;
    ASSERT_TRUE(
        run(engine::DefineContact{ContactId{5000 + i}, number, "DUPONT", "Paul", "", engine::kContactIndividual}).ok());
    live[number] = Live{ContactId{5000 + i}, engine::ContactFields{}};
  }
  for (uint64_t number = 1; number <= 240; number += 3) {  // moves, some into or out of the invalid index
    ContactFields f = located(live[number].record.last_name, rng() % 6 == 0);
    ASSERT_TRUE(run(engine::ChangeContact{live[number].id, f}).ok());
    live[number].record = f;
  }
  for (uint64_t number = 2; number <= 240; number += 7) {
    ASSERT_TRUE(run(engine::DeleteContact{live[number].id}).ok());
    live.erase(number);
  }

  // Every row of every page of the query, as numbers (sorted), and the total.
  auto all_of = [](ContactDirectory& dir, FindContacts q) {
    std::set<uint64_t> out;
    uint64_t total = 0;
    q.limit = 100;
    for (q.offset = 0;; q.offset += 100) {
      const engine::Reply r = dir.apply(Command{0, q}, kT0 + 1'000'000);
      EXPECT_TRUE(r.ok()) << r.message;
      if (!r.ok()) break;
      const auto& page = std::get<engine::ContactFindPage>(r.detail->value);
      total = page.total;
      for (const auto& row : page.rows) out.insert(row.number);
      if (page.rows.size() < 100) break;
    }
    EXPECT_EQ(out.size(), total) << "the total counts the rows of every page";
    return out;
  };
  auto expected = [&](const FindContacts& q) {
    std::set<uint64_t> out;
    for (const auto& [number, c] : live) {
      const engine::ContactAddress* main = address_of(c.record, engine::AddressKind::kMain);
      const bool valid = !(c.record.flags & engine::kContactInvalid);
      if (!valid && !q.with_invalid) continue;
      if (!q.name.empty() && c.record.last_name != q.name) continue;  // "DUPONT" as a name prefix: DUPONT only here
      if (main == nullptr) continue;                                  // every query below names a city or a postcode
      if (!city_key(main->city).starts_with(city_key(q.city))) continue;
      if (!postcode_key(main->postcode).starts_with(postcode_key(q.postcode))) continue;
      out.insert(number);
    }
    return out;
  };
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  size_t queries = 0, found = 0;
  using Texts = std::vector<std::string>;
  for (const std::string& city : Texts{"", "p", "PAR", "paris", "paris 1", "saint", "st", "ev", "LYON 2"}) {
    for (const std::string& postcode : Texts{"", "75", "75 0", "750", "93", "9"}) {
      if (city.empty() && postcode.empty()) continue;
      for (const std::string& name : Texts{"", "DUPONT"}) {
        for (const bool with_invalid : {false, true}) {
          FindContacts q;
          q.city = city;
          q.postcode = postcode;
          q.name = name;
          q.with_invalid = with_invalid;
          const std::set<uint64_t> want = expected(q);
          EXPECT_EQ(all_of(d, q), want) << "city '" << city << "' postcode '" << postcode << "' name '" << name
                                        << "' with_invalid " << with_invalid;
          EXPECT_EQ(all_of(**loaded, q), want) << "after a reload, city '" << city << "' postcode '" << postcode << "'";
          ++queries;
          found += want.size();
        }
      }
    }
  }
  EXPECT_GT(found, queries) << "the queries find contacts (not only empty pages)";
}

// A client may choose a contact's id (an import keeping its old ids): the
// address index is keyed by the contact's slot, so an id near 2^30 costs 8
// bytes like any other (keyed by id it took 8 GB: found by the fuzzer).
TEST_F(ContactFindTest, AddressCriteria_AContactWithAHugeChosenId_IsIndexedAtItsSlot) {
  const ContactId huge{(1u << 30) + 3};
  ContactFields f = person("MARTIN", "Anne", "42000");
  f.addresses[0].city = "Saint-Étienne";
  const engine::Reply r = run(engine::CreateContact{huge, 77, f});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_LT(d.memory_bytes(), size_t{64} << 20) << "no array sized by the id";
  FindContacts q = query();
  q.city = "saint-etienne";
  q.with_prospects = true;
  const engine::ContactFindPage page = find(q);
  ASSERT_EQ(page.total, 1u);
  EXPECT_EQ(page.rows[0].number, 77u);
}

TEST_F(AdvancedSearchTest, Snapshot_KeepsListsAndClients_WithTheSameHash) {
  ASSERT_TRUE(run(DefineContactListEntry{ContactListKind::kAudience, 1, "Contact occasionnel"}).ok());
  ASSERT_TRUE(mark(2, 7, celine_, kT0 + 9'000).ok());
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_EQ((*loaded)->client_since(celine_), kT0 + 9'000);
  EXPECT_EQ((*loaded)->client_marks_taken(), (std::vector<uint64_t>{0, 0, 7}));
  // The hash sees both.
  const uint64_t before = d.state_hash();
  ASSERT_TRUE(mark(2, 8, chantal_, kT0 + 9'500).ok());
  EXPECT_NE(d.state_hash(), before);
}

}  // namespace
}  // namespace tessera::directory
