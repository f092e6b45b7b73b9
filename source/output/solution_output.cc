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
    const unsigned int rank  = Utilities::MPI::this_mpi_process(comm);
    const unsigned int ranks = Utilities::MPI::n_mpi_processes(comm);
    std::string        error;
    if (rank == 0)
    {
      std::error_code ec;
      std::filesystem::create_directories(directory + "/solution", ec);
      if (ec)
        error =
          "cannot create '" + directory + "/solution' (" + ec.message() + ")";
    }
    error = Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw OutputError(error);
    DataOutBase::VtkFlags flags;
    flags.compression_level = DataOutBase::VtkFlags::best_speed;
    data_out.set_flags(flags);
    // each rank writes its piece to a temporary name and renames it (a
    // killed run leaves no truncated piece); a failed write on any rank
    // (full disk, read-only directory) is an OutputError on every rank
    const std::string  stem = "solution_" + Utilities::int_to_string(step, 5);
    const unsigned int rank_digits = Utilities::needed_digits(ranks - 1);
    const auto         piece       = [&](const unsigned int r)
    {
      return stem + "." + Utilities::int_to_string(r, rank_digits) + ".vtu";
    };
    try
    {
      std::ostringstream vtu;
      data_out.write_vtu(vtu);
      write_file_atomically(directory + "/solution/" + piece(rank), vtu.str());
    }
    catch (const OutputError &e)
    {
      error = e.what();
    }
    catch (const std::exception &e)
    {
      error = "cannot write '" + directory + "/solution/" + piece(rank) +
              "' (" + e.what() + ")";
    }
    // the first failing rank's message, on every rank
    const auto errors = Utilities::MPI::all_gather(comm, error);
    for (const auto &e : errors)
      if (!e.empty())
        throw OutputError(e);
    const std::string pvtu = stem + ".pvtu";
    write_on_root(comm,
                  [&]()
                  {
                    std::vector<std::string> pieces;
                    for (unsigned int r = 0; r < ranks; ++r)
                      pieces.push_back(piece(r));
                    std::ostringstream record;
                    data_out.write_pvtu_record(record, pieces);
                    write_file_atomically(directory + "/solution/" + pvtu,
                                          record.str());
                  });
    pvd_records.emplace_back(time, "solution/" + pvtu);
    // every rank's piece is complete (the gather above) before the PVD
    // names the step
    write_on_root(comm,
                  [&]()
                  {
                    write_pvd();
                  });
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
