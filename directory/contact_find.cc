// ContactDirectory: the advanced search (FindContacts, seed 001's
// "Recherche avancée"). Results come in order from the search index of
// valid contacts, then (with_invalid) from that of invalid ones, as the
// quick search pages them: through the index's name search when a name is
// given, else by number when one is given, each candidate's record read in
// place and checked against every criterion; else every record is checked
// in memory order and the index's name order picks those that passed. The
// page is cut from the results and the total counts them all.
//
// Cost: a name or a number keeps the scan to their matches; else a city or
// a postcode keeps it to those the address index gives (AddressIndex: no
// record read for them); other criteria alone read every record
// (bench/directory_bench.cc, BM_ContactFind).
#include <algorithm>
#include <cassert>

#include "directory/contact_directory.h"
#include "directory/contact_index.h"
#include "directory/contact_record.h"
#include "directory/text_fold.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactLinkKind;
using engine::refuse;
using engine::ReplyCode;

namespace {

constexpr size_t kPhoneDigitsMin = 4;

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out;
}

std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '\t') out.push_back(c);
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The criteria of a FindContacts, prepared once (folded, digits kept).
struct Criteria {
  const engine::FindContacts& query;
  std::string relay, phone, email, country, postcode, city, admin_number, reference_code;

  explicit Criteria(const engine::FindContacts& q)
      : query(q),
        relay(index_key(q.relay)),
        phone(digits_of(q.phone)),
        email(index_key(q.email)),
        country(index_key(q.country)),
        postcode(postcode_key(q.postcode)),
        city(city_key(q.city)),
        admin_number(without_spaces(q.admin_number)),
        reference_code(index_key(q.reference_code)) {
    // A national number typed with its trunk prefix ("06 12 ...") still
    // ends the international one ("+33 6 12 ...").
    phone.erase(0, std::min(phone.find_first_not_of('0'), phone.size()));
  }

  // Whether a record must be read: some criterion of the record's own
  // fields other than the main address's city and postcode, which
  // AddressIndex answers (`by_address`).
  bool needs_record(bool by_address) const {
    return query.types != 0 || query.ambassadors_only || query.criterion != 0 ||
           query.iban != engine::IbanFilter::kAny || !admin_number.empty() || !reference_code.empty() ||
           !email.empty() || !phone.empty() || !country.empty() ||
           (!by_address && (!postcode.empty() || !city.empty()));
  }

  // The record's own fields (links and client status are checked apart).
  bool record_matches(const ContactFieldsView& f) const {
    if ((f.types & query.types) != query.types) return false;
    if (query.ambassadors_only && !(f.flags & engine::kContactAmbassador)) return false;
    if (query.criterion != 0 && std::find(f.criteria.begin(), f.criteria.end(), query.criterion) == f.criteria.end())
      return false;
    if (query.iban == engine::IbanFilter::kWith && f.iban.empty()) return false;
    if (query.iban == engine::IbanFilter::kWithout && !f.iban.empty()) return false;
    if (!admin_number.empty() && without_spaces(f.admin_number) != admin_number) return false;
    if (!reference_code.empty() && index_key(f.reference_code) != reference_code) return false;
    if (!email.empty() && !starts_with(index_key(f.email), email)) return false;
    if (!phone.empty()) {
      auto ends = [&](std::string_view number) {
        const std::string d = digits_of(number);
        return d.size() >= phone.size() && std::string_view(d).substr(d.size() - phone.size()) == phone;
      };
      if (!ends(f.mobile) && !ends(f.phone) && !ends(f.fax)) return false;
    }
    if (!country.empty() || !postcode.empty() || !city.empty()) {
      const ContactAddressView* main = address_of(f, engine::AddressKind::kMain);
      if (main == nullptr) return false;
      if (!country.empty() && index_key(main->country) != country) return false;
      if (!postcode.empty() && !starts_with(postcode_key(main->postcode), postcode)) return false;
      if (!city.empty() && !starts_with(city_key(main->city), city)) return false;
    }
    return true;
  }
};

}  // namespace

Reply ContactDirectory::find_contacts(const engine::FindContacts& c) const {
  const uint32_t limit = c.limit == 0 ? engine::kContactSearchRowsDefault : c.limit;
  if (limit > engine::kContactSearchRowsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a search page has at most ", engine::kContactSearchRowsMax, " rows"));
  for (const std::string* text :
       {&c.name, &c.relay, &c.phone, &c.email, &c.country, &c.postcode, &c.city, &c.admin_number, &c.reference_code})
    if (text->size() > kQueryBytesMax)
      return refuse(ReplyCode::kInvalidArgument, cat("a search criterion has at most ", kQueryBytesMax, " bytes"));
  if (static_cast<uint8_t>(c.iban) > engine::kIbanFilterLast)
    return refuse(ReplyCode::kInvalidArgument, cat("iban filter ", static_cast<unsigned>(c.iban), " is unknown"));
  if (c.linked_to != engine::kNone) {
    if (static_cast<uint8_t>(c.link_kind) == 0 || static_cast<uint8_t>(c.link_kind) > engine::kContactLinkKindLast)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("link kind ", static_cast<unsigned>(c.link_kind), " is not a kind of link"));
    if (!find(c.linked_to)) return missing(c.linked_to);
  }
  const Criteria criteria(c);
  if (!c.phone.empty() && criteria.phone.size() < kPhoneDigitsMin)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a phone criterion needs at least ", kPhoneDigitsMin, " digits (besides a leading 0)"));

  auto relays = [&](ContactId id) {  // an individual that relays an organisation
    auto it = links_.lower_bound(StoredLink{id, ContactLinkKind::kRelayOf, ContactId{0}});
    return it != links_.end() && it->from == id && it->kind == ContactLinkKind::kRelayOf;
  };
  auto relay_matches = [&](ContactId id) {
    auto named = [&](ContactId other) {
      const StoredContact* o = find(other);
      if (o == nullptr) return false;
      const ContactFieldsView f = view(*o);
      return starts_with(index_key(f.last_name), criteria.relay) ||
             starts_with(index_key(cat(f.last_name, " ", f.first_name)), criteria.relay);
    };
    return any_relay_partner(id, named);
  };
  // A city or a postcode: the address index answers them without the
  // record, and gives the candidates when there is no name nor number.
  const bool by_address = !criteria.city.empty() || !criteria.postcode.empty();
  const AddressIndex::Match where = addresses_.match(criteria.city, criteria.postcode);
  const bool needs_record = criteria.needs_record(by_address);
  auto keep = [&](const StoredContact& s) {
    if (c.number != 0 && s.number != c.number) return false;
    if (by_address && !addresses_.matches(where, slot_of(s))) return false;
    if (!c.with_prospects && client_since(s.contact) == 0) return false;
    if (!c.with_relays && relays(s.contact)) return false;
    if (c.linked_to != engine::kNone && !links_.contains(StoredLink{s.contact, c.link_kind, c.linked_to}) &&
        !links_.contains(StoredLink{c.linked_to, c.link_kind, s.contact}))
      return false;
    if (needs_record && !criteria.record_matches(view(s))) return false;
    return criteria.relay.empty() || relay_matches(s.contact);
  };

  engine::ContactFindPage page;
  uint64_t skip = c.offset;
  auto take = [&](uint32_t key) {  // a contact that passed, in result order
    ++page.total;
    if (skip > 0) {
      --skip;
    } else if (page.rows.size() < limit) {
      page.rows.push_back(find_row(*find(ContactId{key})));
    }
  };
  auto offer = [&](uint32_t key) {
    const StoredContact* s = find(ContactId{key});
    assert(s);
    if (keep(*s)) take(key);
  };
  // Without a name or a number the candidates are those the address index
  // gives, else every contact; they are checked in key or memory order (a
  // walk in name order would miss the cache on every one), then the
  // index's name order picks the ones that passed.
  std::vector<bool> passed;
  auto scan_all = [&] {
    passed.assign(next_id_, false);
    if (by_address) {
      addresses_.for_each_match(where, [&](uint32_t slot) {
        const StoredContact& s = contacts_.items()[slot];
        if (!s.deleted() && keep(s)) passed[s.contact.value()] = true;
      });
      return;
    }
    for (const StoredContact& s : contacts_.items())
      if (!s.deleted() && keep(s)) passed[s.contact.value()] = true;
  };
  for (const ContactIndex* index : {&valid_index_, &invalid_index_}) {
    if (index == &invalid_index_ && !c.with_invalid) break;
    if (!c.name.empty()) {
      auto keys = index->search_all(c.name);
      if (!keys.is_ok()) return refuse(ReplyCode::kInvalidArgument, keys.status().message());
      for (uint32_t key : *keys) offer(key);
    } else if (c.number != 0) {
      if (const std::optional<uint32_t> key = index->find_number(c.number)) offer(*key);
    } else {
      if (passed.empty()) scan_all();
      index->for_each_in_name_order([&](uint32_t key) {
        if (key < passed.size() && passed[key]) take(key);
        return true;
      });
    }
  }
  Reply r;
  r.value = static_cast<int64_t>(page.total);
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(page)});
  return r;
}

engine::ContactFindRow ContactDirectory::find_row(const StoredContact& c) const {
  const ContactFieldsView f = view(c);
  engine::ContactFindRow row;
  row.contact = c.contact;
  row.number = c.number;
  row.types = f.types;
  row.flags = f.flags;
  row.name = directory::display_name(f.last_name, f.first_name);
  auto first = links_.lower_bound(StoredLink{c.contact, ContactLinkKind{0}, ContactId{0}});
  if (first != links_.end() && first->from == c.contact) {
    row.role_kind = static_cast<uint8_t>(first->kind);
    row.role_of = first->to;
    row.role_of_name = display_name(first->to);
  }
  any_relay_partner(c.contact, [&](ContactId other) {  // the first one
    row.relay = other;
    row.relay_name = display_name(other);
    return true;
  });
  if (const ContactAddressView* main = address_of(f, engine::AddressKind::kMain)) {
    row.city = main->city;
    row.address = one_line_address(main->lines);
  }
  row.client_since_ms = client_since(c.contact);
  return row;
}

}  // namespace tessera::directory
