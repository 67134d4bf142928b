// tessera prereg new-contact (see cli_prereg.h).
#include "tools/cli/cli_prereg.h"

#include <optional>

#include "engine/reply_detail.h"
#include "net/result_code.h"

namespace tessera::tools {

using engine::cat;

namespace {

// One command's reply; nullopt (and the reason on err) when the server
// cannot be reached or refuses.
std::optional<net::ClientReply> call_one(net::Client& client, engine::CommandBody body, const char* what,
                                         std::ostream& err, int* exit) {
  auto replies = client.call({engine::Command{0, std::move(body)}});
  if (!replies.is_ok()) {
    err << "tessera: prereg new-contact: " << replies.status().to_string() << '\n';
    *exit = kExitServer;
    return std::nullopt;
  }
  net::ClientReply r = std::move(replies->front());
  if (!r.ok()) {
    err << "tessera: prereg new-contact: " << what << " refused: " << net::result_code_name(r.code) << ": " << r.message
        << '\n';
    *exit = kExitRefused;
    return std::nullopt;
  }
  return r;
}

}  // namespace

int run_prereg_new_contact(net::Client& client, const CliArgs& a, std::ostream& out, std::ostream& err) {
  int exit = kExitOk;
  const uint8_t pending = uint8_t{1} << static_cast<unsigned>(engine::PreRegStatus::kPending);
  const auto listed = call_one(client, engine::ListPreRegistrations{pending, engine::kNone, a.prereg_id - 1, 1},
                               "reading it", err, &exit);
  if (!listed) return exit;
  const auto* page = listed->detail ? std::get_if<engine::PreRegPage>(&listed->detail->value) : nullptr;
  if (page == nullptr || page->rows.empty() || page->rows[0].id != a.prereg_id) {
    err << "tessera: prereg new-contact: no pending pre-registration " << a.prereg_id << '\n';
    return kExitRefused;
  }
  const engine::Requester& q = page->rows[0].requester;
  engine::ContactFields f;
  f.types = engine::kContactIndividual;
  f.civility = a.prereg_civility;
  f.last_name = q.last_name;
  f.first_name = q.first_name;
  f.email = q.email;
  f.phone = q.phone;
  f.birth_date = q.birth_date;
  if (!q.street.empty() || !q.postcode.empty() || !q.city.empty() || !q.country.empty())
    f.addresses.push_back(
        engine::ContactAddress{engine::AddressKind::kMain, q.street, q.postcode, q.city, "", "", q.country});
  const auto created = call_one(client, engine::CreateContact{engine::kNone, 0, f}, "creating the contact", err, &exit);
  if (!created) return exit;
  const auto* card = created->detail ? std::get_if<engine::ContactCard>(&created->detail->value) : nullptr;
  if (card == nullptr) {
    err << "tessera: prereg new-contact: the server did not say which contact it created\n";
    return kExitServer;
  }
  const auto matched =
      call_one(client, engine::SetPreRegistrationMatch{{a.prereg_id}, engine::MatchMode::kContact, card->contact},
               cat("matching it to contact ", card->contact, " (created)").c_str(), err, &exit);
  if (!matched) return exit;
  out << "contact " << card->contact << " (number " << card->number << ") created from pre-registration " << a.prereg_id
      << " and matched to it\n";
  return kExitOk;
}

}  // namespace tessera::tools
