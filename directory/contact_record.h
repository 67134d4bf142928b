// The rules of a contact record (seed 001): what a valid record holds, and
// the derived views the contact page shows (masked IBAN, age, completion
// line). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/commands_back_office.h"
#include "engine/commands_contacts.h"
#include "engine/reply.h"

namespace tessera::directory {

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
// The record's address of `kind`, or nullptr.
const engine::ContactAddress* address_of(const engine::ContactFields& record, engine::AddressKind kind);
// The cart search's completion line: "DUPONT, Chantal | FR-75012 [7611]".
std::string completion_line(const engine::ContactFields& record, uint64_t number);
// "LAST First" (or "LAST" without a first name).
std::string display_name(std::string_view last_name, std::string_view first_name);

}  // namespace tessera::directory
