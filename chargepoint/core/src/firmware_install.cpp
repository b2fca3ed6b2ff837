// The install step of a firmware update (1.6 §5.18, Whitepaper §5, 2.0.1 L01.FR.09): the
// integrator's program decides Installed or InstallationFailed by its exit status.
#include "firmware_install.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace ocpp::cp {

int run_install_program(const std::string& program, const std::string& image, std::string& why) {
  std::vector<char*> argv{const_cast<char*>(program.c_str()), const_cast<char*>(image.c_str()), nullptr};
  pid_t pid = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // The program gets stdin, stdout and stderr only: not the CSMS's socket, the database or the
  // control socket, whatever it does.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    why = "cannot start " + program + ": " + std::strerror(rc);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      why = std::string("waiting for ") + program + ": " + std::strerror(errno);
      return -1;
    }
  }
  if (WIFEXITED(status)) {
    why = program + " exited with status " + std::to_string(WEXITSTATUS(status));
    return WEXITSTATUS(status);
  }
  why = program + " was ended by signal " + std::to_string(WTERMSIG(status));
  return -1;
}

}  // namespace ocpp::cp
