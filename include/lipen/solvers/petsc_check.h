#pragma once

#include <petscsys.h>

#include <stdexcept>
#include <string>

namespace lipen
{
  /// Throws std::runtime_error naming the PETSc call @p what when @p ierr
  /// reports an error.
  inline void
  check_petsc(const PetscErrorCode ierr, const char *what)
  {
    if (ierr != 0)
      throw std::runtime_error(std::string("PETSc error in ") + what +
                               " (code " + std::to_string(ierr) + ")");
  }
} // namespace lipen
