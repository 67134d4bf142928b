// Text folding for the contact quick search: case- and accent-insensitive
// keys, so "Céline", "CELINE" and "celine" all become "celine".
//
// fold() applies Unicode case folding (full: "ß" -> "ss", "Œ" -> "œ"), then
// canonical decomposition, removes the non-spacing marks (the accents) and
// recomposes (NFC), all through ICU. ASCII input, the common case, takes a
// byte loop that gives the same result without ICU. Invalid UTF-8 never
// fails: each ill-formed sequence becomes U+FFFD.
// Thread-safety: fold() may be called from any number of threads at once
// (it uses only ICU's immutable normalizer singletons and locals).
#pragma once

#include <string>
#include <string_view>

namespace tessera::directory {

// Returns the folded form of utf8 (UTF-8 in, UTF-8 out). Punctuation,
// digits and spaces are kept as they are.
std::string fold(std::string_view utf8);

// A text as the search index compares it: folded, trimmed, runs of spaces
// as one, control characters dropped, at most kIndexedTextBytesMax bytes
// (contact_index.h). Defined with the index.
std::string index_key(std::string_view text);

}  // namespace tessera::directory
