// Mesh refinement shared by lipen's diffuse-interface unit tests.
#ifndef lipen_tests_unit_refine_band_h
#define lipen_tests_unit_refine_band_h

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>

#include <cmath>

namespace lipen_test
{
  /// Refine @p tria until every cell whose centre lies within @p band (plus
  /// its diameter) of a set, by @p distance (a function of a point), has
  /// h = diameter/sqrt(dim) <= @p h_max; @p after_refinement() runs after
  /// each refinement (boundary ids). Collective.
  template <int dim, typename Distance, typename After>
  void
  refine_band(dealii::parallel::distributed::Triangulation<dim> &tria,
              const Distance                                    &distance,
              const double                                       band,
              const double                                       h_max,
              const After &after_refinement)
  {
    for (unsigned int cycle = 0; cycle < 30; ++cycle)
    {
      unsigned int marked = 0;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned() &&
            distance(cell->center()) < band + cell->diameter() &&
            cell->diameter() / std::sqrt(double(dim)) > h_max * (1 + 1e-9))
        {
          cell->set_refine_flag();
          ++marked;
        }
      if (dealii::Utilities::MPI::sum(marked, tria.get_communicator()) == 0)
        break;
      tria.execute_coarsening_and_refinement();
      after_refinement();
    }
  }
} // namespace lipen_test

#endif
