#include <lipen/base/signals.h>

#include <deal.II/base/mpi.h>

#include <csignal>

namespace lipen
{
  namespace
  {
    volatile std::sig_atomic_t stop_flag = 0;

    extern "C" void
    set_stop_flag(int)
    {
      stop_flag = 1;
    }
  } // namespace

  StopSignals::StopSignals()
  {
    old_term = std::signal(SIGTERM, set_stop_flag);
    old_int  = std::signal(SIGINT, set_stop_flag);
    old_usr1 = std::signal(SIGUSR1, set_stop_flag);
  }

  StopSignals::~StopSignals()
  {
    std::signal(SIGTERM, old_term);
    std::signal(SIGINT, old_int);
    std::signal(SIGUSR1, old_usr1);
  }

  bool
  stop_requested(MPI_Comm comm)
  {
    return dealii::Utilities::MPI::logical_or(stop_flag != 0, comm);
  }
} // namespace lipen
