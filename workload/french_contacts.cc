// FrenchContacts: name tables, derived surnames, Zipf draws, queries.
#include "workload/french_contacts.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <set>

namespace tessera::workload {
namespace {

// Common French surnames, roughly by decreasing frequency.
const char* const kBaseSurnames[] = {
    "Martin",     "Bernard",     "Thomas",     "Petit",     "Robert",   "Richard",   "Durand",     "Dubois",
    "Moreau",     "Laurent",     "Simon",      "Michel",    "Lefèvre",  "Leroy",     "Roux",       "David",
    "Bertrand",   "Morel",       "Fournier",   "Girard",    "Bonnet",   "Dupont",    "Lambert",    "Fontaine",
    "Rousseau",   "Vincent",     "Muller",     "Lefebvre",  "Faure",    "André",     "Mercier",    "Blanc",
    "Guérin",     "Boyer",       "Garnier",    "Chevalier", "François", "Legrand",   "Gauthier",   "Garcia",
    "Perrin",     "Robin",       "Clément",    "Morin",     "Nicolas",  "Henry",     "Roussel",    "Mathieu",
    "Gautier",    "Masson",      "Marchand",   "Duval",     "Denis",    "Dumont",    "Marie",      "Lemaire",
    "Noël",       "Meyer",       "Dufour",     "Meunier",   "Brun",     "Blanchard", "Giraud",     "Joly",
    "Rivière",    "Lucas",       "Brunet",     "Gaillard",  "Barbier",  "Arnaud",    "Martinez",   "Gérard",
    "Roche",      "Renard",      "Schmitt",    "Roy",       "Leroux",   "Colin",     "Vidal",      "Caron",
    "Picard",     "Roger",       "Fabre",      "Aubert",    "Lemoine",  "Renaud",    "Dumas",      "Lacroix",
    "Olivier",    "Philippe",    "Bourgeois",  "Pierre",    "Benoît",   "Rey",       "Leclerc",    "Payet",
    "Rolland",    "Leclercq",    "Guillaume",  "Lecomte",   "Lopez",    "Jean",      "Dupuy",      "Guillot",
    "Hubert",     "Berger",      "Carpentier", "Sanchez",   "Dupuis",   "Moulin",    "Louis",      "Deschamps",
    "Huet",       "Vasseur",     "Perez",      "Boucher",   "Fleury",   "Royer",     "Klein",      "Jacquet",
    "Adam",       "Paris",       "Poirier",    "Marty",     "Aubry",    "Guyot",     "Carré",      "Charles",
    "Renault",    "Charpentier", "Ménard",     "Maillard",  "Baron",    "Bertin",    "Bailly",     "Hervé",
    "Schneider",  "Fernandez",   "Le Gall",    "Collet",    "Léger",    "Bouvier",   "Julien",     "Prévost",
    "Millet",     "Perrot",      "Daniel",     "Le Roux",   "Cousin",   "Germain",   "Breton",     "Besson",
    "Langlois",   "Rémy",        "Le Goff",    "Pelletier", "Lévêque",  "Perrier",   "Leblanc",    "Barré",
    "Lebrun",     "Marchal",     "Weber",      "Mallet",    "Hamon",    "Boulanger", "Jacob",      "Monnier",
    "Michaud",    "Rodriguez",   "Guichard",   "Gillet",    "Étienne",  "Grondin",   "Poulain",    "Tessier",
    "Chevallier", "Collin",      "Chauvin",    "Da Silva",  "Bouchet",  "Gay",       "Lemaître",   "Bénard",
    "Maréchal",   "Humbert",     "Reynaud",    "Antoine",   "Hoarau",   "Perret",    "Barthélemy", "Cordier",
    "Pichon",     "Lejeune",     "Gilbert",    "Lamy",      "Delaunay", "Pasquier",  "Carlier",    "Laporte",
    "N'Diaye",    "N'Guyen",     "Diallo",     "Traoré",    "Nguyen",   "Le Bihan",  "Le Guen",    "Le Floch",
    "Kerjean",    "Quéméner",    "Dupond",     "Dupré",     "Duchêne",  "Delacroix", "Lavigne",    "Verdier",
    "Bérenger",   "Côté",        "Thibault",   "Pons",      "Leveque",  "Ferrand",   "Maurice",    "Aubin",
    "Tanguy",     "Lebreton",    "Hébert",     "Gomez",     "Salmon",   "Rougier",   "Bonnefoy",   "Beaumont",
    "Chaput",     "Desjardins",  "Laffont",    "Pagès",     "Sauvage",  "Texier",    "Vallée",     "Zimmermann",
};

// Places and words that follow "de " in surnames.
const char* const kParticleStems[] = {
    "Gaulle",    "Villiers", "Montfort", "La Fontaine", "Saint-Exupéry", "Lattre",  "Broglie",
    "Castelnau", "Noailles", "Beauvoir", "Rohan",       "La Tour",       "Bourbon", "Clermont",
    "Foix",      "Grasse",   "Lévis",    "Mérode",      "Polignac",      "Sade",
};

const char* const kFirstNames[] = {
    "Marie",        "Jean",        "Pierre",   "Michel",     "Philippe",  "Nathalie",  "Isabelle",     "Sylvie",
    "Catherine",    "Alain",       "Nicolas",  "Christophe", "Patrick",   "Françoise", "Martine",      "Christine",
    "Stéphane",     "Sophie",      "Éric",     "Laurent",    "Frédéric",  "Valérie",   "Sandrine",     "Céline",
    "Julien",       "David",       "Anne",     "Monique",    "Thomas",    "Jacques",   "Véronique",    "Olivier",
    "Daniel",       "Nicole",      "Bernard",  "Chantal",    "Sébastien", "Pascal",    "Thierry",      "Jean-Pierre",
    "Camille",      "Julie",       "Aurélie",  "Émilie",     "Caroline",  "Laetitia",  "Vincent",      "Antoine",
    "Alexandre",    "Guillaume",   "Hélène",   "Jérôme",     "François",  "Dominique", "Claude",       "Jean-Claude",
    "Marie-Claire", "Anne-Marie",  "Léa",      "Manon",      "Chloé",     "Zoé",       "Inès",         "Louise",
    "Jade",         "Emma",        "Lucas",    "Hugo",       "Louis",     "Gabriel",   "Raphaël",      "Arthur",
    "Noé",          "Maël",        "Léo",      "Adam",       "Paul",      "Jules",     "Théo",         "Nathan",
    "Benoît",       "Gaëlle",      "Anaïs",    "Loïc",       "Maëlle",    "Noël",      "Joël",         "Raphaëlle",
    "Océane",       "Mélanie",     "Agnès",    "Brigitte",   "Colette",   "Denise",    "Geneviève",    "Jacqueline",
    "Josiane",      "Madeleine",   "Odile",    "Simone",     "André",     "Gérard",    "René",         "Roger",
    "Marcel",       "Henri",       "Georges",  "Maurice",    "Lucien",    "Gilbert",   "Aminata",      "Fatou",
    "Moussa",       "Mamadou",     "Karim",    "Nadia",      "Yasmine",   "Mehdi",     "Sofiane",      "Linh",
    "Yann",         "Gwenaël",     "Erwan",    "Maïwenn",    "Solène",    "Clémence",  "Margaux",      "Mathilde",
    "Pauline",      "Élodie",      "Rémi",     "Cédric",     "Fabrice",   "Grégory",   "Jérémy",       "Ludovic",
    "Mickaël",      "Régis",       "Sylvain",  "Xavier",     "Jean-Marc", "Jean-Luc",  "Marie-Hélène", "Marie-Thérèse",
    "Anne-Sophie",  "Pierre-Yves", "Bérénice", "Zélie",      "Capucine",  "Apolline",
};

const char* const kDomains[] = {"orange.fr", "gmail.com", "free.fr",    "laposte.net", "wanadoo.fr",
                                "sfr.fr",    "yahoo.fr",  "hotmail.fr", "outlook.fr",  "example.org"};

// Accented letters that appear in the tables, with their ASCII forms.
const std::pair<const char*, const char*> kAscii[] = {
    {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"ç", "c"}, {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"î", "i"},
    {"ï", "i"}, {"ô", "o"}, {"ö", "o"}, {"ù", "u"}, {"û", "u"}, {"ü", "u"}, {"É", "e"}, {"È", "e"}, {"Ê", "e"},
};

}  // namespace

std::string ascii_email_part(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kAscii) {
      const std::string_view f(from);
      if (std::string_view(name).substr(i).starts_with(f)) {
        out += to;
        i += f.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    const char c = name[i++];
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || c == '-') {
      out.push_back(c);
    }  // spaces and apostrophes are dropped
  }
  return out;
}

FrenchContacts::Zipf FrenchContacts::make_zipf(size_t n, double exponent) {
  Zipf z;
  z.cumulative.resize(n);
  double sum = 0;
  for (size_t k = 0; k < n; ++k) {
    sum += 1.0 / std::pow(static_cast<double>(k + 1), exponent);
    z.cumulative[k] = sum;
  }
  for (double& c : z.cumulative) c /= sum;
  z.cumulative.back() = 1.0;
  return z;
}

double FrenchContacts::uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

size_t FrenchContacts::draw(const Zipf& z) {
  const double u = uniform();
  return static_cast<size_t>(std::upper_bound(z.cumulative.begin(), z.cumulative.end() - 1, u) - z.cumulative.begin());
}

FrenchContacts::FrenchContacts(uint64_t seed) : rng_(seed) {
  // The name tables and their order depend only on the constants, not the seed.
  std::mt19937_64 tables(20261202);
  std::set<std::string> seen;
  auto add = [&](std::string name) {
    if (seen.insert(name).second) surnames_.push_back(std::move(name));
  };
  const size_t base = std::size(kBaseSurnames);
  for (const char* s : kBaseSurnames) add(s);
  for (const char* stem : kParticleStems) add(std::string("de ") + stem);
  for (size_t i = 0; i < base; ++i) add("de " + std::string(kBaseSurnames[tables() % base]));
  for (size_t i = 0; i < 2300; ++i) {
    std::string a = kBaseSurnames[tables() % (base / 2)], b = kBaseSurnames[tables() % base];
    if (a == b) continue;
    // Compound names are often written in capitals in address books.
    std::string compound = a + "-" + b;
    if (tables() % 3 == 0)
      for (char& c : compound)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    add(std::move(compound));
  }
  for (const char* f : kFirstNames) first_names_.push_back(f);
  surname_zipf_ = make_zipf(surnames_.size(), kSurnameZipfExponent);
  first_name_zipf_ = make_zipf(first_names_.size(), kFirstNameZipfExponent);
}

FrenchContact FrenchContacts::next() {
  FrenchContact c;
  c.key = next_key_++;
  c.number = 100000 + static_cast<uint64_t>(c.key);
  c.last_name = surnames_[draw(surname_zipf_)];
  c.first_name = first_names_[draw(first_name_zipf_)];
  c.email = ascii_email_part(c.first_name) + "." + ascii_email_part(c.last_name);
  // Most people with a common name get an address with digits: the same
  // address is rarely shared by many contacts.
  if (rng_() % 100 < 85) c.email += std::to_string(rng_() % 10000);
  c.email += "@";
  c.email += kDomains[rng_() % std::size(kDomains)];
  return c;
}

std::vector<FrenchContact> FrenchContacts::generate(size_t count, uint64_t seed) {
  FrenchContacts g(seed);
  std::vector<FrenchContact> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(g.next());
  return out;
}

namespace {

// The first n characters (UTF-8 code points) of s.
std::string head_chars(const std::string& s, size_t n) {
  size_t i = 0;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return s.substr(0, i);
}

// The last n characters of s.
std::string tail_chars(const std::string& s, size_t n) {
  size_t i = s.size();
  while (i > 0 && n > 0) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    --n;
  }
  return s.substr(i);
}

size_t char_count(const std::string& s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string FrenchContacts::next_query() {
  const uint64_t kind = rng_() % 100;
  const std::string& last = surnames_[draw(surname_zipf_)];
  const std::string& first = first_names_[draw(first_name_zipf_)];
  if (kind < 45) {
    const std::string& name = rng_() % 3 == 0 ? first : last;
    return head_chars(name, 1 + rng_() % 4);
  }
  if (kind < 55) return last;
  if (kind < 75) {
    const size_t chars = char_count(last);
    if (chars < 5) return "*" + tail_chars(last, 3);
    switch (rng_() % 3) {
      case 0:
        return "*" + tail_chars(last, 3 + rng_() % 2);
      case 1:
        return "*" + head_chars(tail_chars(last, chars - 1 - rng_() % (chars - 4)), 3) + "*";
      default:
        return head_chars(last, 2) + "*" + tail_chars(last, 1 + rng_() % 2);
    }
  }
  const std::string last_part = rng_() % 2 == 0 ? last : head_chars(last, 3 + rng_() % 3);
  return last_part + ", " + head_chars(first, 1 + rng_() % 2);
}

}  // namespace tessera::workload
