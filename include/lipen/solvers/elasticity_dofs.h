#pragma once

#include <deal.II/base/exceptions.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/numerics/vector_tools.h>

#include <map>
#include <stdexcept>
#include <vector>

namespace lipen
{
  /**
   * For each locally owned DoF of a vector-valued (FESystem of dim equal
   * scalar elements) displacement, the coordinate of its support point in
   * the direction of its component: what ElasticityAMGSolver needs to
   * build the rigid-body modes. Throws if the DoFs are not numbered in
   * nodal blocks of dim (GAMG's block size).
   */
  template <int dim>
  std::vector<double>
  rigid_body_coordinates(const dealii::Mapping<dim>    &mapping,
                         const dealii::DoFHandler<dim> &dof_handler)
  {
    std::map<dealii::types::global_dof_index, dealii::Point<dim>> support;
    dealii::DoFTools::map_dofs_to_support_points(mapping, dof_handler, support);
    std::vector<dealii::IndexSet> component_dofs;
    for (unsigned int d = 0; d < dim; ++d)
    {
      dealii::ComponentMask mask(dim, false);
      mask.set(d, true);
      component_dofs.push_back(
        dealii::DoFTools::extract_dofs(dof_handler, mask));
    }
    const auto         &owned = dof_handler.locally_owned_dofs();
    std::vector<double> coordinates(owned.n_elements());
    unsigned int        k = 0;
    for (const auto dof : owned)
    {
      const unsigned int d = k % dim;
      if (!component_dofs[d].is_element(dof))
        throw std::logic_error("displacement DoFs are not numbered in "
                               "nodal blocks of dim");
      coordinates[k] = support.at(dof)[d];
      ++k;
    }
    return coordinates;
  }
} // namespace lipen
