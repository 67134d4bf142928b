// Organisation: who issues Tessera's documents, as printed at the top of
// every document's first page (documents/pdf_writer.h draws it). Plain
// UTF-8 fields the configuration fills; a value, safe to share.
#pragma once

#include <string>

namespace tessera::documents {

// Who issues the documents, as printed at the top of every first page.
struct Organisation {
  std::string name;
  std::string address;  // lines, '\n' between them
  std::string legal;    // the registration / VAT line
};

}  // namespace tessera::documents
