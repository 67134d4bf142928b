// ContactDirectory: ImportContacts — the rows of an external file, each
// created, updated by number, matched, or refused with its reason.
#include <algorithm>
#include <type_traits>

#include "directory/contact_directory.h"
#include "directory/contact_record.h"
#include "directory/text_fold.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactFields;
using engine::ImportOutcome;
using engine::refuse;
using engine::ReplyCode;

namespace {

// `base` with the mapped columns of `row` that the row fills: an empty
// cell leaves its field as it is (a file never clears a field). The address
// columns go to the main address, added when missing.
ContactFields overlay(ContactFields base, const ContactFields& row, uint32_t columns) {
  auto take = [columns](uint32_t column, auto& to, const auto& from) {
    using V = std::decay_t<decltype(from)>;
    if ((columns & column) && from != V{}) to = from;
  };
  take(engine::kColumnTypes, base.types, row.types);
  take(engine::kColumnCivility, base.civility, row.civility);
  take(engine::kColumnLastName, base.last_name, row.last_name);
  take(engine::kColumnFirstName, base.first_name, row.first_name);
  take(engine::kColumnBirthDate, base.birth_date, row.birth_date);
  take(engine::kColumnFunction, base.function, row.function);
  take(engine::kColumnMobile, base.mobile, row.mobile);
  take(engine::kColumnPhone, base.phone, row.phone);
  take(engine::kColumnFax, base.fax, row.fax);
  take(engine::kColumnEmail, base.email, row.email);
  take(engine::kColumnLanguage, base.language, row.language);
  take(engine::kColumnAudience, base.audience, row.audience);
  take(engine::kColumnAdminNumber, base.admin_number, row.admin_number);
  take(engine::kColumnReferenceCode, base.reference_code, row.reference_code);
  take(engine::kColumnIban, base.iban, row.iban);
  if (!(columns & engine::kContactAddressColumns) || row.addresses.empty() ||
      row.addresses.front() == engine::ContactAddress{})
    return base;
  const engine::ContactAddress& from = row.addresses.front();
  auto main = std::find_if(base.addresses.begin(), base.addresses.end(),
                           [](const engine::ContactAddress& a) { return a.kind == engine::AddressKind::kMain; });
  if (main == base.addresses.end()) main = base.addresses.insert(base.addresses.begin(), engine::ContactAddress{});
  take(engine::kColumnAddressLines, main->lines, from.lines);
  take(engine::kColumnPostcode, main->postcode, from.postcode);
  take(engine::kColumnCity, main->city, from.city);
  take(engine::kColumnDepartment, main->department, from.department);
  take(engine::kColumnRegion, main->region, from.region);
  take(engine::kColumnCountry, main->country, from.country);
  return base;
}

template <typename Record>
std::string_view main_postcode(const Record& f) {
  const auto* main = address_of(f, engine::AddressKind::kMain);
  return main ? std::string_view(main->postcode) : std::string_view();
}

}  // namespace

Reply ContactDirectory::import(const engine::ImportContacts& c, const engine::Caller& who) {
  if (c.rows.empty() || c.rows.size() > engine::kContactImportRowsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("an import carries 1 to ", engine::kContactImportRowsMax, " rows (send a long file in parts)"));
  if (c.columns == 0 || (c.columns & ~engine::kContactColumnsAll) != 0)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("unknown import column bits ", c.columns & ~engine::kContactColumnsAll,
                      c.columns == 0 ? " (no column mapped)" : ""));
  // Rows with a number first, then those without: a row without a number
  // never takes a number a row of the same command gives (that row would
  // update it instead), and may match the contact such a row created. The
  // report keeps the command's order.
  auto detail = std::make_shared<engine::ReplyDetail>();
  auto& report = detail->value.emplace<engine::ContactImportReport>();
  report.rows.resize(c.rows.size());
  for (const bool numbered : {true, false}) {
    for (size_t i = 0; i < c.rows.size(); ++i) {
      const engine::ContactImportRow& row = c.rows[i];
      if ((row.number != 0) != numbered) continue;
      engine::ContactImportResult& result = report.rows[i];
      result = import_row(row, c.columns, who);
      result.file_row = row.file_row;
    }
  }
  for (const engine::ContactImportResult& result : report.rows) {
    switch (result.outcome) {
      case ImportOutcome::kCreated:
        ++report.created;
        break;
      case ImportOutcome::kUpdated:
        ++report.updated;
        break;
      case ImportOutcome::kUnchanged:
        ++report.unchanged;
        break;
      case ImportOutcome::kRefused:
        ++report.refused;
        break;
    }
  }
  Reply reply;
  reply.value = report.refused;
  reply.detail = std::move(detail);
  return reply;
}

engine::ContactImportResult ContactDirectory::import_row(const engine::ContactImportRow& row, uint32_t columns,
                                                         const engine::Caller& who) {
  engine::ContactImportResult result;
  auto refused = [&result](std::string reason) {
    result.outcome = ImportOutcome::kRefused;
    result.reason = std::move(reason);
    return result;
  };
  const ContactFields& typed = row.record;
  if (typed.addresses.size() > 1 || (!typed.addresses.empty() && typed.addresses[0].kind != engine::AddressKind::kMain))
    return refused("an imported row has one address, the main one");
  StoredContact* existing = nullptr;
  if (row.number != 0) {
    existing = find_number(row.number);
  } else {
    std::string refusal;
    existing = match(typed, columns, &refusal);
    if (!refusal.empty()) return refused(std::move(refusal));
  }
  if (existing == nullptr) {
    ContactFields record = overlay(ContactFields{}, typed, columns);
    if (record.types == 0) record.types = engine::kContactIndividual;  // no types column, or an empty cell
    const uint8_t types = record.types;
    StoredContact* created = nullptr;
    Reply r = insert(engine::CreateContact{engine::kNone, row.number, std::move(record)}, who, &created);
    if (!r.ok()) return refused(std::move(r.message));
    result.outcome = ImportOutcome::kCreated;
    result.contact = created->contact;
    result.number = created->number;
    result.types = types;
    result.profile_seq = created->profile_seq;
    return result;
  }
  const ContactFields before = unpack(*existing);
  const ContactFields after = overlay(before, typed, columns);
  result.contact = existing->contact;
  result.number = existing->number;
  if (after == before) {
    result.outcome = ImportOutcome::kUnchanged;
    return result;
  }
  // A record the quick-creation screen never checked (DefineContact) is held
  // to the rules it was created under.
  const uint32_t today = civil_date(now_ms_);
  const RecordRules rules = check_record(before, RecordRules::kQuickCreation, today).ok() ? RecordRules::kQuickCreation
                                                                                          : RecordRules::kLegacy;
  Reply r = check_record(after, rules, today);
  if (r.ok()) r = check_links_fit(existing->contact, after.types);
  if (r.ok()) r = check_lists(after, &before);
  if (!r.ok()) return refused(r.message);
  const uint64_t seq_before = existing->profile_seq;
  replace(*existing, existing->number, after, who);
  result.outcome = ImportOutcome::kUpdated;
  if (existing->profile_seq != seq_before) {
    result.types = after.types;
    result.profile_seq = existing->profile_seq;
  }
  return result;
}

// The one contact a row without a number stands for, compared as the search
// index compares (folded, spaces trimmed and collapsed): equal last and
// first names, and equal e-mail when the file maps e-mails and the row has
// one (found through the e-mail: few contacts share one), else equal birth
// date, else equal main postcode (the first the file maps and the row
// fills), else the names alone. Sets `refusal` when the row cannot be
// matched safely: several such contacts, more than kMatchScanMax of that
// name, or a name the search syntax cannot look up (',' '*' '@').
StoredContact* ContactDirectory::match(const ContactFields& row, uint32_t columns, std::string* refusal) {
  const std::string last = index_key(row.last_name), first = index_key(row.first_name);
  if (last.empty()) return nullptr;  // create() refuses it, naming the field
  const bool by_email = (columns & engine::kColumnEmail) && !row.email.empty();
  const std::string email = by_email ? index_key(row.email) : std::string();
  std::string query;
  if (by_email) {
    if (email.find('@') == std::string::npos) return nullptr;  // create() refuses the address
    query = row.email;
  } else {
    if (row.last_name.find_first_of(",*@") != std::string::npos ||
        row.first_name.find_first_of(",*@") != std::string::npos) {
      *refusal =
          "a row without a number or an e-mail is matched by its name, which cannot hold ',' '*' or '@': "
          "give the number in the file";
      return nullptr;
    }
    query = cat(row.last_name, ", ", row.first_name);
  }
  if (query.size() > kQueryBytesMax) return nullptr;
  auto same_person = [&](const ContactFieldsView& f) {
    if (index_key(f.last_name) != last || index_key(f.first_name) != first) return false;
    if (by_email) return true;  // the e-mail was compared first
    if ((columns & engine::kColumnBirthDate) && row.birth_date != 0) return f.birth_date == row.birth_date;
    const std::string_view postcode = main_postcode(row);
    if ((columns & engine::kColumnPostcode) && !postcode.empty()) return main_postcode(f) == postcode;
    return true;
  };
  std::vector<StoredContact*> found;
  for (const ContactIndex* index : {&valid_index_, &invalid_index_}) {
    for (uint32_t offset = 0;; offset += kSearchLimitMax) {
      auto page = index->search(query, offset, kSearchLimitMax);
      if (!page.is_ok()) return nullptr;  // create() refuses what the index cannot take
      if (page->total > kMatchScanMax) {
        *refusal =
            cat("more than ", kMatchScanMax, " contacts answer to ", quoted(query), ": give the number in the file");
        return nullptr;
      }
      bool past = false;
      for (uint32_t key : page->keys) {
        StoredContact* c = find(ContactId{key});
        const ContactFieldsView f = view(*c);
        // E-mail results come by e-mail: the equal ones first.
        if (by_email && index_key(f.email) != email) {
          past = true;
          break;
        }
        if (same_person(f)) found.push_back(c);
      }
      if (past || page->keys.size() < kSearchLimitMax) break;
    }
  }
  if (found.size() <= 1) return found.empty() ? nullptr : found.front();
  std::sort(found.begin(), found.end(), [](auto* a, auto* b) { return a->number < b->number; });
  *refusal = cat("matches ", found.size(), " contacts (numbers ", found[0]->number, ", ", found[1]->number,
                 found.size() > 2 ? ", ..." : "", "): give the number in the file");
  return nullptr;
}

// MatchPreRegistrants (engine/commands_preregistrations.h): the rules in
// order of certainty, the first that names exactly one contact wins. Each
// rule reads the indexes (an e-mail or "Last, First" search), as an
// import row's match does; a rule that names several contacts is
// ambiguous and matches nobody (the operator picks by hand).
Reply ContactDirectory::match_requesters(const engine::MatchPreRegistrants& c) const {
  if (c.requests.size() > engine::kPreRegBatchMax)
    return refuse(ReplyCode::kInvalidArgument, cat("at most ", engine::kPreRegBatchMax, " requesters at once"));
  engine::PreRegMatches out;
  out.ids.reserve(c.requests.size());
  out.matches.reserve(c.requests.size());
  // The contacts the query finds that `keep` takes (both indexes, the
  // first kMatchScanMax results of each, a page at a time).
  auto lookup = [this](const std::string& query, auto&& keep) {
    std::vector<const StoredContact*> found;
    if (query.empty() || query.size() > kQueryBytesMax) return found;
    for (const ContactIndex* index : {&valid_index_, &invalid_index_}) {
      for (uint32_t offset = 0; offset < kMatchScanMax; offset += kSearchLimitMax) {
        auto page = index->search(query, offset, kSearchLimitMax);
        if (!page.is_ok()) break;
        for (uint32_t key : page->keys) {
          const StoredContact* sc = find(ContactId{key});
          if (sc != nullptr && keep(view(*sc))) found.push_back(sc);
        }
        if (page->keys.size() < kSearchLimitMax) break;
      }
    }
    return found;
  };
  for (const engine::PreRegRequester& r : c.requests) {
    const engine::Requester& q = r.requester;
    engine::PreRegMatch m;
    auto take = [&](const std::vector<const StoredContact*>& found, engine::MatchBasis basis) {
      if (found.empty()) return false;
      m.candidates = static_cast<uint32_t>(found.size());
      if (found.size() > 1) return true;  // ambiguous: nobody, and no weaker rule either
      const ContactFieldsView f = view(*found.front());
      m.contact = found.front()->contact;
      m.number = found.front()->number;
      m.name = f.first_name.empty() ? std::string(f.last_name) : cat(f.last_name, " ", f.first_name);
      m.basis = basis;
      m.confidence = engine::match_confidence(basis);
      return true;
    };
    const std::string last = index_key(q.last_name), first = index_key(q.first_name);
    auto same_name = [&](const ContactFieldsView& f) {
      return index_key(f.last_name) == last && index_key(f.first_name) == first;
    };
    bool decided = false;
    if (r.contact != engine::kNone) {  // the operator's pick: its card
      const StoredContact* sc = find(current(r.contact));
      if (sc != nullptr) decided = take({sc}, engine::MatchBasis::kOperator);
      out.ids.push_back(r.id);
      out.matches.push_back(std::move(m));
      continue;
    }
    if (q.authenticated && q.contact_number != 0)
      if (const StoredContact* sc = find_number(q.contact_number); sc != nullptr && !sc->deleted())
        decided = take({sc}, engine::MatchBasis::kNumber);
    if (!decided && !q.email.empty() && q.email.find('@') != std::string::npos) {
      const std::string email = index_key(q.email);
      const auto with_email = lookup(q.email, [&](const ContactFieldsView& f) { return index_key(f.email) == email; });
      std::vector<const StoredContact*> named;
      for (const StoredContact* sc : with_email)
        if (same_name(view(*sc))) named.push_back(sc);
      decided = take(named, engine::MatchBasis::kEmailAndName);
      if (!decided && with_email.size() == 1) decided = take(with_email, engine::MatchBasis::kEmail);
    }
    const bool name_searchable = !last.empty() && q.last_name.find_first_of(",*@") == std::string::npos &&
                                 q.first_name.find_first_of(",*@") == std::string::npos;
    if (!decided && name_searchable && (q.birth_date != 0 || !q.postcode.empty())) {
      const auto named = lookup(cat(q.last_name, ", ", q.first_name), same_name);
      if (q.birth_date != 0) {
        std::vector<const StoredContact*> born;
        for (const StoredContact* sc : named)
          if (view(*sc).birth_date == q.birth_date) born.push_back(sc);
        decided = take(born, engine::MatchBasis::kNameBirthDate);
      }
      if (!decided && !q.postcode.empty()) {
        std::string postcode = q.postcode;
        std::erase(postcode, ' ');
        std::vector<const StoredContact*> near;
        for (const StoredContact* sc : named) {
          std::string theirs(main_postcode(view(*sc)));
          std::erase(theirs, ' ');
          if (theirs == postcode) near.push_back(sc);
        }
        decided = take(near, engine::MatchBasis::kNamePostcode);
      }
    }
    if (m.candidates > 1) m = engine::PreRegMatch{{}, 0, {}, engine::MatchBasis::kUnmatched, 0, m.candidates};
    out.ids.push_back(r.id);
    out.matches.push_back(std::move(m));
  }
  Reply reply;
  reply.value = static_cast<int64_t>(out.ids.size());
  reply.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(out)});
  return reply;
}

}  // namespace tessera::directory
