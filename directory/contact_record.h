// The rules of a contact record (seed 001): what a valid record holds, and
// the derived views the contact page shows (masked IBAN, age, completion
// line). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/codec.h"
#include "engine/commands_back_office.h"
#include "engine/commands_contacts.h"
#include "engine/reply.h"

namespace tessera::directory {

// A record as stored (engine::encode(ContactFields)) read in place: the same
// fields, the strings as views into the packed bytes, valid while those
// bytes are. Reading one allocates only its address vector, where decoding
// a ContactFields copies every string: the search page and the cards of a
// follow-up page read 20 to 1,000 records for a few fields each.
struct ContactAddressView {
  engine::AddressKind kind = engine::AddressKind::kMain;
  std::string_view lines, postcode, city, department, region, country;
  auto fields() const { return std::tie(kind, lines, postcode, city, department, region, country); }
};
struct ContactFieldsView {
  uint8_t types = 0;
  std::string_view civility, last_name, first_name;
  uint32_t birth_date = 0;
  std::string_view function, mobile, phone, fax, email, language, web_login;
  uint32_t audience = 0;
  engine::MinorsEmailTo minors_email_to = engine::MinorsEmailTo::kClient;
  std::string_view preferred_seats;
  uint8_t flags = 0;
  std::string_view admin_number, reference_code, iban;
  std::vector<ContactAddressView> addresses;
  std::vector<uint32_t> criteria;
  auto fields() const {
    return std::tie(types, civility, last_name, first_name, birth_date, function, mobile, phone, fax, email, language,
                    web_login, audience, minors_email_to, preferred_seats, flags, admin_number, reference_code, iban,
                    addresses, criteria);
  }
};
static_assert(engine::field_count<ContactFieldsView>() == engine::field_count<engine::ContactFields>(),
              "ContactFieldsView mirrors engine::ContactFields field by field");
static_assert(engine::field_count<ContactAddressView>() == engine::field_count<engine::ContactAddress>(),
              "ContactAddressView mirrors engine::ContactAddress field by field");

// The largest contact number CreateContact and ImportContacts take (15
// digits: a number never wraps; DefineContact keeps its old range).
inline constexpr uint64_t kContactNumberMax = 999'999'999'999'999;

// How strictly a record is checked.
enum class RecordRules : uint8_t {
  kQuickCreation,  // the quick-creation screen's mandatory fields: an
                   // individual's civility, name, first name, and a main
                   // address with country, postcode and city
  kLegacy,         // DefineContact / UpdateContact: a name and the types
};

// The refusal for a record that breaks a rule (InvalidArgument naming the
// field), else Ok. `today` (YYYYMMDD) bounds the birth date.
engine::Reply check_record(const engine::ContactFields& record, RecordRules rules, uint32_t today);

// The IBAN with every character but the country code and the last four
// replaced by '*' ("FR76 **** **** 1234" keeps its spaces).
std::string mask_iban(std::string_view iban);
// Whole years from birth_date (YYYYMMDD) to today (YYYYMMDD); -1 if unknown.
int32_t age_on(uint32_t birth_date, uint32_t today);
// The civil date (YYYYMMDD, UTC) of a time.
uint32_t civil_date(int64_t ms);
// The record's address of `kind`, or nullptr (a ContactFields or a view).
template <typename Record>
const auto* address_of(const Record& record, engine::AddressKind kind) {
  for (const auto& a : record.addresses)
    if (a.kind == kind) return &a;
  return static_cast<decltype(&record.addresses.front())>(nullptr);
}
// A main address's city and postcode as the advanced search compares them:
// folded (index_key), the postcode without its spaces ("75 012" = "75012").
std::string city_key(std::string_view city);
std::string postcode_key(std::string_view postcode);
// The cart search's completion line: "DUPONT, Chantal | FR-75012 [7611]".
std::string completion_line(std::string_view last_name, std::string_view first_name, std::string_view country,
                            std::string_view postcode, uint64_t number);
// The list a contact of these types takes its criteria from.
inline engine::ContactListKind criteria_list(uint8_t types) {
  return (types & engine::kContactOrganisation) ? engine::ContactListKind::kOrganisationCriterion
                                                : engine::ContactListKind::kIndividualCriterion;
}
// "LAST First" (or "LAST" without a first name).
std::string display_name(std::string_view last_name, std::string_view first_name);
// Street lines on one line: "\n" between them becomes ", ".
std::string one_line_address(std::string_view lines);

}  // namespace tessera::directory
