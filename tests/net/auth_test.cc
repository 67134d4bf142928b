// Roles and tokens: who may send what.
#include "net/auth.h"

#include <gtest/gtest.h>

namespace tessera::net {
namespace {

using namespace tessera::engine;

TEST(Auth, RolesGrowFromWebshopToBackofficeToAdmin) {
  const CommandBody hold = Hold{1, 2, {}, 1000};
  const CommandBody lock = SetLock{1, true};
  const CommandBody perf = DefinePerformance{1, 1, 0, 0, 0};
  const CommandBody season = DefineSeason{1, "s"};
  EXPECT_TRUE(role_allows(Role::kWebshop, hold));
  EXPECT_FALSE(role_allows(Role::kWebshop, lock));
  EXPECT_FALSE(role_allows(Role::kWebshop, perf));
  EXPECT_TRUE(role_allows(Role::kBackoffice, lock));
  EXPECT_FALSE(role_allows(Role::kBackoffice, perf));
  EXPECT_FALSE(role_allows(Role::kBackoffice, season));
  EXPECT_TRUE(role_allows(Role::kAdmin, perf));
  EXPECT_TRUE(role_allows(Role::kAdmin, season));
  EXPECT_TRUE(role_allows(Role::kWebshop, HoldSeats{}));
  EXPECT_TRUE(role_allows(Role::kWebshop, BookSeats{}));
  EXPECT_FALSE(role_allows(Role::kBackoffice, BlockSeats{}));
  EXPECT_FALSE(role_allows(Role::kBackoffice, DefineVenueLayout{}));
  EXPECT_TRUE(role_allows(Role::kAdmin, MoveSeatsToContingent{}));
}

TEST(Auth, BackOfficeCommandsNeedTheBackofficeRole) {
  const std::vector<CommandBody> back_office = {
      DefineContact{},        UpdateContact{},       SetOrderFile{},      QueryFollowUp{}, PreviewRelease{},
      ReleaseAll{},           MarkOrders{},          LockOrders{},        ReleaseOrders{}, RemindOrders{},
      DefineReminderFormat{}, DefineSeries{},        DefineIssue{},       Subscribe{},     RenewSubscription{},
      StartReminderRun{},     ValidateReminderRun{}, CancelReminderRun{}, GetReminderRun{}};
  for (const CommandBody& c : back_office) {
    EXPECT_FALSE(role_allows(Role::kWebshop, c)) << command_name(c);
    EXPECT_TRUE(role_allows(Role::kBackoffice, c)) << command_name(c);
    EXPECT_TRUE(role_allows(Role::kAdmin, c)) << command_name(c);
  }
}

TEST(Auth, RecordRunExportIsAdminOnly) {
  const CommandBody record = RecordRunExport{1, 10, 0, "/tmp/run1.csv"};
  EXPECT_FALSE(role_allows(Role::kWebshop, record));
  EXPECT_FALSE(role_allows(Role::kBackoffice, record)) << "clients must not forge export progress";
  EXPECT_TRUE(role_allows(Role::kAdmin, record));
}

TEST(Auth, AdvanceIsRefusedForEveryRole) {
  for (Role r : {Role::kWebshop, Role::kBackoffice, Role::kAdmin}) EXPECT_FALSE(role_allows(r, Advance{10}));
}

TEST(Auth, TokenSpecsParseAndUnknownTokensAreRefused) {
  TokenTable t;
  EXPECT_TRUE(t.add_spec("s3cret:backoffice").is_ok());
  EXPECT_TRUE(t.add_spec("a:b:admin").is_ok()) << "the role is after the last colon";
  EXPECT_FALSE(t.add_spec("x:root").is_ok());
  EXPECT_FALSE(t.add_spec("nocolon").is_ok());
  EXPECT_FALSE(t.add_spec("s3cret:webshop").is_ok()) << "duplicate token";
  EXPECT_EQ(t.find("s3cret"), Role::kBackoffice);
  EXPECT_EQ(t.find("a:b"), Role::kAdmin);
  EXPECT_FALSE(t.find("s3cre").has_value());
  EXPECT_FALSE(t.find("s3cret!").has_value());
  EXPECT_FALSE(t.find("").has_value());
}

}  // namespace
}  // namespace tessera::net
