// The one person the pre-registration tests ask for as a requester and
// know as a contact: Mme Anne MARTIN, anne@example.org, born 1980-02-14,
// 3 rue Neuve, 69001 LYON (no GoogleTest here: the crash child uses it).
#pragma once

#include "engine/command.h"

namespace tessera::engine::testing_prereg {

inline ContactFields anne_martin() {
  ContactFields anne;
  anne.types = kContactIndividual;
  anne.civility = "Mme";
  anne.last_name = "MARTIN";
  anne.first_name = "Anne";
  anne.email = "anne@example.org";
  anne.birth_date = 19800214;
  anne.addresses.push_back(ContactAddress{AddressKind::kMain, "3 rue Neuve", "69001", "LYON", "", "", "FR"});
  return anne;
}

// Anne as she types herself on the web shop.
inline Requester anne_requesting() {
  Requester q;
  q.last_name = "MARTIN";
  q.first_name = "Anne";
  q.email = "anne@example.org";
  q.phone = "+33 6 12 34 56 78";
  q.birth_date = 19800214;
  q.street = "3 rue Neuve";
  q.postcode = "69001";
  q.city = "LYON";
  q.country = "FR";
  return q;
}

}  // namespace tessera::engine::testing_prereg
