// ContactDirectory reads: a contact's card with its links and notes, quick
// search pages, and the short cards the runtime fills shard replies with.
#include <algorithm>
#include <cassert>

#include "directory/contact_directory.h"
#include "directory/contact_record.h"
#include "engine/codec.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactFields;
using engine::refuse;
using engine::ReplyCode;

ContactFields unpack(const StoredContact& c) {
  ContactFields record;
  [[maybe_unused]] const Status decoded = engine::decode(c.packed, record);
  assert(decoded.is_ok());
  return record;
}

ContactFieldsView view(const StoredContact& c) {
  ContactFieldsView record;
  [[maybe_unused]] const Status decoded = engine::decode(c.packed, record);
  assert(decoded.is_ok());
  return record;
}

std::string ContactDirectory::display_name(ContactId id) const {
  const StoredContact* c = find(id);
  if (!c) return {};
  const ContactFieldsView record = view(*c);
  return directory::display_name(record.last_name, record.first_name);
}

engine::ContactCard ContactDirectory::card_of(const StoredContact& c) const {
  engine::ContactCard card;
  card.contact = c.contact;
  card.number = c.number;
  card.record = unpack(c);
  card.record.iban = mask_iban(card.record.iban);
  card.age = age_on(card.record.birth_date, civil_date(now_ms_));
  card.created_ms = c.created_ms;
  card.created_by = c.created_by;
  card.modified_ms = c.modified_ms;
  card.modified_by = c.modified_by;
  card.web_account_ms = c.web_account_ms;
  card.web_account_by = c.web_account_by;
  card.notes.assign(c.notes.begin(), c.notes.end());
  card.profile_seq = c.profile_seq;
  if (const engine::ContactListEntry* e = list_entry(engine::ContactListKind::kAudience, card.record.audience))
    card.audience_name = e->name;
  const engine::ContactListKind criteria = criteria_list(card.record.types);
  for (uint32_t id : card.record.criteria) {
    const engine::ContactListEntry* e = list_entry(criteria, id);
    card.criteria_names.push_back(e ? e->name : std::string());
  }
  card.client_since_ms = client_since(c.contact);
  const auto view = [this](engine::ContactLinkKind kind, bool outgoing, ContactId other) {
    const StoredContact* o = find(other);
    return engine::ContactLinkView{kind, outgoing, other, o ? o->number : 0, display_name(other)};
  };
  for (auto it = links_.lower_bound(StoredLink{c.contact, engine::ContactLinkKind{0}, ContactId{0}});
       it != links_.end() && it->from == c.contact; ++it)
    card.links.push_back(view(it->kind, true, it->to));
  for (auto it = links_in_.lower_bound(StoredLink{c.contact, engine::ContactLinkKind{0}, ContactId{0}});
       it != links_in_.end() && it->from == c.contact; ++it)
    card.links.push_back(view(it->kind, false, it->to));
  return card;
}

Reply ContactDirectory::card_reply(const StoredContact& c) const {
  Reply r;
  r.value = static_cast<int64_t>(c.number);
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{card_of(c)});
  return r;
}

engine::ContactSummary ContactDirectory::summary_of(const StoredContact& c) const {
  const ContactFieldsView record = view(c);
  engine::ContactSummary s;
  s.contact = c.contact;
  s.number = c.number;
  s.types = record.types;
  s.flags = record.flags;
  s.last_name = record.last_name;
  s.first_name = record.first_name;
  s.email = record.email;
  if (const ContactAddressView* main = address_of(record, engine::AddressKind::kMain)) {
    s.postcode = main->postcode;
    s.city = main->city;
    s.country = main->country;
    s.street = one_line_address(main->lines);
  }
  s.line = completion_line(record.last_name, record.first_name, s.country, s.postcode, c.number);
  s.language = record.language;
  s.audience = record.audience;
  if (record.audience != 0)
    if (const engine::ContactListEntry* e = list_entry(engine::ContactListKind::kAudience, record.audience))
      s.audience_name = e->name;
  return s;
}

std::vector<engine::ContactSummary> ContactDirectory::summaries_of(const std::vector<uint32_t>& keys) const {
  for (uint32_t key : keys) contacts_.prefetch(ContactId{key});
  std::vector<const StoredContact*> slots;
  slots.reserve(keys.size());
  for (uint32_t key : keys) {
    const StoredContact* stored = contacts_.find(ContactId{key});  // reads the hash slot, not the contact's
    assert(stored);
    __builtin_prefetch(stored);
    __builtin_prefetch(&stored->packed);  // 72 bytes may straddle two lines
    slots.push_back(stored);
  }
  for (const StoredContact* stored : slots) stored->packed.prefetch();
  std::vector<engine::ContactSummary> rows;
  rows.reserve(slots.size());
  for (const StoredContact* stored : slots) {
    assert(!stored->deleted());
    rows.push_back(summary_of(*stored));
  }
  return rows;
}

Reply ContactDirectory::get(const engine::GetContact& c) const {
  const StoredContact* stored = nullptr;
  if (c.contact != engine::kNone) {
    stored = find(c.contact);
    if (!stored) return missing(c.contact);
    if (c.number != 0 && c.number != stored->number)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contact ", c.contact, " has number ", stored->number, ", not ", c.number));
  } else {
    if (c.number == 0) return refuse(ReplyCode::kInvalidArgument, "GetContact names a contact id or a number");
    stored = find_number(c.number);
    if (!stored) return refuse(ReplyCode::kNotFound, cat("no contact has number ", c.number));
  }
  return card_reply(*stored);
}

// Valid contacts first; with_invalid appends the invalid ones after them
// (each part in the index's order), and the total counts both.
Reply ContactDirectory::search(const engine::SearchContacts& c) const {
  const uint32_t limit = c.limit == 0 ? engine::kContactSearchRowsDefault : c.limit;
  if (limit > engine::kContactSearchRowsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a search page has at most ", engine::kContactSearchRowsMax, " rows"));
  auto valid = valid_index_.search(c.query, c.offset, limit);
  if (!valid.is_ok()) return refuse(ReplyCode::kInvalidArgument, valid.status().message());
  engine::ContactSearchPage page;
  page.total = valid->total;
  std::vector<uint32_t> keys = valid->keys;
  if (c.with_invalid) {
    const uint64_t skip = c.offset > valid->total ? c.offset - valid->total : 0;
    const auto room = static_cast<uint32_t>(limit - std::min<size_t>(limit, keys.size()));
    auto invalid = invalid_index_.search(c.query, static_cast<uint32_t>(std::min<uint64_t>(skip, UINT32_MAX)),
                                         room == 0 ? 1 : room);
    if (!invalid.is_ok()) return refuse(ReplyCode::kInvalidArgument, invalid.status().message());
    page.total += invalid->total;
    if (room > 0) keys.insert(keys.end(), invalid->keys.begin(), invalid->keys.end());
  }
  page.rows = summaries_of(keys);
  Reply r;
  r.value = static_cast<int64_t>(page.total);
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(page)});
  return r;
}

Reply ContactDirectory::cards(const engine::GetContactCards& c) const {
  if (c.contacts.size() > engine::kContactCardsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", engine::kContactCardsMax, " contacts per request"));
  std::vector<ContactId> ids = c.contacts;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  engine::ContactCards out;
  for (ContactId id : ids)
    if (const StoredContact* stored = find(id)) out.cards.push_back(summary_of(*stored));
  Reply r;
  r.value = static_cast<int64_t>(out.cards.size());
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(out)});
  return r;
}

}  // namespace tessera::directory
