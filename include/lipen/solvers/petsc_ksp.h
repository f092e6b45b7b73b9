#pragma once

#include <mpi.h>

#include <string>

namespace lipen
{
  /**
   * Owner of one PETSc CG solver (KSP) and the matrix it was set up for:
   * the part that ElasticityAMGSolver and ScalarSolver share.  PETSc
   * types are kept opaque (void *) so that the solver headers do not pull
   * in petscksp.h.
   */
  class KspOwner
  {
  public:
    KspOwner() = default;
    ~KspOwner();
    KspOwner(const KspOwner &) = delete;
    KspOwner &
    operator=(const KspOwner &) = delete;

    /// destroys the KSP (if any) and forgets the matrix
    void
    reset();

    /// a CG solver on @p matrix (a Mat), replacing any earlier one
    void
    create(MPI_Comm comm, void *matrix);

    /// the KSP (nullptr before create())
    void *
    get() const
    {
      return ksp;
    }

    /// If the KSP was created for @p matrix (the same Mat, new values):
    /// hand it the new values so that the next KSPSetUp() rebuilds the
    /// preconditioner (an LU refactorises on its symbolic factorisation,
    /// ordering and pattern unchanged) and return true; else false.
    bool
    refresh_if_same(void *matrix);

    /// KSPSetOptionsPrefix(@p prefix) and KSPSetFromOptions(), throwing an
    /// InputError that names the prefix if PETSc refuses the options
    void
    set_from_options(const std::string &prefix);

  private:
    void *ksp    = nullptr; // KSP
    void *matrix = nullptr; // Mat of the KSP
  };
} // namespace lipen
