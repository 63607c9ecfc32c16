#include "casework/casework.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/error_code_of.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;
constexpr auto CodeOf = testing::ErrorCodeOf;

// One face with a possible match (identity 12) and a stranger (identity 40); a second face
// with no match.
NewSearch Search(int64_t case_id) {
  NewSearch s;
  s.case_id = case_id;
  s.user = "alice";
  s.purpose = "'; DROP TABLE searches; --";
  s.photo = std::string("\xff\xd8\xff\0jpeg", 8);
  s.photo_type = "image/jpeg";
  s.photo_sha256 = std::string(64, 'b');
  s.width = 640;
  s.height = 480;
  s.faces = nlohmann::json::array(
      {{{"index", 0},
        {"candidates",
         {{{"identity_id", 12}, {"possible_match", true}},
          {{"identity_id", 40}, {"possible_match", false}}}}},
       {{"index", 1}, {"candidates", {{{"identity_id", 7}, {"possible_match", false}}}}}});
  return s;
}

TEST(CaseworkTest, CasesAndSearchesRoundTrip) {
  ScratchDir dir;
  auto work = Casework::Open(dir / "s.sqlite");
  const std::string injection = "Robert'); DROP TABLE cases; --";
  const CaseRecord c = work->CreateCase(injection, "<script>alert(1)</script>", "alice");
  EXPECT_EQ(CodeOf([&] { work->CreateCase("", "x", "alice"); }), ErrorCode::kInvalidArgument);
  const int64_t id = work->AddSearch(Search(c.id));
  EXPECT_EQ(CodeOf([&] { work->AddSearch(Search(999)); }), ErrorCode::kNotFound);
  NewSearch no_purpose = Search(c.id);
  no_purpose.purpose = "";
  EXPECT_EQ(CodeOf([&] { work->AddSearch(no_purpose); }), ErrorCode::kInvalidArgument);

  const auto got = work->GetCase(c.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->title, injection);
  EXPECT_EQ(got->description, "<script>alert(1)</script>");
  EXPECT_EQ(got->searches, 1);
  EXPECT_EQ(work->ListCases().size(), 1u);
  EXPECT_FALSE(work->GetCase(2));

  const auto search = work->GetSearch(id);
  ASSERT_TRUE(search);
  EXPECT_EQ(search->purpose, Search(c.id).purpose);
  EXPECT_EQ(search->faces, Search(c.id).faces);
  EXPECT_EQ(search->width, 640);
  EXPECT_FALSE(search->expired_at);
  EXPECT_EQ(work->SearchesOfCase(c.id).size(), 1u);
  const auto photo = work->SearchPhoto(id);
  ASSERT_TRUE(photo);
  EXPECT_EQ(photo->bytes, Search(c.id).photo);  // binary, with a NUL inside
  EXPECT_EQ(photo->type, "image/jpeg");
  EXPECT_FALSE(work->SearchPhoto(id + 1));
}

TEST(CaseworkTest, ConfirmationNeedsTwoDifferentReviewers) {
  ScratchDir dir;
  auto work = Casework::Open(dir / "s.sqlite");
  const int64_t search = work->AddSearch(Search(work->CreateCase("c", "", "alice").id));
  Proposal p = work->Propose(search, 0, 12, "same scar", "alice");
  EXPECT_EQ(p.status, "proposed");
  EXPECT_TRUE(p.decisions.empty());
  EXPECT_EQ(p.proposed_by, "alice");

  EXPECT_EQ(CodeOf([&] { work->Decide(p.id, "alice", "confirmed", ""); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { work->Decide(p.id, "bob", "maybe", ""); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { work->Decide(999, "bob", "confirmed", ""); }), ErrorCode::kNotFound);
  p = work->Decide(p.id, "bob", "confirmed", "ears match");
  EXPECT_EQ(p.status, "awaiting_second_review");
  EXPECT_EQ(CodeOf([&] { work->Decide(p.id, "bob", "confirmed", "again"); }), ErrorCode::kConflict);
  p = work->Decide(p.id, "carol", "confirmed", "agree");
  EXPECT_EQ(p.status, "confirmed");
  ASSERT_EQ(p.decisions.size(), 2u);
  EXPECT_EQ(p.decisions[0].reviewer, "bob");
  EXPECT_EQ(p.decisions[1].comment, "agree");
  EXPECT_EQ(CodeOf([&] { work->Decide(p.id, "dave", "rejected", ""); }), ErrorCode::kConflict);

  Proposal q = work->Propose(search, 0, 40, "", "alice");
  q = work->Decide(q.id, "bob", "rejected", "different nose");
  EXPECT_EQ(q.status, "rejected");
  EXPECT_EQ(work->ProposalsOfSearch(search).size(), 2u);
  EXPECT_EQ(work->ProposalsOfCase(1).size(), 2u);
  EXPECT_EQ(work->GetProposal(q.id)->status, "rejected");
  EXPECT_FALSE(work->GetProposal(999));
}

TEST(CaseworkTest, ProposalsMustNameACandidateOfAFace) {
  ScratchDir dir;
  auto work = Casework::Open(dir / "s.sqlite");
  const int64_t search = work->AddSearch(Search(work->CreateCase("c", "", "alice").id));
  EXPECT_EQ(CodeOf([&] { work->Propose(search, 2, 12, "", "alice"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { work->Propose(search, -1, 12, "", "alice"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { work->Propose(search, 1, 12, "", "alice"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { work->Propose(search + 1, 0, 12, "", "alice"); }), ErrorCode::kNotFound);
}

TEST(CaseworkTest, RetentionExpiresPhotosAndNonMatchingCandidates) {
  ScratchDir dir;
  auto work = Casework::Open(dir / "s.sqlite");
  const int64_t case_id = work->CreateCase("c", "", "alice").id;
  const int64_t search = work->AddSearch(Search(case_id));
  work->Propose(search, 1, 7, "worth a look", "alice");  // a proposed non-match is kept
  const std::time_t now = std::time(nullptr);

  RetentionSummary summary = work->ExpireSearchesBefore(now - 3600);  // too young: untouched
  EXPECT_EQ(summary.searches, 0);
  EXPECT_TRUE(work->SearchPhoto(search));

  summary = work->ExpireSearchesBefore(now + 3600);
  EXPECT_EQ(summary.searches, 1);
  EXPECT_EQ(summary.candidates_removed, 1);  // identity 40 only
  EXPECT_FALSE(work->SearchPhoto(search));
  const auto expired = work->GetSearch(search);
  ASSERT_TRUE(expired->expired_at);
  ASSERT_EQ(expired->faces[0]["candidates"].size(), 1u);
  EXPECT_EQ(expired->faces[0]["candidates"][0]["identity_id"], 12);
  ASSERT_EQ(expired->faces[1]["candidates"].size(), 1u);
  EXPECT_EQ(expired->photo_sha256, std::string(64, 'b'));  // the hash stays for the record

  EXPECT_EQ(work->ExpireSearchesBefore(now + 7200).searches, 0);  // idempotent
}

}  // namespace
}  // namespace facetrace
