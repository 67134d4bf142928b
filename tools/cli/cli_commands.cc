// run_cli: connection, the special subcommands (setup-demo, stats, apply,
// export-catalog), and table / JSON output of replies.
#include "tools/cli/cli_commands.h"

#include <flatbuffers/minireflect.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "net/client.h"
#include "net/codec.h"
#include "net/result_code.h"
#include "tools/cli/cli_catalog.h"
#include "tools/cli/cli_contact_import.h"
#include "tools/cli/cli_detail_output.h"
#include "tools/cli/cli_prereg.h"
#include "tools/cli/cli_run_download.h"
#include "tools/cli/metrics_fetch.h"
#include "tools/load/venue_setup.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string code_name(ReplyCode code) { return std::string(net::result_code_name(code)); }

// Availability: one row per category that exists (NotFound rows are the
// categories the performance does not have, when probing them all).
int print_availability(const CliArgs& a, const std::vector<Command>& commands,
                       const std::vector<net::ClientReply>& replies, std::ostream& out, std::ostream& err) {
  std::vector<std::vector<std::string>> rows = {{"category", "available", "code", "message"}};
  std::vector<net::ClientReply> shown;
  const bool probing = commands.size() > 1;  // no --category: every category a performance may have
  for (size_t i = 0; i < replies.size(); ++i) {
    const net::ClientReply& r = replies[i];
    if (probing && r.code == ReplyCode::kNotFound && r.message.find("categor") != std::string::npos) continue;
    const CategoryId category = std::get<GetAvailability>(commands[i].body).category;
    shown.push_back(r);
    if (a.json) {
      out << reply_json("GetAvailability", r, category.value()) << '\n';
    } else {
      rows.push_back({to_string(category), r.ok() ? std::to_string(r.value) : "-", code_name(r.code), r.message});
    }
    if (probing && !r.ok()) break;  // e.g. unknown performance: said once
  }
  if (shown.empty()) {
    err << "tessera: performance " << std::get<GetAvailability>(commands.front().body).performance
        << ": no category found\n";
    return kExitRefused;
  }
  if (!a.json) print_table(out, rows);
  const int code = exit_code_of(shown);
  if (code != kExitOk)
    err << "tessera: availability refused: " << code_name(shown.back().code) << ": " << shown.back().message << '\n';
  return code;
}

int print_replies(const CliArgs& a, const std::vector<Command>& commands, const std::vector<net::ClientReply>& replies,
                  std::ostream& out, std::ostream& err) {
  std::vector<std::vector<std::string>> rows = {
      {"command", "code", "order", "state", "value", "hold_token", "message"}};
  for (size_t i = 0; i < replies.size(); ++i) {
    const net::ClientReply& r = replies[i];
    const std::string command(command_name(commands[i].body));
    if (a.json) {
      out << reply_json(command, r) << '\n';
      continue;
    }
    // Only a reply about an order has one (and its state): not an Ack or a count.
    const bool has_order = r.order != 0;
    rows.push_back({command, code_name(r.code), has_order ? to_string(r.order) : "-",
                    has_order ? std::string(order_state_name(r.state)) : "-", std::to_string(r.value),
                    r.hold_token.empty() ? "-" : r.hold_token.hex(), r.message});
  }
  if (!a.json) print_table(out, rows);
  const int code = exit_code_of(replies);
  for (size_t i = 0; i < replies.size(); ++i)
    if (!replies[i].ok())
      err << "tessera: " << a.subcommand << " refused: " << code_name(replies[i].code) << ": " << replies[i].message
          << '\n';
  return code;
}

int run_stats(const CliArgs& a, std::ostream& out, std::ostream& err) {
  auto page = http_get(HttpTarget{a.host, a.admin_port, a.tls, a.ca_file}, "/metrics");
  if (!page.is_ok()) {
    err << "tessera: stats: " << page.status().message() << '\n';
    return kExitServer;
  }
  const auto figures = summarize_metrics(*page);
  if (a.json) {
    out << '{';
    for (size_t i = 0; i < figures.size(); ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", figures[i].second);
      out << (i ? "," : "") << json_string(figures[i].first) << ':' << buf;
    }
    out << "}\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"figure", "value"}};
  for (const auto& [name, value] : figures) {
    char buf[64];
    std::snprintf(buf, sizeof buf, value == static_cast<double>(static_cast<int64_t>(value)) ? "%.0f" : "%.1f", value);
    rows.push_back({name, buf});
  }
  print_table(out, rows);
  return kExitOk;
}

int run_setup_demo(net::Client& client, const CliArgs& a, std::ostream& out, std::ostream& err) {
  bool loaded = false;
  const Status s = ensure_demo_venue(client, &loaded);
  if (!s.is_ok()) {
    err << "tessera: setup-demo: " << s.message() << '\n';
    return s.code() == StatusCode::kUnavailable ? kExitServer : kExitRefused;
  }
  const std::string what =
      loaded ? "demo venue defined (performances 1000.., 2000.., 3000..)" : "demo venue already defined";
  if (a.json) {
    net::ClientReply r;
    r.message = what;
    r.value = loaded ? 1 : 0;
    out << reply_json("SetupDemo", r) << '\n';
  } else {
    out << what << '\n';
  }
  return kExitOk;
}

}  // namespace

int exit_code_of(const std::vector<net::ClientReply>& replies) {
  int code = kExitOk;
  for (const Reply& r : replies) {
    if (r.code == ReplyCode::kBusy || r.code == ReplyCode::kUnavailable) return kExitServer;
    if (!r.ok()) code = kExitRefused;
  }
  return code;
}

// A reply's typed detail (OrderRecord, FollowUpPage...) as JSON: the wire
// table it is sent as, printed by FlatBuffers' mini reflection (field names
// from the schema, enums by name).
std::string detail_json(const Reply& r) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(net::encode_reply(fbb, r));
  const auto* result = flatbuffers::GetRoot<wire::Result>(fbb.GetBufferPointer());
  if (result->detail() == nullptr) return "null";
  flatbuffers::ToStringVisitor visitor(" ", true, "");
  const flatbuffers::TypeTable* union_table = wire::ResultDetailTypeTable();
  const auto member = union_table->type_codes[static_cast<size_t>(result->detail_type())].sequence_ref;
  flatbuffers::IterateObject(reinterpret_cast<const uint8_t*>(result->detail()), union_table->type_refs[member](),
                             &visitor);
  return visitor.s;
}

std::string reply_json(std::string_view command, const net::ClientReply& r, int64_t category) {
  std::string out = "{\"command\":" + json_string(command);
  if (category >= 0) out += ",\"category\":" + std::to_string(category);
  out += ",\"code\":" + json_string(net::result_code_name(r.code));
  out += ",\"order\":" + to_string(r.order);
  out += ",\"state\":" + json_string(order_state_name(r.state));
  out += ",\"value\":" + std::to_string(r.value);
  out += ",\"message\":" + json_string(r.message);
  if (!r.hold_token.empty()) out += ",\"hold_token\":" + json_string(r.hold_token.hex());
  if (r.detail) out += ",\"detail\":" + detail_json(r);
  return out + "}";
}

int run_cli(const CliArgs& a, std::ostream& out, std::ostream& err) {
  if (a.help) {
    out << a.help_text;
    return kExitOk;
  }
  if (a.subcommand == "stats") return run_stats(a, out, err);
  // Built once before connecting (a usage error needs no server), with the
  // dates in UTC; built again below in the organisation's zone.
  const int64_t now_ms = wall_now_ms();
  auto build = [&](const LocalTime& local) -> CliCommands {
    auto built = build_commands(a, now_ms, local);
    if (built.is_ok())
      for (Command& c : *built) c.hold_token = a.hold_token;
    return built;
  };
  auto commands = build(LocalTime{});
  if (!commands.is_ok()) {
    err << "tessera: " << commands.status().message() << "\n(see tessera --help)\n";
    return kExitUsage;
  }
  if (a.token.empty()) {
    err << "tessera: no token: pass --token or set TESSERA_TOKEN\n";
    return kExitUsage;
  }
  net::ClientOptions options;
  options.host = a.host;
  options.port = a.port;
  options.token = a.token;
  options.client_name = "tessera-cli";
  options.tls = a.tls || !a.ca_file.empty();
  options.tls_ca_file = a.ca_file;
  options.reconnect = false;
  auto client = net::Client::connect(options);
  if (!client.is_ok()) {
    err << "tessera: " << client.status().message() << '\n';
    return kExitServer;
  }
  // The organisation's zone and language, as the server names them.
  const net::ServerInfo info = (*client)->server_info();
  auto organisation = LocalTime::make(info.time_zone, info.language);
  const LocalTime local = organisation.is_ok() ? *organisation : LocalTime{};
  if (!local.is_utc()) {
    commands = build(local);
    if (!commands.is_ok()) {
      err << "tessera: " << commands.status().message() << "\n(see tessera --help)\n";
      return kExitUsage;
    }
  }
  if (a.subcommand == "setup-demo") return run_setup_demo(**client, a, out, err);
  if (a.subcommand == "apply") return run_apply(**client, a, wall_now_ms(), out, err);
  if (a.subcommand == "export-catalog") return run_export_catalog(**client, a, out, err);
  if (a.subcommand == "contact import") return run_contact_import(**client, a, out, err);
  if (a.subcommand == "run download") return run_download(**client, a, out, err);
  if (a.subcommand == "prereg new-contact") return run_prereg_new_contact(**client, a, out, err);
  auto replies = (*client)->call(*commands);
  if (!replies.is_ok()) {
    err << "tessera: " << a.subcommand << ": " << replies.status().to_string() << '\n';
    return kExitServer;
  }
  if (a.subcommand == "availability") return print_availability(a, *commands, *replies, out, err);
  if (a.subcommand == "contact find" && !a.json && replies->size() == 1 && (*replies)[0].ok() && (*replies)[0].detail) {
    print_completion_lines((*replies)[0], out);
    return kExitOk;
  }
  if (a.subcommand == "invoice pdf" && replies->size() == 1 && (*replies)[0].ok())
    return save_invoice_pdf((*replies)[0], a, out, err);
  if (a.subcommand == "order document" && replies->size() == 1 && (*replies)[0].ok())
    return save_document((*replies)[0], a, out, err);
  if (!a.json && replies->size() == 1 && (*replies)[0].ok() && (*replies)[0].detail) {
    print_detail((*commands)[0], (*replies)[0], local, now_ms, out);
    return kExitOk;
  }
  return print_replies(a, *commands, *replies, out, err);
}

}  // namespace tessera::tools
