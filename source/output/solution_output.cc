#include <lipen/base/exceptions.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/solution_output.h>

#include <deal.II/numerics/data_out.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  SolutionWriter::SolutionWriter(const std::string &directory)
    : directory(directory)
  {
  }

  template <int dim>
  void
  SolutionWriter::write_patches(DataOut<dim>      &data_out,
                                const unsigned int step,
                                const double       time,
                                MPI_Comm           comm)
  {
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      std::filesystem::create_directories(directory + "/solution");
    MPI_Barrier(comm);
    DataOutBase::VtkFlags flags;
    flags.compression_level = DataOutBase::VtkFlags::best_speed;
    data_out.set_flags(flags);
    const std::string pvtu =
      data_out.write_vtu_with_pvtu_record(directory + "/solution/",
                                          "solution",
                                          step,
                                          comm,
                                          5,
                                          0);
    pvd_records.emplace_back(time, "solution/" + pvtu);
    // every rank's piece is complete before the PVD names the step
    MPI_Barrier(comm);
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      write_pvd();
  }

  void
  SolutionWriter::write_pvd() const
  {
    std::ostringstream pvd;
    DataOutBase::write_pvd_record(pvd, pvd_records);
    write_file_atomically(directory + "/solution.pvd", pvd.str());
  }

  void
  SolutionWriter::save_records(std::ostream &out) const
  {
    out << std::setprecision(17) << pvd_records.size() << '\n';
    for (const auto &[time, file] : pvd_records)
      out << time << ' ' << file << '\n';
  }

  void
  SolutionWriter::load_records(std::istream &in)
  {
    std::size_t n = 0;
    in >> n;
    pvd_records.clear();
    for (std::size_t k = 0; k < n && in; ++k)
    {
      double      time = 0;
      std::string file;
      in >> time >> file;
      pvd_records.emplace_back(time, file);
    }
    if (!in)
      throw InputError("--restart: the ParaView pvd_records of the checkpoint "
                       "are damaged");
  }

  template void
  SolutionWriter::write_patches(DataOut<2> &, unsigned int, double, MPI_Comm);
  template void
  SolutionWriter::write_patches(DataOut<3> &, unsigned int, double, MPI_Comm);
} // namespace lipen
