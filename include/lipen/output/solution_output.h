#pragma once

#include <deal.II/base/data_out_base.h>
#include <deal.II/numerics/data_out.h>

#include <mpi.h>

#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /**
   * ParaView output of any model: one PVTU (with one VTU per rank) per step
   * under DIRECTORY/solution/, indexed by DIRECTORY/solution.pvd. The PVD
   * is rewritten atomically after every step once all ranks have finished
   * their pieces, so it lists complete steps only, even if the run is
   * killed while writing. The fields are the model's (see e.g.
   * write_elasticity_solution()).
   */
  class SolutionWriter
  {
  public:
    explicit SolutionWriter(const std::string &directory);

    /// Write @p out (patches already built) as step @p step: one PVTU
    /// with a VTU per rank under DIRECTORY/solution/, indexed in
    /// DIRECTORY/solution.pvd.
    template <int dim>
    void
    write_patches(dealii::DataOut<dim> &out,
                  unsigned int          step,
                  double                time,
                  MPI_Comm              comm);

    /// The (time, file) records of the PVD, for checkpoints: save them,
    /// and after a restart load them and rewrite the PVD (on one rank).
    void
    save_records(std::ostream &out) const;
    void
    load_records(std::istream &in);
    void
    write_pvd() const;

    /// The (time, file relative to the directory) records of the PVD.
    const std::vector<std::pair<double, std::string>> &
    records() const
    {
      return pvd_records;
    }

    /// Name a file written elsewhere (e.g. a study case's
    /// `case-003/solution/...pvtu`) as the step at @p time of this PVD.
    void
    add_record(const double time, const std::string &file)
    {
      pvd_records.emplace_back(time, file);
    }

  private:
    std::string                                 directory;
    std::vector<std::pair<double, std::string>> pvd_records;
  };
} // namespace lipen
