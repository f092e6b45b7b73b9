#include <lipen/base/memory.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

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
} // namespace lipen
