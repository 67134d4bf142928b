// ImportContacts on the directory partition: created, updated by number,
// unchanged, matched without a number, refused with its reason; a re-run
// changes nothing; snapshots and the state hash follow.
#include <gtest/gtest.h>

#include "directory/contact_directory.h"
#include "directory/contact_record.h"
#include "engine/commands_back_office.h"
#include "engine/reply_detail.h"

namespace tessera::directory {
namespace {

using namespace tessera::engine;

constexpr int64_t kT0 = 1'780'000'000'000;  // 2026-05-28
constexpr uint32_t kPersonColumns = kColumnCivility | kColumnLastName | kColumnFirstName | kColumnEmail |
                                    kColumnPostcode | kColumnCity | kColumnCountry;

ContactImportRow row(uint32_t file_row, uint64_t number, std::string last, std::string first, std::string email,
                     std::string postcode = "75012") {
  ContactImportRow r;
  r.file_row = file_row;
  r.number = number;
  r.record.civility = "Mme";
  r.record.last_name = std::move(last);
  r.record.first_name = std::move(first);
  r.record.email = std::move(email);
  r.record.addresses.push_back(ContactAddress{AddressKind::kMain, "", std::move(postcode), "PARIS", "", "", "FR"});
  return r;
}

class ContactImportTest : public ::testing::Test {
 protected:
  ContactImportReport import(std::vector<ContactImportRow> rows, uint32_t columns = kPersonColumns) {
    Command c{0, ImportContacts{columns, std::move(rows)}};
    c.principal = PrincipalId{7};
    const Reply r = d.apply(c, now += 1000);
    EXPECT_TRUE(r.ok()) << r.message;
    if (!r.ok()) return {};
    const auto report = std::get<ContactImportReport>(r.detail->value);
    EXPECT_EQ(r.value, report.refused);
    return report;
  }
  ContactCard card(uint64_t number) {
    const Reply r = d.apply(Command{0, GetContact{kNone, number}}, now);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<ContactCard>(r.detail->value) : ContactCard{};
  }

  int64_t now = kT0;
  ContactDirectory d{kT0};
};

TEST_F(ContactImportTest, RowsAreCreatedWithTheirNumberOrANewOne_AndEachOutcomeNamesItsRow) {
  const ContactImportReport report =
      import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org"), row(3, 0, "MARTIN", "Paul", "paul@example.org"),
              row(4, 0, "DURAND", "", "luc@example.org")});
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.created, 2u);
  EXPECT_EQ(report.refused, 1u);
  EXPECT_EQ(report.rows[0].file_row, 2u);
  EXPECT_EQ(report.rows[0].outcome, ImportOutcome::kCreated);
  EXPECT_EQ(report.rows[0].number, 7611u);
  EXPECT_NE(report.rows[0].profile_seq, 0u) << "a new contact is handed over to the shards";
  EXPECT_EQ(report.rows[0].types, kContactIndividual) << "an import without a types column creates individuals";
  EXPECT_EQ(report.rows[1].outcome, ImportOutcome::kCreated);
  EXPECT_EQ(report.rows[1].number, 7612u) << "the next free number";
  EXPECT_EQ(report.rows[2].file_row, 4u);
  EXPECT_EQ(report.rows[2].outcome, ImportOutcome::kRefused);
  EXPECT_EQ(report.rows[2].reason, "an individual needs a first name");
  EXPECT_EQ(d.size(), 2u) << "a refused row changes nothing";
  const ContactCard c = card(7611);
  EXPECT_EQ(c.record.last_name, "DUPONT");
  EXPECT_EQ(c.created_by, PrincipalId{7});
  EXPECT_TRUE(d.check_invariants().is_ok());
}

TEST_F(ContactImportTest, ReRunningTheSameFileChangesNothing) {
  const std::vector<ContactImportRow> file = {row(2, 7611, "DUPONT", "Chantal", "chantal@example.org"),
                                              row(3, 0, "MARTIN", "Paul", "paul@example.org"),
                                              row(4, 0, "Céline", "Dion", "")};
  ASSERT_EQ(import(file).created, 3u);
  const uint64_t hash = d.state_hash();
  const ContactImportReport again = import(file);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_EQ(again.created + again.updated + again.refused, 0u);
  EXPECT_EQ(again.rows[1].number, 7612u) << "the row without a number is the contact it created";
  for (const ContactImportResult& r : again.rows) EXPECT_EQ(r.profile_seq, 0u) << "nothing to hand over";
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.state_hash(), hash);
}

TEST_F(ContactImportTest, ARowWithAKnownNumberUpdatesOnlyTheColumnsItFills) {
  ASSERT_EQ(import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org")}).created, 1u);
  ContactImportRow phone;
  phone.file_row = 2;
  phone.number = 7611;
  phone.record.mobile = "+33 6 12 34 56 78";
  ContactImportRow empty_cell = phone;
  empty_cell.file_row = 3;
  empty_cell.record.mobile.clear();
  const ContactImportReport report = import({phone, empty_cell}, kColumnMobile | kColumnEmail);
  EXPECT_EQ(report.rows[0].outcome, ImportOutcome::kUpdated);
  EXPECT_EQ(report.rows[0].profile_seq, 0u) << "types and number unchanged: no hand-over";
  EXPECT_EQ(report.rows[1].outcome, ImportOutcome::kUnchanged) << "an empty cell leaves its field as it is";
  const ContactCard c = card(7611);
  EXPECT_EQ(c.record.mobile, "+33 6 12 34 56 78");
  EXPECT_EQ(c.record.email, "chantal@example.org");
  EXPECT_EQ(c.record.last_name, "DUPONT");
  EXPECT_EQ(c.modified_by, PrincipalId{7});
}

TEST_F(ContactImportTest, AnUpdateBreakingARuleIsRefusedWithItsReason) {
  ASSERT_EQ(import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org")}).created, 1u);
  ContactImportRow bad = row(5, 7611, "DUPONT", "Chantal", "not-an-address");
  const ContactImportReport report = import({bad});
  EXPECT_EQ(report.rows[0].outcome, ImportOutcome::kRefused);
  EXPECT_EQ(report.rows[0].reason, "email 'not-an-address' is not an address");
  EXPECT_EQ(card(7611).record.email, "chantal@example.org");
}

TEST_F(ContactImportTest, ChangingTheTypesIsHandedOver) {
  ASSERT_EQ(import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org")}).created, 1u);
  ContactImportRow guide = row(2, 7611, "DUPONT", "Chantal", "chantal@example.org");
  guide.record.types = kContactIndividual | kContactGuide;
  const ContactImportReport report = import({guide}, kPersonColumns | kColumnTypes);
  EXPECT_EQ(report.rows[0].outcome, ImportOutcome::kUpdated);
  EXPECT_EQ(report.rows[0].types, kContactIndividual | kContactGuide);
  EXPECT_EQ(report.rows[0].profile_seq, card(7611).profile_seq);
}

TEST_F(ContactImportTest, WithoutANumber_TheSamePersonIsMatchedAccentsAndCaseIgnored_AndTwoAreAmbiguous) {
  ASSERT_EQ(import({row(2, 100, "Lefèvre", "Céline", "celine@example.org")}).created, 1u);
  const ContactImportReport same = import({row(2, 0, "LEFEVRE", "celine", "CELINE@example.org")});
  EXPECT_EQ(same.rows[0].outcome, ImportOutcome::kUpdated) << "the same person, written otherwise";
  EXPECT_EQ(same.rows[0].number, 100u);
  const ContactImportReport other = import({row(3, 0, "LEFEVRE", "Céline", "another@example.org")});
  EXPECT_EQ(other.rows[0].outcome, ImportOutcome::kCreated) << "another e-mail: another person";
  const ContactImportReport by_name =
      import({row(4, 0, "Lefevre", "Celine", "")}, kPersonColumns & ~kColumnEmail & ~kColumnPostcode);
  EXPECT_EQ(by_name.rows[0].outcome, ImportOutcome::kRefused);
  EXPECT_NE(by_name.rows[0].reason.find("matches 2 contacts (numbers 100, 101"), std::string::npos)
      << by_name.rows[0].reason;
  const ContactImportReport longer = import({row(5, 0, "LEFEVRE", "Céline-Marie", "celine@example.org")});
  EXPECT_EQ(longer.rows[0].outcome, ImportOutcome::kCreated) << "a longer first name is someone else";
}

TEST_F(ContactImportTest, ARowWithoutANumberNeverTakesOneALaterRowGives) {
  ASSERT_EQ(import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org")}).created, 1u);
  const std::vector<ContactImportRow> file = {row(3, 0, "MARTIN", "Anne", "anne@example.org"),
                                              row(4, 7612, "DURAND", "Luc", "luc@example.org")};
  const ContactImportReport first = import(file);
  EXPECT_EQ(first.created, 2u);
  EXPECT_EQ(first.rows[0].number, 7613u) << "7612 is the next row's";
  EXPECT_EQ(first.rows[1].number, 7612u);
  EXPECT_EQ(card(7613).record.last_name, "MARTIN");
  EXPECT_EQ(card(7612).record.last_name, "DURAND");
  EXPECT_EQ(import(file).unchanged, 2u);
}

TEST_F(ContactImportTest, NamesTheSearchCannotTake_AreMatchedByEMail_OrRefusedWithoutOne) {
  ContactImportRow firm = row(2, 0, "MARTIN, FILS ET CIE", "", "contact@martin.example");
  firm.record.types = kContactOrganisation;
  firm.record.civility.clear();
  const uint32_t columns = kPersonColumns | kColumnTypes;
  ASSERT_EQ(import({firm}, columns).created, 1u);
  EXPECT_EQ(import({firm}, columns).unchanged, 1u) << "found again through its e-mail";
  ContactImportRow no_email = firm;
  no_email.record.email.clear();
  const ContactImportReport refused = import({no_email}, columns & ~kColumnEmail);
  EXPECT_EQ(refused.rows[0].outcome, ImportOutcome::kRefused);
  EXPECT_NE(refused.rows[0].reason.find("cannot hold ',' '*' or '@'"), std::string::npos) << refused.rows[0].reason;
  EXPECT_EQ(d.size(), 1u);
}

TEST_F(ContactImportTest, AnEmptyTypesCellCreatesAnIndividual_AndNumbersHaveAtMost15Digits) {
  const ContactImportReport typed =
      import({row(2, 0, "DUPONT", "Chantal", "c@example.org")}, kPersonColumns | kColumnTypes);
  EXPECT_EQ(typed.rows[0].outcome, ImportOutcome::kCreated);
  EXPECT_EQ(typed.rows[0].types, kContactIndividual);
  const ContactImportReport big = import({row(3, kContactNumberMax + 1, "MARTIN", "Paul", "p@example.org")});
  EXPECT_EQ(big.rows[0].outcome, ImportOutcome::kRefused);
  EXPECT_NE(big.rows[0].reason.find("more than 15 digits"), std::string::npos) << big.rows[0].reason;
  EXPECT_EQ(import({row(4, kContactNumberMax, "MARTIN", "Paul", "p@example.org")}).created, 1u);
}

TEST_F(ContactImportTest, ABadCommandIsRefusedWhole) {
  Command none{0, ImportContacts{kPersonColumns, {}}};
  EXPECT_EQ(d.apply(none, now).code, ReplyCode::kInvalidArgument);
  Command unmapped{0, ImportContacts{0, {row(2, 0, "A", "B", "")}}};
  EXPECT_EQ(d.apply(unmapped, now).code, ReplyCode::kInvalidArgument);
  Command too_many{0, ImportContacts{kPersonColumns, std::vector<ContactImportRow>(kContactImportRowsMax + 1,
                                                                                   row(2, 0, "A", "B", ""))}};
  EXPECT_EQ(d.apply(too_many, now).code, ReplyCode::kInvalidArgument);
  ContactImportRow two_addresses = row(2, 0, "A", "B", "");
  two_addresses.record.addresses.push_back(two_addresses.record.addresses[0]);
  EXPECT_EQ(import({two_addresses}).rows[0].reason, "an imported row has one address, the main one");
  EXPECT_EQ(d.size(), 0u);
}

TEST_F(ContactImportTest, AnImportSurvivesASnapshot) {
  ASSERT_EQ(import({row(2, 7611, "DUPONT", "Chantal", "chantal@example.org"),
                    row(3, 0, "MARTIN", "Paul", "paul@example.org")})
                .created,
            2u);
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_TRUE((*loaded)->check_invariants().is_ok());
}

}  // namespace
}  // namespace tessera::directory
