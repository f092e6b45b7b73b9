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
  /// Sets a global PETSc option unless it is already set (options given
  /// by the user win); returns whether it was set here.
  inline bool
  set_option_default(const std::string &name, const std::string &value)
  {
    PetscBool set = PETSC_FALSE;
    check_petsc(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set),
                "PetscOptionsHasName");
    if (set)
      return false;
    check_petsc(PetscOptionsSetValue(nullptr, name.c_str(), value.c_str()),
                "PetscOptionsSetValue");
    return true;
  }

  /// set_option_default() for the lifetime of the object; an option set
  /// here is removed again at the end.
  class ScopedOptionDefault
  {
  public:
    ScopedOptionDefault(const std::string &name, const std::string &value)
      : name(name)
      , owned(set_option_default(name, value))
    {
    }
    ~ScopedOptionDefault()
    {
      if (owned)
        PetscOptionsClearValue(nullptr, name.c_str());
    }
    ScopedOptionDefault(const ScopedOptionDefault &) = delete;
    ScopedOptionDefault &
    operator=(const ScopedOptionDefault &) = delete;

  private:
    const std::string name;
    const bool        owned;
  };
} // namespace lipen
