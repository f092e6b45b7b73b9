#pragma once

#include <mpi.h>

namespace lipen
{
  /// Peak resident memory of the run so far (VmHWM of each rank, read from
  /// /proc/self/status; 0 where the system does not report it). Collective.
  struct PeakMemory
  {
    double total_MiB    = 0; ///< sum over the ranks
    double max_rank_MiB = 0; ///< largest single rank
  };

  PeakMemory
  peak_memory(MPI_Comm comm);
} // namespace lipen
