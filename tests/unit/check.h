// Pass/fail bookkeeping shared by lipen's C++ unit tests.
//
//   lipen_test::Checks check;           // prints PASS and FAIL lines
//   check(a == b, "a equals b");        // counts a failure if false
//   check(ok, "on rank 0 only", root);  // prints only if root
//   return check.finish(root);          // verdict line; exit code 0 or 1
//
// Every rank counts its own failures, so under mpirun a failure on any rank
// gives a non-zero exit code; only the ranks asked to print do.
#ifndef lipen_tests_unit_check_h
#define lipen_tests_unit_check_h

#include <iostream>
#include <string>

namespace lipen_test
{
  class Checks
  {
  public:
    /// @p print_passes false: print only the failed checks (for tests that
    /// make thousands of checks in loops).
    explicit Checks(const bool print_passes = true)
      : print_passes(print_passes)
    {
    }

    /// Record one check; print its line if @p print.
    void
    operator()(const bool ok, const std::string &what, const bool print = true)
    {
      if (print && (!ok || print_passes))
        std::cout << (ok ? "PASS  " : "FAIL  ") << what << std::endl;
      ++n_checks;
      n_failures += !ok;
    }

    int
    failures() const
    {
      return n_failures;
    }

    /// Print the verdict (if @p print) and return the exit code: 0 if every
    /// check passed and at least one was made, else 1.
    int
    finish(const bool print = true) const
    {
      const bool passed = n_failures == 0 && n_checks > 0;
      if (print)
        std::cout << (passed ? "ALL PASSED: " : "FAILED: ") << n_checks
                  << " check(s), " << n_failures << " failure(s)" << std::endl;
      return passed ? 0 : 1;
    }

  private:
    bool print_passes;
    int  n_checks   = 0;
    int  n_failures = 0;
  };
} // namespace lipen_test

#endif
