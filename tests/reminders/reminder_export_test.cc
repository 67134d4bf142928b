// Reminder files as text: exact file contents (separators, quoting, field
// order, header), file names and the no-overwrite atomic write.
#include "reminders/reminder_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/reminders/reminder_test_data.h"
#include "tests/storage/temp_dir.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReminderFile, OrderReminders_SemicolonFieldsInFormatOrderUnderHeader) {
  EXPECT_EQ(render_reminder_file(order_batch()),
            "contact_number;last_name;first_name;order_number;deadline;amount;product;performance_date;quantity\n"
            "100000002951;BOSCHE;Lennart;11000314222;2018-03-11;25.00;Entrée au Théâtre;2018-03-12 15:00;1\n"
            "100000002951;BOSCHE;Lennart;11000314223;2018-03-11;50.00;Le Cid;2018-03-12 15:00;1\n"
            "100000003000;DUPONT;Céline;11000314300;2018-03-11;12.50;Le Cid;2018-03-12 15:00;1\n");
}

TEST(ReminderFile, SubscriptionReminders_TabSeparatedWithEmptyFieldsThatDoNotApply) {
  EXPECT_EQ(render_reminder_file(subscription_batch()),
            "subscription\tlast_name\tpayer_name\tseries\tend_date\tlast_issue\treminder_rank\n"
            "77\tMARTIN\t\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n"
            "78\tDURAND\tBibliothèque municipale\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n"
            "79\tPETIT\tBibliothèque municipale\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n");
}

TEST(ReminderFile, FieldOrderFollowsTheFormat) {
  engine::ReminderBatch batch = order_batch();
  batch.format.columns = {ReminderField::kAmount, ReminderField::kOrderNumber, ReminderField::kSubscription};
  batch.items.resize(1);
  EXPECT_EQ(render_reminder_file(batch), "amount;order_number;subscription\n25.00;11000314222;\n");
}

TEST(ReminderFile, ValueWithSeparatorQuoteOrNewline_IsQuotedWithQuotesDoubled) {
  engine::ReminderBatch batch = order_batch();
  batch.format.columns = {ReminderField::kOrderNumber, ReminderField::kProduct};
  batch.items.resize(1);
  batch.items[0].product_name = "Théâtre; \"Le Cid\"\nsoir";
  EXPECT_EQ(render_reminder_file(batch), "order_number;product\n11000314222;\"Théâtre; \"\"Le Cid\"\"\nsoir\"\n");

  batch.format.separator = "\t";
  batch.items[0].product_name = "a;b";
  EXPECT_EQ(render_reminder_file(batch), "order_number\tproduct\n11000314222\ta;b\n");
  batch.items[0].product_name = "a\tb";
  EXPECT_EQ(render_reminder_file(batch), "order_number\tproduct\n11000314222\t\"a\tb\"\n");
}

TEST(ReminderFileName, WithoutTitle_NameAndUtcTime) {
  EXPECT_EQ(reminder_file_name(order_batch(), kNow20240314Ms), "Relance_20240314-093000.csv");
}

TEST(ReminderFileName, TheTimeIsTheOrganisationsLocalTime_WinterAndSummer) {
  Result<LocalTime> paris = LocalTime::make("Europe/Paris", "fr");
  ASSERT_TRUE(paris.is_ok());
  EXPECT_EQ(reminder_file_name(order_batch(), kNow20240314Ms, *paris), "Relance_20240314-103000.csv") << "UTC+1";
  const int64_t july = kNow20240314Ms + 120LL * 86'400'000;  // 2024-07-12 09:30 UTC
  EXPECT_EQ(reminder_file_name(order_batch(), july, *paris), "Relance_20240712-113000.csv") << "UTC+2";
  // 23:30 UTC on 31 December is already the next year in Paris.
  const int64_t new_year = 1'704'065'400'000;  // 2023-12-31T23:30:00Z
  EXPECT_EQ(reminder_file_name(order_batch(), new_year, *paris), "Relance_20240101-003000.csv");
}

TEST(ReminderFileName, WithTitle_SeriesNameSanitizedAndRunId) {
  EXPECT_EQ(reminder_file_name(subscription_batch(), kNow20240314Ms),
            "Relance_abonnes_Le_Monde_diplomatique_run42_20240314-093000.txt");
}

TEST(ReminderFileName, OrderRemindersWithTitle_UseRappel) {
  engine::ReminderBatch batch = order_batch();
  batch.format.title_in_file_name = true;
  EXPECT_EQ(reminder_file_name(batch, kNow20240314Ms), "Relance_Rappel_20240314-093000.csv");
}

TEST(ReminderFileName, PathSeparatorsAccentsAndDotsCannotEscape) {
  engine::ReminderBatch batch = order_batch();
  batch.format.name = "../../etc/Œuvre à l'été";
  batch.format.extension = "/c:s*v";
  EXPECT_EQ(reminder_file_name(batch, kNow20240314Ms), "_.._etc_OEuvre_a_l_ete_20240314-093000._c_s_v");
  EXPECT_EQ(sanitize_file_name_part("...hidden", 50), "hidden");
  EXPECT_EQ(sanitize_file_name_part(std::string(300, 'a'), kReminderFileStemMax).size(), kReminderFileStemMax);
}

TEST(ReminderFileWrite, CreatesTheDirectoryAndNeverOverwrites) {
  TempDir dir;
  const std::string export_dir = dir.path() + "/exports/reminders";
  const engine::ReminderBatch batch = order_batch();
  Result<std::string> first = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  Result<std::string> second = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  Result<std::string> third = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(third.is_ok()) << third.status().to_string();
  EXPECT_EQ(*first, export_dir + "/Relance_20240314-093000.csv");
  EXPECT_EQ(*second, export_dir + "/Relance_20240314-093000-2.csv");
  EXPECT_EQ(*third, export_dir + "/Relance_20240314-093000-3.csv");
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(export_dir)) {
    names.insert(entry.path().filename().string());
    EXPECT_EQ(read_file(entry.path().string()), render_reminder_file(batch));
  }
  EXPECT_EQ(names.size(), 3u) << "no temporary file is left behind";
}

TEST(ReminderFileWrite, BadFormatOrUnwritableDirectory_IsAnErrorAndWritesNothing) {
  TempDir dir;
  engine::ReminderBatch batch = order_batch();
  batch.format.separator = "";
  EXPECT_EQ(write_reminder_file(batch, dir.path(), 0).status().code(), StatusCode::kInvalidArgument);
  batch = order_batch();
  batch.format.columns.clear();
  EXPECT_EQ(write_reminder_file(batch, dir.path(), 0).status().code(), StatusCode::kInvalidArgument);
  const std::string blocker = dir.path() + "/file";
  std::ofstream(blocker) << "x";
  EXPECT_EQ(write_reminder_file(order_batch(), blocker + "/sub", 0).status().code(), StatusCode::kInternal);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u) << "only the blocking file";
}

}  // namespace
}  // namespace tessera::reminders
