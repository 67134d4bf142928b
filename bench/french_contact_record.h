// The contact record the directory benchmarks create for a generated French
// contact (workload/french_contacts.h): number, civility, names, e-mail,
// one main address, one mobile — the record of the memory target.
#pragma once

#include <string>

#include "engine/command.h"
#include "workload/french_contacts.h"

namespace tessera::bench {

inline engine::CreateContact create_of(const workload::FrenchContact& c, engine::ContactId id = engine::kNone) {
  static const char* kCities[] = {"PARIS", "LYON", "MARSEILLE", "LILLE", "NANTES", "TOULOUSE", "BORDEAUX"};
  engine::ContactFields f;
  f.types = engine::kContactIndividual;
  f.civility = c.key % 2 ? "Mme" : "M.";
  f.last_name = c.last_name;
  f.first_name = c.first_name;
  f.email = c.email;
  f.mobile = "+33 6 " + std::to_string(10'000'000 + c.key % 90'000'000);
  f.addresses.push_back(engine::ContactAddress{engine::AddressKind::kMain, "", std::to_string(75'001 + c.key % 20'000),
                                               kCities[c.key % 7], "", "", "FR"});
  return engine::CreateContact{id, c.number, std::move(f)};
}

}  // namespace tessera::bench
