// Tables of the back-office replies' details (engine/reply_detail.h): the
// follow-up screen's rows, per-order outcomes of selections, release
// summaries and reminder batches, the order page, contact cards, searches
// and lists, printed by the tessera CLI.
// Thread-safety: pure functions over their arguments.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "base/local_time.h"
#include "engine/command.h"

namespace tessera::tools {

// Prints rows as aligned columns (the first row is the header).
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// `contact find`: one completion line per contact ("DUPONT, Chantal |
// FR-75012 [7611]"), then how many match in all when there are more.
void print_completion_lines(const engine::Reply& reply, std::ostream& out);

// Prints the detail of `reply` (the answer to `command`); for RenderOrderPdf
// the file's path (the reply's message), not the order page it carries.
// REQUIRES reply.detail != nullptr.
// Dates in `local`'s zone and language; `now_ms` is the time of the read
// (a client's seniority on its contact card counts to it).
void print_detail(const engine::Command& command, const engine::Reply& reply, const LocalTime& local, int64_t now_ms,
                  std::ostream& out);

// The --after value that continues after `row` ("due:order:line").
std::string cursor_text(int64_t due_ms, engine::OrderId order, uint32_t line);

}  // namespace tessera::tools
