#include <lipen/base/exceptions.h>
#include <lipen/solvers/petsc_check.h>
#include <lipen/solvers/petsc_ksp.h>

#include <petscksp.h>

namespace lipen
{
  KspOwner::~KspOwner()
  {
    reset();
  }

  void
  KspOwner::reset()
  {
    if (ksp != nullptr)
    {
      KSP k = static_cast<KSP>(ksp);
      KSPDestroy(&k);
    }
    ksp    = nullptr;
    matrix = nullptr;
  }

  void
  KspOwner::create(MPI_Comm comm, void *const A)
  {
    reset();
    KSP k;
    check_petsc(KSPCreate(comm, &k), "KSPCreate");
    ksp    = k;
    matrix = A;
    check_petsc(KSPSetOperators(k, static_cast<Mat>(A), static_cast<Mat>(A)),
                "KSPSetOperators");
    check_petsc(KSPSetType(k, KSPCG), "KSPSetType");
  }

  bool
  KspOwner::refresh_if_same(void *const A)
  {
    if (ksp == nullptr || A != matrix)
      return false;
    KSP k = static_cast<KSP>(ksp);
    check_petsc(KSPSetOperators(k, static_cast<Mat>(A), static_cast<Mat>(A)),
                "KSPSetOperators");
    check_petsc(KSPSetReusePreconditioner(k, PETSC_FALSE),
                "KSPSetReusePreconditioner");
    return true;
  }

  void
  KspOwner::set_from_options(const std::string &prefix)
  {
    KSP k = static_cast<KSP>(ksp);
    check_petsc(KSPSetOptionsPrefix(k, prefix.c_str()), "KSPSetOptionsPrefix");
    if (const PetscErrorCode ierr = KSPSetFromOptions(k); ierr != 0)
    {
      const char *text = nullptr;
      PetscErrorMessage(ierr, &text, nullptr);
      throw InputError(
        "PETSc options -" + prefix + "...: PETSc refused them (" +
        (text ? std::string(text) : "error " + std::to_string(ierr)) +
        "); check the option values on the command line and "
        "in PETSC_OPTIONS");
    }
  }
} // namespace lipen
