#pragma once

#include <lipen/physics/elasticity.h>

namespace lipen
{
  /**
   * Crack volume of the whole defect, V = N_copies int_{crack faces}
   * (-u.m) ds (m the outward normal, N_copies the number of symmetry copies
   * of the model), and the full opening 2 u_n at the point of the defect
   * face farthest from the front (mouth of an edge slit, centre of a
   * centre slit or penny). Sneddon: V = 2 pi p a^2/E' (2D), 16 p a^3/(3E')
   * (penny); centre opening 4 p a/E' (2D).
   */
  template <int dim>
  struct CrackMetrics
  {
    double volume  = 0;
    double opening = 0;
  };

  template <int dim>
  CrackMetrics<dim>
  compute_crack_metrics(const Elasticity<dim> &elasticity);

  /// Full opening w = 2 (-u.m) at every vertex of the defect faces, as
  /// pairs (distance to the front r, w), sorted by r, on all ranks.
  template <int dim>
  std::vector<std::pair<double, double>>
  crack_opening_profile(const Elasticity<dim> &elasticity);
} // namespace lipen
