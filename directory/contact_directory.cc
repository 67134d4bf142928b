// ContactDirectory: dispatch, idempotency, records, numbers and notes.
// Links are in contact_links.cc; read-back and search in contact_reads.cc;
// hashing, invariants and snapshots in directory_state.cc.
#include "directory/contact_directory.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "directory/contact_record.h"
#include "engine/codec.h"
#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::Caller;
using engine::ContactFields;
using engine::refuse;
using engine::ReplyCode;

ContactDirectory::ContactDirectory(int64_t start_ms) : now_ms_(start_ms), idempotency_(engine::kIdempotencyKeysMax) {
  assert(start_ms >= 0 && start_ms <= engine::kTimeMsMax);
}

template <typename T>
Reply ContactDirectory::on(const T& c, const Caller& who) {
  if constexpr (std::is_same_v<T, engine::DefineContact>) {
    return define(c, who);
  } else if constexpr (std::is_same_v<T, engine::UpdateContact>) {
    return update(c, who);
  } else if constexpr (std::is_same_v<T, engine::CreateContact>) {
    return create(c, who);
  } else if constexpr (std::is_same_v<T, engine::ChangeContact>) {
    return change(c, who);
  } else if constexpr (std::is_same_v<T, engine::LinkContacts>) {
    return link(c);
  } else if constexpr (std::is_same_v<T, engine::AddContactNote>) {
    return add_note(c, who);
  } else if constexpr (std::is_same_v<T, engine::GetContact>) {
    return get(c);
  } else if constexpr (std::is_same_v<T, engine::SearchContacts>) {
    return search(c);
  } else if constexpr (std::is_same_v<T, engine::ImportContacts>) {
    return import(c, who);
  } else if constexpr (std::is_same_v<T, engine::DeleteContact>) {
    return remove(c, who);
  } else if constexpr (std::is_same_v<T, engine::MergeContacts>) {
    return merge(c, who);
  } else if constexpr (std::is_same_v<T, engine::DefineContactListEntry>) {
    return define_list_entry(c);
  } else if constexpr (std::is_same_v<T, engine::GetContactLists>) {
    return lists(c);
  } else if constexpr (std::is_same_v<T, engine::FindContacts>) {
    return find_contacts(c);
  } else if constexpr (std::is_same_v<T, engine::NoteContactClients>) {
    return note_clients(c);
  } else if constexpr (std::is_same_v<T, engine::CreditCashback>) {
    if (!find(c.contact)) return missing(c.contact);
    return cashback_.credit(c, who.principal, now_ms_);
  } else if constexpr (std::is_same_v<T, engine::GetCashback>) {
    if (!find(c.contact)) return missing(c.contact);
    return cashback_.account(c.contact);
  } else if constexpr (std::is_same_v<T, engine::ClaimCashback>) {
    return cashback_.claim(c, current(c.claim.contact), now_ms_);
  } else if constexpr (std::is_same_v<T, engine::ReturnCashback>) {
    return cashback_.give_back(
        c, [this](ContactId id) { return current(id); }, now_ms_);
  } else if constexpr (std::is_same_v<T, engine::CheckSponsor>) {
    return check_sponsor(c.claim);
  } else if constexpr (std::is_same_v<T, engine::MatchPreRegistrants>) {
    return match_requesters(c);
  } else {
    static_assert(std::is_same_v<T, engine::GetContactCards>, "a directory command without its handler");
    return cards(c);
  }
}

Reply ContactDirectory::prepare(const engine::Command& command) const {
  return refuse(ReplyCode::kInvalidArgument,
                cat(engine::command_name(command.body), " is not a catalog command of the contact directory"));
}

Reply ContactDirectory::apply(const engine::Command& command, int64_t now_ms) {
  if (now_ms > now_ms_) now_ms_ = std::min(now_ms, engine::kTimeMsMax);
  const Caller who{command.principal, command.own_orders_only, command.rules};
  return std::visit(
      [&](const auto& c) -> Reply {
        using T = std::decay_t<decltype(c)>;
        constexpr auto& info = engine::CommandSpec<T>::info;
        if constexpr (std::is_same_v<T, engine::Advance>) {
          return Reply{};  // no timers: nothing to log
        } else if constexpr (info.route != engine::RouteKind::kContacts) {
          return refuse(ReplyCode::kInvalidArgument,
                        cat(info.name, " belongs to an inventory shard, not to the contact directory"));
        } else if constexpr (info.access == engine::Access::kQuery) {
          return on(c, who);
        } else {
          if (command.key == engine::kRequestKeyReserved)
            return refuse(ReplyCode::kInvalidArgument, cat("request key ", command.key, " is reserved"));
          uint64_t print = 0;
          if (command.key != 0) {
            print = engine::fingerprint(command.body);
            if (const engine::IdempotencyTable::Entry* seen = idempotency_.find(command.key)) {
              if (seen->fingerprint != print)
                return refuse(ReplyCode::kDuplicate,
                              cat("request key ", command.key, " was already used for a different command"));
              return seen->reply;
            }
          }
          Reply reply = on(c, who);
          ++commands_applied_;
          if (command.key != 0) idempotency_.remember(command.key, print, reply);
          return reply;
        }
      },
      command.body);
}

// ---- Records -------------------------------------------------------------------

Reply ContactDirectory::check_number(uint64_t number, ContactId owner) const {
  if (number == 0) return Reply{};
  const StoredContact* holder = find_number(number);
  if (holder != nullptr && holder->contact != owner)
    return refuse(ReplyCode::kDuplicate, cat("contact number ", number, " belongs to contact ", holder->contact));
  return Reply{};
}

Reply ContactDirectory::check_id_free(ContactId id) const {
  const StoredContact* c = contacts_.find(id);
  if (c == nullptr) return Reply{};
  return refuse(ReplyCode::kDuplicate,
                c->deleted() ? cat("contact id ", id, " belonged to a deleted contact: it is not given again")
                             : cat("contact ", id, " already exists"));
}

StoredContact& ContactDirectory::add(ContactId id, uint64_t number, const ContactFields& record, const Caller& who) {
  assert(!contacts_.find(id) && !find_number(number));
  StoredContact stored;
  stored.contact = id;
  stored.number = number;
  stored.packed = engine::encode(record);
  stored.created_ms = stored.modified_ms = now_ms_;
  stored.created_by = stored.modified_by = who.principal;
  stored.profile_seq = next_profile_seq_++;
  StoredContact& c = contacts_.add(id, std::move(stored));
  next_id_ = std::max(next_id_, id.value() + 1);
  next_number_ = std::max(next_number_, number + 1);
  index(c, record);
  return c;
}

void ContactDirectory::replace(StoredContact& c, uint64_t number, const ContactFields& record, const Caller& who) {
  const ContactFields old = unpack(c);
  unindex(c, old);
  if (number != c.number) next_number_ = std::max(next_number_, number + 1);
  if (number != c.number || record.types != old.types) c.profile_seq = next_profile_seq_++;
  if (record.web_login != old.web_login) {
    c.web_account_ms = now_ms_;
    c.web_account_by = who.principal;
  }
  c.number = number;
  c.packed = engine::encode(record);
  c.modified_ms = now_ms_;
  c.modified_by = who.principal;
  index(c, record);
}

const StoredContact* ContactDirectory::find_number(uint64_t number) const {
  std::optional<uint32_t> key = valid_index_.find_number(number);
  if (!key) key = invalid_index_.find_number(number);
  return key ? find(ContactId{*key}) : nullptr;
}

void ContactDirectory::index(const StoredContact& c, const ContactFields& record) {
  const IndexedContact entry{c.contact.value(), c.number, record.last_name, record.first_name, record.email};
  ((record.flags & engine::kContactInvalid) ? invalid_index_ : valid_index_).insert(entry);
  if (const engine::ContactAddress* main = address_of(record, engine::AddressKind::kMain))
    addresses_.set(slot_of(c), main->city, main->postcode);
}

void ContactDirectory::unindex(const StoredContact& c, const ContactFields& record) {
  const IndexedContact entry{c.contact.value(), c.number, record.last_name, record.first_name, record.email};
  ((record.flags & engine::kContactInvalid) ? invalid_index_ : valid_index_).erase(entry);
  addresses_.clear(slot_of(c));
}

namespace {

ContactFields legacy_fields(std::string_view last, std::string_view first, std::string_view email, uint8_t types) {
  ContactFields f;
  f.last_name = last;
  f.first_name = first;
  f.email = email;
  f.types = types;
  return f;
}

Reply refuse_reserved(ContactId id) {
  return refuse(ReplyCode::kInvalidArgument, cat("contact id ", id, " is reserved"));
}

}  // namespace

// DefineContact: the id and number are the client's (both required).
Reply ContactDirectory::define(const engine::DefineContact& c, const Caller& who) {
  if (engine::is_reserved_id(c.contact)) return refuse_reserved(c.contact);
  if (c.number == 0) return refuse(ReplyCode::kInvalidArgument, "a contact needs a number");
  const ContactFields record = legacy_fields(c.last_name, c.first_name, c.email, c.types);
  Reply r = check_record(record, RecordRules::kLegacy, civil_date(now_ms_));
  if (!r.ok()) return r;
  if (Reply taken = check_id_free(c.contact); !taken.ok()) return taken;
  if (size() >= engine::kDirectoryContactsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("the directory holds at most ", engine::kDirectoryContactsMax, " contacts"));
  r = check_number(c.number, engine::kNone);
  if (!r.ok()) return r;
  return card_reply(add(c.contact, c.number, record, who));
}

// UpdateContact: names, e-mail, types and number; the rest of the record stays.
Reply ContactDirectory::update(const engine::UpdateContact& c, const Caller& who) {
  StoredContact* stored = find(c.contact);
  if (!stored) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  if (c.number == 0) return refuse(ReplyCode::kInvalidArgument, "a contact needs a number");
  ContactFields record = unpack(*stored);
  record.last_name = c.last_name;
  record.first_name = c.first_name;
  record.email = c.email;
  record.types = c.types;
  Reply r = check_record(record, RecordRules::kLegacy, civil_date(now_ms_));
  if (r.ok()) r = check_number(c.number, c.contact);
  if (r.ok()) r = check_links_fit(c.contact, c.types);
  if (!r.ok()) return r;
  replace(*stored, c.number, record, who);
  return card_reply(*stored);
}

Reply ContactDirectory::create(const engine::CreateContact& c, const Caller& who) {
  StoredContact* created = nullptr;
  const Reply r = insert(c, who, &created);
  return r.ok() ? card_reply(*created) : r;
}

Reply ContactDirectory::insert(engine::CreateContact c, const Caller& who, StoredContact** created) {
  if (c.contact != engine::kNone && engine::is_reserved_id(c.contact)) return refuse_reserved(c.contact);
  ContactFields& record = c.record;
  const StoredContact* organisation = nullptr;
  if (c.organisation != engine::kNone) {
    organisation = find(c.organisation);
    if (!organisation) return refuse(ReplyCode::kNotFound, cat("organisation ", c.organisation, " not found"));
    const ContactFields org = unpack(*organisation);
    if (!(org.types & engine::kContactOrganisation))
      return refuse(ReplyCode::kInvalidArgument, cat("contact ", c.organisation, " is not an organisation"));
    if (!(record.types & engine::kContactIndividual))
      return refuse(ReplyCode::kInvalidArgument, "only an individual is created as a member of an organisation");
    if (c.use_organisation_address) {
      const engine::ContactAddress* main = address_of(org, engine::AddressKind::kMain);
      if (!main) return refuse(ReplyCode::kInvalidArgument, cat("organisation ", c.organisation, " has no address"));
      std::erase_if(record.addresses,
                    [](const engine::ContactAddress& a) { return a.kind == engine::AddressKind::kMain; });
      record.addresses.insert(record.addresses.begin(), *main);
    }
  } else if (c.use_organisation_address) {
    return refuse(ReplyCode::kInvalidArgument, "use_organisation_address names no organisation");
  }
  if (c.web_account) {
    if (record.email.empty()) return refuse(ReplyCode::kInvalidArgument, "a web account needs an e-mail (its login)");
    if (record.web_login.empty()) record.web_login = record.email;
  }
  Reply r = check_record(record, RecordRules::kQuickCreation, civil_date(now_ms_));
  if (r.ok()) r = check_lists(record, nullptr);
  if (!r.ok()) return r;
  const ContactId id = c.contact != engine::kNone ? c.contact : ContactId{next_id_};
  if (engine::is_reserved_id(id)) return refuse_reserved(id);
  if (Reply taken = check_id_free(id); !taken.ok()) return taken;
  if (size() >= engine::kDirectoryContactsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("the directory holds at most ", engine::kDirectoryContactsMax, " contacts"));
  const uint64_t number = c.number != 0 ? c.number : next_number_;
  if (number > kContactNumberMax)
    return refuse(ReplyCode::kInvalidArgument, cat("contact number ", number, " has more than 15 digits"));
  r = check_number(number, engine::kNone);
  if (!r.ok()) return r;
  StoredContact& stored = add(id, number, record, who);
  if (!record.web_login.empty()) {
    stored.web_account_ms = now_ms_;
    stored.web_account_by = who.principal;
  }
  if (organisation) {
    links_.insert(StoredLink{id, engine::ContactLinkKind::kMemberOf, c.organisation});
    links_in_.insert(StoredLink{c.organisation, engine::ContactLinkKind::kMemberOf, id});
  }
  *created = &stored;
  return Reply{};
}

Reply ContactDirectory::change(const engine::ChangeContact& c, const Caller& who) {
  StoredContact* stored = find(c.contact);
  if (!stored) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  Reply r = check_record(c.record, RecordRules::kQuickCreation, civil_date(now_ms_));
  if (r.ok()) r = check_links_fit(c.contact, c.record.types);
  if (r.ok()) {
    const ContactFields before = unpack(*stored);
    r = check_lists(c.record, &before);
  }
  if (!r.ok()) return r;
  replace(*stored, stored->number, c.record, who);
  return card_reply(*stored);
}

Reply ContactDirectory::add_note(const engine::AddContactNote& c, const Caller& who) {
  StoredContact* stored = find(c.contact);
  if (!stored) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  if (c.text.empty() || c.text.size() > engine::kNoteLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a note has 1 to ", engine::kNoteLengthMax, " bytes"));
  if (stored->notes.size() >= engine::kContactNotesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a contact has at most ", engine::kContactNotesMax, " notes"));
  stored->notes.push_back(engine::ContactNote{now_ms_, who.principal, c.text});
  Reply r;
  r.value = static_cast<int64_t>(stored->notes.size());
  return r;
}

namespace {

bool merged_before(const MergedContact& m, ContactId id) { return m.duplicate < id; }

}  // namespace

ContactId ContactDirectory::merged_into(ContactId id) const {
  auto at = std::lower_bound(merges_.begin(), merges_.end(), id, merged_before);
  return at != merges_.end() && at->duplicate == id ? at->survivor : engine::kNone;
}

ContactId ContactDirectory::current(ContactId id) const {
  for (size_t hops = 0; hops <= merges_.size() && id != engine::kNone; ++hops) {
    if (find(id) != nullptr) return id;
    id = merged_into(id);
  }
  return engine::kNone;
}

// Step 2 of naming a sponsor (engine/commands_sponsorship.h): both through
// merges, the sponsor a client, the order's client someone else and not one
// yet.
Reply ContactDirectory::check_sponsor(const engine::SponsorClaim& claim) const {
  if (claim.order.value() == 0 || claim.attempt == 0 || claim.sponsor == engine::kNone || claim.client == engine::kNone)
    return refuse(ReplyCode::kInvalidArgument, "a sponsor claim names its order, attempt, sponsor and client");
  const ContactId sponsor = current(claim.sponsor);
  const ContactId client = current(claim.client);
  if (sponsor == engine::kNone) return missing(claim.sponsor);
  if (client == engine::kNone) return missing(claim.client);
  if (sponsor == client)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("contact ", sponsor, " is the order's client: a client does not sponsor themselves"));
  if (client_since(sponsor) == 0)
    return refuse(ReplyCode::kInvalidState,
                  cat("contact ", sponsor, " is not a client (no confirmed order yet): only a client sponsors"));
  if (client_since(client) != 0)
    return refuse(ReplyCode::kInvalidState,
                  cat("contact ", client, " is a client already: a sponsorship brings a new client"));
  Reply r;
  r.detail = std::make_shared<const engine::ReplyDetail>(
      engine::ReplyDetail{engine::SponsorUse{claim, engine::PromoState::kApplied, 0, 0}});
  return r;
}

Reply ContactDirectory::missing(ContactId id) const {
  const StoredContact* raw = contacts_.find(id);
  if (raw == nullptr || !raw->deleted()) return refuse(ReplyCode::kNotFound, cat("contact ", id, " not found"));
  if (const ContactId survivor = merged_into(id); survivor != engine::kNone)
    return refuse(ReplyCode::kNotFound, cat("contact ", id, " was merged into contact ", survivor));
  return refuse(ReplyCode::kNotFound, cat("contact ", id, " was deleted"));
}

std::vector<StoredLink> ContactDirectory::unlink_all(ContactId id) {
  std::vector<StoredLink> gone;
  for (auto it = links_.lower_bound(StoredLink{id, engine::ContactLinkKind{0}, ContactId{0}});
       it != links_.end() && it->from == id;) {
    gone.push_back(*it);
    links_in_.erase(StoredLink{it->to, it->kind, it->from});
    it = links_.erase(it);
  }
  for (auto it = links_in_.lower_bound(StoredLink{id, engine::ContactLinkKind{0}, ContactId{0}});
       it != links_in_.end() && it->from == id;) {
    gone.push_back(StoredLink{it->to, it->kind, it->from});
    links_.erase(StoredLink{it->to, it->kind, it->from});
    it = links_in_.erase(it);
  }
  return gone;
}

void ContactDirectory::retire(StoredContact& c, const Caller& who) {
  unindex(c, unpack(c));
  if (const auto slot = static_cast<size_t>(&c - contacts_.items().data()); slot < client_since_.size())
    client_since_[slot] = 0;
  c.number = 0;
  c.packed = PackedBytes{};
  c.notes = RareVector<engine::ContactNote>{};
  c.modified_ms = now_ms_;
  c.modified_by = who.principal;
  c.profile_seq = next_profile_seq_++;
  ++deleted_;
}

// The card as it was, marked deleted; the slot keeps the id, the times and
// a new profile sequence (the shards' hand-over).
Reply ContactDirectory::remove(const engine::DeleteContact& c, const Caller& who) {
  StoredContact* stored = find(c.contact);
  if (!stored) return missing(c.contact);
  if (const int64_t cashback = cashback_.balance(c.contact); cashback != 0)
    return refuse(ReplyCode::kInvalidState,
                  cat("contact ", c.contact, " has ", cashback,
                      " cents of cashback: take it back first (CreditCashback, a negative amount)"));
  engine::ContactCard card = card_of(*stored);
  unlink_all(c.contact);
  retire(*stored, who);
  card.profile_seq = stored->profile_seq;
  card.deleted = true;
  Reply r;
  r.value = static_cast<int64_t>(card.number);
  r.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(card)});
  return r;
}

std::optional<engine::CommandBody> profile_hand_over(const Reply& reply) {
  if (!reply.ok() || !reply.detail) return std::nullopt;
  if (const auto* card = std::get_if<engine::ContactCard>(&reply.detail->value)) {
    if (card->merged_from != engine::kNone)  // the survivor's profile is unchanged: the duplicate's goes over
      return engine::SetContactProfile{card->merged_from, 0, 0, card->merged_seq, true, card->contact};
    return engine::SetContactProfile{card->contact, card->number, card->record.types, card->profile_seq, card->deleted};
  }
  const auto* report = std::get_if<engine::ContactImportReport>(&reply.detail->value);
  if (report == nullptr) return std::nullopt;
  engine::SetContactProfiles profiles;
  for (const engine::ContactImportResult& row : report->rows)
    if (row.profile_seq != 0)
      profiles.profiles.push_back(engine::SetContactProfile{row.contact, row.number, row.types, row.profile_seq});
  if (profiles.profiles.empty()) return std::nullopt;
  return profiles;
}

engine::SetContactProfile ContactDirectory::profile_of(const StoredContact& c) const {
  if (c.deleted()) {
    return engine::SetContactProfile{c.contact, 0, 0, c.profile_seq, true, merged_into(c.contact)};
  }
  return engine::SetContactProfile{c.contact, c.number, unpack(c).types, c.profile_seq};
}

}  // namespace tessera::directory
