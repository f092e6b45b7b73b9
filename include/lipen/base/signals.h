#pragma once

#include <mpi.h>

namespace lipen
{
  /**
   * While an object of this class lives, SIGTERM and SIGINT do not end the
   * program but set a flag that long loops read at safe points with
   * stop_requested(): a time loop then writes a checkpoint and stops with
   * status `interrupted`, a study stops after its current case. The flag is
   * never cleared: once asked to stop, every loop of the run stops.
   */
  class StopSignals
  {
  public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals &) = delete;
    StopSignals &
    operator=(const StopSignals &) = delete;

  private:
    void (*old_term)(int);
    void (*old_int)(int);
  };

  /// Whether any rank received SIGTERM/SIGINT (collective).
  bool
  stop_requested(MPI_Comm comm);
} // namespace lipen
