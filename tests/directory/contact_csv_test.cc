// ContactCsvReader: header mapping (English and French names, --map),
// quoting, delimiters, rows refused before they are sent, chunked input.
#include "directory/contact_csv.h"

#include <gtest/gtest.h>

#include "engine/commands_back_office.h"

namespace tessera::directory {
namespace {

using namespace tessera::engine;

struct Read {
  Status status = Status::ok();
  uint32_t columns = 0;
  std::vector<ContactCsvRow> rows;
};

// Reads `text` fed `chunk` bytes at a time.
Read read(std::string_view text, ContactCsvOptions options = {}, size_t chunk = 1 << 20) {
  ContactCsvReader reader(std::move(options));
  Read out;
  const ContactCsvReader::Sink sink = [&out](ContactCsvRow&& r) { out.rows.push_back(std::move(r)); };
  for (size_t at = 0; at < text.size() && out.status.is_ok(); at += chunk)
    out.status = reader.feed(text.substr(at, chunk), sink);
  if (out.status.is_ok()) out.status = reader.finish(sink);
  out.columns = reader.columns();
  return out;
}

TEST(ContactCsv, FrenchHeadersSemicolonsAndQuotes_InAnyChunkSize) {
  const std::string text =
      "\xEF\xBB\xBFNuméro;Civilité;Nom;Prénom;E-mail;Adresse;Code postal;Ville;Pays;Date de naissance\r\n"
      "7611;Mme;DUPONT;Chantal;chantal@example.org;\"12 rue de Lyon\nBât. B\";75012;PARIS;fr;21.03.1970\r\n"
      "\r\n"
      ";M.;\"MARTIN; dit \"\"Paulo\"\"\";Paul;;;69002;LYON;FR;1985-07-14\r\n";
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    const Read r = read(text, {}, chunk);
    ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
    ASSERT_EQ(r.rows.size(), 2u) << "the empty line is skipped";
    const ContactImportRow& a = r.rows[0].row;
    EXPECT_EQ(r.rows[0].error, "");
    EXPECT_EQ(a.file_row, 2u);
    EXPECT_EQ(a.number, 7611u);
    EXPECT_EQ(a.record.civility, "Mme");
    EXPECT_EQ(a.record.first_name, "Chantal");
    EXPECT_EQ(a.record.birth_date, 19700321u);
    ASSERT_EQ(a.record.addresses.size(), 1u);
    EXPECT_EQ(a.record.addresses[0].lines, "12 rue de Lyon\nBât. B") << "a quoted cell keeps its newline";
    EXPECT_EQ(a.record.addresses[0].country, "FR");
    const ContactImportRow& b = r.rows[1].row;
    EXPECT_EQ(b.file_row, 3u) << "records count from the header (row 1), empty lines not";
    EXPECT_EQ(b.number, 0u);
    EXPECT_EQ(b.record.last_name, "MARTIN; dit \"Paulo\"");
    EXPECT_EQ(b.record.birth_date, 19850714u);
    EXPECT_EQ(r.columns, kColumnCivility | kColumnLastName | kColumnFirstName | kColumnEmail | kColumnAddressLines |
                             kColumnPostcode | kColumnCity | kColumnCountry | kColumnBirthDate);
  }
}

TEST(ContactCsv, AnUnknownHeaderFailsTheFileUnlessMappedOrSkipped) {
  const std::string text = "name,first_name,Société,Remarque\nDUPONT,Chantal,ACME,VIP\n";
  const Read unknown = read(text);
  EXPECT_EQ(unknown.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status.message().find("column 3 ('Société') is not a contact field"), std::string::npos)
      << unknown.status.message();
  EXPECT_TRUE(unknown.rows.empty()) << "no row before the header is right";
  ContactCsvOptions options;
  options.mapping = {{"Société", "reference_code"}, {"remarque", "-"}};
  const Read mapped = read(text, options);
  ASSERT_TRUE(mapped.status.is_ok()) << mapped.status.to_string();
  ASSERT_EQ(mapped.rows.size(), 1u);
  EXPECT_EQ(mapped.rows[0].row.record.reference_code, "ACME");
  EXPECT_EQ(mapped.columns, kColumnLastName | kColumnFirstName | kColumnReferenceCode);
}

TEST(ContactCsv, TwoColumnsForOneFieldOrABadMappingFailTheFile) {
  EXPECT_NE(read("nom,name\nA,B\n").status.message().find("two columns give the field name"), std::string::npos);
  ContactCsvOptions options;
  options.mapping = {{"x", "colour"}};
  EXPECT_NE(read("name,x\nA,B\n", options).status.message().find("'colour' is not a contact field"), std::string::npos);
  EXPECT_NE(read("number\n12\n").status.message().find("maps no contact field besides the number"), std::string::npos);
  EXPECT_EQ(read("").status.message(), "the file is empty (no header row)");
}

TEST(ContactCsv, CellsThatCannotBeReadRefuseTheirRowOnly) {
  const Read r = read(
      "number,name,birth_date,types,audience\n"
      "12a,A,,,\n"
      "13,B,31/02/19x0,,\n"
      "14,C,,robot,\n"
      "15,D,,organisation+partner,3\n"
      "16,E,,,,extra\n"
      "17,\xC3\x28,,,\n");
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(r.rows[0].error, "number '12a' is not a contact number (1 to 15 digits)");
  EXPECT_EQ(r.rows[1].error, "birth date '31/02/19x0' is not a date (YYYY-MM-DD or DD.MM.YYYY)");
  EXPECT_NE(r.rows[2].error.find("types 'robot' is not individual or organisation"), std::string::npos);
  EXPECT_EQ(r.rows[3].error, "");
  EXPECT_EQ(r.rows[3].row.record.types, kContactOrganisation | kContactPartner);
  EXPECT_EQ(r.rows[3].row.record.audience, 3u);
  EXPECT_EQ(r.rows[4].error, "the row has 6 cells, the header 5");
  EXPECT_EQ(r.rows[5].error, "name is not UTF-8 text (save the file as UTF-8)");
  EXPECT_EQ(r.rows[5].row.file_row, 7u);
}

TEST(ContactCsv, TheDelimiterComesFromTheHeaderUnlessGiven) {
  const Read tabs = read("name\tfirst_name\nDUPONT\tChantal\n");
  ASSERT_TRUE(tabs.status.is_ok());
  EXPECT_EQ(tabs.rows[0].row.record.first_name, "Chantal");
  ContactCsvOptions semicolon;
  semicolon.delimiter = ';';
  const Read forced = read("name;first_name\n\"DUPONT, Jr\";Paul\n", semicolon);
  ASSERT_TRUE(forced.status.is_ok());
  EXPECT_EQ(forced.rows[0].row.record.last_name, "DUPONT, Jr");
}

TEST(ContactCsv, TrailingDelimitersAndRowsOfEmptyCellsAreWhatSpreadsheetsWrite) {
  const Read r = read("name;first_name;\nDUPONT;Chantal;\n;;\nMARTIN;Paul;;\n;;;\n");
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  ASSERT_EQ(r.rows.size(), 2u) << "the ';;' rows are skipped";
  EXPECT_EQ(r.rows[0].error, "");
  EXPECT_EQ(r.rows[1].error, "") << "an extra empty cell is no error";
  EXPECT_EQ(r.rows[1].row.file_row, 4u) << "a skipped row still counts";
  EXPECT_EQ(r.rows[1].row.record.last_name, "MARTIN");
  EXPECT_EQ(read("name,first_name\nA,B,x\n").rows[0].error, "the row has 3 cells, the header 2");
}

TEST(ContactCsv, NumbersHaveAtMost15Digits) {
  const Read r = read("number,name\n999999999999999,A\n1000000000000000,B\n18446744073709551616,C\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].row.number, 999'999'999'999'999u);
  EXPECT_EQ(r.rows[1].error, "number '1000000000000000' is not a contact number (1 to 15 digits)");
  EXPECT_EQ(r.rows[2].error, "number '18446744073709551616' is not a contact number (1 to 15 digits)");
}

TEST(ContactCsv, AByteOrderMarkDoesNotHideTheDelimiter) {
  // The mark is 3 bytes: the header row is read without them, not 3 bytes
  // into the next row (whose commas would then outvote the ';').
  const Read r = read("\xEF\xBB\xBFname;first_name\n,,,A;B\n");
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].row.record.last_name, ",,,A");
  EXPECT_EQ(r.rows[0].row.record.first_name, "B");
}

TEST(ContactCsv, AnUnclosedQuoteFailsTheFileNamingTheRow) {
  const Read r = read("name,first_name\nA,B\n\"C,D\n");
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("row 3"), std::string::npos) << r.status.message();
  EXPECT_EQ(r.rows.size(), 1u) << "the rows before it were read";
}

}  // namespace
}  // namespace tessera::directory
