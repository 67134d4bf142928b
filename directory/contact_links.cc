// Links between contacts (seed 001 "rôles"): only the pairs the seed
// allows, no cycle of parents or parent organisations, at most one parent
// organisation, and types that keep fitting the links a contact has.
#include <algorithm>

#include "directory/contact_directory.h"
#include "engine/codec.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactLinkKind;
using engine::refuse;
using engine::ReplyCode;

namespace {

// The kinds (individual / organisation) each end of a link must have.
struct LinkEnds {
  uint8_t from;
  uint8_t to;
};
LinkEnds ends_of(ContactLinkKind kind) {
  switch (kind) {
    case ContactLinkKind::kChildOf:
      return {engine::kContactIndividual, engine::kContactIndividual};
    case ContactLinkKind::kRelayOf:
    case ContactLinkKind::kMemberOf:
      return {engine::kContactIndividual, engine::kContactOrganisation};
    case ContactLinkKind::kSubsidiaryOf:
      return {engine::kContactOrganisation, engine::kContactOrganisation};
  }
  return {0, 0};
}

std::string_view kind_name(ContactLinkKind kind) {
  switch (kind) {
    case ContactLinkKind::kChildOf:
      return "child of";
    case ContactLinkKind::kRelayOf:
      return "relay of";
    case ContactLinkKind::kMemberOf:
      return "member of";
    case ContactLinkKind::kSubsidiaryOf:
      return "subsidiary of";
  }
  return "?";
}

uint8_t types_of(const StoredContact& c) { return unpack(c).types; }

}  // namespace

// True iff `to` is reachable from `from` along `kind` links.
bool ContactDirectory::reaches(ContactId from, ContactLinkKind kind, ContactId to) const {
  std::vector<ContactId> stack{from};
  std::vector<ContactId> seen;
  while (!stack.empty()) {
    const ContactId at = stack.back();
    stack.pop_back();
    if (at == to) return true;
    if (std::find(seen.begin(), seen.end(), at) != seen.end()) continue;
    seen.push_back(at);
    for (auto it = links_.lower_bound(StoredLink{at, kind, ContactId{0}});
         it != links_.end() && it->from == at && it->kind == kind; ++it)
      stack.push_back(it->to);
  }
  return false;
}

Reply ContactDirectory::link(const engine::LinkContacts& c) {
  const auto kind_value = static_cast<uint8_t>(c.kind);
  if (kind_value == 0 || kind_value > engine::kContactLinkKindLast)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown link kind ", int{kind_value}));
  const StoredContact* from = find(c.contact);
  const StoredContact* to = find(c.other);
  if (!from) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  if (!to) return refuse(ReplyCode::kNotFound, cat("contact ", c.other, " not found"));
  const StoredLink link{c.contact, c.kind, c.other};
  if (c.remove) {
    if (links_.erase(link) == 0)
      return refuse(ReplyCode::kNotFound,
                    cat("contact ", c.contact, " is not ", kind_name(c.kind), " contact ", c.other));
    links_in_.erase(StoredLink{c.other, c.kind, c.contact});
    return Reply{};
  }
  if (c.contact == c.other) return refuse(ReplyCode::kInvalidArgument, "a contact cannot be linked to itself");
  const LinkEnds ends = ends_of(c.kind);
  if (!(types_of(*from) & ends.from) || !(types_of(*to) & ends.to))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("'", kind_name(c.kind), "' links ",
                      ends.from == engine::kContactIndividual ? "an individual" : "an organisation", " to ",
                      ends.to == engine::kContactIndividual ? "an individual" : "an organisation"));
  if (links_.contains(link))
    return refuse(ReplyCode::kDuplicate,
                  cat("contact ", c.contact, " is already ", kind_name(c.kind), " contact ", c.other));
  if (c.kind == ContactLinkKind::kSubsidiaryOf) {
    auto it = links_.lower_bound(StoredLink{c.contact, c.kind, ContactId{0}});
    if (it != links_.end() && it->from == c.contact && it->kind == c.kind)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("organisation ", c.contact, " already has a parent organisation (", it->to, ")"));
  }
  if ((c.kind == ContactLinkKind::kChildOf || c.kind == ContactLinkKind::kSubsidiaryOf) &&
      reaches(c.other, c.kind, c.contact))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("linking ", c.contact, " as ", kind_name(c.kind), " ", c.other, " would make a cycle"));
  const auto count_of = [this](ContactId id) {
    size_t n = 0;
    for (auto it = links_.lower_bound(StoredLink{id, ContactLinkKind{0}, ContactId{0}});
         it != links_.end() && it->from == id; ++it)
      ++n;
    for (auto it = links_in_.lower_bound(StoredLink{id, ContactLinkKind{0}, ContactId{0}});
         it != links_in_.end() && it->from == id; ++it)
      ++n;
    return n;
  };
  if (count_of(c.contact) >= engine::kContactLinksMax || count_of(c.other) >= engine::kContactLinksMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a contact has at most ", engine::kContactLinksMax, " links"));
  links_.insert(link);
  links_in_.insert(StoredLink{c.other, c.kind, c.contact});
  return Reply{};
}

// MergeContacts: the duplicate's links (each as the survivor's, when it
// fits: link() checks kinds, cycles, the one parent organisation and the
// count) and notes (its oldest dropped past kContactNotesMax) go to the
// survivor with a note of the merge; the duplicate's slot is retired and
// remembered as merged, so the shards move its orders to the survivor.
Reply ContactDirectory::merge(const engine::MergeContacts& c, const engine::Caller& who) {
  if (c.survivor == c.duplicate) return refuse(ReplyCode::kInvalidArgument, "a contact is not merged into itself");
  StoredContact* survivor = find(c.survivor);
  if (!survivor) return missing(c.survivor);
  StoredContact* duplicate = find(c.duplicate);
  if (!duplicate) return missing(c.duplicate);
  constexpr uint8_t kKinds = engine::kContactIndividual | engine::kContactOrganisation;
  if ((types_of(*survivor) & kKinds) != (types_of(*duplicate) & kKinds))
    return refuse(ReplyCode::kInvalidArgument, cat("contacts ", c.survivor, " and ", c.duplicate,
                                                   " are not of the same kind (individual / organisation)"));
  const uint64_t duplicate_number = duplicate->number;
  const std::vector<engine::ContactNote> notes(duplicate->notes.begin(), duplicate->notes.end());
  const std::vector<StoredLink> links = unlink_all(c.duplicate);
  merge_client(*duplicate, *survivor);  // a client stays one, since the earlier of the two
  cashback_.merge(c.duplicate, c.survivor, now_ms_);
  retire(*duplicate, who);
  const uint64_t merged_seq = duplicate->profile_seq;
  merges_.insert(
      std::upper_bound(merges_.begin(), merges_.end(), MergedContact{c.duplicate, c.survivor},
                       [](const MergedContact& a, const MergedContact& b) { return a.duplicate < b.duplicate; }),
      MergedContact{c.duplicate, c.survivor});
  size_t dropped = 0;
  for (const StoredLink& l : links) {
    const engine::LinkContacts again = l.from == c.duplicate ? engine::LinkContacts{c.survivor, l.to, l.kind, false}
                                                             : engine::LinkContacts{l.from, c.survivor, l.kind, false};
    const Reply r = link(again);
    dropped += !r.ok() && r.code != ReplyCode::kDuplicate;
  }
  const size_t kept = survivor->notes.size();
  const size_t room = kept < engine::kContactNotesMax ? engine::kContactNotesMax - kept - 1 : 0;
  const size_t skipped = notes.size() > room ? notes.size() - room : 0;
  for (size_t i = skipped; i < notes.size(); ++i) survivor->notes.push_back(notes[i]);
  if (survivor->notes.size() < engine::kContactNotesMax)
    survivor->notes.push_back(engine::ContactNote{
        now_ms_, who.principal,
        cat("merged contact ", c.duplicate, " (number ", duplicate_number, ") into this one", skipped ? "; " : "",
            skipped ? cat(skipped, " of its oldest notes did not fit") : "", dropped ? "; " : "",
            dropped ? cat(dropped, " of its links did not fit this contact") : "")});
  survivor->modified_ms = now_ms_;
  survivor->modified_by = who.principal;
  engine::ContactCard card = card_of(*survivor);
  card.merged_from = c.duplicate;
  card.merged_seq = merged_seq;
  Reply r;
  r.value = static_cast<int64_t>(survivor->number);
  r.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(card)});
  return r;
}

// A change of kind (individual <-> organisation) must keep every link valid.
Reply ContactDirectory::check_links_fit(ContactId contact, uint8_t types) const {
  for (auto it = links_.lower_bound(StoredLink{contact, ContactLinkKind{0}, ContactId{0}});
       it != links_.end() && it->from == contact; ++it)
    if (!(types & ends_of(it->kind).from))
      return refuse(ReplyCode::kInvalidArgument, cat("contact ", contact, " is ", kind_name(it->kind), " contact ",
                                                     it->to, ": remove the link before changing its kind"));
  for (auto it = links_in_.lower_bound(StoredLink{contact, ContactLinkKind{0}, ContactId{0}});
       it != links_in_.end() && it->from == contact; ++it)
    if (!(types & ends_of(it->kind).to))
      return refuse(ReplyCode::kInvalidArgument, cat("contact ", it->to, " is ", kind_name(it->kind), " contact ",
                                                     contact, ": remove the link before changing its kind"));
  return Reply{};
}

}  // namespace tessera::directory
