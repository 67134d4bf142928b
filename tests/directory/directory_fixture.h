// The fixture of the contact directory tests: a directory at a fixed
// time, commands applied one second apart by principal 7, and records of
// an individual and an organisation with the quick-creation fields.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "directory/contact_directory.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::Command;
using engine::ContactFields;
using engine::ContactId;
using engine::ReplyCode;

constexpr int64_t kT0 = 1'780'000'000'000;  // 2026-05-28

inline ContactFields person(std::string last, std::string first, std::string postcode = "75012") {
  ContactFields f;
  f.types = engine::kContactIndividual;
  f.civility = "Mme";
  f.last_name = std::move(last);
  f.first_name = std::move(first);
  f.email = "someone@example.org";
  f.addresses.push_back(
      engine::ContactAddress{engine::AddressKind::kMain, "1 rue de Lyon", postcode, "PARIS", "", "", "FR"});
  return f;
}

inline ContactFields organisation(std::string name) {
  ContactFields f;
  f.types = engine::kContactOrganisation;
  f.last_name = std::move(name);
  f.addresses.push_back(
      engine::ContactAddress{engine::AddressKind::kMain, "2 quai Voltaire", "69002", "LYON", "", "", "FR"});
  return f;
}

class ContactDirectoryTest : public ::testing::Test {
 protected:
  engine::Reply run(engine::CommandBody body, engine::RequestKey key = 0) {
    Command c{key, std::move(body)};
    c.principal = engine::PrincipalId{7};
    return d.apply(c, now += 1000);
  }
  // A copy: the reply (and the detail it shares) is often a temporary.
  engine::ContactCard card(const engine::Reply& r) {
    EXPECT_TRUE(r.ok()) << r.message;
    return std::get<engine::ContactCard>(r.detail->value);
  }
  ContactId create(ContactFields f, uint64_t number = 0) {
    const engine::Reply r = run(engine::CreateContact{engine::kNone, number, std::move(f)});
    return card(r).contact;
  }
  std::vector<uint64_t> search(std::string query, bool with_invalid = false) {
    const engine::Reply r = run(engine::SearchContacts{std::move(query), 0, 20, with_invalid});
    EXPECT_TRUE(r.ok()) << r.message;
    std::vector<uint64_t> numbers;
    for (const auto& row : std::get<engine::ContactSearchPage>(r.detail->value).rows) numbers.push_back(row.number);
    return numbers;
  }

  int64_t now = kT0;
  ContactDirectory d{kT0};
};

}  // namespace tessera::directory
