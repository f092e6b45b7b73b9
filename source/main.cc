// lipen command line: parse the parameter file and --set overrides, then run
// the study. Everything else lives in the library.

#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/base/parameter_file.h>
#include <lipen/simulator/run_parameters.h>
#include <lipen/study/study.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <petscsys.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

namespace
{
  // The options after which lipen only reads its parameters and exits;
  // plain C strings, as the pre-start hook below runs before the C++
  // run-time is initialised.
  const char *const help_options[]          = {"--help", "-h"};
  const char *const print_parameters_option = "--print-parameters";
  const char *const dry_run_option          = "--dry-run";

  bool
  is_help_option(const char *arg)
  {
    for (const char *option : help_options)
      if (std::strcmp(arg, option) == 0)
        return true;
    return false;
  }

  const char *usage_text =
    "Usage: lipen [FILE.prm] [--set 'Subsection/Entry=value']...\n"
    "             [--print-parameters] [--dry-run] [--help]\n"
    "\n"
    "lipen computes the stress intensity of Li-pressurised defects in solid\n"
    "electrolytes and the critical crack-extension stress and plating\n"
    "overpotential versus defect size, and follows the Li penetration of a\n"
    "plated, growing crack in time (Study/Type = penetration; see\n"
    "README.md).\n"
    "\n"
    "  FILE.prm            deal.II parameter file; without one, the built-in\n"
    "                      default study runs (edge slit in a 1 mm slab,\n"
    "                      c = 0.1..100 um, lps_glass and llzto_single_crystal)\n"
    "  --set 'S/E=value'   override entry E of subsection S (nested\n"
    "                      subsections joined by '/'); repeatable, applied\n"
    "                      after FILE.prm\n"
    "  --print-parameters  print every entry with its value, unit, pattern\n"
    "                      and help text, then exit\n"
    "  --dry-run           read and check all parameters, then exit\n"
    "  --restart[=DIR]     continue a time-dependent run (Study/Type =\n"
    "                      phase field or penetration) from its newest\n"
    "                      checkpoint in\n"
    "                      Output/Directory/checkpoints, or from the\n"
    "                      checkpoint directory DIR (any number of ranks;\n"
    "                      changed physics entries are refused)\n"
    "  --help              this text\n"
    "\n"
    "Run in parallel with: mpirun -np N lipen FILE.prm\n"
    "PETSc options for the elasticity solver take the prefix\n"
    "-lipen_elasticity_ (e.g. -lipen_elasticity_ksp_monitor), those of the\n"
    "phase-field displacement -lipen_phase_field_; they may stand anywhere\n"
    "on the command line.\n"
    "Material presets (Material/Electrolyte, Study/Materials): see\n"
    "--print-parameters. A sweep on Slurm: scripts/slurm/submit_sweep.sh.\n"
    "An error that one rank alone sees aborts the job after\n"
    "LIPEN_ERROR_GRACE_SECONDS (default 20) instead of hanging.\n"
    "Exit status: 0 success (also 'short circuit' and 'arrested'), 1 the\n"
    "run failed (numerical failure or an output file that could not be\n"
    "written; summary.json says why), 2 invalid input or a stationary\n"
    "solve that failed (the message on stderr names the parameter to\n"
    "change), 3 internal error, 4 interrupted by SIGTERM, SIGINT or SIGUSR1\n"
    "after writing a checkpoint (continue with --restart). Under mpirun send\n"
    "SIGUSR1 to mpirun (kill -USR1 PID): it forwards it to every rank; on\n"
    "SIGTERM or Ctrl-C mpirun kills the ranks before they can stop cleanly.\n";

} // namespace

// Transparent huge pages (see memory.h): run before the shared libraries'
// initialisers, so that a restart does not run them twice.  Runs that only
// read parameters are not worth the restart (~0.45 s of dynamic loading).
namespace
{
  void
  preinit_huge_pages(int argc, char **argv, char **envp)
  {
    for (int i = 1; i < argc; ++i)
      if (is_help_option(argv[i]) ||
          std::strcmp(argv[i], print_parameters_option) == 0 ||
          std::strcmp(argv[i], dry_run_option) == 0)
        return;
    lipen::restart_with_huge_pages_if_useful(argv, envp);
  }
  __attribute__((section(".preinit_array"),
                 used)) void (*const preinit)(int,
                                              char **,
                                              char **) = preinit_huge_pages;
} // namespace

namespace
{
  /// How long ranks that caught an error wait for the others before
  /// aborting the job (LIPEN_ERROR_GRACE_SECONDS, default 20 s).
  int
  error_grace_seconds()
  {
    const char *env = std::getenv("LIPEN_ERROR_GRACE_SECONDS");
    const int   s   = env ? std::atoi(env) : 0;
    return s > 0 ? s : 20;
  }

  bool
  is_parameter_file_name(const char *arg)
  {
    const std::string a = arg;
    std::error_code   ec;
    return a.size() > 4 && a.compare(a.size() - 4, 4, ".prm") == 0 &&
           std::filesystem::is_regular_file(a, ec);
  }

  /// Whether the argument after a PETSc option is that option's value: it
  /// is not an option itself, and not an existing FILE.prm (PETSc's
  /// options such as -lipen_elasticity_ksp_monitor take an optional value,
  /// and must not swallow the parameter file that follows them).
  bool
  petsc_option_value(const char *next)
  {
    return next[0] != '-' && !is_parameter_file_name(next);
  }

  /// Move the parameter file to the front of the command line, before
  /// MPI and PETSc read it: PETSc would otherwise take a FILE.prm that
  /// follows a valueless option as that option's value.
  void
  move_parameter_file_first(int argc, char **argv)
  {
    for (int i = 1; i < argc; ++i)
      if (std::strcmp(argv[i - 1], "--set") != 0 &&
          is_parameter_file_name(argv[i]))
      {
        std::rotate(argv + 1, argv + i, argv + i + 1);
        return;
      }
  }

  /// What the command line asks for.
  struct CommandLine
  {
    std::string              file;
    std::vector<std::string> sets;
    bool                     help             = false;
    bool                     print_parameters = false;
    bool                     dry_run          = false;
    std::string              restart;
  };

  CommandLine
  parse_command_line(int argc, char **argv)
  {
    CommandLine cmd;
    for (int i = 1; i < argc; ++i)
    {
      const std::string arg = argv[i];
      if (is_help_option(argv[i]))
        cmd.help = true;
      else if (arg == print_parameters_option)
        cmd.print_parameters = true;
      else if (arg == dry_run_option)
        cmd.dry_run = true;
      else if (arg == "--set")
      {
        if (i + 1 >= argc)
          throw lipen::InputError(
            "--set needs an argument 'Subsection/Entry=value'");
        cmd.sets.emplace_back(argv[++i]);
      }
      else if (arg.rfind("--set=", 0) == 0)
        cmd.sets.push_back(arg.substr(6));
      else if (arg == "--restart")
        cmd.restart = "latest";
      else if (arg.rfind("--restart=", 0) == 0)
      {
        cmd.restart = arg.substr(10);
        if (cmd.restart.empty())
          throw lipen::InputError("--restart= needs a checkpoint directory");
      }
      else if (arg.size() > 1 && arg[0] == '-')
      {
        // PETSc options (-lipen_elasticity_...) are read by PETSc;
        // skip their value if they have one.
        if (arg.rfind("-lipen_", 0) != 0)
          throw lipen::InputError("unknown option '" +
                                  lipen::quote_for_message(arg) +
                                  "' (see lipen --help)");
        if (i + 1 < argc && petsc_option_value(argv[i + 1]))
          ++i;
      }
      else if (cmd.file.empty())
        cmd.file = arg;
      else
        throw lipen::InputError("more than one parameter file given ('" +
                                cmd.file + "' and '" + arg + "')");
    }
    return cmd;
  }

  /// The parameter file (if any), then the --set overrides.
  void
  read_parameters(const CommandLine &cmd, dealii::ParameterHandler &prm)
  {
    lipen::RunParameters::declare_parameters(prm);
    if (!cmd.file.empty())
    {
      lipen::check_parameter_file(cmd.file);
      try
      {
        prm.parse_input(cmd.file);
      }
      catch (const dealii::ExceptionBase &e)
      {
        throw lipen::InputError("in parameter file '" + cmd.file +
                                "': " + lipen::deal_ii_message(e));
      }
    }
    for (const auto &s : cmd.sets)
      lipen::apply_override(prm, s);
  }

  /// Parse the command line and the parameters, run; the exit status.
  int
  run(int argc, char **argv, MPI_Comm comm, dealii::ConditionalOStream &pcout)
  {
    const CommandLine cmd = parse_command_line(argc, argv);
    if (cmd.help)
    {
      pcout << usage_text;
      return lipen::exit_success;
    }
    dealii::ParameterHandler prm;
    read_parameters(cmd, prm);
    if (cmd.print_parameters)
    {
      if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
        prm.print_parameters(std::cout,
                             dealii::ParameterHandler::OutputStyle::PRM);
      return lipen::exit_success;
    }

    lipen::RunParameters parameters;
    parameters.parse_parameters(prm);
    parameters.restart = cmd.restart;
    if (!cmd.restart.empty() && !parameters.study.time_dependent())
      throw lipen::InputError(
        "--restart: only time-dependent runs (Study/Type = phase field or "
        "penetration) write checkpoints");
    if (cmd.dry_run)
    {
      parameters.output.check_writable();
      // each case of a study parsed as its run parses it: a case that only
      // its combination of values makes invalid is named here, not found
      // hours into the study
      const auto cases   = lipen::planned_cases(parameters);
      const auto refused = lipen::refused_cases(parameters, cases);
      if (!refused.empty())
      {
        // the first case on the first line (it names the entry), the
        // others below
        std::string list = lipen::quote_for_message(refused[0], 400);
        for (std::size_t k = 1; k < refused.size() && k < 10; ++k)
          list += "\n  " + lipen::quote_for_message(refused[k], 400);
        if (refused.size() > 10)
          list +=
            "\n  ... and " + std::to_string(refused.size() - 10) + " more";
        throw lipen::InputError(
          std::to_string(refused.size()) + " of " +
          std::to_string(cases.size()) +
          " cases of the study would be refused (the run records them as "
          "failed and computes the others): " +
          list);
      }
      pcout << "lipen: parameters are valid ("
            << (cmd.file.empty() ? std::string("built-in defaults") : cmd.file)
            << ")";
      if (parameters.study.type == lipen::StudyType::sweep)
        pcout << ": a sweep of " << cases.size() << " cases";
      else if (parameters.study.type == lipen::StudyType::defect_size)
        pcout << ": a study of " << cases.size() << " cases";
      pcout << std::endl;
      return lipen::exit_success;
    }
    return lipen::run_study(parameters, comm, pcout);
  }
} // namespace

namespace
{
  /**
   * End the program after an exception on this rank with @p status and
   * @p message. An error that every rank detects (all input checks, the
   * collective solver failures) is agreed on in a non-blocking barrier on
   * a communicator of its own: rank 0 prints the one message and every
   * rank returns @p status. An error that only some ranks see (inside
   * meshing, refinement or a solver) leaves the other ranks waiting in a
   * collective operation of the computation: after a grace period the
   * ranks that failed print their message and abort the whole job with
   * @p status, so that it ends instead of hanging until the job's time
   * limit.
   */
  int
  finish_with_error(MPI_Comm           error_comm,
                    const int          status,
                    const std::string &message)
  {
    const unsigned int rank =
      dealii::Utilities::MPI::this_mpi_process(error_comm);
    const unsigned int ranks =
      dealii::Utilities::MPI::n_mpi_processes(error_comm);
    if (ranks > 1)
    {
      MPI_Request request;
      MPI_Ibarrier(error_comm, &request);
      const auto start = std::chrono::steady_clock::now();
      int        done  = 0;
      while (!done)
      {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done)
          break;
        if (std::chrono::steady_clock::now() - start >
            std::chrono::seconds(error_grace_seconds()))
        {
          std::cerr << "lipen: error: " << message << " [rank " << rank
                    << " of " << ranks
                    << "; the other ranks did not see the error: aborting "
                       "the job]"
                    << std::endl;
          MPI_Abort(MPI_COMM_WORLD, status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    if (rank == 0)
      std::cerr << "lipen: error: " << message << std::endl;
    return status;
  }
} // namespace

int
main(int argc, char **argv)
{
  move_parameter_file_first(argc, argv);
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  MPI_Comm                                 comm = MPI_COMM_WORLD;
  const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
  dealii::ConditionalOStream pcout(std::cout, root);
  // deal.II would otherwise print its own traces for user errors
  dealii::deal_II_exceptions::disable_abort_on_exception();
  // PETSc errors come back as error codes that lipen turns into one
  // message; PETSc's own multi-line traces on every rank are switched off
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  // errors are agreed on in a communicator of their own (see
  // finish_with_error), independent of the computation's collectives
  MPI_Comm error_comm;
  MPI_Comm_dup(comm, &error_comm);

  try
  {
    const int status = run(argc, argv, comm, pcout);
    MPI_Comm_free(&error_comm);
    return status;
  }
  catch (const lipen::InputError &e)
  {
    return finish_with_error(error_comm, lipen::exit_bad_input, e.what());
  }
  catch (const lipen::NumericalFailure &e)
  {
    // a stationary solve (no time-stepper to cut back): the message names
    // the entry that bounds the solver
    return finish_with_error(error_comm, lipen::exit_bad_input, e.what());
  }
  catch (const lipen::OutputError &e)
  {
    return finish_with_error(error_comm, lipen::exit_failed, e.what());
  }
  catch (const dealii::ExceptionBase &e)
  {
    return finish_with_error(error_comm,
                             lipen::exit_bad_input,
                             lipen::deal_ii_message(e));
  }
  catch (const std::bad_alloc &)
  {
    return finish_with_error(
      error_comm,
      lipen::exit_failed,
      "out of memory: the mesh or the solver needs more memory than this "
      "machine has; use a coarser mesh (Geometry/Tip refinement, Phase "
      "field/Length scale) or more nodes");
  }
  catch (const std::exception &e)
  {
    return finish_with_error(error_comm,
                             lipen::exit_internal,
                             std::string("internal error: ") + e.what());
  }
  return 0;
}
