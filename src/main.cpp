// anxun (安巡): the industrial safety inspection server and its tools.
#include "cli.h"

int main(int argc, char** argv) {
  return anxun::RunCli(argc, argv);
}
