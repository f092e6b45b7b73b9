#include <lipen/base/fault_injection.h>

#include <mpi.h>

#include <cstdlib>
#include <map>

namespace lipen
{
  bool
  fault_requested(const std::string &point)
  {
    const char *env = std::getenv("LIPEN_INJECT_FAULT");
    if (env == nullptr)
      return false;
    std::string spec = env;
    long        nth  = 0;
    int         rank = -1;
    if (const auto hash = spec.find('#'); hash != std::string::npos)
    {
      nth = std::atol(spec.c_str() + hash + 1);
      spec.resize(hash);
    }
    if (const auto at = spec.find('@'); at != std::string::npos)
    {
      rank = std::atoi(spec.c_str() + at + 1);
      spec.resize(at);
    }
    if (spec != point)
      return false;
    int initialized = 0;
    MPI_Initialized(&initialized);
    int my_rank = 0;
    if (initialized)
      MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    if (rank >= 0 && rank != my_rank)
      return false;
    static std::map<std::string, long> count;
    const long                         n = ++count[point];
    return nth == 0 || n == nth;
  }
} // namespace lipen
