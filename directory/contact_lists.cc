// ContactDirectory: the lists the organisation defines for its contacts
// (criteria for individuals, criteria for organisations, audience
// categories) and whether a contact is a client (the shards' client marks).
#include <algorithm>
#include <cassert>
#include <tuple>

#include "directory/contact_directory.h"
#include "directory/contact_index.h"
#include "directory/contact_record.h"
#include "directory/text_fold.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactListEntry;
using engine::ContactListKind;
using engine::refuse;
using engine::ReplyCode;

namespace {

std::string_view list_name(ContactListKind list) {
  switch (list) {
    case ContactListKind::kIndividualCriterion:
      return "individual criterion";
    case ContactListKind::kOrganisationCriterion:
      return "organisation criterion";
    case ContactListKind::kAudience:
      return "audience category";
  }
  return "list";
}

bool entry_before(const ContactListEntry& e, std::pair<ContactListKind, uint32_t> key) {
  return std::pair(e.list, e.id) < key;
}

}  // namespace

const ContactListEntry* ContactDirectory::list_entry(ContactListKind list, uint32_t id) const {
  auto at = std::lower_bound(lists_.begin(), lists_.end(), std::pair(list, id), entry_before);
  return at != lists_.end() && at->list == list && at->id == id ? &*at : nullptr;
}

bool ContactDirectory::list_defined(ContactListKind list) const {
  auto at = std::lower_bound(lists_.begin(), lists_.end(), std::pair(list, uint32_t{0}), entry_before);
  return at != lists_.end() && at->list == list;
}

Reply ContactDirectory::define_list_entry(const engine::DefineContactListEntry& c) {
  if (static_cast<uint8_t>(c.list) > engine::kContactListKindLast)
    return refuse(ReplyCode::kInvalidArgument, cat("list ", static_cast<unsigned>(c.list), " is not a contact list"));
  if (c.id == 0) return refuse(ReplyCode::kInvalidArgument, cat("a ", list_name(c.list), " needs an id (1 or more)"));
  if (c.name.empty() || c.name.size() > engine::kContactFieldLengthMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a ", list_name(c.list), " needs a name of 1 to ", engine::kContactFieldLengthMax, " bytes"));
  const std::string folded = index_key(c.name);
  if (folded.empty()) return refuse(ReplyCode::kInvalidArgument, cat("the name ", quoted(c.name), " is blank"));
  size_t in_list = 0;
  for (const ContactListEntry& e : lists_) {
    if (e.list != c.list) continue;
    ++in_list;
    if (e.id != c.id && index_key(e.name) == folded)
      return refuse(ReplyCode::kDuplicate,
                    cat("the ", list_name(c.list), " ", e.id, " is already called ", quoted(e.name)));
  }
  auto at = std::lower_bound(lists_.begin(), lists_.end(), std::pair(c.list, c.id), entry_before);
  if (at != lists_.end() && at->list == c.list && at->id == c.id) {
    at->name = c.name;
    at->retired = c.retired;
    return Reply{};
  }
  if (in_list >= engine::kContactListEntriesMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("a list holds at most ", engine::kContactListEntriesMax, " entries (", list_name(c.list), ")"));
  lists_.insert(at, ContactListEntry{c.list, c.id, c.name, c.retired});
  return Reply{};
}

Reply ContactDirectory::lists(const engine::GetContactLists& c) const {
  engine::ContactLists out;
  for (const ContactListEntry& e : lists_)
    if (c.with_retired || !e.retired) out.entries.push_back(e);
  Reply r;
  r.value = static_cast<int64_t>(out.entries.size());
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(out)});
  return r;
}

Reply ContactDirectory::check_lists(const engine::ContactFields& record, const engine::ContactFields* before) const {
  auto offered = [&](ContactListKind list, uint32_t id, bool had) -> Reply {
    // The organisation has not defined this list: any id, as before lists
    // existed. An id the record had stays (retired, or given before the list).
    if (had || !list_defined(list)) return Reply{};
    const ContactListEntry* e = list_entry(list, id);
    if (e == nullptr)
      return refuse(ReplyCode::kNotFound, cat("no ", list_name(list), " has id ", id, " (GetContactLists lists them)"));
    if (e->retired)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("the ", list_name(list), " ", id, " (", quoted(e->name), ") is retired: it is given no more"));
    return Reply{};
  };
  if (record.audience != 0) {
    Reply r = offered(ContactListKind::kAudience, record.audience, before && before->audience == record.audience);
    if (!r.ok()) return r;
  }
  const ContactListKind criteria = criteria_list(record.types);
  for (uint32_t id : record.criteria) {
    const bool had = before && criteria_list(before->types) == criteria &&
                     std::find(before->criteria.begin(), before->criteria.end(), id) != before->criteria.end();
    Reply r = offered(criteria, id, had);
    if (!r.ok()) return r;
  }
  return Reply{};
}

// ---- Clients ---------------------------------------------------------------------

int64_t ContactDirectory::client_since(ContactId id) const {
  const StoredContact* c = find(id);
  if (c == nullptr) return 0;
  const auto slot = static_cast<size_t>(c - contacts_.items().data());
  return slot < client_since_.size() ? client_since_[slot] : 0;
}

int64_t& ContactDirectory::client_slot(const StoredContact& c) {
  const auto slot = static_cast<size_t>(&c - contacts_.items().data());
  if (slot >= client_since_.size()) client_since_.resize(slot + 1, 0);
  return client_since_[slot];
}

void ContactDirectory::merge_client(const StoredContact& duplicate, const StoredContact& survivor) {
  const auto slot = static_cast<size_t>(&duplicate - contacts_.items().data());
  if (slot >= client_since_.size() || client_since_[slot] == 0) return;
  int64_t& to = client_slot(survivor);
  to = to == 0 ? client_since_[slot] : std::min(to, client_since_[slot]);
  client_since_[slot] = 0;
}

// Marks of contacts since deleted are taken (the shard's sequence moves
// on) and change nothing; those of a merged contact go to its survivor.
Reply ContactDirectory::note_clients(const engine::NoteContactClients& c) {
  if (c.marks.empty() || c.marks.size() > size_t{engine::kShardsMax} * engine::kClientMarksPerReplyMax)
    return refuse(ReplyCode::kInvalidArgument, "NoteContactClients carries 1 or more marks, within the reply limits");
  for (const engine::ClientMark& m : c.marks)
    if (m.shard >= engine::kShardsMax || m.seq == 0 || m.since_ms < 0 || m.since_ms > engine::kTimeMsMax)
      return refuse(ReplyCode::kInvalidArgument, cat("client mark ", m.seq, " of shard ", m.shard, " is malformed"));
  int64_t taken = 0;
  for (const engine::ClientMark& m : c.marks) {
    if (m.shard >= client_marks_taken_.size()) client_marks_taken_.resize(m.shard + 1, 0);
    if (m.seq <= client_marks_taken_[m.shard]) continue;  // already taken
    client_marks_taken_[m.shard] = m.seq;
    ++taken;
    ContactId id = m.contact;
    for (int hops = 0; find(id) == nullptr && hops < 64; ++hops) {
      id = merged_into(id);
      if (id == engine::kNone) break;
    }
    const StoredContact* contact = id == engine::kNone ? nullptr : find(id);
    if (contact == nullptr) continue;
    const int64_t at = std::max<int64_t>(m.since_ms, 1);  // 0 means a prospect
    int64_t& since = client_slot(*contact);
    since = since == 0 ? at : std::min(since, at);
  }
  Reply r;
  r.value = taken;
  return r;
}

}  // namespace tessera::directory
