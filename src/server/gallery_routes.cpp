// Identities, their photos and faces: list, create, read, update, delete, enroll.
#include <fmt/format.h>
#include <httplib.h>

#include "core/error.h"
#include "io/image_loader.h"
#include "server/face_chip.h"
#include "server/service_state.h"

namespace facetrace {

namespace {

nlohmann::json IdentityJson(const Identity& identity) {
  return {{"id", identity.id},
          {"name", identity.name},
          {"metadata", identity.metadata},
          {"created_at", identity.created_at}};
}

nlohmann::json BoxJson(const Box& b) {
  return {{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}};
}

// The identity with its photos and their faces; Error(kNotFound).
nlohmann::json IdentityDetail(const Catalog& catalog, int64_t id) {
  const auto identity = catalog.GetIdentity(id);
  if (!identity) throw Error(ErrorCode::kNotFound, fmt::format("no identity {}", id));
  nlohmann::json body = IdentityJson(*identity);
  nlohmann::json photos = nlohmann::json::array();
  int64_t face_count = 0;
  for (const ImageRecord& image : catalog.ImagesOfIdentity(id)) {
    nlohmann::json faces = nlohmann::json::array();
    for (const FaceRecord& face : catalog.FacesOfImage(image.id)) {
      faces.push_back({{"face_id", face.id}, {"box", BoxJson(face.box)}});
      ++face_count;
    }
    photos.push_back({{"image_id", image.id},
                      {"source", image.source},
                      {"added_at", image.added_at},
                      {"width", image.width},
                      {"height", image.height},
                      {"faces", faces}});
  }
  body["photos"] = photos;
  body["faces"] = face_count;
  return body;
}

std::optional<nlohmann::json> JsonMetadata(const nlohmann::json& body) {
  if (!body.contains("metadata")) return std::nullopt;
  if (!body["metadata"].is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "'metadata' must be a JSON object");
  }
  return body["metadata"];
}

// The bytes of a gallery photo, read from where it was enrolled from.
std::string GalleryPhoto(const ImageRecord& image) {
  const auto bytes = ReadFileBytes(image.path, 512LL << 20);
  return {bytes.begin(), bytes.end()};
}

ImageRecord RequireImage(ServiceState& state, int64_t id) {
  std::optional<ImageRecord> image;
  state.gallery.Read([&](const Catalog& catalog) { image = catalog.GetImage(id); });
  if (!image) throw Error(ErrorCode::kNotFound, fmt::format("no image {}", id));
  return *image;
}

}  // namespace

std::vector<Route> GalleryRoutes(ServiceState& state) {
  std::vector<Route> routes;
  routes.push_back(
      {"GET",
       "/v1/identities",
       kGalleryReaders,
       "Identities whose name contains q, by name, with photo and face counts",
       Body::kNone,
       {},
       {},
       {"q", "offset", "limit"},
       "application/json",
       [&state](Call& call) {
         const std::string q = call.request.has_param("q") ? call.request.get_param_value("q") : "";
         const int64_t offset = QueryInt(call, "offset", 0, 0, INT64_MAX);
         const int64_t limit = QueryInt(call, "limit", 50, 1, 1000);
         IdentityPage page;
         state.gallery.Read([&](const Catalog& c) { page = c.ListIdentities(q, offset, limit); });
         nlohmann::json list = nlohmann::json::array();
         for (const IdentitySummary& s : page.identities) {
           nlohmann::json item = IdentityJson(s.identity);
           item["photos"] = s.photos;
           item["faces"] = s.faces;
           list.push_back(std::move(item));
         }
         SendJson(call, {{"identities", list}, {"total", page.total}});
       }});
  routes.push_back({"POST",
                    "/v1/identities",
                    kAnalysts,
                    "Create an identity (audited)",
                    Body::kJson,
                    {{"name", "string"}, {"metadata", "object"}},
                    {"name"},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const nlohmann::json body = JsonBody(call);
                      const std::string name = *JsonText(body, "name", true);
                      const auto metadata = JsonMetadata(body).value_or(nlohmann::json::object());
                      nlohmann::json created;
                      state.gallery.Write([&](Catalog& c) {
                        created = IdentityDetail(c, c.CreateIdentity(name, metadata));
                      });
                      AuditCall(state, call, "identity.create", std::nullopt, "", "",
                                {created["id"].get<int64_t>()}, {{"name", name}});
                      SendJson(call, created, 201);
                    }});
  routes.push_back({"GET",
                    "/v1/identities/{id}",
                    kGalleryReaders,
                    "An identity with all its photos and faces",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const int64_t id = PathId(call, 0);
                      nlohmann::json body;
                      state.gallery.Read([&](const Catalog& c) { body = IdentityDetail(c, id); });
                      SendJson(call, body);
                    }});
  routes.push_back({"PATCH",
                    "/v1/identities/{id}",
                    kAnalysts,
                    "Rename an identity and/or replace its metadata (audited)",
                    Body::kJson,
                    {{"name", "string"}, {"metadata", "object"}},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const int64_t id = PathId(call, 0);
                      const nlohmann::json body = JsonBody(call);
                      const auto name = JsonText(body, "name", false);
                      const auto metadata = JsonMetadata(body);
                      nlohmann::json updated;
                      state.gallery.Write([&](Catalog& c) {
                        c.UpdateIdentity(id, name, metadata);
                        updated = IdentityDetail(c, id);
                      });
                      AuditCall(state, call, "identity.update", std::nullopt, "", "", {id}, body);
                      SendJson(call, updated);
                    }});
  routes.push_back({"DELETE",
                    "/v1/identities/{id}",
                    kAdmins,
                    "Delete an identity, its photos and faces; its faces leave the index at once "
                    "(audited)",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const int64_t id = PathId(call, 0);
                      state.gallery.DeleteIdentity(id);
                      AuditCall(state, call, "identity.delete", std::nullopt, "", "", {id});
                      call.response.status = 204;
                    }});
  routes.push_back(
      {"POST",
       "/v1/identities/{id}/photos",
       kAnalysts,
       "Enroll a photo's main face for an identity (audited)",
       Body::kMultipart,
       {{"photo", "binary"}, {"source", "string"}},
       {"photo"},
       {},
       "application/json",
       [&state](Call& call) {
         const int64_t id = PathId(call, 0);
         const std::string photo = FormFile(call, "photo");
         const std::string source =
             FormText(call, "source", false).value_or("uploaded by " + call.caller->user);
         const EnrollResult result = state.gallery.Enroll(
             id, {reinterpret_cast<const uint8_t*>(photo.data()), photo.size()}, source);
         AuditCall(state, call, "identity.enroll", std::nullopt, "", "", {id},
                   {{"image_id", result.image_id}, {"face_id", result.face_id}});
         SendJson(call,
                  {{"image_id", result.image_id},
                   {"face_id", result.face_id},
                   {"faces", 1},
                   {"faces_found", result.faces_found}},
                  201);
       }});
  routes.push_back(
      {"GET",
       "/v1/faces/{id}/chip",
       kGalleryReaders,
       "JPEG crop of a gallery face",
       Body::kNone,
       {},
       {},
       {},
       "image/jpeg",
       [&state](Call& call) {
         const int64_t id = PathId(call, 0);
         std::optional<FaceRecord> face;
         state.gallery.Read([&](const Catalog& c) { face = c.GetFace(id); });
         if (!face) throw Error(ErrorCode::kNotFound, fmt::format("no face {}", id));
         const std::string photo = GalleryPhoto(RequireImage(state, face->image_id));
         SendBytes(call,
                   FaceChipJpeg({reinterpret_cast<const uint8_t*>(photo.data()), photo.size()},
                                face->box, state.gallery.pipeline_options().load_options),
                   "image/jpeg");
       }});
  routes.push_back({"GET",
                    "/v1/images/{id}",
                    kGalleryReaders,
                    "A gallery photo's bytes",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "image/*",
                    [&state](Call& call) {
                      const std::string photo = GalleryPhoto(RequireImage(state, PathId(call, 0)));
                      const ImageHeader header = ReadImageHeader(
                          {reinterpret_cast<const uint8_t*>(photo.data()), photo.size()}, "image");
                      SendBytes(call, photo, ImageContentType(header.format));
                    }});
  return routes;
}

}  // namespace facetrace
