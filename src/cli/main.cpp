#include "cli/app.h"

int main(int argc, char** argv) { return facetrace::cli::Run(argc, argv); }
