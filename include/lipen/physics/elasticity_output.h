#pragma once

#include <lipen/output/solution_output.h>
#include <lipen/physics/elasticity.h>

#include <deal.II/numerics/data_out.h>

#include <functional>

namespace lipen
{
  /**
   * Write the elasticity solution as step @p step of @p writer: the
   * displacement, the stress tensor (3x3; sigma_zz from plane strain in
   * 2D), von Mises, maximum principal and hydrostatic stress,
   * strain-energy density (points), material id and MPI partition (cells).
   * @p add_fields may add further fields (e.g. the ionic potential) before
   * the patches are built.
   */
  template <int dim>
  void
  write_elasticity_solution(
    SolutionWriter                                    &writer,
    const Elasticity<dim>                             &elasticity,
    unsigned int                                       step,
    double                                             time,
    const std::function<void(dealii::DataOut<dim> &)> &add_fields = {});
} // namespace lipen
