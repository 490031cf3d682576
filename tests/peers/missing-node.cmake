# Stands in for a peer test when CMake found no usable Node.js: skipped, or failed when
# KASSA_REQUIRE_SERVICES=1. Run as: cmake -DTEST_NAME=... -DPROBLEM=... -P missing-node.cmake
set(fix "Install Node.js 18+ and the locked npm packages with scripts/setup-debian.sh (it runs `npm ci` in tests/peers), then re-run CMake.")
if("$ENV{KASSA_REQUIRE_SERVICES}" STREQUAL "1")
    message(FATAL_ERROR "FAIL ${TEST_NAME}: ${PROBLEM}. KASSA_REQUIRE_SERVICES=1 requires this test. ${fix}")
endif()
message("KASSA_PEER_TEST_SKIPPED ${TEST_NAME}: ${PROBLEM}. ${fix}")
