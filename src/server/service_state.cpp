#include "server/service_state.h"

#include <charconv>

#include <httplib.h>

#include "access/service_database.h"
#include "core/error.h"

namespace facetrace {

namespace {

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

Error BadField(const std::string& name, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "'" + name + "' " + why);
}

}  // namespace

ServiceState::ServiceState(const ServerOptions& opts)
    : options(opts),
      gallery(opts.gallery),
      access(AccessStore::Open(ServiceDatabasePath(opts.gallery.db))),
      audit(AuditLog::Open(ServiceDatabasePath(opts.gallery.db))),
      casework(Casework::Open(ServiceDatabasePath(opts.gallery.db))),
      rate_limiter(opts.rate_limit_per_minute) {}

int64_t PathId(const Call& call, size_t i) {
  const auto id = ParseInt(call.params.at(i));
  if (!id) throw Error(ErrorCode::kNotFound, "no such id: " + call.params.at(i));
  return *id;
}

nlohmann::json JsonBody(const Call& call) {
  auto body = nlohmann::json::parse(call.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  }
  return body;
}

std::optional<std::string> JsonText(const nlohmann::json& body, const std::string& name,
                                    bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) throw BadField(name, "is required");
    return std::nullopt;
  }
  if (!body[name].is_string()) throw BadField(name, "must be a string");
  std::string value = body[name].get<std::string>();
  if (required && value.empty()) throw BadField(name, "must not be empty");
  return value;
}

int64_t JsonInt(const nlohmann::json& body, const std::string& name) {
  if (!body.contains(name)) throw BadField(name, "is required");
  if (!body[name].is_number_integer()) throw BadField(name, "must be an integer");
  return body[name].get<int64_t>();
}

std::string FormFile(const Call& call, const std::string& name) {
  if (!call.request.is_multipart_form_data()) {
    throw Error(ErrorCode::kInvalidArgument, "expected a multipart/form-data upload");
  }
  if (!call.request.has_file(name)) throw BadField(name, "(a file) is required");
  return call.request.get_file_value(name).content;
}

std::optional<std::string> FormText(const Call& call, const std::string& name, bool required) {
  if (!call.request.has_file(name)) {
    if (required) throw BadField(name, "is required");
    return std::nullopt;
  }
  std::string value = call.request.get_file_value(name).content;
  if (required && value.empty()) throw BadField(name, "must not be empty");
  return value;
}

int64_t FormInt(const Call& call, const std::string& name) {
  const auto value = ParseInt(*FormText(call, name, true));
  if (!value) throw BadField(name, "must be an integer");
  return *value;
}

std::optional<double> FormNumber(const Call& call, const std::string& name) {
  const auto text = FormText(call, name, false);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    const double value = std::stod(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  throw BadField(name, "must be a number");
}

int64_t QueryInt(const Call& call, const std::string& name, int64_t fallback, int64_t min,
                 int64_t max) {
  if (!call.request.has_param(name)) return fallback;
  const auto value = ParseInt(call.request.get_param_value(name));
  if (!value || *value < min || *value > max) {
    throw BadField(name,
                   "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return *value;
}

void SendJson(Call& call, const nlohmann::json& body, int status) {
  call.response.status = status;
  call.response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json");
}

void SendBytes(Call& call, const std::string& bytes, const std::string& content_type) {
  call.response.status = 200;
  call.response.set_content(bytes, content_type);
  call.response.set_header("X-Content-Type-Options", "nosniff");
}

void AuditCall(ServiceState& state, const Call& call, const std::string& action,
               std::optional<int64_t> case_id, const std::string& purpose,
               const std::string& photo_sha256, std::vector<int64_t> result_ids,
               nlohmann::json detail) {
  AuditRecord record;
  record.user = call.caller ? call.caller->user : "-";
  record.action = action;
  record.case_id = case_id;
  record.purpose = purpose;
  record.photo_sha256 = photo_sha256;
  record.result_ids = std::move(result_ids);
  record.detail = std::move(detail);
  state.audit->Append(record);
}

}  // namespace facetrace
