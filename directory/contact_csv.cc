// ContactCsvReader: header mapping and cell conversion over libcsv.
#include "directory/contact_csv.h"

#include <csv.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "base/strings.h"
#include "directory/contact_record.h"
#include "directory/text_fold.h"
#include "engine/commands_back_office.h"

namespace tessera::directory {

namespace {

// A column's field: one of the ContactColumn bits, or the contact number.
constexpr uint32_t kNumberField = 0;

struct FieldName {
  std::string_view name;     // as written in --map and the docs
  uint32_t column;           // ContactColumn bit (kNumberField: the number)
  std::string_view aliases;  // other headers, already reduced (see reduce())
};

// Headers are reduced (folded, only letters and digits kept) before lookup:
// "Code postal" -> "codepostal", "E-mail" -> "email", "Prénom" -> "prenom".
constexpr std::array kFieldNames{
    FieldName{"number", kNumberField, "numero num no n contactnumber"},
    FieldName{"types", engine::kColumnTypes, "type kind nature"},
    FieldName{"civility", engine::kColumnCivility, "civilite title"},
    FieldName{"name", engine::kColumnLastName, "lastname nom surname familyname raisonsociale"},
    FieldName{"first_name", engine::kColumnFirstName, "prenom givenname"},
    FieldName{"birth_date", engine::kColumnBirthDate, "datedenaissance naissance dateofbirth birthday"},
    FieldName{"function", engine::kColumnFunction, "fonction jobtitle"},
    FieldName{"mobile", engine::kColumnMobile, "portable telportable cellphone"},
    FieldName{"phone", engine::kColumnPhone, "telephone tel"},
    FieldName{"fax", engine::kColumnFax, "telecopie"},
    FieldName{"email", engine::kColumnEmail, "mail courriel adresseemail"},
    FieldName{"language", engine::kColumnLanguage, "langue"},
    FieldName{"audience", engine::kColumnAudience, "catpub categoriepublic"},
    FieldName{"admin_number", engine::kColumnAdminNumber, "siret numeroadministratif"},
    FieldName{"reference_code", engine::kColumnReferenceCode, "codereference reference ref"},
    FieldName{"iban", engine::kColumnIban, ""},
    FieldName{"address", engine::kColumnAddressLines, "adresse street rue addresslines"},
    FieldName{"postcode", engine::kColumnPostcode, "codepostal cp zip zipcode postalcode"},
    FieldName{"city", engine::kColumnCity, "ville commune town"},
    FieldName{"department", engine::kColumnDepartment, "departement"},
    FieldName{"region", engine::kColumnRegion, ""},
    FieldName{"country", engine::kColumnCountry, "pays"},
};
constexpr int kSkip = -1;

std::string reduce(std::string_view header) {
  std::string out;
  for (char c : fold(header))
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out;
}

// The index in kFieldNames of a header or --map target, or -1.
int field_of(std::string_view text) {
  const std::string key = reduce(text);
  for (size_t i = 0; i < kFieldNames.size(); ++i) {
    if (key == reduce(kFieldNames[i].name)) return static_cast<int>(i);
    std::string_view aliases = kFieldNames[i].aliases;
    while (!aliases.empty()) {
      const size_t end = std::min(aliases.find(' '), aliases.size());
      if (aliases.substr(0, end) == key) return static_cast<int>(i);
      aliases.remove_prefix(std::min(end + 1, aliases.size()));
    }
  }
  return -2;
}

bool valid_utf8(std::string_view s) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return true;
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, s.data(), static_cast<int32_t>(s.size()), &status);
  return status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status);
}

bool whole_number(std::string_view s, uint64_t* out) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc{} && end == s.data() + s.size();
}

// YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY -> YYYYMMDD (the directory checks
// that the day exists).
bool civil_day(std::string_view s, uint32_t* out) {
  uint64_t y = 0, m = 0, d = 0;
  auto part = [&s](size_t at, size_t n, uint64_t* v) { return at + n <= s.size() && whole_number(s.substr(at, n), v); };
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && part(0, 4, &y) && part(5, 2, &m) && part(8, 2, &d)) {
  } else if (s.size() == 10 && (s[2] == '.' || s[2] == '/') && s[5] == s[2] && part(0, 2, &d) && part(3, 2, &m) &&
             part(6, 4, &y)) {
  } else {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *out = static_cast<uint32_t>(y * 10000 + m * 100 + d);
  return true;
}

// "individual" / "organisation" (or their French names), then other types
// after '+': "individual+guide".
bool contact_types(std::string_view s, uint8_t* out) {
  static constexpr std::pair<std::string_view, uint8_t> kNames[] = {{"individual", engine::kContactIndividual},
                                                                    {"particulier", engine::kContactIndividual},
                                                                    {"personne", engine::kContactIndividual},
                                                                    {"organisation", engine::kContactOrganisation},
                                                                    {"organization", engine::kContactOrganisation},
                                                                    {"structure", engine::kContactOrganisation},
                                                                    {"guide", engine::kContactGuide},
                                                                    {"supplier", engine::kContactSupplier},
                                                                    {"fournisseur", engine::kContactSupplier},
                                                                    {"partner", engine::kContactPartner},
                                                                    {"partenaire", engine::kContactPartner},
                                                                    {"producer", engine::kContactProducer},
                                                                    {"producteur", engine::kContactProducer},
                                                                    {"support", engine::kContactSupport}};
  uint8_t types = 0;
  while (!s.empty()) {
    const size_t end = std::min(s.find('+'), s.size());
    const std::string name = reduce(s.substr(0, end));
    auto it = std::find_if(std::begin(kNames), std::end(kNames), [&name](const auto& n) { return n.first == name; });
    if (it == std::end(kNames)) return false;
    types |= it->second;
    s.remove_prefix(std::min(end + 1, s.size()));
  }
  *out = types;
  return true;
}

}  // namespace

struct ContactCsvReader::State {
  ContactCsvOptions options;
  csv_parser parser{};
  bool started = false;  // delimiter chosen, parser fed
  std::string pending;   // bytes before the header row's end
  Status error = Status::ok();
  const Sink* sink = nullptr;
  std::vector<std::string> cells;
  uint32_t rows_seen = 0;
  std::vector<int> field_of_column;  // index in kFieldNames, or kSkip
  uint32_t columns = 0;

  State() { csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL); }
  ~State() { csv_free(&parser); }

  static void on_cell(void* data, size_t size, void* self) {
    static_cast<State*>(self)->cells.emplace_back(data ? static_cast<const char*>(data) : "", size);
  }
  static void on_row_end(int, void* self) {
    auto* s = static_cast<State*>(self);
    ++s->rows_seen;
    // A row of empty cells (a spreadsheet's ";;;;" lines) counts but is skipped.
    const bool blank = std::all_of(s->cells.begin(), s->cells.end(), [](const std::string& c) { return c.empty(); });
    if (s->error.is_ok() && s->rows_seen == 1) s->header();
    if (s->error.is_ok() && s->rows_seen > 1 && !blank) s->row();
    s->cells.clear();
  }

  void header() {
    for (const auto& [from, to] : options.mapping)
      if (to != "-" && field_of(to) == -2) {
        error = Status::invalid_argument(
            cat("--map ", quoted(from), ": ", quoted(to), " is not a contact field; fields: ", field_names()));
        return;
      }
    std::vector<bool> taken(kFieldNames.size(), false);
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& name = cells[i];
      int field = name.empty() ? kSkip : field_of(name);  // a column without a header (a trailing ';') is skipped
      for (const auto& [from, to] : options.mapping)
        if (!name.empty() && reduce(from) == reduce(name)) field = to == "-" ? kSkip : field_of(to);
      if (field == -2) {
        error = Status::invalid_argument(cat("column ", i + 1, " (", quoted(name),
                                             ") is not a contact field: map it (--map '", name,
                                             "=FIELD') or skip it (--map '", name, "=-'); fields: ", field_names()));
        return;
      }
      if (field != kSkip && taken[static_cast<size_t>(field)]) {
        error =
            Status::invalid_argument(cat("two columns give the field ", kFieldNames[static_cast<size_t>(field)].name,
                                         " (the second is column ", i + 1, ", ", quoted(name), ")"));
        return;
      }
      if (field != kSkip) {
        taken[static_cast<size_t>(field)] = true;
        columns |= kFieldNames[static_cast<size_t>(field)].column;
      }
      field_of_column.push_back(field);
    }
    if (columns == 0) error = Status::invalid_argument("the header maps no contact field besides the number");
  }

  void row() {
    ContactCsvRow out;
    out.row.file_row = rows_seen;
    out.error = fill(out.row);
    (*sink)(std::move(out));
  }

  // The row's cells into `row`; the reason when a cell cannot be read.
  std::string fill(engine::ContactImportRow& row) const {
    for (size_t i = field_of_column.size(); i < cells.size(); ++i)
      if (!cells[i].empty()) return cat("the row has ", cells.size(), " cells, the header ", field_of_column.size());
    engine::ContactFields& f = row.record;
    engine::ContactAddress address;
    for (size_t i = 0; i < std::min(cells.size(), field_of_column.size()); ++i) {
      if (field_of_column[i] == kSkip || cells[i].empty()) continue;
      const std::string& v = cells[i];
      const FieldName& field = kFieldNames[static_cast<size_t>(field_of_column[i])];
      if (!valid_utf8(v)) return cat(field.name, " is not UTF-8 text (save the file as UTF-8)");
      uint64_t n = 0;
      switch (field.column) {
        case kNumberField:
          if (!whole_number(v, &row.number) || row.number == 0 || row.number > kContactNumberMax)
            return cat("number ", quoted(v), " is not a contact number (1 to 15 digits)");
          break;
        case engine::kColumnTypes:
          if (!contact_types(v, &f.types))
            return cat("types ", quoted(v), " is not individual or organisation (+guide, +supplier, ...)");
          break;
        case engine::kColumnBirthDate:
          if (!civil_day(v, &f.birth_date))
            return cat("birth date ", quoted(v), " is not a date (YYYY-MM-DD or DD.MM.YYYY)");
          break;
        case engine::kColumnAudience:
          if (!whole_number(v, &n) || n > UINT32_MAX) return cat("audience ", quoted(v), " is not a category number");
          f.audience = static_cast<uint32_t>(n);
          break;
        case engine::kColumnCivility:
          f.civility = v;
          break;
        case engine::kColumnLastName:
          f.last_name = v;
          break;
        case engine::kColumnFirstName:
          f.first_name = v;
          break;
        case engine::kColumnFunction:
          f.function = v;
          break;
        case engine::kColumnMobile:
          f.mobile = v;
          break;
        case engine::kColumnPhone:
          f.phone = v;
          break;
        case engine::kColumnFax:
          f.fax = v;
          break;
        case engine::kColumnEmail:
          f.email = v;
          break;
        case engine::kColumnLanguage:
          f.language = fold(v);
          break;
        case engine::kColumnAdminNumber:
          f.admin_number = v;
          break;
        case engine::kColumnReferenceCode:
          f.reference_code = v;
          break;
        case engine::kColumnIban:
          f.iban = v;
          break;
        case engine::kColumnAddressLines:
          address.lines = v;
          break;
        case engine::kColumnPostcode:
          address.postcode = v;
          break;
        case engine::kColumnCity:
          address.city = v;
          break;
        case engine::kColumnDepartment:
          address.department = v;
          break;
        case engine::kColumnRegion:
          address.region = v;
          break;
        case engine::kColumnCountry:
          address.country = v;
          for (char& c : address.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          break;
      }
    }
    if (!(address == engine::ContactAddress{})) f.addresses.push_back(std::move(address));
    return {};
  }

  Status parse(std::string_view bytes) {
    if (csv_parse(&parser, bytes.data(), bytes.size(), on_cell, on_row_end, this) != bytes.size() && error.is_ok())
      error =
          Status::invalid_argument(cat("the file is not valid CSV after row ", rows_seen, ": ",
                                       csv_strerror(csv_error(&parser)), " (a quote not closed, or text after one)"));
    return error;
  }

  // The header row's most frequent of ',' ';' and tab, outside quotes.
  static char delimiter_of(std::string_view first_line) {
    size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted_text = false;
    for (char c : first_line) {
      if (c == '"') quoted_text = !quoted_text;
      if (quoted_text) continue;
      comma += c == ',';
      semicolon += c == ';';
      tab += c == '\t';
    }
    if (semicolon > comma && semicolon >= tab) return ';';
    return tab > comma ? '\t' : ',';
  }

  Status start(bool at_end) {
    if (started) return error;
    const size_t eol = pending.find('\n');
    if (eol == std::string::npos && !at_end) return error;
    if (pending.starts_with("\xEF\xBB\xBF")) pending.erase(0, 3);  // a spreadsheet's UTF-8 mark
    const char delimiter =
        options.delimiter != 0 ? options.delimiter : delimiter_of(pending.substr(0, pending.find('\n')));
    csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
    started = true;
    std::string bytes = std::move(pending);
    pending.clear();
    return parse(bytes);
  }
};

ContactCsvReader::ContactCsvReader(ContactCsvOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

ContactCsvReader::~ContactCsvReader() = default;

Status ContactCsvReader::feed(std::string_view bytes, const Sink& sink) {
  State& s = *state_;
  if (!s.error.is_ok()) return s.error;
  s.sink = &sink;
  if (s.started) return s.parse(bytes);
  s.pending.append(bytes);
  return s.start(false);
}

Status ContactCsvReader::finish(const Sink& sink) {
  State& s = *state_;
  if (!s.error.is_ok()) return s.error;
  s.sink = &sink;
  Status started = s.start(true);
  if (!started.is_ok()) return started;
  if (csv_fini(&s.parser, State::on_cell, State::on_row_end, &s) != 0 && s.error.is_ok())
    s.error = Status::invalid_argument(cat("the file ends inside a quoted cell (row ", s.rows_seen + 1, ")"));
  if (s.error.is_ok() && s.rows_seen == 0) s.error = Status::invalid_argument("the file is empty (no header row)");
  return s.error;
}

Status ContactCsvReader::read_all(std::istream& in, const Sink& sink, const std::function<bool()>& keep_going) {
  std::string chunk(1 << 16, '\0');
  while (in) {
    if (keep_going && !keep_going()) return Status::ok();
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (Status s = feed(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())), sink); !s.is_ok()) return s;
  }
  return finish(sink);
}

uint32_t ContactCsvReader::columns() const { return state_->columns; }

std::string ContactCsvReader::field_names() {
  std::string out;
  for (const FieldName& f : kFieldNames) out += cat(out.empty() ? "" : ", ", f.name);
  return out;
}

}  // namespace tessera::directory
