// The command line: `anxun serve|migrate|demo|user|audit|version`.
#pragma once

namespace anxun {

// Parses arguments and runs the sub-command. Returns the process exit code;
// failures print one line to stderr.
int RunCli(int argc, char** argv);

}  // namespace anxun
