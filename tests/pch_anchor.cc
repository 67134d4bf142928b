// Anchor of the shared precompiled header of the test suites (tests/CMakeLists.txt).
