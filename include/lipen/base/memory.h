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

  /// Memory the job can use [bytes], without communication: MemTotal of
  /// this node times the number of nodes (MPI world size over the ranks on
  /// this node, from OMPI_COMM_WORLD_LOCAL_SIZE or SLURM_NTASKS_PER_NODE;
  /// one node if neither is set). 0 if /proc/meminfo cannot be read.
  double
  job_memory_bytes();

  /**
   * Back glibc's large allocations with transparent huge pages (2 MiB
   * pages instead of 4 kiB) by restarting the program with
   * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 added to its environment: glibc
   * reads the tunable only when a program starts.  The restart is an
   * execve of /proc/self/exe with the same arguments, so the process id
   * stays the same and mpirun does not notice.  The lipen executable calls
   * this from its .preinit_array (source/main.cc): before the shared
   * libraries' initialisers run and long before MPI starts.  Hence plain C
   * library calls only, and the environment @p envp as given to the
   * program (the C library's `environ` is not set up yet there).  The
   * restart repeats the dynamic loading, ~0.45 s on the development VM
   * (relocations of ~200 shared libraries).
   *
   * Why: the matrices, the AMG hierarchy and the mesh are large, freshly
   * allocated arrays; with 4 kiB pages every first touch is a page fault.
   * On the 2-core development VM (kernel THP mode "madvise", Debian's
   * default) this cut the page faults of a 2.2 M-DoF 2D solve on 2 ranks
   * from 680 k to 29 k, the AMG set-up time by 1.27x and the Krylov time
   * by 1.33x (interleaved A/B, medians of 4 pairs); on 1 rank by 1.06x
   * and 1.09x.  The peak memory was unchanged within 1 %.
   *
   * Does nothing when the environment variable LIPEN_HUGE_PAGES is "0",
   * when GLIBC_TUNABLES already names glibc.malloc.hugetlb (the user's
   * choice, or the restarted program), or when the kernel's THP mode is
   * "always" (already on) or "never"/unavailable.  Returns only when the
   * program is not restarted.  The caller decides whether a run is worth
   * it (lipen skips it for runs that only read parameters).
   */
  void
  restart_with_huge_pages_if_useful(char **argv, char **envp);
} // namespace lipen
