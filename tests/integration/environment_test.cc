#include <gtest/gtest.h>
#include <unistd.h>

TEST(Environment, BinaryBuilt) { EXPECT_EQ(access(PROFILE_BIN, X_OK), 0); }
