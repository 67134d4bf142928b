// A contact record with a non-default value in every field (codec and
// record-view tests).
#pragma once

#include "engine/commands_back_office.h"
#include "engine/commands_contacts.h"

namespace tessera::testing {

inline engine::ContactFields full_contact() {
  engine::ContactFields f;
  f.types = engine::kContactIndividual | engine::kContactPartner;
  f.civility = "Mme";
  f.last_name = "DUPONT";
  f.first_name = "Chantal";
  f.birth_date = 20000708;
  f.function = "Directrice";
  f.mobile = "+33 6 12 34 56 78";
  f.phone = "+33 1 23 45 67 89";
  f.fax = "+33 1 23 45 67 80";
  f.email = "chantal.dupont@example.org";
  f.language = "fr";
  f.web_login = "chantal.dupont@example.org";
  f.audience = 3;
  f.minors_email_to = engine::MinorsEmailTo::kBoth;
  f.preferred_seats = "Balcon, rang A";
  f.flags = engine::kContactAmbassador | engine::kContactLitigious;
  f.admin_number = "123 456 789 00012";
  f.reference_code = "REF-7611";
  f.iban = "FR76 3000 6000 0112 3456 7890 189";
  f.addresses = {engine::ContactAddress{engine::AddressKind::kMain, "12 rue de Lyon\nBât. B", "75012", "PARIS", "Paris",
                                        "Île-de-France", "FR"},
                 engine::ContactAddress{engine::AddressKind::kBilling, "BP 12", "69002", "LYON", "", "", "FR"}};
  f.criteria = {4, 9};
  return f;
}

}  // namespace tessera::testing
