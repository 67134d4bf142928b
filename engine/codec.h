// Codec: the binary encoding of engine values, used by the command log
// (commands as applied) and by snapshots (whole shard state).
//
// Generic over the `fields()` convention. Codec v4, written by this build:
//   integer, enum  fixed-width little-endian
//   id             its integer (engine/ids.h)
//   bool           u8 0 / 1
//   string         u32 length + bytes
//   vector         u32 count + elements
//   variant        u16 tag = alternative index + 1 (CommandBody: the command's
//                  registry tag, engine/command_list.h)
//   struct         u8 field count + its fields() in declaration order
// The field count is what lets a struct gain fields: a record written before
// a field existed has a smaller count, and the fields it lacks keep their
// default member initialisers. Fields are only ever appended (never removed,
// reordered or retyped); variant alternatives likewise. A count larger than
// this build knows is refused (data written by a newer build).
//
// Codec v3 (log format v1 and v3 snapshots, written before v4) is read by the
// same Reader in its frozen v3 mode: positional structs (no count), u8
// variant index. A struct that gains a field after v3 declares
// `static constexpr size_t kCodecV3Fields = <its field count at v3>` so v3
// records still decode. A struct whose appended field must read otherwise
// than its default in older records declares `void fields_absent(size_t
// present)` (Command::rules). docs/format.md states the policy.
//
// Decoding validates every length, count and tag and fails with a Status
// instead of reading past the end, so a corrupt record is reported, never
// trusted.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "engine/ids.h"

namespace tessera::engine {

inline constexpr uint32_t kCodecVersion = 4;           // written by this build
inline constexpr uint32_t kCodecVersionV3 = 3;         // read only: log format v1, v3 snapshots
inline constexpr uint32_t kCodecLengthMax = 1u << 28;  // any one string/vector

// Bytes the codec writes as a std::string (u32 length, then the bytes):
// std::string, and compact holders that read as a view and assign from
// bytes (directory/compact_holders.h).
template <typename T>
concept ByteString = std::is_convertible_v<const T&, std::string_view> && requires(T& t, const char* p, size_t n) {
  t.assign(p, n);
};

template <typename T>
constexpr size_t field_count() {
  return std::tuple_size_v<decltype(std::declval<const T&>().fields())>;
}
// How many of T's fields codec v3 wrote (all, unless T says otherwise).
template <typename T>
constexpr size_t codec_v3_field_count() {
  if constexpr (requires { T::kCodecV3Fields; }) {
    return T::kCodecV3Fields;
  } else {
    return field_count<T>();
  }
}

// Appends to a string through a small staging buffer, so writing one
// integer is a few inlined instructions, not a call into std::string.
// Everything is in `out` once the Writer is destroyed (or after flush()).
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void flush() {
    out_->append(buf_, used_);
    used_ = 0;
  }

  template <typename T>
  void put(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      put(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      put(static_cast<uint8_t>(v ? 1 : 0));
    } else if constexpr (is_strong_id_v<T>) {
      put(v.value());
    } else if constexpr (std::is_integral_v<T>) {
      if (used_ + sizeof(T) > sizeof(buf_)) flush();
      std::memcpy(buf_ + used_, &v, sizeof(T));  // little-endian hosts only (x86-64, aarch64)
      used_ += sizeof(T);
    } else if constexpr (ByteString<T>) {
      const std::string_view bytes = v;
      put(static_cast<uint32_t>(bytes.size()));
      flush();
      out_->append(bytes);
    } else if constexpr (requires { v.valueless_by_exception(); }) {
      static_assert(std::variant_size_v<T> < 0xFFFF);
      put(static_cast<uint16_t>(v.index() + 1));
      std::visit([this](const auto& alt) { put(alt); }, v);
    } else if constexpr (requires {
                           v.begin();
                           v.size();
                         }) {
      put(static_cast<uint32_t>(v.size()));
      for (const auto& e : v) put(e);
    } else {
      static_assert(field_count<T>() < 256);
      put(static_cast<uint8_t>(field_count<T>()));
      std::apply([this](const auto&... f) { (put(f), ...); }, v.fields());
    }
  }

  // A record of loose values written as one struct would be (field count,
  // then each value): readable into a struct with these fields.
  template <typename... T>
  void put_record(const T&... values) {
    put(static_cast<uint8_t>(sizeof...(T)));
    (put(values), ...);
  }

 private:
  std::string* out_;
  size_t used_ = 0;
  char buf_[4096];
};

class Reader {
 public:
  // REQUIRES codec_version is kCodecVersion or kCodecVersionV3.
  explicit Reader(std::string_view in, uint32_t codec_version = kCodecVersion)
      : in_(in), v3_(codec_version == kCodecVersionV3) {}
  // Switches the codec version for what follows (a header read in v4 names
  // the version of the rest).
  void set_codec_version(uint32_t codec_version) { v3_ = codec_version == kCodecVersionV3; }

  // Decodes into v. On failure returns the first error; v is then partial.
  template <typename T>
  Status get(T& v) {
    get_any(v);
    return error_.is_ok() ? Status() : error_;
  }
  bool done() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  template <typename T>
  void get_any(T& v) {
    if (!error_.is_ok()) return;
    if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> raw{};
      get_any(raw);
      v = static_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, bool>) {
      uint8_t b = 0;
      get_any(b);
      if (b > 1) fail("bool out of range");
      v = b != 0;
    } else if constexpr (is_strong_id_v<T>) {
      get_any(v.v);
    } else if constexpr (std::is_integral_v<T>) {
      if (remaining() < sizeof(T)) return fail("truncated integer");
      std::memcpy(&v, in_.data() + pos_, sizeof(T));
      pos_ += sizeof(T);
    } else if constexpr (ByteString<T>) {
      const uint32_t n = length();
      if (!error_.is_ok()) return;
      v.assign(in_.data() + pos_, n);
      pos_ += n;
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      // A string read in place: a view into the input (valid while it is).
      const uint32_t n = length();
      if (!error_.is_ok()) return;
      v = in_.substr(pos_, n);
      pos_ += n;
    } else if constexpr (requires { v.valueless_by_exception(); }) {
      uint32_t index = 0;
      if (v3_) {
        uint8_t i = 0;
        get_any(i);
        index = i;
      } else {
        uint16_t tag = 0;
        get_any(tag);
        if (tag == 0) return fail("variant tag 0");
        index = tag - 1u;
      }
      if (error_.is_ok()) emplace_variant(v, index, std::make_index_sequence<std::variant_size_v<T>>{});
    } else if constexpr (requires {
                           v.begin();
                           v.size();
                           v.resize(0);
                         }) {
      const uint32_t n = length();
      if (!error_.is_ok()) return;
      v.clear();
      v.resize(n);
      for (auto& e : v) get_any(e);
    } else {
      get_struct(v);
    }
  }

  // Reads the first `present` fields of v; the others keep their defaults.
  template <typename T>
  void get_struct(T& v) {
    size_t present = codec_v3_field_count<T>();
    if (!v3_) {
      uint8_t count = 0;
      get_any(count);
      if (!error_.is_ok()) return;
      if (count > field_count<T>()) return fail("struct has more fields than this build knows (newer data)");
      present = count;
    }
    size_t i = 0;
    // fields() ties the members of a non-const object: decode in place.
    std::apply(
        [&](const auto&... f) {
          ((i++ < present ? get_any(const_cast<std::remove_cvref_t<decltype(f)>&>(f)) : void()), ...);
        },
        v.fields());
    // A field whose value for older records is not its default for new ones.
    if constexpr (requires { v.fields_absent(present); }) {
      if (present < field_count<T>()) v.fields_absent(present);
    }
  }

  template <typename V, size_t... I>
  void emplace_variant(V& v, uint32_t index, std::index_sequence<I...>) {
    if (index >= sizeof...(I)) return fail("unknown variant tag");
    ((index == I ? (void)get_any(v.template emplace<I>()) : (void)0), ...);
  }

  // A length, checked against what is left (each element takes >= 1 byte).
  uint32_t length() {
    uint32_t n = 0;
    get_any(n);
    if (error_.is_ok() && (n > kCodecLengthMax || n > remaining())) fail("length past the end");
    return n;
  }
  void fail(const char* what) {
    if (error_.is_ok())
      error_ = Status::invalid_argument(std::string("decode: ") + what + " at byte " + std::to_string(pos_));
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool v3_ = false;
  Status error_;
};

template <typename T>
std::string encode(const T& v) {
  std::string out;
  {
    Writer w(&out);
    w.put(v);
  }
  return out;
}

// Decodes exactly one value spanning all of `in`.
template <typename T>
Status decode(std::string_view in, T& v, uint32_t codec_version = kCodecVersion) {
  Reader r(in, codec_version);
  Status s = r.get(v);
  if (s.is_ok() && !r.done()) return Status::invalid_argument("decode: trailing bytes");
  return s;
}

}  // namespace tessera::engine
