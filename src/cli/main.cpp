#include <csignal>

#include "cli/app.h"

int main(int argc, char** argv) {
  // A write past RLIMIT_FSIZE then fails with EFBIG, reported like a full disk, instead of
  // killing the process halfway through a database write.
  std::signal(SIGXFSZ, SIG_IGN);
  return facetrace::cli::Run(argc, argv);
}
