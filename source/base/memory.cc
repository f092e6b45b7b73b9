#include <lipen/base/memory.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace lipen
{
  PeakMemory
  peak_memory(MPI_Comm comm)
  {
    dealii::Utilities::System::MemoryStats stats;
    dealii::Utilities::System::get_memory_stats(stats);
    const double mine = stats.VmHWM / 1024.; // kB -> MiB
    PeakMemory   m;
    m.total_MiB    = dealii::Utilities::MPI::sum(mine, comm);
    m.max_rank_MiB = dealii::Utilities::MPI::max(mine, comm);
    return m;
  }

  namespace
  {
    /// The value of @p name in the environment @p envp, or nullptr.
    const char *
    find_variable(char **envp, const char *name)
    {
      const std::size_t length = std::strlen(name);
      for (char **e = envp; e != nullptr && *e != nullptr; ++e)
        if (std::strncmp(*e, name, length) == 0 && (*e)[length] == '=')
          return *e + length + 1;
      return nullptr;
    }
  } // namespace

  // Plain C library calls only, and no getenv()/setenv(): this runs before
  // the C library has set up `environ` (see memory.h).
  void
  restart_with_huge_pages_if_useful(char **argv, char **envp)
  {
    if (argv == nullptr || argv[0] == nullptr || envp == nullptr)
      return;
    const char *opt_out = find_variable(envp, "LIPEN_HUGE_PAGES");
    const char *old     = find_variable(envp, "GLIBC_TUNABLES");
    if ((opt_out != nullptr && std::strcmp(opt_out, "0") == 0) ||
        (old != nullptr && std::strstr(old, "glibc.malloc.hugetlb") != nullptr))
      return;
    // The kernel's mode is the bracketed word: "always [madvise] never".
    char      mode[128] = {};
    const int fd =
      open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
    if (fd < 0)
      return;
    const ssize_t n = read(fd, mode, sizeof(mode) - 1);
    close(fd);
    if (n <= 0 || std::strstr(mode, "[madvise]") == nullptr)
      return;

    // The new environment: envp with GLIBC_TUNABLES replaced or added.
    static char  tunables[8192];
    static char *environment[4096];
    const int    length =
      std::snprintf(tunables,
                    sizeof(tunables),
                    "GLIBC_TUNABLES=%s%sglibc.malloc.hugetlb=1",
                    old != nullptr ? old : "",
                    old != nullptr && *old != '\0' ? ":" : "");
    if (length <= 0 || length >= static_cast<int>(sizeof(tunables)))
      return;
    std::size_t k = 0;
    for (char **e = envp; *e != nullptr; ++e)
    {
      if (k + 2 >= sizeof(environment) / sizeof(environment[0]))
        return; // too many variables: go on with normal pages
      if (std::strncmp(*e, "GLIBC_TUNABLES=", 15) != 0)
        environment[k++] = *e;
    }
    environment[k++] = tunables;
    environment[k]   = nullptr;
    execve("/proc/self/exe", argv, environment);
    // Only reached if the restart failed: go on with normal pages.
  }
  double
  job_memory_bytes()
  {
    double        node_bytes = 0;
    std::ifstream meminfo("/proc/meminfo");
    std::string   key;
    double        kib = 0;
    std::string   unit;
    while (meminfo >> key >> kib >> unit)
      if (key == "MemTotal:")
      {
        node_bytes = 1024. * kib;
        break;
      }
    int world = 1, initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized)
      MPI_Comm_size(MPI_COMM_WORLD, &world);
    int local = 0;
    for (const char *var :
         {"OMPI_COMM_WORLD_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"})
      if (const char *v = std::getenv(var); v != nullptr && local <= 0)
        local = std::atoi(v);
    const int nodes = local > 0 ? std::max(1, world / local) : 1;
    return node_bytes * nodes;
  }
} // namespace lipen
