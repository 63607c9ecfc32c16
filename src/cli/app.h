// The `facetrace` command line: a thin shell over libfacetrace. Each sub-command lives in its
// own file and registers itself with Run's CLI11 app.
#pragma once

namespace facetrace::cli {

// Exit statuses (README, "Exit codes").
constexpr int kExitOk = 0;          // every input processed
constexpr int kExitFatal = 1;       // usage error or fatal error (nothing or little done)
constexpr int kExitSomeFailed = 2;  // some inputs failed; each was reported

int Run(int argc, char** argv);

}  // namespace facetrace::cli
