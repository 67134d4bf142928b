// tessera run download (see cli_run_download.h).
#include "tools/cli/cli_run_download.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/reply_detail.h"
#include "net/result_code.h"

namespace tessera::tools {

using engine::cat;

int run_download(net::Client& client, const CliArgs& a, std::ostream& out, std::ostream& err) {
  uint64_t offset = 0;
  std::string target, temp;
  std::ofstream file;
  for (;;) {
    auto replies = client.call({engine::Command{0, engine::ReadRunFile{engine::RunId{a.download_run}, offset}}});
    if (!replies.is_ok()) {
      err << "tessera: run download: " << replies.status().to_string() << '\n';
      if (!temp.empty()) std::remove(temp.c_str());
      return kExitServer;
    }
    const net::ClientReply& r = replies->front();
    const auto* chunk = r.ok() && r.detail ? std::get_if<engine::RunFile>(&r.detail->value) : nullptr;
    if (chunk == nullptr) {
      err << "tessera: run download refused: " << net::result_code_name(r.code) << ": " << r.message << '\n';
      if (!temp.empty()) std::remove(temp.c_str());
      return r.ok() ? kExitServer : kExitRefused;
    }
    if (target.empty()) {
      target = a.download_file.empty() ? chunk->name : a.download_file;
      temp = target + ".part";
      file.open(temp, std::ios::binary | std::ios::trunc);
    }
    file.write(chunk->content.data(), static_cast<std::streamsize>(chunk->content.size()));
    if (!file) {
      err << "tessera: run download: cannot write " << temp << '\n';
      std::remove(temp.c_str());
      return kExitUsage;
    }
    if (chunk->next_offset == 0) {
      file.close();
      std::error_code ec;
      std::filesystem::rename(temp, target, ec);
      if (!file || ec) {
        err << "tessera: run download: cannot write " << target << (ec ? ": " + ec.message() : "") << '\n';
        std::remove(temp.c_str());
        return kExitUsage;
      }
      out << "wrote " << target << ": " << chunk->total_bytes << " bytes (run " << a.download_run << ")\n";
      return kExitOk;
    }
    offset = chunk->next_offset;
  }
}

namespace {

// Writes `bytes` to args.download_file (default: `default_name`, here),
// whole or not at all.
int save_bytes(std::string_view what, std::string_view bytes, const std::string& default_name, const CliArgs& a,
               std::ostream& out, std::ostream& err) {
  const std::string target = a.download_file.empty() ? default_name : a.download_file;
  const std::string temp = target + ".part";
  std::ofstream file(temp, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  std::error_code ec;
  if (file) std::filesystem::rename(temp, target, ec);
  if (!file || ec) {
    err << "tessera: " << what << ": cannot write " << target << (ec ? ": " + ec.message() : "") << '\n';
    std::remove(temp.c_str());
    return kExitUsage;
  }
  out << "wrote " << target << ": " << bytes.size() << " bytes\n";
  return kExitOk;
}

}  // namespace

int save_invoice_pdf(const net::ClientReply& reply, const CliArgs& a, std::ostream& out, std::ostream& err) {
  const auto* invoices = reply.detail ? std::get_if<engine::Invoices>(&reply.detail->value) : nullptr;
  if (invoices == nullptr || invoices->pdf.empty()) {
    err << "tessera: invoice pdf: the server sent no PDF: " << reply.message << '\n';
    return kExitServer;
  }
  return save_bytes("invoice pdf", invoices->pdf, std::filesystem::path(invoices->file).filename().string(), a, out,
                    err);
}

int save_document(const net::ClientReply& reply, const CliArgs& a, std::ostream& out, std::ostream& err) {
  const auto* file = reply.detail ? std::get_if<engine::DocumentFile>(&reply.detail->value) : nullptr;
  if (file == nullptr) {
    err << "tessera: order document: the server sent no document: " << reply.message << '\n';
    return kExitServer;
  }
  // Its name as attached, without directories (a name is the client's text).
  std::string name = std::filesystem::path(file->document.name).filename().string();
  if (name.empty() || name == "." || name == "..") name = file->document.sha256;
  return save_bytes("order document", file->content, name, a, out, err);
}

}  // namespace tessera::tools
