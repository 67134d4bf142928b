// WireTable: one generic mapping between an engine struct and the FlatBuffers
// table of the same shape, for every command (and the reminder format a
// ReminderBatch carries).
//
// The convention that makes it generic: a wire table (net/tessera.fbs)
// declares the engine struct's fields() in the same order, so field i has
// vtable slot 4 + 2 i; scalars and enums have the engine's widths; strings,
// vectors, nested tables (SeatRequest, FollowUpFilter, LayoutSection,
// LayoutRow) and inline structs (LineRequest, LayoutSeat, FollowUpCursor)
// nest the same way. flatc's mini reflection (--reflect-names) gives each
// table's field names and types, so check_wire_shape() proves the two sides
// agree (tests, and every server start) and the decoder names fields in its
// messages.
//
// What a field must satisfy beyond its type is declared once, by wire field
// name, in kFieldRules (wire_table.cc): required or not, the most bytes or
// entries (for a vector of strings, also the most bytes of each), allowed
// bits. Every string and vector field has a rule (the shape check refuses
// one without). Enum values are checked against the wire enum's values.
// Absent scalars keep the engine struct's default member initialiser,
// which equals the schema default. An engine id (engine/ids.h) travels as
// its integer.
//
// Decoding trusts nothing beyond the FlatBuffers verifier (offsets and sizes
// inside the buffer): REQUIRES tables from a verified buffer.
// Thread-safety: pure functions.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/codec.h"
#include "engine/command.h"
#include "engine/contact_card.h"
#include "engine/order_record.h"
#include "engine/reply_detail.h"
#include "net/tessera_generated.h"

namespace tessera::net::wire_table {

namespace fb = flatbuffers;

// ---- Rules ---------------------------------------------------------------------

struct FieldRule {
  std::string_view field;  // "name", or "Table.name" to override for one table
  bool required = false;   // strings, vectors, nested tables: absent is refused
  uint32_t max = 0;        // strings: bytes; vectors: entries (0: no rule of that kind)
  uint32_t mask = 0;       // bit-set scalars: the allowed bits (0: not a bit set)
  std::string_view label;  // how messages name a bit set ("seat flags")
  uint32_t item_max = 0;   // vectors of strings: bytes of each string
};

// The rule of `field` in table `table` (a default-constructed rule if none).
const FieldRule& rule_for(std::string_view table, std::string_view field);
// The rules of T's table, by field index: looked up once per table.
template <typename T>
const std::vector<const FieldRule*>& rules_of(const fb::TypeTable* tt, std::string_view table) {
  static const std::vector<const FieldRule*> rules = [&] {
    std::vector<const FieldRule*> out;
    for (size_t i = 0; i < tt->num_elems; ++i) out.push_back(&rule_for(table, tt->names[i]));
    return out;
  }();
  return rules;
}
// True iff a rule names `field` (table-specific or general).
bool has_rule(std::string_view table, std::string_view field);

// The inline structs, the nested tables' names (for rules and messages), and
// how messages name an enum's values ("unknown booking kind 9").
template <typename T>
struct WireStruct {
  using type = void;
};
template <typename T>
constexpr bool kIsWireStruct = !std::is_void_v<typename WireStruct<T>::type>;
template <typename T>
constexpr std::string_view kNestedTableName = "";
template <typename E>
constexpr std::string_view kEnumLabel = "";  // an enum without a label fails check_shape

// clang-format off
#define TESSERA_WIRE_STRUCT(T) template <> struct WireStruct<engine::T> { using type = wire::T; };
#define TESSERA_NESTED_TABLE(T) template <> inline constexpr std::string_view kNestedTableName<engine::T> = #T;
#define TESSERA_ENUM_LABEL(E, label) template <> inline constexpr std::string_view kEnumLabel<engine::E> = label;
TESSERA_WIRE_STRUCT(LineRequest) TESSERA_WIRE_STRUCT(LayoutSeat) TESSERA_WIRE_STRUCT(FollowUpCursor)
TESSERA_NESTED_TABLE(SeatRequest) TESSERA_NESTED_TABLE(FollowUpFilter) TESSERA_NESTED_TABLE(LayoutSection)
TESSERA_NESTED_TABLE(LayoutRow) TESSERA_NESTED_TABLE(DefineReminderFormat)
TESSERA_NESTED_TABLE(OrderRecordLine) TESSERA_NESTED_TABLE(SeatPlace) TESSERA_NESTED_TABLE(OrderNote)
TESSERA_NESTED_TABLE(WorkflowEntry) TESSERA_NESTED_TABLE(OrderSummary) TESSERA_NESTED_TABLE(StockRow)
TESSERA_NESTED_TABLE(ContactFields) TESSERA_NESTED_TABLE(ContactAddress) TESSERA_NESTED_TABLE(ContactLinkView)
TESSERA_NESTED_TABLE(ContactNote) TESSERA_NESTED_TABLE(ContactSummary) TESSERA_NESTED_TABLE(ContactImportRow)
TESSERA_NESTED_TABLE(ContactImportResult) TESSERA_NESTED_TABLE(SetContactProfile)
TESSERA_NESTED_TABLE(ContactListEntry) TESSERA_NESTED_TABLE(ContactFindRow) TESSERA_NESTED_TABLE(ClientMark)
TESSERA_NESTED_TABLE(ActivityRow) TESSERA_NESTED_TABLE(ChannelUse) TESSERA_NESTED_TABLE(ReminderRunSummary)
TESSERA_NESTED_TABLE(DefineDocumentTemplate) TESSERA_NESTED_TABLE(Payment) TESSERA_NESTED_TABLE(DefinePayer)
TESSERA_NESTED_TABLE(InvoiceLine) TESSERA_NESTED_TABLE(InvoiceDocument) TESSERA_NESTED_TABLE(InvoiceRef)
TESSERA_NESTED_TABLE(CancellationStep) TESSERA_NESTED_TABLE(PromoClaim) TESSERA_NESTED_TABLE(PromoReturn)
TESSERA_NESTED_TABLE(PromoCodeUses) TESSERA_NESTED_TABLE(DefinePromoCode)
TESSERA_NESTED_TABLE(OrderFeeLine) TESSERA_NESTED_TABLE(BatchItem) TESSERA_NESTED_TABLE(FrozenPayment)
TESSERA_NESTED_TABLE(RefusedPayment) TESSERA_NESTED_TABLE(ExportedDocument) TESSERA_NESTED_TABLE(PaymentBatch)
TESSERA_NESTED_TABLE(CashbackClaim) TESSERA_NESTED_TABLE(CashbackReturn) TESSERA_NESTED_TABLE(CashbackMovement)
TESSERA_NESTED_TABLE(SponsorClaim) TESSERA_NESTED_TABLE(Requester) TESSERA_NESTED_TABLE(SubmitPreRegistration)
TESSERA_NESTED_TABLE(PreRegMatch) TESSERA_NESTED_TABLE(PreRegRow) TESSERA_NESTED_TABLE(PreRegResult)
TESSERA_NESTED_TABLE(IntegrationOptions) TESSERA_NESTED_TABLE(IntegrationDecision) TESSERA_NESTED_TABLE(PreRegRequester)
TESSERA_NESTED_TABLE(LeadRow) TESSERA_NESTED_TABLE(OrderDocument) TESSERA_NESTED_TABLE(ParticipantLine)
TESSERA_NESTED_TABLE(MissingDocument) TESSERA_NESTED_TABLE(AddOnLine) TESSERA_NESTED_TABLE(AddOnStockRow)
TESSERA_NESTED_TABLE(TravelBookMail) TESSERA_NESTED_TABLE(TravelBookLine)
TESSERA_ENUM_LABEL(ExpiryPolicy, "expiry_policy") TESSERA_ENUM_LABEL(BookingKind, "booking kind")
TESSERA_ENUM_LABEL(ReleaseMark, "release mark") TESSERA_ENUM_LABEL(Delivery, "delivery")
TESSERA_ENUM_LABEL(ReminderField, "reminder field") TESSERA_ENUM_LABEL(FormatType, "format type")
TESSERA_ENUM_LABEL(Audience, "audience") TESSERA_ENUM_LABEL(Role, "role")
TESSERA_ENUM_LABEL(OrderState, "order state") TESSERA_ENUM_LABEL(Attendance, "attendance") TESSERA_ENUM_LABEL(WorkflowAction, "workflow action")
TESSERA_ENUM_LABEL(AddressKind, "address kind") TESSERA_ENUM_LABEL(MinorsEmailTo, "minors' e-mail recipient")
TESSERA_ENUM_LABEL(ContactLinkKind, "contact link kind") TESSERA_ENUM_LABEL(ImportOutcome, "import outcome")
TESSERA_ENUM_LABEL(FreezeAction, "freeze action") TESSERA_ENUM_LABEL(ContactListKind, "contact list")
TESSERA_ENUM_LABEL(IbanFilter, "IBAN filter") TESSERA_ENUM_LABEL(ContactHistory, "contact history")
TESSERA_ENUM_LABEL(RunState, "run state") TESSERA_ENUM_LABEL(DocumentKind, "document")
TESSERA_ENUM_LABEL(PaymentMode, "payment mode") TESSERA_ENUM_LABEL(ValidateOnPayment, "validation on payment")
TESSERA_ENUM_LABEL(InvoiceKind, "document kind") TESSERA_ENUM_LABEL(CancelledBy, "cancelled by")
TESSERA_ENUM_LABEL(PromoState, "promo state") TESSERA_ENUM_LABEL(BatchKind, "batch kind")
TESSERA_ENUM_LABEL(PreRegStatus, "pre-registration status") TESSERA_ENUM_LABEL(MatchMode, "match mode")
TESSERA_ENUM_LABEL(MatchBasis, "match basis") TESSERA_ENUM_LABEL(PreRegOutcome, "pre-registration outcome")
TESSERA_ENUM_LABEL(IntegrationMethod, "integration method") TESSERA_ENUM_LABEL(IntegrationLevel, "confirmation level")
TESSERA_ENUM_LABEL(LeadStatus, "lead status") TESSERA_ENUM_LABEL(TravelBookMode, "travel book mode")
#undef TESSERA_WIRE_STRUCT
#undef TESSERA_NESTED_TABLE
#undef TESSERA_ENUM_LABEL
    // clang-format on

    template <typename T>
    struct IsVector : std::false_type {
};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {
  using element = T;
};

// The wire scalar of an engine scalar: itself, or an id's integer.
template <typename T>
struct ScalarOf {
  using type = T;
};
template <typename Tag, typename R>
struct ScalarOf<engine::StrongId<Tag, R>> {
  using type = R;
};

constexpr fb::voffset_t slot(size_t field) { return static_cast<fb::voffset_t>(4 + 2 * field); }

template <typename F, typename T, size_t... I>
void for_each_field(T& v, F&& f, std::index_sequence<I...>) {
  [[maybe_unused]] auto fields = v.fields();  // unused for a table without fields
  (f(std::integral_constant<size_t, I>{}, std::get<I>(fields)), ...);
}
template <typename T, typename F>
void for_each_field(T& v, F&& f) {
  for_each_field(v, f, std::make_index_sequence<engine::field_count<std::remove_const_t<T>>()>{});
}

// ---- Inline structs: fields at the offsets mini reflection gives -------------------

template <typename T>
typename WireStruct<T>::type to_wire_struct(const T& v) {
  using W = typename WireStruct<T>::type;
  W w{};
  const fb::TypeTable* tt = W::MiniReflectTypeTable();
  auto* bytes = reinterpret_cast<uint8_t*>(&w);
  for_each_field(v, [&](auto i, const auto& f) { std::memcpy(bytes + tt->values[i()], &f, sizeof f); });
  return w;
}
template <typename T>
T from_wire_struct(const typename WireStruct<T>::type& w) {
  T v{};
  const fb::TypeTable* tt = WireStruct<T>::type::MiniReflectTypeTable();
  const auto* bytes = reinterpret_cast<const uint8_t*>(&w);
  for_each_field(v, [&](auto i, auto& f) {
    std::memcpy(const_cast<std::remove_cvref_t<decltype(f)>*>(&f), bytes + tt->values[i()], sizeof f);
  });
  return v;
}

// ---- Encoding ---------------------------------------------------------------------

template <typename T>
fb::uoffset_t encode_table(fb::FlatBufferBuilder& fbb, const T& v);

// The out-of-line part of a field (strings, vectors, tables), built before
// the table that points to it; 0 for inline fields.
template <typename F>
fb::uoffset_t encode_offset(fb::FlatBufferBuilder& fbb, const F& f) {
  if constexpr (std::is_same_v<F, std::string>) {
    return fbb.CreateString(f).o;
  } else if constexpr (IsVector<F>::value) {
    using E = typename IsVector<F>::element;
    if constexpr (std::is_same_v<E, std::string>) {
      return fbb.CreateVectorOfStrings(f).o;
    } else if constexpr (kIsWireStruct<E>) {
      std::vector<typename WireStruct<E>::type> out;
      out.reserve(f.size());
      for (const E& e : f) out.push_back(to_wire_struct(e));
      return fbb.CreateVectorOfStructs(out).o;
    } else if constexpr (std::is_enum_v<E>) {
      std::vector<std::underlying_type_t<E>> raw(f.size());
      for (size_t i = 0; i < f.size(); ++i) raw[i] = static_cast<std::underlying_type_t<E>>(f[i]);
      return fbb.CreateVector(raw).o;
    } else if constexpr (std::is_arithmetic_v<E>) {
      return fbb.CreateVector(f).o;
    } else if constexpr (engine::is_strong_id_v<E>) {
      std::vector<typename E::value_type> raw(f.size());
      for (size_t i = 0; i < f.size(); ++i) raw[i] = f[i].value();
      return fbb.CreateVector(raw).o;
    } else {
      std::vector<fb::Offset<fb::Table>> tables;
      tables.reserve(f.size());
      for (const E& e : f) tables.emplace_back(encode_table(fbb, e));
      return fbb.CreateVector(tables).o;
    }
  } else if constexpr (std::is_class_v<F> && !kIsWireStruct<F> && !engine::is_strong_id_v<F>) {
    return encode_table(fbb, f);
  } else {
    return 0;
  }
}

template <typename T>
fb::uoffset_t encode_table(fb::FlatBufferBuilder& fbb, const T& v) {
  constexpr size_t n = engine::field_count<T>();
  fb::uoffset_t offsets[n > 0 ? n : 1] = {};
  for_each_field(v, [&](auto i, const auto& f) { offsets[i()] = encode_offset(fbb, f); });
  const fb::uoffset_t start = fbb.StartTable();
  for_each_field(v, [&](auto i, const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    if constexpr (std::is_enum_v<F>) {
      fbb.AddElement(slot(i()), static_cast<std::underlying_type_t<F>>(f));
    } else if constexpr (std::is_same_v<F, bool>) {
      fbb.AddElement(slot(i()), static_cast<uint8_t>(f));
    } else if constexpr (std::is_arithmetic_v<F>) {
      fbb.AddElement(slot(i()), f);
    } else if constexpr (engine::is_strong_id_v<F>) {
      fbb.AddElement(slot(i()), f.value());
    } else if constexpr (kIsWireStruct<F>) {
      const auto w = to_wire_struct(f);
      fbb.AddStruct(slot(i()), &w);
    } else {
      fbb.AddOffset(slot(i()), fb::Offset<void>(offsets[i()]));
    }
  });
  return fbb.EndTable(start);
}

// ---- Decoding ---------------------------------------------------------------------

// Decodes one table into `out` (value-initialised by the caller) and returns
// the first error, naming the field.
class Decoder {
 public:
  template <typename T>
  Status table(const fb::Table* t, const fb::TypeTable* tt, std::string_view name, T& out) {
    fields_of(t, tt, name, out);
    return error_;
  }

 private:
  template <typename T>
  void fields_of(const fb::Table* t, const fb::TypeTable* tt, std::string_view name, T& out) {
    const std::vector<const FieldRule*>& rules = rules_of<T>(tt, name);
    for_each_field(out, [&](auto i, auto& f) {
      if (!error_.is_ok()) return;
      field(t, tt, *rules[i()], i(), const_cast<std::remove_cvref_t<decltype(f)>&>(f));
    });
  }
  template <typename F>
  void field(const fb::Table* t, const fb::TypeTable* tt, const FieldRule& rule, size_t i, F& f);
  // An inline struct read from the wire: the bit-set rules of its fields.
  template <typename T>
  T checked_struct(const typename WireStruct<T>::type& w) {
    T v = from_wire_struct<T>(w);
    const fb::TypeTable* tt = WireStruct<T>::type::MiniReflectTypeTable();
    const std::vector<const FieldRule*>& rules = rules_of<T>(tt, "");
    for_each_field(v, [&](auto i, const auto& f) {
      using F = std::remove_cvref_t<decltype(f)>;
      if constexpr (std::is_integral_v<F>) check_bits(*rules[i()], static_cast<uint64_t>(f));
      if constexpr (engine::is_strong_id_v<F>) check_bits(*rules[i()], static_cast<uint64_t>(f.value()));
    });
    return v;
  }
  void check_bits(const FieldRule& rule, uint64_t value) {
    if (rule.mask != 0 && (value & ~uint64_t{rule.mask}) != 0) fail(engine::cat("unknown ", rule.label, " ", value));
  }
  template <typename E>
  bool enum_in_range(const fb::TypeTable* tt, size_t i, uint64_t raw);
  void fail(std::string message) {
    if (error_.is_ok()) error_ = Status::invalid_argument(std::move(message));
  }
  template <typename V>
  bool within(const V* v, const FieldRule& rule, std::string_view field) {
    if (v == nullptr) {
      if (rule.required) fail(std::string(field) + " is required");
      return false;
    }
    if (v->size() > rule.max) {
      fail(engine::cat(field, " has ", v->size(), " entries (max ", rule.max, ")"));
      return false;
    }
    return true;
  }

  Status error_;
};

template <typename E>
bool Decoder::enum_in_range(const fb::TypeTable* tt, size_t i, uint64_t raw) {
  const fb::TypeTable* et = tt->type_refs[tt->type_codes[i].sequence_ref]();
  // values is null when the enum counts from 0 without gaps; else its
  // values (ContactLinkKind starts at 1).
  if (et->values == nullptr && raw < et->num_elems) return true;
  if (et->values != nullptr)
    for (size_t k = 0; k < et->num_elems; ++k)
      if (static_cast<uint64_t>(et->values[k]) == raw) return true;
  fail(engine::cat("unknown ", kEnumLabel<E>, " ", raw));
  return false;
}

template <typename F>
void Decoder::field(const fb::Table* t, const fb::TypeTable* tt, const FieldRule& rule, size_t i, F& f) {
  const std::string_view name = tt->names[i];
  if constexpr (std::is_enum_v<F>) {
    using U = std::underlying_type_t<F>;
    const U raw = t->GetField<U>(slot(i), static_cast<U>(f));
    if (enum_in_range<F>(tt, i, raw)) f = static_cast<F>(raw);
  } else if constexpr (std::is_same_v<F, bool>) {
    f = t->GetField<uint8_t>(slot(i), f ? 1 : 0) != 0;
  } else if constexpr (std::is_arithmetic_v<F>) {
    f = t->GetField<F>(slot(i), f);
    check_bits(rule, static_cast<uint64_t>(f));
  } else if constexpr (engine::is_strong_id_v<F>) {
    field(t, tt, rule, i, f.v);
  } else if constexpr (std::is_same_v<F, std::string>) {
    const auto* s = t->GetPointer<const fb::String*>(slot(i));
    if (s == nullptr) {
      if (rule.required) fail(std::string(name) + " is required");
    } else if (s->size() > rule.max) {
      fail(engine::cat(name, " is longer than ", rule.max, " bytes"));
    } else {
      f.assign(s->data(), s->size());
    }
  } else if constexpr (IsVector<F>::value) {
    using E = typename IsVector<F>::element;
    if constexpr (std::is_same_v<E, std::string>) {
      const auto* v = t->GetPointer<const fb::Vector<fb::Offset<fb::String>>*>(slot(i));
      if (!within(v, rule, name)) return;
      f.reserve(v->size());
      for (const fb::String* s : *v) {
        if (s->size() > rule.item_max) {
          fail(engine::cat(name, " has an entry longer than ", rule.item_max, " bytes"));
          return;
        }
        f.emplace_back(s->data(), s->size());
      }
    } else if constexpr (kIsWireStruct<E>) {
      const auto* v = t->GetPointer<const fb::Vector<const typename WireStruct<E>::type*>*>(slot(i));
      if (!within(v, rule, name)) return;
      f.reserve(v->size());
      for (const auto* w : *v) f.push_back(checked_struct<E>(*w));
    } else if constexpr (std::is_enum_v<E>) {
      const auto* v = t->GetPointer<const fb::Vector<std::underlying_type_t<E>>*>(slot(i));
      if (!within(v, rule, name)) return;
      for (const auto raw : *v) {
        if (!enum_in_range<E>(tt, i, raw)) return;
        f.push_back(static_cast<E>(raw));
      }
    } else if constexpr (std::is_arithmetic_v<E> || engine::is_strong_id_v<E>) {
      using Scalar = typename ScalarOf<E>::type;
      const auto* v = t->GetPointer<const fb::Vector<Scalar>*>(slot(i));
      if (!within(v, rule, name)) return;
      // Copied, not loaded in place: the verifier checks the alignment of a
      // vector's length, not of its elements, so a frame can misalign [ulong].
      f.resize(v->size());
      for (uint32_t k = 0; k < v->size(); ++k) {
        Scalar e;
        std::memcpy(&e, v->Data() + size_t{k} * sizeof(Scalar), sizeof(Scalar));
        f[k] = fb::EndianScalar(e);
      }
    } else {
      const auto* v = t->GetPointer<const fb::Vector<fb::Offset<fb::Table>>*>(slot(i));
      if (!within(v, rule, name)) return;
      const fb::TypeTable* et = tt->type_refs[tt->type_codes[i].sequence_ref]();
      f.resize(v->size());
      for (uint32_t k = 0; k < v->size() && error_.is_ok(); ++k) fields_of(v->Get(k), et, kNestedTableName<E>, f[k]);
    }
  } else if constexpr (kIsWireStruct<F>) {
    const auto* w = t->GetStruct<const typename WireStruct<F>::type*>(slot(i));
    if (w != nullptr) f = checked_struct<F>(*w);
  } else {
    const auto* sub = t->GetPointer<const fb::Table*>(slot(i));
    if (sub == nullptr) {
      if (rule.required) fail(std::string(name) + " is required");
      return;
    }
    fields_of(sub, tt->type_refs[tt->type_codes[i].sequence_ref](), kNestedTableName<F>, f);
  }
}

// ---- Shape check ------------------------------------------------------------------

// True iff a wire scalar of base type `base` has the engine type F's width and sign.
template <typename F>
constexpr bool same_scalar(unsigned base) {
  if constexpr (std::is_same_v<F, int8_t>) return base == fb::ET_CHAR;
  if constexpr (std::is_same_v<F, uint8_t>) return base == fb::ET_UCHAR;
  if constexpr (std::is_same_v<F, int16_t>) return base == fb::ET_SHORT;
  if constexpr (std::is_same_v<F, uint16_t>) return base == fb::ET_USHORT;
  if constexpr (std::is_same_v<F, int32_t>) return base == fb::ET_INT;
  if constexpr (std::is_same_v<F, uint32_t>) return base == fb::ET_UINT;
  if constexpr (std::is_same_v<F, int64_t>) return base == fb::ET_LONG;
  if constexpr (std::is_same_v<F, uint64_t>) return base == fb::ET_ULONG;
  return false;
}

// One field of the shape check: the engine type F against the wire type code.
template <typename F>
std::string check_field(const fb::TypeTable* tt, size_t i, std::string_view table_name);

// Empty iff the engine struct T and the wire table or struct `tt` agree
// field by field (count, types and widths, a rule for every string and
// vector); else what differs.
template <typename T>
std::string check_shape(const fb::TypeTable* tt, std::string_view table_name) {
  constexpr size_t n = engine::field_count<T>();
  if (tt->num_elems != n)
    return engine::cat(table_name, ": the wire side has ", tt->num_elems, " fields, the engine struct ", n, "; ");
  std::string problems;
  T probe{};
  for_each_field(probe, [&](auto i, const auto& f) {
    problems += check_field<std::remove_cvref_t<decltype(f)>>(tt, i(), table_name);
  });
  return problems;
}

template <typename F>
std::string check_field(const fb::TypeTable* tt, size_t i, std::string_view table_name) {
  const fb::TypeCode code = tt->type_codes[i];
  const std::string_view name = tt->names[i];
  const auto bad = [&](std::string_view why) { return engine::cat(table_name, ".", name, ": ", why, "; "); };
  const auto nested = [&]() { return code.sequence_ref >= 0 ? tt->type_refs[code.sequence_ref]() : nullptr; };
  if constexpr (std::is_enum_v<F>) {
    const fb::TypeTable* et = nested();
    if (code.is_repeating || et == nullptr || et->st != fb::ST_ENUM) return bad("not the engine's enum");
    if (!same_scalar<std::underlying_type_t<F>>(code.base_type)) return bad("enum of another width");
    if (kEnumLabel<F>.empty()) return bad("an enum without its label (kEnumLabel)");
    return "";
  } else if constexpr (std::is_same_v<F, bool>) {
    return code.base_type == fb::ET_BOOL && !code.is_repeating ? "" : bad("not a bool");
  } else if constexpr (std::is_arithmetic_v<F> || engine::is_strong_id_v<F>) {
    return same_scalar<typename ScalarOf<F>::type>(code.base_type) && !code.is_repeating
               ? ""
               : bad("scalar of another type or width");
  } else if constexpr (std::is_same_v<F, std::string>) {
    if (code.base_type != fb::ET_STRING || code.is_repeating) return bad("not a string");
    return has_rule(table_name, name) ? "" : bad("a string without a rule (kFieldRules)");
  } else if constexpr (IsVector<F>::value) {
    using E = typename IsVector<F>::element;
    if (!code.is_repeating) return bad("not a vector");
    if (!has_rule(table_name, name)) return bad("a vector without a rule (kFieldRules)");
    if constexpr (std::is_same_v<E, std::string>) {
      if (code.base_type != fb::ET_STRING) return bad("not a vector of strings");
      return rule_for(table_name, name).item_max > 0 ? "" : bad("a vector of strings without item_max (kFieldRules)");
    } else if constexpr (std::is_enum_v<E>) {
      const fb::TypeTable* et = nested();
      return et != nullptr && et->st == fb::ST_ENUM && same_scalar<std::underlying_type_t<E>>(code.base_type) &&
                     !kEnumLabel<E>.empty()
                 ? ""
                 : bad("not a vector of the engine's enum");
    } else if constexpr (std::is_arithmetic_v<E> || engine::is_strong_id_v<E>) {
      return same_scalar<typename ScalarOf<E>::type>(code.base_type) ? "" : bad("vector of another scalar");
    } else if constexpr (kIsWireStruct<E>) {
      const fb::TypeTable* st = nested();
      if (st == nullptr || st->st != fb::ST_STRUCT || st != WireStruct<E>::type::MiniReflectTypeTable())
        return bad("not a vector of its wire struct");
      return check_shape<E>(st, name);
    } else {
      const fb::TypeTable* st = nested();
      if (st == nullptr || st->st != fb::ST_TABLE || kNestedTableName<E>.empty())
        return bad("not a vector of a named nested table");
      return check_shape<E>(st, kNestedTableName<E>);
    }
  } else if constexpr (kIsWireStruct<F>) {
    const fb::TypeTable* st = nested();
    if (st == nullptr || st != WireStruct<F>::type::MiniReflectTypeTable()) return bad("not its wire struct");
    return check_shape<F>(st, name);
  } else {
    const fb::TypeTable* st = nested();
    if (st == nullptr || st->st != fb::ST_TABLE || kNestedTableName<F>.empty()) return bad("not a named nested table");
    return check_shape<F>(st, kNestedTableName<F>);
  }
}

}  // namespace tessera::net::wire_table
