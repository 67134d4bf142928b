// FrenchContacts: a seeded generator of French-style contacts (last name,
// first name, e-mail, number) and of the quick-search queries people type
// for them, for the contact directory's benchmarks (index, import).
//
// Surnames: about 240 common French surnames (with accents, "Le"/"de"
// particles, "N'Diaye") in rough order of frequency, then derived ones —
// "de X", hyphenated pairs such as "DUPONT-ROUGIER" — for about 2,700
// distinct names, drawn from a Zipf law (exponent kSurnameZipfExponent) over
// that order. First names likewise (about 150, some compound). E-mails are
// "first.last" folded to ASCII, mostly (85 %) followed by up to 4 digits, at
// a few domains.
// Numbers are 100000 + the contact's index; keys are the index.
// The same seed gives the same contacts and queries on every platform
// (own Zipf sampling over std::mt19937_64, no std distributions).
// Thread-safety: none; one generator per thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tessera::workload {

inline constexpr double kSurnameZipfExponent = 0.8;
inline constexpr double kFirstNameZipfExponent = 0.9;

struct FrenchContact {
  uint32_t key = 0;
  uint64_t number = 0;
  std::string last_name;
  std::string first_name;
  std::string email;
};

class FrenchContacts {
 public:
  explicit FrenchContacts(uint64_t seed);

  // The next contact (keys 0, 1, 2, ...).
  FrenchContact next();
  // `count` contacts from a fresh generator with `seed`.
  static std::vector<FrenchContact> generate(size_t count, uint64_t seed);

  // A quick-search query as a person would type it, drawn from the same
  // name frequencies: 1-4 letter prefixes of a last or first name (45 %),
  // whole last names (10 %), '*' patterns on last names (20 %: "*pont",
  // "*ron*", "du*t"), "Last, F" (25 %).
  std::string next_query();

  const std::vector<std::string>& surnames() const { return surnames_; }
  const std::vector<std::string>& first_names() const { return first_names_; }

 private:
  struct Zipf {
    std::vector<double> cumulative;  // normalised, last = 1
  };
  static Zipf make_zipf(size_t n, double exponent);
  size_t draw(const Zipf& z);
  double uniform();

  std::mt19937_64 rng_;
  std::vector<std::string> surnames_;
  std::vector<std::string> first_names_;
  Zipf surname_zipf_;
  Zipf first_name_zipf_;
  uint32_t next_key_ = 0;
};

// Lower-case ASCII form of a name for e-mail addresses ("Lefèvre" -> "lefevre").
std::string ascii_email_part(const std::string& name);

}  // namespace tessera::workload
