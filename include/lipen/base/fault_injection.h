#pragma once

#include <string>

namespace lipen
{
  /**
   * Fault injection for the fault tests (tests/faults.py): whether the
   * environment variable LIPEN_INJECT_FAULT asks for a fault at @p point on
   * this rank. Its value is `point` (every rank), `point@R` (world rank R
   * only) or `point#N` (the N-th time the point is reached, counted from 1;
   * combinable as `point@R#N`). Points: `refine` (an error inside the mesh
   * refinement of one rank), `write` (a failed file write, as on a full
   * disk). Unset in normal runs: one getenv per call.
   */
  bool
  fault_requested(const std::string &point);
} // namespace lipen
