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
    "overpotential versus defect size (see README.md).\n"
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
    "  --help              this text\n"
    "\n"
    "Run in parallel with: mpirun -np N lipen FILE.prm\n"
    "PETSc options for the elasticity solver take the prefix\n"
    "-lipen_elasticity_ (e.g. -lipen_elasticity_ksp_monitor).\n"
    "Exit status: 0 success, 2 invalid input or solver failure (message on\n"
    "stderr names the parameter to change).\n";

  /// The message of a deal.II exception without the source location.
  std::string
  deal_ii_message(const dealii::ExceptionBase &e)
  {
    std::ostringstream out;
    e.print_info(out);
    std::string s = out.str(), collapsed;
    for (const char ch : s)
      if (!(ch == ' ' && !collapsed.empty() && collapsed.back() == ' '))
        collapsed += (ch == '\n' ? ' ' : ch);
    while (!collapsed.empty() && collapsed.front() == ' ')
      collapsed.erase(0, 1);
    return collapsed;
  }

  void
  apply_set(dealii::ParameterHandler &prm, const std::string &assignment)
  {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos)
      throw lipen::InputError("--set '" + assignment +
                              "': expected 'Subsection/Entry=value'");
    std::string              path  = assignment.substr(0, eq);
    const std::string        value = assignment.substr(eq + 1);
    std::vector<std::string> parts;
    std::size_t              start = 0, slash;
    while ((slash = path.find('/', start)) != std::string::npos)
    {
      parts.push_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    parts.push_back(path.substr(start));
    const auto trim = [](std::string s)
    {
      while (!s.empty() && s.front() == ' ')
        s.erase(0, 1);
      while (!s.empty() && s.back() == ' ')
        s.pop_back();
      return s;
    };
    unsigned int depth = 0;
    try
    {
      for (std::size_t i = 0; i + 1 < parts.size(); ++i)
      {
        prm.enter_subsection(trim(parts[i]));
        ++depth;
      }
      prm.set(trim(parts.back()), trim(value));
    }
    catch (const dealii::ExceptionBase &e)
    {
      for (; depth > 0; --depth)
        prm.leave_subsection();
      throw lipen::InputError("--set '" + assignment +
                              "': " + deal_ii_message(e) +
                              " (run 'lipen --print-parameters' for the "
                              "list of entries)");
    }
    for (; depth > 0; --depth)
      prm.leave_subsection();
  }
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
    std::string              file;
    std::vector<std::string> sets;
    bool                     print_parameters = false;
    bool                     dry_run          = false;
    for (int i = 1; i < argc; ++i)
    {
      const std::string arg = argv[i];
      if (is_help_option(argv[i]))
      {
        pcout << usage_text;
        return 0;
      }
      else if (arg == print_parameters_option)
        print_parameters = true;
      else if (arg == dry_run_option)
        dry_run = true;
      else if (arg == "--set")
      {
        if (i + 1 >= argc)
          throw lipen::InputError(
            "--set needs an argument 'Subsection/Entry=value'");
        sets.emplace_back(argv[++i]);
      }
      else if (arg.rfind("--set=", 0) == 0)
        sets.push_back(arg.substr(6));
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
      else if (file.empty())
        file = arg;
      else
        throw lipen::InputError("more than one parameter file given ('" + file +
                                "' and '" + arg + "')");
    }

    dealii::ParameterHandler prm;
    lipen::RunParameters::declare_parameters(prm);
    if (!file.empty())
    {
      if (!std::filesystem::is_regular_file(file))
        throw lipen::InputError("parameter file '" + file +
                                "' not found or not a regular file");
      try
      {
        prm.parse_input(file);
      }
      catch (const dealii::ExceptionBase &e)
      {
        throw lipen::InputError("in parameter file '" + file +
                                "': " + deal_ii_message(e));
      }
    }
    for (const auto &s : sets)
      apply_set(prm, s);

    if (print_parameters)
    {
      if (root)
        prm.print_parameters(std::cout,
                             dealii::ParameterHandler::OutputStyle::PRM);
      return 0;
    }

    lipen::RunParameters parameters;
    parameters.parse_parameters(prm);
    if (dry_run)
    {
      pcout << "lipen: parameters are valid ("
            << (file.empty() ? std::string("built-in defaults") : file) << ")"
            << std::endl;
      return 0;
    }
    lipen::run_study(parameters, comm, pcout);
  }
  catch (const lipen::InputError &e)
  {
    if (root)
      std::cerr << "lipen: error: " << e.what() << std::endl;
    return 2;
  }
  catch (const dealii::ExceptionBase &e)
  {
    if (root)
      std::cerr << "lipen: error: " << deal_ii_message(e) << std::endl;
    return 2;
  }
  catch (const std::exception &e)
  {
    std::cerr << "lipen: internal error on rank "
              << dealii::Utilities::MPI::this_mpi_process(comm) << ": "
              << e.what() << std::endl;
    MPI_Abort(comm, 3);
  }
  return 0;
}
