// actbench: see bench/app.hpp, or run `actbench --help`.
#include "bench/app.hpp"

int main(int argc, char** argv) { return actbench::cli::run_actbench(argc, argv); }
