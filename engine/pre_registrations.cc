// PreRegistrationBook (engine/pre_registrations.h) and the OrderDesk's step
// of booking a pre-registration's option for a contact.
#include "engine/pre_registrations.h"

#include <algorithm>
#include <utility>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

Reply detail_reply(ReplyDetail detail, int64_t value) {
  Reply r;
  r.value = value;
  r.detail = std::make_shared<const ReplyDetail>(std::move(detail));
  return r;
}

bool valid_birth_date(uint32_t d) {
  if (d == 0) return true;
  const uint32_t year = d / 10000, month = d / 100 % 100, day = d % 100;
  return year >= 1900 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const char* status_name(PreRegStatus s) {
  switch (s) {
    case PreRegStatus::kPending:
      return "pending";
    case PreRegStatus::kBooked:
      return "booked";
    case PreRegStatus::kFiled:
      return "filed as a lead";
    case PreRegStatus::kDeleted:
      return "deleted";
  }
  return "unknown";
}

PreRegResult not_found(uint64_t id) {
  return PreRegResult{
      id, PreRegOutcome::kNotFound, {}, 0, OrderState::kOption, {}, cat("pre-registration ", id, " not found")};
}

// The options an integration may take (checked by its query step and
// again by each shard's ApplyPreRegistrations).
Reply check_options(const IntegrationOptions& o) {
  if (o.method < IntegrationMethod::kAllFiled || o.method > IntegrationMethod::kAuthenticatedBooked)
    return refuse(ReplyCode::kInvalidArgument, "the integration method is 1, 2 or 3");
  if (static_cast<uint8_t>(o.level) > kIntegrationLevelLast)
    return refuse(ReplyCode::kInvalidArgument, "the confirmation level is option, reservation or confirmed");
  if (o.method != IntegrationMethod::kAllFiled && (o.sales_rep != ContactId{kNone} || !o.sector.empty()))
    return refuse(ReplyCode::kInvalidArgument,
                  "a sales representative and a sector are options of the first method only");
  if (o.sector.size() > kNameLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a sector takes at most ", kNameLengthMax, " bytes"));
  return Reply{};
}

}  // namespace

std::string PreRegistrationBook::reference_key(ChannelId channel, const std::string& reference) {
  return cat(channel.value(), ":", reference);
}

Reply PreRegistrationBook::check_request(const SubmitPreRegistration& c) const {
  const Requester& q = c.requester;
  if (c.reference.empty() || c.reference.size() > kPreRegReferenceMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a pre-registration's reference (the shop's cart) takes 1 to ", kPreRegReferenceMax, " bytes"));
  if (c.text.size() > kNoteLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("the requester's text takes at most ", kNoteLengthMax, " bytes"));
  if (q.last_name.empty()) return refuse(ReplyCode::kInvalidArgument, "the requester's last name is required");
  if (q.email.size() > kEmailLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("an e-mail takes at most ", kEmailLengthMax, " bytes"));
  for (const std::string* s : {&q.last_name, &q.first_name, &q.phone, &q.street, &q.postcode, &q.city, &q.country})
    if (s->size() > kNameLengthMax)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("a requester's field takes at most ", kNameLengthMax, " bytes: ", quoted(*s)));
  if (!q.email.empty() && q.email.find('@') == std::string::npos)
    return refuse(ReplyCode::kInvalidArgument, cat("the requester's e-mail ", quoted(q.email), " has no '@'"));
  if (!valid_birth_date(q.birth_date))
    return refuse(ReplyCode::kInvalidArgument, cat("birth date ", q.birth_date, " is not a date (YYYYMMDD)"));
  if (q.authenticated != (q.contact_number != 0))
    return refuse(ReplyCode::kInvalidArgument,
                  "an authenticated requester comes with the client number the shop knows them by, and only then");
  if (c.lines.empty() || c.lines.size() > kOrderLinesMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a pre-registration asks for 1 to ", kOrderLinesMax, " lines"));
  return Reply{};
}

Reply PreRegistrationBook::place(uint64_t id, const SubmitPreRegistration& c, const Caller& who) {
  if (parts_.size() >= kPreRegistrationsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("this shard keeps at most ", kPreRegistrationsMax, " pre-registrations"));
  PreRegPart p;
  for (const LineRequest& line : c.lines) {
    const uint32_t s = shard_of_performance(line.performance, shard_count_);
    p.span |= uint64_t{1} << s;
    if (s == shard_) p.lines.push_back(line);
  }
  if (p.lines.empty())
    return refuse(ReplyCode::kInvalidArgument, cat("pre-registration ", id, " has no line on shard ", shard_));
  // The stock, held at once as an option for nobody yet (the option lifetime
  // of the product on the shop's channel).
  Reply held = desk_.on(Book{BookingKind::kOption, ContactId{kNone}, c.channel, p.lines, 0}, who);
  if (!held.ok()) return held;
  if (on_placed_) on_placed_(held.order);
  p.id = id;
  p.channel = c.channel;
  p.reference = c.reference;
  p.submitted_by = who.principal;
  p.submitted_ms = now_ms_;
  p.requester = c.requester;
  p.text = c.text;
  p.order = held.order;
  if (prereg_shard(id) == shard_) {
    by_reference_[reference_key(c.channel, c.reference)] = id;
    ++pending_home_;
  }
  const PreRegRow row = row_of(parts_.emplace(id, std::move(p)).first->second);
  return detail_reply(ReplyDetail{PreRegPage{{row}, 1, 0}}, static_cast<int64_t>(id));
}

Reply PreRegistrationBook::on(const SubmitPreRegistration& c, const Caller& who) {
  if (Reply bad = check_request(c); !bad.ok()) return bad;
  if (const auto known = by_reference_.find(reference_key(c.channel, c.reference)); known != by_reference_.end()) {
    const PreRegPart& p = parts_.at(known->second);
    // The same cart again: its answer (a retry), unless it was deleted.
    if (p.status != PreRegStatus::kDeleted) {
      if (p.requester != c.requester || p.text != c.text)
        return refuse(ReplyCode::kDuplicate, cat("reference ", quoted(c.reference), " of channel ", c.channel,
                                                 " names pre-registration ", p.id, ", another request"));
      return detail_reply(ReplyDetail{PreRegPage{{row_of(p)}, 1, 0}}, static_cast<int64_t>(p.id));
    }
  }
  Reply r = place(make_prereg_id(shard_, next_seq_ + 1), c, who);
  if (r.ok()) ++next_seq_;
  return r;
}

Reply PreRegistrationBook::on(const PlacePreRegistration& c, const Caller& who) {
  if (Reply bad = check_request(c.request); !bad.ok()) return bad;
  if (const auto it = parts_.find(c.id); it != parts_.end())
    return detail_reply(ReplyDetail{PreRegPage{{row_of(it->second)}, 1, 0}}, static_cast<int64_t>(c.id));
  if (prereg_shard(c.id) == shard_ || c.id == 0)
    return refuse(ReplyCode::kInvalidArgument, cat("pre-registration ", c.id, " is not another shard's"));
  return place(c.id, c.request, who);
}

PreRegRow PreRegistrationBook::row_of(const PreRegPart& p) const {
  PreRegRow r;
  r.id = p.id;
  r.channel = p.channel;
  r.reference = p.reference;
  r.submitted_by = p.submitted_by;
  r.submitted_ms = p.submitted_ms;
  r.requester = p.requester;
  r.text = p.text;
  r.lines = p.lines;
  if (p.order != OrderId{0}) r.orders.push_back(p.order);
  r.status = p.status;
  r.match_mode = p.match_mode;
  if (p.match_mode == MatchMode::kContact) {
    r.match.contact = p.match_contact;
    r.match.basis = MatchBasis::kOperator;
    r.match.confidence = match_confidence(MatchBasis::kOperator);
  }
  for (uint32_t s = 0; s < shard_count_; ++s)
    if (s != shard_ && (p.span >> s & 1)) r.missing_shards.push_back(s);
  if (p.status == PreRegStatus::kBooked) r.booked = p.order;
  if (p.status == PreRegStatus::kFiled) r.lead = p.id;
  r.done_ms = p.done_ms;
  r.done_by = p.done_by;
  if (p.status == PreRegStatus::kBooked || p.status == PreRegStatus::kFiled) {
    r.match.contact = p.done_contact;
    if (p.done_contact == ContactId{kNone}) r.match = PreRegMatch{};
  }
  return r;
}

Reply PreRegistrationBook::on(const ListPreRegistrations& c, const Caller&) const {
  if (c.limit > kPreRegRowsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a pre-registration list takes at most ", kPreRegRowsMax, " rows"));
  const uint8_t statuses = c.statuses == 0 ? uint8_t{1} << static_cast<unsigned>(PreRegStatus::kPending) : c.statuses;
  if (statuses >> (kPreRegStatusLast + 1) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown pre-registration status bits ", int{c.statuses}));
  auto wanted = [&](const PreRegPart& p) {
    return (statuses >> static_cast<unsigned>(p.status) & 1) &&
           (c.channel == ChannelId{kNone} || p.channel == c.channel);
  };
  PreRegPage page;
  // The total counts each request once: at its home part.
  if (c.channel == ChannelId{kNone} && statuses == 1u << static_cast<unsigned>(PreRegStatus::kPending)) {
    page.total = pending_home_;
  } else {
    for (const auto& [id, p] : parts_) page.total += prereg_shard(id) == shard_ && wanted(p);
  }
  for (auto it = parts_.upper_bound(c.after); it != parts_.end() && page.rows.size() < c.limit; ++it)
    if (wanted(it->second)) page.rows.push_back(row_of(it->second));
  if (page.rows.size() == c.limit && c.limit != 0) page.next_after = page.rows.back().id;
  const auto total = static_cast<int64_t>(page.total);
  return detail_reply(ReplyDetail{std::move(page)}, total);
}

namespace {

// An operator's action on the pending pre-registrations `ids` names: `act`
// on each part of `parts` here, "not found" or "wrong status" for the others.
template <typename Act>
Reply on_each_pending(std::map<uint64_t, PreRegPart>& parts, const std::vector<uint64_t>& ids, Act act) {
  if (ids.empty() || ids.size() > kPreRegBatchMax)
    return refuse(ReplyCode::kInvalidArgument, cat("name 1 to ", kPreRegBatchMax, " pre-registrations"));
  PreRegResults out;
  for (uint64_t id : ids) {
    const auto it = parts.find(id);
    if (it == parts.end()) {
      out.results.push_back(not_found(id));
    } else if (it->second.status != PreRegStatus::kPending) {
      out.results.push_back(PreRegResult{id,
                                         PreRegOutcome::kWrongStatus,
                                         {},
                                         0,
                                         OrderState::kOption,
                                         {},
                                         cat("pre-registration ", id, " is ", status_name(it->second.status))});
    } else {
      out.results.push_back(act(it->second));
    }
  }
  const auto n = static_cast<int64_t>(out.results.size());
  return detail_reply(ReplyDetail{std::move(out)}, n);
}

}  // namespace

Reply PreRegistrationBook::on(const SetPreRegistrationMatch& c, const Caller&) {
  if (static_cast<uint8_t>(c.mode) > kMatchModeLast) return refuse(ReplyCode::kInvalidArgument, "unknown match mode");
  if ((c.mode == MatchMode::kContact) != (c.contact != ContactId{kNone}))
    return refuse(ReplyCode::kInvalidArgument, "a contact is named to pick it by hand, and only then");
  return on_each_pending(parts_, c.ids, [&c](PreRegPart& p) {
    p.match_mode = c.mode;
    p.match_contact = c.contact;
    return PreRegResult{p.id, PreRegOutcome::kDone, p.order, 0, OrderState::kOption, c.contact, {}};
  });
}

void PreRegistrationBook::finish(PreRegPart& p, PreRegStatus status, ContactId contact, uint64_t key,
                                 const Caller& who) {
  if (prereg_shard(p.id) == shard_ && p.status == PreRegStatus::kPending) --pending_home_;
  p.status = status;
  p.done_ms = now_ms_;
  p.done_by = who.principal;
  p.done_key = key;
  p.done_contact = contact;
}

Reply PreRegistrationBook::on(const DeletePreRegistrations& c, const Caller& who) {
  return on_each_pending(parts_, c.ids, [this, &who](PreRegPart& p) {
    // Its stock returns (an option a deadline already closed returned it).
    Order* o = nullptr;
    if (p.order != OrderId{0} && book_.find_live(p.order, &o).ok() && o->state != OrderState::kConfirmed)
      book_.close(*o, p.order, OrderState::kReleased, who.principal);
    const OrderId released = p.order;
    p.order = OrderId{0};
    finish(p, PreRegStatus::kDeleted, {}, 0, who);
    return PreRegResult{p.id, PreRegOutcome::kDone, released, 0, OrderState::kReleased, {}, {}};
  });
}

// The parts the integration names, pending or integrated (a retry answers
// the integrated ones again), for the server to match.
Reply PreRegistrationBook::on(const IntegratePreRegistrations& c, const Caller&) const {
  if (c.ids.size() > kPreRegBatchMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("an integration names at most ", kPreRegBatchMax, " pre-registrations"));
  if (Reply bad = check_options(c.options); !bad.ok()) return bad;
  PreRegPage page;
  page.rows.reserve(c.ids.empty() ? std::min<size_t>(parts_.size(), kPreRegBatchMax) : c.ids.size());
  if (c.ids.empty()) {
    for (const auto& [id, p] : parts_)
      if (p.status == PreRegStatus::kPending && page.rows.size() < kPreRegBatchMax) page.rows.push_back(row_of(p));
  } else {
    for (uint64_t id : c.ids)
      if (const auto it = parts_.find(id); it != parts_.end()) page.rows.push_back(row_of(it->second));
  }
  page.total = page.rows.size();
  const auto n = static_cast<int64_t>(page.total);
  return detail_reply(ReplyDetail{std::move(page)}, n);
}

PreRegResult PreRegistrationBook::result_of(const PreRegPart& p) const {
  PreRegResult r{p.id, PreRegOutcome::kWrongStatus, {}, 0, OrderState::kOption, p.done_contact, {}};
  if (p.status == PreRegStatus::kBooked) {
    r.outcome = PreRegOutcome::kBooked;
    r.order = p.order;
    if (const Order* o = book_.find(p.order)) r.state = o->state;
  } else if (p.status == PreRegStatus::kFiled) {
    r.outcome = PreRegOutcome::kFiled;
    r.lead = p.id;
    r.order = p.order;
  }
  return r;
}

PreRegResult PreRegistrationBook::integrate(PreRegPart& p, const IntegrationDecision& d, const ApplyPreRegistrations& c,
                                            const Caller& who) {
  const IntegrationOptions& o = c.options;
  if (p.status != PreRegStatus::kPending) {
    if (c.key != 0 && p.done_key == c.key) return result_of(p);  // the same integration again
    PreRegResult r = result_of(p);
    r.outcome = PreRegOutcome::kWrongStatus;
    r.reason = cat("pre-registration ", p.id, " is ", status_name(p.status));
    return r;
  }
  const bool book = o.method == IntegrationMethod::kIdentifiedBooked
                        ? d.contact != ContactId{kNone}
                        : o.method == IntegrationMethod::kAuthenticatedBooked && p.requester.authenticated &&
                              d.contact != ContactId{kNone};
  Order* live = nullptr;
  const bool held = p.order != OrderId{0} && book_.find_live(p.order, &live).ok() && is_booking(live->state);
  PreRegResult r{p.id, PreRegOutcome::kRefused, {}, 0, OrderState::kOption, d.contact, {}};
  if (book) {
    OrderId booked = p.order;
    Reply done;
    if (held) {
      done = desk_.book_for(p.order, d.contact, o.level, who);
    } else {
      // The option lapsed (or was released): book the lines again.
      const BookingKind kind =
          o.level == IntegrationLevel::kReservation ? BookingKind::kReservation : BookingKind::kOption;
      done = desk_.on(Book{kind, d.contact, p.channel, p.lines, 0}, who);
      if (done.ok()) {
        booked = done.order;
        if (on_placed_) on_placed_(booked);
        if (o.level == IntegrationLevel::kConfirmed) done = desk_.on(Confirm{booked, {}}, who);
      }
    }
    if (!done.ok()) {
      r.reason = done.message;
      return r;
    }
    if (o.level == IntegrationLevel::kConfirmed && on_confirmed_) on_confirmed_(booked);
    p.order = booked;
    finish(p, PreRegStatus::kBooked, d.contact, c.key, who);
    r.outcome = PreRegOutcome::kBooked;
    r.order = booked;
    r.state = done.state;
    return r;
  }
  // Filed: a lead of the request; the stock returns unless kept.
  if (leads_.size() >= kLeadsMax) {
    r.reason = cat("this shard keeps at most ", kLeadsMax, " leads");
    return r;
  }
  OrderId kept{0};
  if (held && o.keep_option) {
    if (d.contact != ContactId{kNone}) {
      if (Reply given = book_.give_to_contact(*live, p.order, d.contact, who.principal); !given.ok()) {
        r.reason = given.message;
        return r;
      }
    }
    kept = p.order;
  } else if (held) {
    if (live->locked) {
      r.reason = cat("option ", p.order, " is locked: unlock it, or keep the option");
      return r;
    }
    book_.close(*live, p.order, OrderState::kReleased, who.principal);
  }
  LeadRow lead;
  lead.id = p.id;
  lead.contact = d.contact;
  lead.requester = p.requester;
  lead.text = p.text;
  lead.lines = p.lines;
  if (kept != OrderId{0}) lead.kept_options.push_back(kept);
  if (o.method == IntegrationMethod::kAllFiled) {
    lead.sales_rep = o.sales_rep;
    lead.sector = o.sector;
  }
  lead.created_ms = now_ms_;
  lead.created_by = who.principal;
  leads_[p.id] = std::move(lead);
  p.order = kept;
  finish(p, PreRegStatus::kFiled, d.contact, c.key, who);
  r.outcome = PreRegOutcome::kFiled;
  r.lead = p.id;
  r.order = kept;
  return r;
}

Reply PreRegistrationBook::on(const ApplyPreRegistrations& c, const Caller& who) {
  if (Reply bad = check_options(c.options); !bad.ok()) return bad;
  if (c.decisions.size() > kPreRegBatchMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("an integration names at most ", kPreRegBatchMax, " pre-registrations"));
  PreRegResults out;
  out.results.reserve(c.decisions.size());
  for (const IntegrationDecision& d : c.decisions) {
    const auto it = parts_.find(d.id);
    out.results.push_back(it == parts_.end() ? not_found(d.id) : integrate(it->second, d, c, who));
  }
  const auto n = static_cast<int64_t>(out.results.size());
  return detail_reply(ReplyDetail{std::move(out)}, n);
}

Reply PreRegistrationBook::on(const ListLeads& c, const Caller&) const {
  if (c.limit > kPreRegRowsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a lead list takes at most ", kPreRegRowsMax, " rows"));
  if (c.statuses >> (kLeadStatusLast + 1) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown lead status bits ", int{c.statuses}));
  auto wanted = [&](const LeadRow& l) {
    return (c.statuses == 0 || (c.statuses >> static_cast<unsigned>(l.status) & 1)) &&
           (c.sales_rep == ContactId{kNone} || l.sales_rep == c.sales_rep) &&
           (c.sector.empty() || l.sector == c.sector);
  };
  LeadPage page;
  for (const auto& [id, l] : leads_) page.total += prereg_shard(id) == shard_ && wanted(l);
  for (auto it = leads_.upper_bound(c.after); it != leads_.end() && page.rows.size() < c.limit; ++it)
    if (wanted(it->second)) page.rows.push_back(it->second);
  if (page.rows.size() == c.limit && c.limit != 0) page.next_after = page.rows.back().id;
  const auto total = static_cast<int64_t>(page.total);
  return detail_reply(ReplyDetail{std::move(page)}, total);
}

Reply PreRegistrationBook::on(const SetLeadStatus& c, const Caller&) {
  if (static_cast<uint8_t>(c.status) > kLeadStatusLast)
    return refuse(ReplyCode::kInvalidArgument, "a lead is open, won or lost");
  PreRegResults out;
  const auto it = leads_.find(c.id);
  if (it == leads_.end()) {
    PreRegResult r = not_found(c.id);
    r.reason = cat("lead ", c.id, " not found");
    out.results.push_back(std::move(r));
  } else {
    it->second.status = c.status;
    out.results.push_back(
        PreRegResult{c.id, PreRegOutcome::kDone, {}, c.id, OrderState::kOption, it->second.contact, {}});
  }
  return detail_reply(ReplyDetail{std::move(out)}, 1);
}

PreRegistrationBook::State PreRegistrationBook::state() const {
  State s;
  s.next_seq = next_seq_;
  s.parts.reserve(parts_.size());
  for (const auto& [id, p] : parts_) s.parts.push_back(p);
  s.leads.reserve(leads_.size());
  for (const auto& [id, l] : leads_) s.leads.push_back(l);
  return s;
}

Status PreRegistrationBook::restore(State state) {
  next_seq_ = state.next_seq;
  parts_.clear();
  leads_.clear();
  by_reference_.clear();
  pending_home_ = 0;
  for (PreRegPart& p : state.parts) {
    if (p.id == 0 || parts_.count(p.id) != 0 || static_cast<uint8_t>(p.status) > kPreRegStatusLast)
      return Status::invalid_argument("snapshot has a repeated or malformed pre-registration");
    if (prereg_shard(p.id) == shard_) {
      if ((p.id & ((uint64_t{1} << 56) - 1)) > next_seq_)
        return Status::invalid_argument("snapshot has a pre-registration after the shard's sequence");
      by_reference_[reference_key(p.channel, p.reference)] = p.id;
      pending_home_ += p.status == PreRegStatus::kPending;
    }
    const uint64_t id = p.id;
    parts_.emplace(id, std::move(p));
  }
  for (LeadRow& l : state.leads) {
    if (l.id == 0 || leads_.count(l.id) != 0)
      return Status::invalid_argument("snapshot has a repeated or malformed lead");
    const uint64_t id = l.id;
    leads_.emplace(id, std::move(l));
  }
  return Status::ok();
}

Status PreRegistrationBook::check_invariants() const {
  uint64_t pending = 0;
  for (const auto& [id, p] : parts_) {
    if (prereg_shard(id) == shard_) pending += p.status == PreRegStatus::kPending;
    if (p.status == PreRegStatus::kPending && p.order != OrderId{0}) {
      const Order* o = book_.find(p.order);
      if (o != nullptr && o->live() && o->state == OrderState::kConfirmed)
        return Status::internal(cat("pending pre-registration ", id, " holds confirmed order ", p.order));
    }
    if (p.status == PreRegStatus::kFiled && leads_.count(id) == 0)
      return Status::internal(cat("pre-registration ", id, " was filed, and its lead is missing"));
  }
  if (pending != pending_home_)
    return Status::internal(cat("pending pre-registrations: counted ", pending_home_, ", recounted ", pending));
  return Status::ok();
}

// ---- OrderDesk: booking a pre-registration's option ------------------------------------

Reply OrderDesk::book_for(OrderId id, ContactId contact, IntegrationLevel level, const Caller& who) {
  Order* o = nullptr;
  Reply r = book_.find_live(id, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(id, *o, "only an option or reservation is booked for a contact");
  // An overdue option is booked again with the configured lifetime; decided
  // before anything changes.
  int64_t deadline = 0;
  const BookingKind kind = level == IntegrationLevel::kReservation ? BookingKind::kReservation : o->kind;
  if (o->state == OrderState::kOverdue && level != IntegrationLevel::kConfirmed) {
    int64_t starts = 0;
    std::vector<LineRequest> lines;
    for (const OrderLine& l : o->lines)
      lines.push_back({l.performance, l.category, l.tariff, l.quantity, l.contingent});
    if (Reply started = check_not_started(nullptr, &lines, who, &starts); !started.ok()) return started;
    if (Reply d = booking_deadline(0, o->lines.front().performance, o->channel, kind, starts, who, &deadline); !d.ok())
      return d;
  }
  if (Reply given = book_.give_to_contact(*o, id, contact, who.principal); !given.ok()) return given;
  switch (level) {
    case IntegrationLevel::kConfirmed:
      return on(Confirm{id, {}}, who);
    case IntegrationLevel::kReservation:
    case IntegrationLevel::kOption:
      if (o->state == OrderState::kOverdue) {
        book_.follow_up().remove(*o, id);
        book_.transition(*o, kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation,
                         who.principal);
        o->kind = kind;
        book_.set_deadline(*o, id, deadline);
        o->due_ms = deadline;
        book_.follow_up().add(*o, id);
      } else if (level == IntegrationLevel::kReservation && o->state == OrderState::kOption) {
        book_.option_to_reservation(*o, id, who.principal);
      }
      return order_reply(id, *o);
  }
  return order_reply(id, *o);
}

}  // namespace tessera::engine
