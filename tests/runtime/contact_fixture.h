// What the tests of the contact directory beside the shards share: a time,
// an individual's quick-creation record, the demo catalog with two
// performances (1000 and 1001, on different shards of two), and an option
// for a contact.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "engine/command.h"
#include "engine/reply_detail.h"
#include "runtime/shard_set.h"
#include "tests/engine/engine_clock.h"
#include "workload/demo_venue.h"

namespace tessera::runtime {

using namespace tessera::engine;

inline ContactFields person(std::string last, std::string first) {
  ContactFields f;
  f.types = kContactIndividual;
  f.civility = "M.";
  f.last_name = std::move(last);
  f.first_name = std::move(first);
  f.email = "paul@example.org";
  f.addresses.push_back(ContactAddress{AddressKind::kMain, "", "75012", "PARIS", "", "", "FR"});
  return f;
}

// A set with the demo catalog and two performances (1000 and 1001).
inline void define_demo(ShardSet& set) {
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(set.call(c).ok());
  workload::DemoVenue venue;
  venue.performances = 2;
  for (const Command& c : workload::demo_performances(venue, 1)) ASSERT_TRUE(set.call(c).ok());
}

// Creates a contact in the set's directory; its id (kNone after a failed
// expectation).
inline ContactId create_contact(ShardSet& set, ContactFields fields, uint64_t number = 0) {
  const Reply r = set.call(Command{0, CreateContact{kNone, number, std::move(fields)}});
  EXPECT_TRUE(r.ok()) << r.message;
  return r.ok() && r.detail ? std::get<ContactCard>(r.detail->value).contact : kNone;
}

inline Book option_for(ContactId contact, PerformanceId performance) {
  return Book{BookingKind::kOption,
              contact,
              workload::kBoxOffice,
              {workload::demo_line(performance, 1, 2, 1)},
              kT0 + 10 * 86'400'000LL};
}

}  // namespace tessera::runtime
