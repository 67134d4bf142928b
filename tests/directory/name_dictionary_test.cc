// NameDictionary: labels follow the byte order through relabelling, counts
// per prefix range, '*' patterns.
#include "directory/name_dictionary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tessera::directory {
namespace {

TEST(NameDictionaryTest, DescendingInsertsRelabelAndKeepOrder) {
  NameDictionary names;
  // Each name sorts before all others: the gap below the first label halves
  // each time, so relabelling has to happen (64-bit labels).
  std::vector<NameId> ids;
  for (int i = 300; i > 0; --i) ids.push_back(names.intern("n" + std::string(static_cast<size_t>(i), 'a')));
  names.check_invariants();
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(names.label(ids[i]), names.label(ids[i - 1]));
  EXPECT_EQ(names.intern("naaa"), ids[297]);  // known names keep their id
}

TEST(NameDictionaryTest, SumsCountRolesAndSharedPrefixes) {
  NameDictionary names;
  const NameId dupont = names.intern("dupont"), dupuis = names.intern("dupuis"), jean = names.intern("jean");
  names.add_last(dupont, 0);  // Dupont Jean
  names.add_first(jean);
  names.add_last(dupuis, 3);  // Dupuis Dupont: "dup" shared
  names.add_first(dupont);
  names.check_invariants();
  const NameDictionary::Sums dup = names.sums(names.prefix_range("dup"), 3);
  EXPECT_EQ(dup.last, 2u);
  EXPECT_EQ(dup.first, 1u);
  EXPECT_EQ(dup.shared, 1u);
  EXPECT_EQ(dup.last_names, 2u);
  EXPECT_EQ(dup.first_names, 1u);
  EXPECT_EQ(names.sums(names.prefix_range("dupo"), 4).shared, 0u);
  EXPECT_TRUE(names.empty(names.prefix_range("x")));
  names.remove_last(dupuis, 3);
  names.remove_first(dupont);
  names.check_invariants();
  EXPECT_EQ(names.sums(names.prefix_range("dup"), 3).last_names, 1u);
}

TEST(NameDictionaryTest, PatternsMatchLastNamesOnly) {
  NameDictionary names;
  for (const char* n : {"dupont", "aupont", "dupont-rougier", "pontier"}) names.add_last(names.intern(n), 0);
  names.add_first(names.intern("lepont"));  // a first name only
  const auto texts = [&](std::string_view pattern) {
    std::vector<std::string> out;
    for (const NameId id : names.last_names_matching(pattern)) out.emplace_back(names.text(id));
    return out;
  };
  EXPECT_EQ(texts("*pont"), (std::vector<std::string>{"aupont", "dupont"}));
  EXPECT_EQ(texts("*pont*"), (std::vector<std::string>{"aupont", "dupont", "dupont-rougier", "pontier"}));
  EXPECT_EQ(texts("du*r"), (std::vector<std::string>{"dupont-rougier"}));
  EXPECT_EQ(texts("*o*i*"), (std::vector<std::string>{"dupont-rougier", "pontier"}));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyyca"));
}

}  // namespace
}  // namespace tessera::directory
