// Contact validation: one kind (individual xor organisation), a name, a
// plausible email.
#include "engine/contacts.h"

#include <algorithm>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

Reply check_record(const DefineContact& c) {
  if (is_reserved_id(c.contact))
    return refuse(ReplyCode::kInvalidArgument, cat("contact id ", c.contact, " is reserved"));
  if (c.number == 0) return refuse(ReplyCode::kInvalidArgument, "a contact needs a number");
  if (!valid_name(c.last_name))
    return refuse(ReplyCode::kInvalidArgument, cat("contact name must have 1 to ", kNameLengthMax, " bytes"));
  if (c.first_name.size() > kNameLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("contact first name has at most ", kNameLengthMax, " bytes"));
  const bool individual = (c.types & kContactIndividual) != 0;
  const bool organisation = (c.types & kContactOrganisation) != 0;
  if (individual == organisation)
    return refuse(ReplyCode::kInvalidArgument, "a contact is either an individual or an organisation");
  if ((c.types & ~kContactTypesAll) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown contact type bits ", c.types & ~kContactTypesAll));
  if (!c.email.empty()) {
    const size_t at = c.email.find('@');
    if (c.email.size() > kEmailLengthMax || at == std::string::npos || at == 0 || at + 1 == c.email.size() ||
        c.email.find_first_of(" \r\n<>,") != std::string::npos)
      return refuse(ReplyCode::kInvalidArgument, cat("email '", c.email.substr(0, 64), "' is not an address"));
  }
  return Reply{};
}

DefineContact record_of(const UpdateContact& c) {
  return DefineContact{c.contact, c.number, c.last_name, c.first_name, c.email, c.types};
}

}  // namespace

Reply ContactBook::check(const DefineContact& c) const {
  Reply r = check_record(c);
  if (!r.ok()) return r;
  if (contacts_.find(c.contact)) return refuse(ReplyCode::kDuplicate, cat("contact ", c.contact, " already exists"));
  if (contacts_.size() >= contacts_max_)
    return refuse(ReplyCode::kLimitExceeded, cat("too many contacts (at most ", contacts_max_, " on a shard)"));
  return r;
}

Reply ContactBook::check(const UpdateContact& c) const {
  Reply r = check_record(record_of(c));
  if (!r.ok()) return r;
  if (!contacts_.find(c.contact)) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  return r;
}

Reply ContactBook::define(const DefineContact& c) {
  Reply r = check(c);
  if (r.ok()) contacts_.add(c.contact, Contact{c});
  return r;
}

Reply ContactBook::update(const UpdateContact& c) {
  Reply r = check(c);
  if (r.ok()) contacts_.find(c.contact)->record = record_of(c);
  return r;
}

Reply ContactBook::check(const SetContactProfile& c) const {
  if (is_reserved_id(c.contact))
    return refuse(ReplyCode::kInvalidArgument, cat("contact id ", c.contact, " is reserved"));
  if (c.seq == 0) return refuse(ReplyCode::kInvalidArgument, "a contact profile needs its sequence");
  if (c.merged_into != kNone && (!c.deleted || c.merged_into == c.contact || is_reserved_id(c.merged_into)))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("contact ", c.contact, " cannot be merged into ", c.merged_into, " (merged means deleted)"));
  if ((c.types & ~kContactTypesAll) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown contact type bits ", c.types & ~kContactTypesAll));
  if (!c.deleted && !contacts_.find(c.contact) && contacts_.size() >= contacts_max_)
    return refuse(ReplyCode::kLimitExceeded, cat("too many contacts (at most ", contacts_max_, " on a shard)"));
  return Reply{};
}

uint64_t ContactBook::profile_seq(ContactId contact) const {
  auto at = std::lower_bound(profile_seqs_.begin(), profile_seqs_.end(), contact,
                             [](const ProfileSeq& p, ContactId id) { return p.contact < id; });
  return at != profile_seqs_.end() && at->contact == contact ? at->seq : 0;
}

// A hand-over older than the one applied changes nothing (and is no error:
// the directory resends after a crash). Names stay as a legacy record had
// them; the directory's are read at query time.
Reply ContactBook::set_profile(const SetContactProfile& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  auto at = std::lower_bound(profile_seqs_.begin(), profile_seqs_.end(), c.contact,
                             [](const ProfileSeq& p, ContactId id) { return p.contact < id; });
  if (at != profile_seqs_.end() && at->contact == c.contact) {
    if (at->seq >= c.seq) return r;
    at->seq = c.seq;
  } else {
    profile_seqs_.insert(at, ProfileSeq{c.contact, c.seq});
  }
  if (c.deleted) {  // the record stays as it was (the directory resends a deletion without one)
    *closed_entry(c.contact, true) = ClosedContact{c.contact, 0, true, c.merged_into};
    return r;
  }
  if (Contact* existing = contacts_.find(c.contact)) {
    existing->record.number = c.number;
    existing->record.types = c.types;
  } else {
    contacts_.add(c.contact, Contact{DefineContact{c.contact, c.number, "", "", "", c.types}});
  }
  return r;
}

ContactBook::ClosedContact* ContactBook::closed_entry(ContactId contact, bool add) {
  auto at = std::lower_bound(closed_.begin(), closed_.end(), contact,
                             [](const ClosedContact& e, ContactId id) { return e.contact < id; });
  if (at != closed_.end() && at->contact == contact) return &*at;
  return add ? &*closed_.insert(at, ClosedContact{contact}) : nullptr;
}

Reply ContactBook::check_closed(ContactId contact) const {
  const ClosedContact* e = const_cast<ContactBook*>(this)->closed_entry(contact, false);
  if (e == nullptr) return Reply{};
  if (!e->deleted)
    return refuse(ReplyCode::kInvalidState,
                  cat("contact ", contact, " is being deleted: it takes no new order or subscription"));
  if (e->merged_into != kNone)
    return refuse(ReplyCode::kNotFound, cat("contact ", contact, " was merged into contact ", e->merged_into));
  return refuse(ReplyCode::kNotFound, cat("contact ", contact, " was deleted"));
}

Reply ContactBook::unknown_contact(ContactId contact) {
  return refuse(ReplyCode::kNotFound,
                cat("contact ", contact, " does not exist: create it in the contact directory (CreateContact) first"));
}

// A deleted contact stays closed whatever the freezes (a thaw after the
// deletion changes nothing).
Reply ContactBook::freeze(const FreezeContact& c) {
  if (is_reserved_id(c.contact))
    return refuse(ReplyCode::kInvalidArgument, cat("contact id ", c.contact, " is reserved"));
  if (static_cast<uint8_t>(c.action) > kFreezeActionLast)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown freeze action ", static_cast<int>(c.action)));
  ClosedContact* e = closed_entry(c.contact, c.action == FreezeAction::kFreeze);
  if (e == nullptr || e->deleted) return Reply{};
  if (c.action == FreezeAction::kFreeze) {
    ++e->freezes;
    return Reply{};
  }
  e->freezes = c.action == FreezeAction::kThaw && e->freezes > 0 ? e->freezes - 1 : 0;
  if (e->freezes == 0) closed_.erase(closed_.begin() + (e - closed_.data()));
  return Reply{};
}

Reply ContactBook::check(const SetContactProfiles& c) const {
  if (c.profiles.empty() || c.profiles.size() > kContactImportRowsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("SetContactProfiles carries 1 to ", kContactImportRowsMax, " profiles"));
  std::vector<ContactId> added;  // distinct contacts this shard does not know yet
  for (const SetContactProfile& p : c.profiles) {
    Reply r = check(p);
    if (!r.ok()) return r;
    if (!p.deleted && contacts_.find(p.contact) == nullptr) added.push_back(p.contact);
  }
  std::sort(added.begin(), added.end());
  added.erase(std::unique(added.begin(), added.end()), added.end());
  if (contacts_.size() + added.size() > contacts_max_)
    return refuse(ReplyCode::kLimitExceeded, cat("too many contacts (at most ", contacts_max_, " on a shard)"));
  return Reply{};
}

void ContactBook::mark_client(ContactId contact, int64_t now_ms) {
  if (contact == kNone || !clients_.emplace(contact.value(), now_ms).second) return;
  client_marks_.push_back(ClientSince{contact, now_ms});
}

std::vector<ClientMark> ContactBook::client_marks_after(uint32_t shard, uint64_t after, uint32_t max) const {
  std::vector<ClientMark> out;
  for (uint64_t i = after; i < client_marks_.size() && out.size() < max; ++i)
    out.push_back(ClientMark{shard, i + 1, client_marks_[i].contact, client_marks_[i].since_ms});
  return out;
}

bool ContactBook::rebuild_clients() {
  clients_.clear();
  for (const ClientSince& c : client_marks_)
    if (c.contact == kNone || !clients_.emplace(c.contact.value(), c.since_ms).second) return false;
  return true;
}

}  // namespace tessera::engine
