#pragma once

#include <lipen/physics/elasticity.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/numerics/data_out.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /**
   * ParaView output: one PVTU (with one VTU per rank) per step under
   * DIRECTORY/solution/, indexed by DIRECTORY/solution.pvd (rewritten after
   * every step so it is valid even if a later step fails).  Fields:
   * displacement, stress tensor (3x3; sigma_zz from plane strain in 2D),
   * von Mises, maximum principal and hydrostatic stress, strain-energy
   * density (points), material id, boundary-adjacent crack marker and MPI
   * partition (cells).
   */
  class SolutionWriter
  {
  public:
    explicit SolutionWriter(const std::string &directory);

    /// @p add_fields may add further fields (e.g. the ionic potential)
    /// to the DataOut before the patches are built.
    template <int dim>
    void
    write(const Elasticity<dim>                             &elasticity,
          unsigned int                                       step,
          double                                             time,
          const std::function<void(dealii::DataOut<dim> &)> &add_fields = {});

    /// Write @p out (patches already built) as step @p step: one PVTU
    /// with a VTU per rank under DIRECTORY/solution/, indexed in
    /// DIRECTORY/solution.pvd.
    template <int dim>
    void
    write_patches(dealii::DataOut<dim> &out,
                  unsigned int          step,
                  double                time,
                  MPI_Comm              comm);

  private:
    std::string                                 directory;
    std::vector<std::pair<double, std::string>> records;
  };
} // namespace lipen
