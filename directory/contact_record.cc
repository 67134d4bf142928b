// Contact record rules: field lengths, one kind, a plausible e-mail, phone
// numbers, ISO codes, a real birth date, IBAN check digits (ISO 13616,
// mod 97), one address per kind.
#include "directory/contact_record.h"

#include <algorithm>
#include <cctype>

#include "base/civil_date.h"
#include "base/strings.h"
#include "directory/text_fold.h"
#include "engine/limits.h"

namespace tessera::directory {

using engine::ContactFields;
using engine::refuse;
using engine::Reply;
using engine::ReplyCode;

namespace {

Reply invalid(std::string message) { return refuse(ReplyCode::kInvalidArgument, std::move(message)); }

bool plausible_email(std::string_view e) {
  const size_t at = e.find('@');
  return e.size() <= engine::kEmailLengthMax && at != std::string_view::npos && at != 0 && at + 1 != e.size() &&
         e.find_first_of(" \r\n<>,;") == std::string_view::npos && e.find('@', at + 1) == std::string_view::npos;
}

bool phone_number(std::string_view p) {
  size_t digits = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')' && !(c == '+' && i == 0)) {
      return false;
    }
  }
  return digits >= 4 && digits <= 20;
}

bool letters(std::string_view s, size_t n, bool upper) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [upper](char c) {
           return upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
         });
}

// ISO 13616: letters and digits, country code, check digits, mod 97 == 1.
bool valid_iban(std::string_view iban) {
  std::string compact;
  for (char c : iban)
    if (c != ' ') compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (compact.size() < 15 || compact.size() > 34 || !letters(compact.substr(0, 2), 2, true) ||
      !std::isdigit(static_cast<unsigned char>(compact[2])) || !std::isdigit(static_cast<unsigned char>(compact[3])))
    return false;
  const std::string moved = compact.substr(4) + compact.substr(0, 4);
  uint32_t rest = 0;
  for (char c : moved) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      rest = (rest * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      rest = (rest * 100 + static_cast<uint32_t>(c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rest == 1;
}

Reply check_lengths(const ContactFields& r) {
  using engine::kContactFieldLengthMax;
  using engine::kNameLengthMax;
  if (r.last_name.empty() || r.last_name.size() > kNameLengthMax)
    return invalid(cat("contact name must have 1 to ", kNameLengthMax, " bytes"));
  if (r.first_name.size() > kNameLengthMax)
    return invalid(cat("contact first name has at most ", kNameLengthMax, " bytes"));
  const std::pair<std::string_view, const std::string*> fields[] = {{"civility", &r.civility},
                                                                    {"function", &r.function},
                                                                    {"mobile", &r.mobile},
                                                                    {"phone", &r.phone},
                                                                    {"fax", &r.fax},
                                                                    {"language", &r.language},
                                                                    {"web_login", &r.web_login},
                                                                    {"admin_number", &r.admin_number},
                                                                    {"reference_code", &r.reference_code},
                                                                    {"iban", &r.iban},
                                                                    {"preferred_seats", &r.preferred_seats}};
  for (const auto& [name, value] : fields)
    if (value->size() > kContactFieldLengthMax)
      return invalid(cat("contact ", name, " has at most ", kContactFieldLengthMax, " bytes"));
  return Reply{};
}

Reply check_contact_means(const ContactFields& r, uint32_t today) {
  if (!r.email.empty() && !plausible_email(r.email))
    return invalid(cat("email '", r.email.substr(0, 64), "' is not an address"));
  const std::pair<std::string_view, const std::string*> phones[] = {
      {"mobile", &r.mobile}, {"phone", &r.phone}, {"fax", &r.fax}};
  for (const auto& [name, value] : phones)
    if (!value->empty() && !phone_number(*value))
      return invalid(cat("contact ", name, " '", *value, "' is not a phone number (digits, spaces, + . - ( ))"));
  if (!r.language.empty() && !letters(r.language, 2, false))
    return invalid(cat("communication language '", r.language, "' is not an ISO 639-1 code (\"fr\")"));
  if (r.birth_date != 0 && (!valid_civil_date(r.birth_date) || r.birth_date > today))
    return invalid(cat("birth date ", r.birth_date, " is not a past date (YYYYMMDD)"));
  if (!r.iban.empty() && !valid_iban(r.iban)) return invalid("IBAN fails its check digits (ISO 13616)");
  if (static_cast<uint8_t>(r.minors_email_to) > static_cast<uint8_t>(engine::MinorsEmailTo::kBoth))
    return invalid("unknown minors' e-mail recipient");
  if ((r.flags & ~engine::kContactFlagsAll) != 0) return invalid(cat("unknown contact flag bits ", int{r.flags}));
  return Reply{};
}

Reply check_addresses(const ContactFields& r) {
  if (r.addresses.size() > engine::kContactAddressesMax)
    return invalid(cat("a contact has at most ", engine::kContactAddressesMax, " addresses"));
  uint8_t seen = 0;
  for (const engine::ContactAddress& a : r.addresses) {
    const auto kind = static_cast<uint8_t>(a.kind);
    if (kind > engine::kAddressKindLast) return invalid(cat("unknown address kind ", int{kind}));
    if (seen & (1u << kind)) return invalid("a contact has one address of each kind (main, delivery, billing)");
    seen |= static_cast<uint8_t>(1u << kind);
    if (a.lines.size() > engine::kAddressLinesMax)
      return invalid(cat("address lines have at most ", engine::kAddressLinesMax, " bytes"));
    for (const std::string* f : {&a.postcode, &a.city, &a.department, &a.region})
      if (f->size() > engine::kContactFieldLengthMax)
        return invalid(cat("an address field has at most ", engine::kContactFieldLengthMax, " bytes"));
    if (!a.country.empty() && !letters(a.country, 2, true))
      return invalid(cat("country '", a.country, "' is not an ISO 3166-1 alpha-2 code (\"FR\")"));
  }
  if (r.criteria.size() > engine::kContactCriteriaMax)
    return invalid(cat("a contact has at most ", engine::kContactCriteriaMax, " criteria"));
  for (size_t i = 0; i < r.criteria.size(); ++i)
    if (r.criteria[i] == 0 || std::count(r.criteria.begin(), r.criteria.end(), r.criteria[i]) > 1)
      return invalid("criteria are non-zero and each named once");
  return Reply{};
}

}  // namespace

Reply check_record(const ContactFields& r, RecordRules rules, uint32_t today) {
  const bool individual = (r.types & engine::kContactIndividual) != 0;
  const bool organisation = (r.types & engine::kContactOrganisation) != 0;
  if (individual == organisation) return invalid("a contact is either an individual or an organisation");
  if ((r.types & ~engine::kContactTypesAll) != 0)
    return invalid(cat("unknown contact type bits ", r.types & ~engine::kContactTypesAll));
  Reply s = check_lengths(r);
  if (s.ok()) s = check_contact_means(r, today);
  if (s.ok()) s = check_addresses(r);
  if (!s.ok() || rules == RecordRules::kLegacy) return s;
  if (individual && r.civility.empty()) return invalid("an individual needs a civility");
  if (individual && r.first_name.empty()) return invalid("an individual needs a first name");
  const engine::ContactAddress* main = address_of(r, engine::AddressKind::kMain);
  if (main == nullptr || main->country.empty() || main->postcode.empty() || main->city.empty())
    return invalid("a contact needs a main address with country, postcode and city");
  return Reply{};
}

std::string mask_iban(std::string_view iban) {
  std::string out(iban);
  size_t significant = 0;
  for (char c : iban) significant += c != ' ';
  size_t seen = 0;
  for (char& c : out) {
    if (c == ' ') continue;
    if (seen >= 2 && seen + 4 < significant) c = '*';
    ++seen;
  }
  return out;
}

int32_t age_on(uint32_t birth_date, uint32_t today) {
  if (birth_date == 0 || birth_date > today) return -1;
  return static_cast<int32_t>((today - birth_date) / 10000);
}

// Howard Hinnant's civil_from_days.
uint32_t civil_date(int64_t ms) {
  int64_t z = (ms >= 0 ? ms : ms - 86'399'999) / 86'400'000 + 719'468;
  const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto doe = static_cast<uint32_t>(z - era * 146'097);
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146'096) / 365;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint32_t mp = (5 * doy + 2) / 153;
  const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  const auto y = static_cast<uint32_t>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
  return y * 10000 + m * 100 + d;
}

std::string city_key(std::string_view city) { return index_key(city); }

std::string postcode_key(std::string_view postcode) {
  std::string compact;
  for (char c : postcode)
    if (c != ' ' && c != '\t') compact.push_back(c);
  return index_key(compact);
}

std::string completion_line(std::string_view last_name, std::string_view first_name, std::string_view country,
                            std::string_view postcode, uint64_t number) {
  return first_name.empty() ? cat(last_name, " | ", country, "-", postcode, " [", number, "]")
                            : cat(last_name, ", ", first_name, " | ", country, "-", postcode, " [", number, "]");
}

std::string one_line_address(std::string_view lines) {
  std::string out;
  out.reserve(lines.size() + 8);
  for (char ch : lines) out += ch == '\n' ? std::string_view(", ") : std::string_view(&ch, 1);
  return out;
}

std::string display_name(std::string_view last_name, std::string_view first_name) {
  return first_name.empty() ? std::string(last_name) : cat(last_name, " ", first_name);
}

}  // namespace tessera::directory
