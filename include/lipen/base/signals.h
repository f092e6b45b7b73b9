#pragma once

#include <mpi.h>

namespace lipen
{
  /**
   * While an object of this class lives, SIGTERM, SIGINT and SIGUSR1 do not
   * end the program but set a flag that long loops read at safe points with
   * stop_requested(): a time loop then writes a checkpoint and stops with
   * status `interrupted`, a study stops after its current case. The flag is
   * never cleared: once asked to stop, every loop of the run stops.
   *
   * SIGUSR1 is the one to send to Open MPI's mpirun: mpirun forwards it to
   * every rank, whereas on SIGTERM or SIGINT it terminates the ranks itself
   * (SIGKILL one second later, odls_base_sigkill_timeout), before they can
   * finish their step.
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
    void (*old_usr1)(int);
  };

  /// Whether any rank received SIGTERM, SIGINT or SIGUSR1 (collective).
  bool
  stop_requested(MPI_Comm comm);
} // namespace lipen
