// lipen command line: parse the parameter file and --set overrides, then run
// the study. Everything else lives in the library.

#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/simulator/run_parameters.h>
#include <lipen/study/study.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

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
    "-lipen_elasticity_ (e.g. -lipen_elasticity_ksp_monitor).\n"
    "Exit status: 0 success (also 'short circuit' and 'arrested'), 1 the\n"
    "run failed (numerical failure or an output file that could not be\n"
    "written; summary.json says why), 2 invalid input or a stationary\n"
    "solve that failed (the message on stderr names the parameter to\n"
    "change), 3 internal error, 4 interrupted by SIGTERM/SIGINT after\n"
    "writing a checkpoint (continue with --restart).\n";

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
          throw lipen::InputError("unknown option '" + arg +
                                  "' (see lipen --help)");
        if (i + 1 < argc && argv[i + 1][0] != '-')
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
      if (!std::filesystem::is_regular_file(cmd.file))
        throw lipen::InputError("parameter file '" + cmd.file +
                                "' not found or not a regular file");
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
      pcout << "lipen: parameters are valid ("
            << (cmd.file.empty() ? std::string("built-in defaults") : cmd.file)
            << ")" << std::endl;
      return lipen::exit_success;
    }
    return lipen::run_study(parameters, comm, pcout);
  }
} // namespace

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  MPI_Comm                                 comm = MPI_COMM_WORLD;
  const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
  dealii::ConditionalOStream pcout(std::cout, root);
  // deal.II would otherwise print its own traces for user errors
  dealii::deal_II_exceptions::disable_abort_on_exception();

  try
  {
    return run(argc, argv, comm, pcout);
  }
  catch (const lipen::InputError &e)
  {
    if (root)
      std::cerr << "lipen: error: " << e.what() << std::endl;
    return lipen::exit_bad_input;
  }
  catch (const lipen::NumericalFailure &e)
  {
    // a stationary solve (no time-stepper to cut back): the message names
    // the entry that bounds the solver
    if (root)
      std::cerr << "lipen: error: " << e.what() << std::endl;
    return lipen::exit_bad_input;
  }
  catch (const lipen::OutputError &e)
  {
    if (root)
      std::cerr << "lipen: error: " << e.what() << std::endl;
    return lipen::exit_failed;
  }
  catch (const dealii::ExceptionBase &e)
  {
    if (root)
      std::cerr << "lipen: error: " << lipen::deal_ii_message(e) << std::endl;
    return lipen::exit_bad_input;
  }
  catch (const std::exception &e)
  {
    std::cerr << "lipen: internal error on rank "
              << dealii::Utilities::MPI::this_mpi_process(comm) << ": "
              << e.what() << std::endl;
    MPI_Abort(comm, lipen::exit_internal);
  }
  return 0;
}
