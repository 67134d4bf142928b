// apply and export-catalog over a client connection.
#include "tools/cli/cli_catalog.h"

#include <cstdio>
#include <fstream>

#include "catalog/catalog_file.h"
#include "catalog/catalog_plan.h"
#include "engine/reply_detail.h"
#include "net/result_code.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

catalog::SendBatch send_on(net::Client& client) {
  return [&client](std::vector<Command> commands) -> Result<std::vector<Reply>> {
    auto replies = client.call(std::move(commands));
    if (!replies.is_ok()) return replies.status();
    return std::vector<Reply>(replies->begin(), replies->end());
  };
}

int failed(std::ostream& err, std::string_view subcommand, const Status& s) {
  err << "tessera: " << subcommand << ": " << s.message() << '\n';
  return s.code() == StatusCode::kUnavailable ? kExitServer : kExitRefused;
}

std::string hash_text(uint64_t hash) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

}  // namespace

int run_apply(net::Client& client, const CliArgs& a, int64_t now_ms, std::ostream& out, std::ostream& err) {
  auto file = catalog::read_catalog(a.catalog_file);
  if (!file.is_ok()) return failed(err, "apply", file.status());
  auto plan = catalog::apply_catalog(*file, a.catalog_file, send_on(client), now_ms, a.dry_run);
  if (!plan.is_ok()) return failed(err, "apply", plan.status());
  out << (a.dry_run ? "dry run, nothing changed:\n" : "applied:\n") << catalog::describe(*plan);
  return kExitOk;
}

int run_export_catalog(net::Client& client, const CliArgs& a, std::ostream& out, std::ostream& err) {
  auto replies = client.call({Command{0, ExportCatalog{}}});
  if (!replies.is_ok()) return failed(err, "export-catalog", replies.status());
  const net::ClientReply& r = replies->front();
  if (!r.ok()) {
    err << "tessera: export-catalog refused: " << net::result_code_name(r.code) << ": " << r.message << '\n';
    return kExitRefused;
  }
  if (!r.detail || !std::holds_alternative<CatalogExport>(r.detail->value)) {
    err << "tessera: export-catalog: the server answered without its catalog (an older server?)\n";
    return kExitServer;
  }
  const CatalogExport& exported = std::get<CatalogExport>(r.detail->value);
  auto text = catalog::write_catalog(exported.commands, a.time_zone);
  if (!text.is_ok()) return failed(err, "export-catalog", text.status());
  const std::string summary =
      cat(exported.commands.size(), " commands, catalog hash ", hash_text(exported.catalog_hash));
  if (a.catalog_file.empty()) {
    out << "# tessera export-catalog: " << summary << '\n' << *text;
    return kExitOk;
  }
  std::ofstream file(a.catalog_file, std::ios::binary | std::ios::trunc);
  file << "# tessera export-catalog: " << summary << '\n' << *text;
  file.close();
  if (!file) {
    err << "tessera: export-catalog: cannot write " << a.catalog_file << '\n';
    return kExitUsage;
  }
  out << "wrote " << a.catalog_file << ": " << summary << '\n';
  return kExitOk;
}

}  // namespace tessera::tools
