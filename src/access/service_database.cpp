#include "access/service_database.h"

namespace facetrace {

std::filesystem::path ServiceDatabasePath(const std::filesystem::path& catalog_path) {
  return catalog_path.string() + ".service.sqlite";
}

}  // namespace facetrace
