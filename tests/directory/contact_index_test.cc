// ContactIndex and fold(): each query form on a small directory, then a
// seeded randomised run against a brute-force reference.
#include "directory/contact_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "directory/text_fold.h"

namespace tessera::directory {
namespace {

struct Person {
  uint32_t key;
  uint64_t number;
  std::string last, first, email;
  IndexedContact view() const { return {key, number, last, first, email}; }
};

std::vector<uint32_t> keys_of(const ContactIndex& index, std::string_view query, uint32_t offset = 0,
                              uint32_t limit = 100) {
  auto page = index.search(query, offset, limit);
  EXPECT_TRUE(page.is_ok()) << query << ": " << page.status().to_string();
  return page.is_ok() ? page->keys : std::vector<uint32_t>{};
}
uint64_t total_of(const ContactIndex& index, std::string_view query) {
  auto page = index.search(query, 0, 1);
  EXPECT_TRUE(page.is_ok()) << query;
  return page.is_ok() ? page->total : 0;
}

class ContactIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    people_ = {
        {1, 1001, "Dupont", "Jean", "jean.dupont@example.fr"},
        {2, 1002, "DUPONT-ROUGIER", "Céline", "celine@rougier.fr"},
        {3, 1003, "Dupond", "Marie", "marie@dupond.fr"},
        {4, 1004, "Martin", "Céline", "c.martin@example.fr"},
        {5, 1005, "Lefèvre", "Jeanne", "jeanne.lefevre@example.fr"},
        {6, 1006, "Dupont", "Alice", "alice@example.fr"},
        {7, 1007, "Aupont", "Dupuis", "dupuis@example.fr"},  // first name starting "dup"
        {8, 1008, "Dupuis", "Dupont", "dd@example.fr"},      // last and first both start "dup"
        {9, 1009, "N'Diaye", "Œdipe", "oedipe@example.fr"},
        {10, 1010, "de La Fontaine", "Jean", "jean@fables.fr"},
        {11, 1011, "Straße", "Jean", "jean@strasse.de"},
        {12, 1001, "Durant", "Jules", "jules@example.fr"},  // shares a number with key 1
    };
    for (const Person& p : people_) index_.insert(p.view());
    index_.check_invariants();
  }
  std::vector<Person> people_;
  ContactIndex index_;
};

TEST(TextFoldTest, CaseAndAccentsFold) {
  EXPECT_EQ(fold("Céline"), "celine");
  EXPECT_EQ(fold("CELINE"), "celine");
  EXPECT_EQ(fold("celine"), "celine");
  EXPECT_EQ(fold("CÉLINE"), "celine");
  EXPECT_EQ(fold("DUPONT-ROUGIER"), "dupont-rougier");
  EXPECT_EQ(fold("Straße"), "strasse");
  EXPECT_EQ(fold("Œdipe"), "œdipe");
  EXPECT_EQ(fold("N'Diaye"), "n'diaye");
  EXPECT_EQ(fold("Ñúñez Çà"), "nunez ca");
}

TEST(TextFoldTest, InvalidUtf8IsReplacedNotFatal) {
  const std::string bad = std::string("ab\xC3", 3) + "\xFF" + "C";
  const std::string folded = fold(bad);
  EXPECT_EQ(folded.substr(0, 2), "ab");
  EXPECT_EQ(folded.back(), 'c');
  EXPECT_NE(folded.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(TextFoldTest, SafeFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) mismatches[t] += fold("Éloïse Lefèvre-SS") != "eloise lefevre-ss";
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST_F(ContactIndexTest, PrefixIgnoresCaseAndAccents) {
  EXPECT_EQ(keys_of(index_, "lefe"), std::vector<uint32_t>{5});
  EXPECT_EQ(keys_of(index_, "LEFÈ"), std::vector<uint32_t>{5});
  EXPECT_EQ(keys_of(index_, "  strasse "), std::vector<uint32_t>{11});
  EXPECT_EQ(keys_of(index_, "STRAß"), std::vector<uint32_t>{11});
}

TEST_F(ContactIndexTest, PrefixMatchesLastOrFirstNameOnceEach) {
  // celine: first name of 2 and 4.
  EXPECT_EQ(keys_of(index_, "Céline"), (std::vector<uint32_t>{2, 4}));
  // dup: last names 6, 1 (dupont), 2, 3, 8 (dupuis) and first names of 7 and 8 (8 counted once).
  EXPECT_EQ(total_of(index_, "dup"), 6u);
  EXPECT_EQ(keys_of(index_, "dup"), (std::vector<uint32_t>{7, 3, 6, 1, 2, 8}));
}

TEST_F(ContactIndexTest, ExactLastNameComesFirst) {
  // "dupont" equals the last name of 6 and 1; 8 (first name Dupont) sorts by its last name after them.
  EXPECT_EQ(keys_of(index_, "dupont"), (std::vector<uint32_t>{6, 1, 2, 8}));
  // "dupuis": 8 is the exact last name; 7's first name matches but Aupont sorts before.
  EXPECT_EQ(keys_of(index_, "dupuis"), (std::vector<uint32_t>{8, 7}));
}

TEST_F(ContactIndexTest, StarPatterns) {
  EXPECT_EQ(keys_of(index_, "*pont"), (std::vector<uint32_t>{7, 6, 1}));
  EXPECT_EQ(keys_of(index_, "*pont*"), (std::vector<uint32_t>{7, 6, 1, 2}));
  EXPECT_EQ(keys_of(index_, "du*t"), (std::vector<uint32_t>{6, 1, 12}));
  EXPECT_EQ(keys_of(index_, "dup*"), (std::vector<uint32_t>{3, 6, 1, 2, 8}));
  EXPECT_EQ(keys_of(index_, "d*n*r"), (std::vector<uint32_t>{2}));
  EXPECT_EQ(keys_of(index_, "*FONT*"), (std::vector<uint32_t>{10}));
  EXPECT_EQ(keys_of(index_, "*diaye"), (std::vector<uint32_t>{9}));
  EXPECT_EQ(total_of(index_, "*xyz*"), 0u);
}

TEST_F(ContactIndexTest, StarPatternNeedsThreeCharacters) {
  for (const char* query : {"*", "**", "du*", "*a*b*", "*é*"}) {
    auto page = index_.search(query, 0, 10);
    ASSERT_FALSE(page.is_ok()) << query;
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(page.status().message().find("at least 3"), std::string::npos);
  }
  EXPECT_TRUE(index_.search("*é*ne", 0, 10).is_ok());
}

TEST_F(ContactIndexTest, LastCommaFirst) {
  EXPECT_EQ(keys_of(index_, "Dupont, j"), std::vector<uint32_t>{1});
  EXPECT_EQ(keys_of(index_, "dup, c"), std::vector<uint32_t>{2});
  EXPECT_EQ(keys_of(index_, "Dupont,"), (std::vector<uint32_t>{6, 1, 2}));  // last name only
  EXPECT_EQ(keys_of(index_, "*pont, a"), std::vector<uint32_t>{6});
  EXPECT_EQ(keys_of(index_, "*pont , dup"), std::vector<uint32_t>{7});
  EXPECT_FALSE(index_.search(", jean", 0, 10).is_ok());
  EXPECT_FALSE(index_.search("dupont, j*", 0, 10).is_ok());
}

TEST_F(ContactIndexTest, NumberAndEmail) {
  EXPECT_EQ(keys_of(index_, "1004"), std::vector<uint32_t>{4});
  EXPECT_EQ(keys_of(index_, "1001"), (std::vector<uint32_t>{1, 12}));
  EXPECT_EQ(keys_of(index_, "01004"), std::vector<uint32_t>{4});
  EXPECT_EQ(total_of(index_, "100"), 0u);  // exact, not a prefix
  EXPECT_FALSE(index_.search("123456789012345678901234", 0, 10).is_ok());
  EXPECT_EQ(keys_of(index_, "JEAN@"), (std::vector<uint32_t>{10, 11}));  // by e-mail
  EXPECT_EQ(keys_of(index_, "jean.dupont@ex"), std::vector<uint32_t>{1});
  EXPECT_EQ(keys_of(index_, "c.martin@"), std::vector<uint32_t>{4});
}

TEST_F(ContactIndexTest, EmptyQueryIsAnError) {
  for (const char* query : {"", "   ", "\t"}) EXPECT_FALSE(index_.search(query, 0, 10).is_ok());
  EXPECT_FALSE(index_.search(std::string(kQueryBytesMax + 1, 'a'), 0, 10).is_ok());
}

TEST_F(ContactIndexTest, PagingAndLimitCap) {
  const std::vector<uint32_t> all = keys_of(index_, "dup");
  std::vector<uint32_t> paged;
  for (uint32_t offset = 0; offset < all.size(); offset += 4) {
    const auto page = keys_of(index_, "dup", offset, 4);
    paged.insert(paged.end(), page.begin(), page.end());
  }
  EXPECT_EQ(paged, all);
  EXPECT_TRUE(keys_of(index_, "dup", 100, 10).empty());
  EXPECT_EQ(total_of(index_, "dup"), all.size());

  ContactIndex big;
  for (uint32_t k = 0; k < 300; ++k) big.insert({k, k, "Martin", "Paul", "p@x"});
  auto page = big.search("mar", 0, 1000);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->total, 300u);
  EXPECT_EQ(page->keys.size(), kSearchLimitMax);
}

TEST_F(ContactIndexTest, EraseThenSearchThenReinsert) {
  const size_t before = index_.size();
  index_.erase(people_[0].view());  // Jean Dupont
  index_.check_invariants();
  EXPECT_EQ(index_.size(), before - 1);
  EXPECT_EQ(keys_of(index_, "dupont"), (std::vector<uint32_t>{6, 2, 8}));
  EXPECT_EQ(keys_of(index_, "1001"), std::vector<uint32_t>{12});
  EXPECT_TRUE(keys_of(index_, "jean.dupont@").empty());
  EXPECT_TRUE(keys_of(index_, "Dupont, j").empty());
  index_.insert(people_[0].view());
  index_.check_invariants();
  EXPECT_EQ(keys_of(index_, "dupont"), (std::vector<uint32_t>{6, 1, 2, 8}));
  EXPECT_EQ(keys_of(index_, "Dupont, j"), std::vector<uint32_t>{1});
}

// --- Randomised run against a brute-force reference -------------------------

std::string reference_normalize(std::string_view s) {
  std::string folded = fold(s), out;
  for (const char c : folded) {
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool reference_glob(std::string_view p, std::string_view t) {
  if (p.empty()) return t.empty();
  if (p[0] == '*') return reference_glob(p.substr(1), t) || (!t.empty() && reference_glob(p, t.substr(1)));
  return !t.empty() && p[0] == t[0] && reference_glob(p.substr(1), t.substr(1));
}

std::string_view reference_trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The results of a name query (no digits-only, no '@'), in order.
std::vector<uint32_t> reference_search(const std::vector<Person>& live, std::string_view raw, uint64_t& total) {
  const std::string q = reference_normalize(raw);
  const size_t comma = q.find(',');
  const std::string last(reference_trim(std::string_view(q).substr(0, comma)));
  const std::string first(comma == std::string::npos ? "" : reference_trim(std::string_view(q).substr(comma + 1)));
  using Row = std::tuple<bool, std::string, std::string, uint64_t, uint32_t>;
  std::vector<Row> rows;
  for (const Person& p : live) {
    const std::string l = reference_normalize(p.last), f = reference_normalize(p.first);
    bool match;
    if (last.find('*') != std::string::npos) {
      match = reference_glob(last, l) && f.starts_with(first);
    } else if (comma != std::string::npos) {
      match = l.starts_with(last) && f.starts_with(first);
    } else {
      match = l.starts_with(last) || f.starts_with(last);
    }
    if (match) rows.emplace_back(l != last, l, f, p.number, p.key);
  }
  std::sort(rows.begin(), rows.end());
  total = rows.size();
  std::vector<uint32_t> keys;
  for (const Row& r : rows) keys.push_back(std::get<4>(r));
  return keys;
}

// Inserts and erases random contacts drawn from the given names, checking
// every query (at several offsets and limits) against reference_search.
void run_against_reference(uint32_t seed, const std::vector<std::string>& lasts, const std::vector<std::string>& firsts,
                           const std::vector<std::string>& queries, int rounds, int ops_per_round) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  ContactIndex index;
  std::vector<Person> live;
  uint32_t next_key = 1;
  for (int round = 0; round < rounds; ++round) {
    for (int op = 0; op < ops_per_round; ++op) {
      if (!live.empty() && rng() % 3 == 0) {
        const size_t i = rng() % live.size();
        index.erase(live[i].view());
        live.erase(live.begin() + static_cast<ptrdiff_t>(i));
      } else {
        // Long e-mails share their first 16 bytes and differ after them.
        const std::string email = rng() % 2 ? "e" + std::to_string(rng() % 30) + "@x.fr"
                                            : "jean.dupont.long" + std::to_string(rng() % 30) + "@example.fr";
        Person p{next_key++, rng() % 50, lasts[rng() % lasts.size()], firsts[rng() % firsts.size()], email};
        index.insert(p.view());
        live.push_back(p);
      }
    }
    index.check_invariants();
    for (const std::string& query : queries) {
      uint64_t expected_total = 0;
      const std::vector<uint32_t> expected = reference_search(live, query, expected_total);
      for (const uint32_t offset : {0u, 1u, 3u, 7u, 20u, 60u}) {
        for (const uint32_t limit : {1u, 5u, 100u}) {
          auto page = index.search(query, offset, limit);
          ASSERT_TRUE(page.is_ok()) << query;
          ASSERT_EQ(page->total, expected_total) << query;
          std::vector<uint32_t> want;
          for (size_t i = offset; i < expected.size() && want.size() < limit; ++i) want.push_back(expected[i]);
          ASSERT_EQ(page->keys, want) << query << " offset " << offset << " limit " << limit;
        }
      }
    }
    // Numbers and e-mails: in their documented orders.
    const uint64_t number = rng() % 50;
    std::vector<uint32_t> want;
    for (const Person& p : live)
      if (p.number == number) want.push_back(p.key);
    std::sort(want.begin(), want.end());
    if (want.size() > kSearchLimitMax) want.resize(kSearchLimitMax);
    ASSERT_EQ(keys_of(index, std::to_string(number)), want);
    for (const std::string& email_prefix :
         {"e" + std::to_string(rng() % 30) + "@", std::string("jean.dupont.long"), std::string("jean.dupont.lo"),
          "jean.dupont.long" + std::to_string(rng() % 30) + "@", "jean.dupont.long" + std::to_string(rng() % 3)}) {
      std::vector<std::pair<std::string, uint32_t>> emails;
      for (const Person& p : live)
        if (p.email.starts_with(email_prefix)) emails.emplace_back(p.email, p.key);
      std::sort(emails.begin(), emails.end());
      want.clear();
      for (const auto& e : emails) want.push_back(e.second);
      if (email_prefix.find('@') == std::string::npos) continue;  // without '@' it is a name query
      auto page = index.search(email_prefix, 0, 100);
      ASSERT_TRUE(page.is_ok());
      ASSERT_EQ(page->total, want.size()) << email_prefix;
      if (want.size() > kSearchLimitMax) want.resize(kSearchLimitMax);
      ASSERT_EQ(page->keys, want) << email_prefix;
    }
  }
}

TEST(ContactIndexRandomTest, MatchesBruteForceReference) {
  const std::vector<std::string> lasts = {
      "Dupont",  "Dupond",   "DUPONT-ROUGIER", "Durand",  "Dubois",    "Martin", "Martinez", "Marie", "Le Gall",
      "Lefèvre", "Lefebvre", "Léger",          "N'Diaye", "de Gaulle", "Du",     "Jean",     "Mar",   "Ma",
      "Zoé",     "Paul"};
  const std::vector<std::string> firsts = {"Jean", "Jeanne", "Marie", "Martine", "Céline", "Paul", "Dupont", "Du",
                                           "Ma",   "Zoé",    "Lé",    "Le",      "Éric",   "Marc", ""};
  const std::vector<std::string> queries = {
      "d",     "du",     "dup",     "dupont", "m",     "ma",       "mar",   "mari",    "marie", "martin",
      "j",     "je",     "jean",    "l",      "le",    "lé",       "le ga", "z",       "zo",    "p",
      "paul",  "e",      "c",       "x",      "*pont", "*pont*",   "du*t",  "*art*",   "*a*ie", "mar*n",
      "*rie",  "dup, j", "mar, ma", "m, j",   "du, ",  "*pont, c", "le, l", "mar*, m", "d,d",   "marie, marie",
      "lefe, "};
  run_against_reference(std::random_device{}(), lasts, firsts, queries, 30, 40);
}

// Many short names over a small alphabet: wide prefix ranges (more than 64
// last names under one prefix), long shared prefixes between last and first
// names (beyond the 8 counted per name), every search strategy.
TEST(ContactIndexRandomTest, WideRangesMatchBruteForceReference) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  auto word = [&](size_t max_length) {
    std::string w;
    const size_t length = 1 + rng() % max_length;
    for (size_t i = 0; i < length; ++i) w.push_back("abc"[rng() % 3]);
    return w;
  };
  std::vector<std::string> lasts, firsts, queries;
  for (int i = 0; i < 150; ++i) lasts.push_back(word(5));
  for (int i = 0; i < 20; ++i) lasts.push_back("abcabcabca" + word(2));  // shares > 8 bytes with firsts below
  for (int i = 0; i < 40; ++i) firsts.push_back(word(4));
  for (int i = 0; i < 10; ++i) firsts.push_back("abcabcabca" + word(2));
  for (int i = 0; i < 12; ++i) queries.push_back(word(3));
  for (int i = 0; i < 6; ++i) queries.push_back(word(3) + ", " + word(2));
  for (int i = 0; i < 4; ++i) queries.push_back("*" + word(2) + "bc*");
  for (const char* q : {"abcabcabc", "abcabcabca", "abcabcabcab", "a, a", "ab, abcabcabca", "a*bca", "b"})
    queries.push_back(q);
  run_against_reference(seed, lasts, firsts, queries, 12, 300);
}

TEST(ContactIndexEraseTest, ManyErasuresCompactTheEmails) {
  ContactIndex index;
  std::vector<Person> people;
  for (uint32_t k = 0; k < 60'000; ++k)
    people.push_back({k, k, "Nom" + std::to_string(k % 100), "Prénom",
                      "quelqu.un.de.tres.long." + std::to_string(k) + "@example.fr"});
  for (const Person& p : people) index.insert(p.view());
  const size_t full_bytes = index.memory_bytes();
  for (uint32_t k = 0; k < 55'000; ++k) index.erase(people[k].view());
  index.check_invariants();
  EXPECT_LT(index.memory_bytes(), full_bytes);
  EXPECT_EQ(keys_of(index, "quelqu.un.de.tres.long.59999@"), std::vector<uint32_t>{59999});
  EXPECT_EQ(total_of(index, "quelqu.un.de.tres.long.5@"), 0u);
  EXPECT_EQ(total_of(index, "quelqu.un.de.tres.long.5"), 0u);  // no '@': a name query
  EXPECT_EQ(total_of(index, "quelqu.un.de.tres.long.56"), 0u);
  EXPECT_EQ(total_of(index, "quelqu.un.de.tres.long.56@"), 0u);
  EXPECT_EQ(total_of(index, "*om4"), 50u);
}

}  // namespace
}  // namespace tessera::directory
