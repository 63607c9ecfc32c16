#include "pipeline/enroll_sources.h"

#include <csv.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/error.h"
#include "io/image_loader.h"
#include "pipeline/input_paths.h"

namespace facetrace {
namespace fs = std::filesystem;

std::vector<EnrollItem> ItemsFromFolder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorCode::kNotFound, "gallery folder " + dir.string() + " does not exist");
  }
  std::vector<fs::path> identity_dirs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) {
      identity_dirs.push_back(entry.path());
    } else if (entry.is_regular_file() && HasImageExtension(entry.path())) {
      throw Error(ErrorCode::kInvalidArgument,
                  "image " + entry.path().string() +
                      " is not inside an identity folder: the gallery layout is "
                      "<folder>/<identity name>/<photos>");
    }
  }
  std::sort(identity_dirs.begin(), identity_dirs.end());
  std::vector<EnrollItem> items;
  for (const fs::path& identity_dir : identity_dirs) {
    for (const fs::path& image : ImagesUnder(identity_dir)) {
      EnrollItem item;
      item.identity = identity_dir.filename().string();
      item.image = fs::absolute(image);
      item.source = "folder";
      items.push_back(std::move(item));
    }
  }
  return items;
}

namespace {

// Collects libcsv's callbacks into rows of strings.
struct CsvRows {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> current;

  static void OnField(void* field, size_t len, void* self) {
    static_cast<CsvRows*>(self)->current.emplace_back(static_cast<const char*>(field), len);
  }
  static void OnRowEnd(int, void* self) {
    auto* rows = static_cast<CsvRows*>(self);
    rows->rows.push_back(std::move(rows->current));
    rows->current.clear();
  }
};

std::vector<std::vector<std::string>> ParseCsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open manifest " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
    throw Error(ErrorCode::kInternal, "cannot initialise the CSV parser");
  }
  CsvRows rows;
  const size_t parsed =
      csv_parse(&parser, text.data(), text.size(), CsvRows::OnField, CsvRows::OnRowEnd, &rows);
  const bool ok =
      parsed == text.size() && csv_fini(&parser, CsvRows::OnField, CsvRows::OnRowEnd, &rows) == 0;
  const std::string message = ok ? "" : csv_strerror(csv_error(&parser));
  csv_free(&parser);
  if (!ok) {
    throw Error(ErrorCode::kInvalidArgument, "manifest " + path.string() + " is not valid CSV (" +
                                                 message + ") near row " +
                                                 std::to_string(rows.rows.size() + 1));
  }
  return rows.rows;
}

int ColumnIndex(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

}  // namespace

std::vector<EnrollItem> ItemsFromManifest(const fs::path& csv_path) {
  const auto rows = ParseCsv(csv_path);
  if (rows.empty())
    throw Error(ErrorCode::kInvalidArgument, "manifest " + csv_path.string() + " is empty");
  const std::vector<std::string>& header = rows.front();
  const int identity_col = ColumnIndex(header, "identity");
  const int image_col = ColumnIndex(header, "image");
  const int source_col = ColumnIndex(header, "source");
  if (identity_col < 0 || image_col < 0) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "manifest " + csv_path.string() + " needs a header with 'identity' and 'image' columns");
  }
  const fs::path base = fs::absolute(csv_path).parent_path();
  std::vector<EnrollItem> items;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    const auto cell = [&](int col) {
      return col >= 0 && col < static_cast<int>(row.size()) ? row[col] : std::string();
    };
    EnrollItem item;
    item.identity = cell(identity_col);
    const fs::path image = cell(image_col);
    if (item.identity.empty() || image.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "manifest " + csv_path.string() + " row " +
                                                   std::to_string(r + 1) +
                                                   " lacks identity or image");
    }
    item.image = image.is_absolute() ? image : base / image;
    item.source = source_col >= 0 ? cell(source_col) : "manifest:" + csv_path.filename().string();
    for (size_t c = 0; c < header.size() && c < row.size(); ++c) {
      const int col = static_cast<int>(c);
      if (col == identity_col || col == image_col || col == source_col || row[c].empty()) continue;
      item.metadata[header[c]] = row[c];
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace facetrace
