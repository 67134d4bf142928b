// ContactDirectory state: hash, invariants, statistics, snapshots. The
// snapshot holds the records, links, idempotency keys, counters and (v2)
// the merges, (v3) the organisation's lists and the clients, (v4) the
// cashback; the
// search indexes (which also find a contact by its number) are derived and
// rebuilt on load.
#include <cassert>

#include "directory/contact_directory.h"
#include "directory/contact_record.h"
#include "engine/codec.h"
#include "engine/hash.h"
#include "engine/limits.h"

namespace tessera::directory {

namespace {

constexpr uint32_t kDirectorySnapshotMagic = 0x54444952;  // "TDIR"
constexpr uint32_t kDirectorySnapshotVersion =
    4;  // v2 adds the merges, v3 the lists and clients, v4 the cashback (read: v1 to v4)

}  // namespace

DirectoryStats ContactDirectory::stats() const {
  return DirectoryStats{size(), invalid_index_.size(), links_.size(), commands_applied_};
}

size_t ContactDirectory::memory_bytes() const {
  size_t bytes = contacts_.items().capacity() * sizeof(StoredContact) + contacts_.size() * 16;  // items + id index
  for (const StoredContact& c : contacts_.items()) {
    bytes += c.packed.heap_bytes() + c.notes.heap_bytes();
  }
  bytes += (links_.size() + links_in_.size()) * (sizeof(StoredLink) + 32);
  bytes += client_since_.capacity() * sizeof(int64_t) + lists_.capacity() * sizeof(engine::ContactListEntry);
  return bytes + valid_index_.memory_bytes() + invalid_index_.memory_bytes() + addresses_.memory_bytes();
}

uint64_t ContactDirectory::state_hash() const {
  engine::Hasher h;
  h.add_u64(kContactDirectoryPartition);  // not the time: queries move it, and they are not logged
  h.add_u64(next_id_);
  h.add_u64(next_number_);
  h.add_u64(next_profile_seq_);
  h.add(contacts_.items());
  for (const StoredLink& l : links_) h.add(l);
  idempotency_.hash_into(h);
  if (!merges_.empty()) h.add(merges_);  // absent before MergeContacts
  if (!lists_.empty()) h.add(lists_);    // absent before DefineContactListEntry
  if (!client_marks_taken_.empty()) {    // absent before NoteContactClients
    h.add(client_marks_taken_);
    h.add(clients());
  }
  cashback_.hash_into(h);  // absent before cashback
  return h.value();
}

Status ContactDirectory::check_invariants() const {
  if (links_.size() != links_in_.size()) return Status::internal("link index out of step");
  if (valid_index_.size() + invalid_index_.size() != size())
    return Status::internal("search indexes do not hold every contact once");
  size_t deleted = 0;
  for (const StoredContact& c : contacts_.items()) {
    if (c.deleted()) {
      ++deleted;
      if (c.packed.size() != 0 || !c.notes.empty() || c.contact.value() >= next_id_ ||
          c.profile_seq >= next_profile_seq_)
        return Status::internal(cat("deleted contact ", c.contact, " keeps a record or is past the counters"));
      continue;
    }
    engine::ContactFields record;
    if (!engine::decode(c.packed, record).is_ok())
      return Status::internal(cat("contact ", c.contact, " does not decode"));
    if (c.contact.value() >= next_id_ || c.number >= next_number_ || c.profile_seq >= next_profile_seq_)
      return Status::internal(cat("contact ", c.contact, " is past the allocation counters"));
    if (find_number(c.number) != &c)
      return Status::internal(cat("contact ", c.contact, " is not found by its number (numbers must be unique)"));
  }
  if (deleted != deleted_) return Status::internal("deleted contacts miscounted");
  for (size_t i = 0; i < merges_.size(); ++i) {
    const StoredContact* gone = contacts_.find(merges_[i].duplicate);
    if (gone == nullptr || !gone->deleted() || contacts_.find(merges_[i].survivor) == nullptr ||
        (i > 0 && !(merges_[i - 1].duplicate < merges_[i].duplicate)))
      return Status::internal(cat("merge of contact ", merges_[i].duplicate, " is out of step"));
  }
  for (size_t i = 0; i < lists_.size(); ++i)
    if (lists_[i].id == 0 || lists_[i].name.empty() ||
        (i > 0 && !(std::pair(lists_[i - 1].list, lists_[i - 1].id) < std::pair(lists_[i].list, lists_[i].id))))
      return Status::internal("the organisation's contact lists are out of order");
  if (client_since_.size() > contacts_.size()) return Status::internal("client times past the contacts");
  if (Status s = cashback_.check_invariants([this](ContactId id) { return current(id); }); !s.is_ok()) return s;
  for (size_t slot = 0; slot < client_since_.size(); ++slot)
    if (client_since_[slot] < 0 || (client_since_[slot] != 0 && contacts_.items()[slot].deleted()))
      return Status::internal(cat("contact ", contacts_.items()[slot].contact, " has a client time out of step"));
  for (const StoredLink& l : links_) {
    if (!find(l.from) || !find(l.to)) return Status::internal(cat("a link names a missing contact ", l.from));
    if (!links_in_.contains(StoredLink{l.to, l.kind, l.from})) return Status::internal("link index out of step");
    if ((l.kind == engine::ContactLinkKind::kChildOf || l.kind == engine::ContactLinkKind::kSubsidiaryOf) &&
        reaches(l.to, l.kind, l.from))
      return Status::internal(cat("links of contact ", l.from, " make a cycle"));
  }
  return Status::ok();
}

void ContactDirectory::save(std::string* out) const {
  engine::Writer w(out);
  const std::vector<StoredLink> links(links_.begin(), links_.end());
  w.put(kDirectorySnapshotMagic);
  // Without cashback, v3 as before (an older build still reads it).
  w.put(cashback_.empty() ? uint32_t{3} : kDirectorySnapshotVersion);
  w.put(now_ms_);
  w.put(next_id_);
  w.put(next_number_);
  w.put(next_profile_seq_);
  w.put(commands_applied_);
  w.put(contacts_);
  w.put(links);
  w.put(idempotency_);
  w.put(merges_);
  w.put(lists_);
  w.put(clients());
  w.put(client_marks_taken_);
  if (!cashback_.empty()) w.put(cashback_.state());
}

std::vector<ClientSince> ContactDirectory::clients() const {
  std::vector<ClientSince> out;
  for (size_t slot = 0; slot < client_since_.size(); ++slot)
    if (client_since_[slot] != 0) out.push_back(ClientSince{contacts_.items()[slot].contact, client_since_[slot]});
  return out;
}

Result<std::unique_ptr<ContactDirectory>> ContactDirectory::load(std::string_view bytes) {
  engine::Reader r(bytes);
  uint32_t magic = 0, version = 0;
  Status s = r.get(magic);
  if (s.is_ok()) s = r.get(version);
  if (!s.is_ok()) return s;
  if (magic != kDirectorySnapshotMagic) return Status::invalid_argument("not a Tessera contact directory snapshot");
  if (version < 1 || version > kDirectorySnapshotVersion)
    return Status::failed_precondition(
        cat("contact directory snapshot v", version, "; this build reads v1 to v", kDirectorySnapshotVersion));
  auto out = std::make_unique<ContactDirectory>(0);
  ContactDirectory& d = *out;
  std::vector<StoredLink> links;
  for (Status step : {r.get(d.now_ms_), r.get(d.next_id_), r.get(d.next_number_), r.get(d.next_profile_seq_),
                      r.get(d.commands_applied_), r.get(d.contacts_), r.get(links), r.get(d.idempotency_)}) {
    if (!step.is_ok()) return step;
  }
  if (version >= 2) {
    s = r.get(d.merges_);
    if (!s.is_ok()) return s;
  }
  std::vector<ClientSince> clients;
  if (version >= 3) {
    for (Status step : {r.get(d.lists_), r.get(clients), r.get(d.client_marks_taken_)})
      if (!step.is_ok()) return step;
    if (d.client_marks_taken_.size() > engine::kShardsMax)
      return Status::invalid_argument("contact directory snapshot has client marks of too many shards");
  }
  CashbackLedger::State cashback;
  if (version >= 4) {
    s = r.get(cashback);
    if (!s.is_ok()) return s;
  }
  if (!r.done()) return Status::invalid_argument("contact directory snapshot has trailing bytes");
  if (d.now_ms_ < 0 || d.now_ms_ > engine::kTimeMsMax) return Status::invalid_argument("snapshot time out of range");
  d.links_.insert(links.begin(), links.end());
  s = d.rebuild();
  if (!s.is_ok()) return s;
  for (const ClientSince& c : clients) {
    const StoredContact* contact = d.find(c.contact);
    if (contact == nullptr || c.since_ms <= 0)
      return Status::invalid_argument(cat("contact directory snapshot: client ", c.contact, " is out of step"));
    d.client_slot(*contact) = c.since_ms;
  }
  s = d.cashback_.restore(std::move(cashback), [&d](ContactId id) { return d.current(id); });
  if (!s.is_ok()) return s;
  s = d.check_invariants();
  if (!s.is_ok()) return Status::internal("contact directory snapshot fails its invariants: " + s.message());
  return out;
}

// The derived state: id index, reverse links, search indexes (numbers too).
Status ContactDirectory::rebuild() {
  if (!contacts_.rebuild_index() || !idempotency_.rebuild_index())
    return Status::invalid_argument("contact directory snapshot repeats an id");
  deleted_ = 0;
  for (const StoredContact& c : contacts_.items()) {
    if (c.deleted()) {
      ++deleted_;
      continue;
    }
    engine::ContactFields record;
    if (!engine::decode(c.packed, record).is_ok())
      return Status::invalid_argument(cat("contact ", c.contact, " in the snapshot does not decode"));
    if (c.number == 0 || find_number(c.number) != nullptr)
      return Status::invalid_argument(cat("contact number ", c.number, " is repeated in the snapshot"));
    index(c, record);
  }
  for (const StoredLink& l : links_) links_in_.insert(StoredLink{l.to, l.kind, l.from});
  return Status::ok();
}

}  // namespace tessera::directory
