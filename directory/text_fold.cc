// fold(): ASCII byte loop, else ICU case fold + NFD + drop Mn + NFC.
#include "directory/text_fold.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <cassert>
#include <string>

#include "base/check.h"

namespace tessera::directory {
namespace {

constexpr UChar32 kReplacementChar = 0xFFFD;

bool is_ascii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Runs an ICU "preflight then fill" conversion into out, growing it once if
// the first guess was short.
template <typename Call>
void fill_u16(std::u16string& out, Call&& call) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = call(out.data(), static_cast<int32_t>(out.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    out.resize(static_cast<size_t>(length));
    status = U_ZERO_ERROR;
    length = call(out.data(), static_cast<int32_t>(out.size()), &status);
  }
  TESSERA_CHECK_MSG(U_SUCCESS(status), u_errorName(status));
  out.resize(static_cast<size_t>(length));
}

std::string fold_unicode(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  // Both are process-wide immutable singletons owned by ICU.
  const UNormalizer2* nfd = unorm2_getNFDInstance(&status);
  const UNormalizer2* nfc = unorm2_getNFCInstance(&status);
  TESSERA_CHECK_MSG(U_SUCCESS(status), u_errorName(status));

  std::u16string text(utf8.size() + 8, u'\0');
  fill_u16(text, [&](UChar* dest, int32_t cap, UErrorCode* err) {
    int32_t length = 0;
    u_strFromUTF8WithSub(dest, cap, &length, utf8.data(), static_cast<int32_t>(utf8.size()), kReplacementChar, nullptr,
                         err);
    return length;
  });
  std::u16string folded(text.size() + 8, u'\0');
  fill_u16(folded, [&](UChar* dest, int32_t cap, UErrorCode* err) {
    return u_strFoldCase(dest, cap, text.data(), static_cast<int32_t>(text.size()), U_FOLD_CASE_DEFAULT, err);
  });
  std::u16string decomposed(folded.size() * 2 + 8, u'\0');
  fill_u16(decomposed, [&](UChar* dest, int32_t cap, UErrorCode* err) {
    return unorm2_normalize(nfd, folded.data(), static_cast<int32_t>(folded.size()), dest, cap, err);
  });
  // Drop the non-spacing marks in place.
  size_t out = 0;
  for (int32_t i = 0, n = static_cast<int32_t>(decomposed.size()); i < n;) {
    const int32_t start = i;
    UChar32 c;
    U16_NEXT(decomposed.data(), i, n, c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    for (int32_t k = start; k < i; ++k) decomposed[out++] = decomposed[static_cast<size_t>(k)];
  }
  decomposed.resize(out);
  std::u16string composed(decomposed.size() + 8, u'\0');
  fill_u16(composed, [&](UChar* dest, int32_t cap, UErrorCode* err) {
    return unorm2_normalize(nfc, decomposed.data(), static_cast<int32_t>(decomposed.size()), dest, cap, err);
  });

  std::string result(composed.size() * 3 + 4, '\0');
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(result.data(), static_cast<int32_t>(result.size()), &length, composed.data(),
                     static_cast<int32_t>(composed.size()), kReplacementChar, nullptr, &status);
  TESSERA_CHECK_MSG(U_SUCCESS(status), u_errorName(status));
  result.resize(static_cast<size_t>(length));
  return result;
}

}  // namespace

std::string fold(std::string_view utf8) {
  if (!is_ascii(utf8)) return fold_unicode(utf8);
  std::string result(utf8);
  for (char& c : result)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return result;
}

}  // namespace tessera::directory
