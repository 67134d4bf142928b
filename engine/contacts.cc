// Contact validation: one kind (individual xor organisation), a name, a
// plausible email.
#include "engine/contacts.h"

#include "engine/limits.h"

namespace tessera::engine {

namespace {

Reply check_record(const DefineContact& c) {
  if (c.contact == kNone) return refuse(ReplyCode::kInvalidArgument, "contact id 0 is reserved");
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

}  // namespace

Reply ContactBook::define(const DefineContact& c) {
  Reply r = check_record(c);
  if (!r.ok()) return r;
  if (contacts_.find(c.contact)) return refuse(ReplyCode::kDuplicate, cat("contact ", c.contact, " already exists"));
  if (contacts_.size() >= kContactsMax) return refuse(ReplyCode::kLimitExceeded, "too many contacts");
  contacts_.add(c.contact, Contact{c});
  return r;
}

Reply ContactBook::update(const UpdateContact& c) {
  const DefineContact record{c.contact, c.number, c.last_name, c.first_name, c.email, c.types};
  Reply r = check_record(record);
  if (!r.ok()) return r;
  Contact* existing = contacts_.find(c.contact);
  if (!existing) return refuse(ReplyCode::kNotFound, cat("contact ", c.contact, " not found"));
  existing->record = record;
  return r;
}

}  // namespace tessera::engine
