#include <lipen/base/exceptions.h>
#include <lipen/simulator/run_parameters.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  void
  FractureParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Fracture");
    prm.declare_entry("J-integral radii",
                      "0.25, 0.5, 0.75",
                      Patterns::List(Patterns::Double(0.01, 0.99), 1),
                      "Outer radii of the J-integral domains as fractions of "
                      "c (q = 1 inside half the radius). The middle one gives "
                      "the reported J; the spread checks path independence.");
    prm.declare_entry("Energy release method",
                      "true",
                      Patterns::Bool(),
                      "Also compute G from two crack lengths (mesh moved by "
                      "+-delta at the front, two extra solves) as an "
                      "independent check of the J-integral.");
    prm.declare_entry("Energy perturbation",
                      "0.01",
                      Patterns::Double(1e-6, 0.2),
                      "Front advance delta of the energy method as a fraction "
                      "of the tip cell size.");
    prm.declare_entry("Front segments",
                      "7",
                      Patterns::Integer(2, 64),
                      "3D: number of points along the front at which K_I is "
                      "reported (hat-weighted domain integrals).");
    prm.leave_subsection();
  }

  void
  FractureParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Fracture");
    j_radii.clear();
    for (const auto &s :
         Utilities::split_string_list(prm.get("J-integral radii")))
      j_radii.push_back(Utilities::string_to_double(s));
    energy_method       = prm.get_bool("Energy release method");
    energy_perturbation = prm.get_double("Energy perturbation");
    front_segments      = prm.get_integer("Front segments");
    prm.leave_subsection();
  }

  void
  OutputParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    prm.declare_entry("Directory",
                      "lipen-output",
                      Patterns::FileName(),
                      "Directory for summary.json, statistics.csv, study "
                      "tables and ParaView files (created if missing).");
    prm.declare_entry("Write solution",
                      "true",
                      Patterns::Bool(),
                      "Write PVTU files (one per case/step) and solution.pvd.");
    prm.leave_subsection();
  }

  void
  OutputParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    directory      = prm.get("Directory");
    write_solution = prm.get_bool("Write solution");
    prm.leave_subsection();
    require(!directory.empty(), "Output/Directory", "must not be empty");
    std::ostringstream out;
    prm.print_parameters(out, ParameterHandler::OutputStyle::ShortPRM);
    effective_parameters = out.str();
  }

  void
  OutputParameters::create_directory(MPI_Comm comm) const
  {
    std::string error;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
    {
      std::error_code ec;
      std::filesystem::create_directories(directory, ec);
      const std::string probe =
        directory + "/.lipen-write-test-" + std::to_string(::getpid());
      if (ec || !std::ofstream(probe))
        error = "cannot write to '" + directory + "'" +
                (ec ? " (" + ec.message() + ")" : std::string()) +
                ": choose a writable directory";
      std::filesystem::remove(probe, ec);
    }
    // the other ranks wait here until rank 0 has created the directory
    error = Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw InputError("Output/Directory: " + error);
  }

  void
  OutputParameters::write_parameter_file() const
  {
    const std::string file = directory + "/parameters.prm";
    std::ofstream(file)
      << "# lipen " << LIPEN_VERSION
      << ": every parameter of the run that wrote the summary.json beside "
         "this file;\n# repeat it with: mpirun -np N lipen "
      << file << "\n#\n"
      << effective_parameters;
  }

  void
  StudyParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Study");
    prm.declare_entry("Type",
                      "defect size",
                      Patterns::Selection("single|defect size|phase field"),
                      "'single': one defect (Geometry/Defect size, Material). "
                      "'defect size': sweep defect sizes and materials and "
                      "compute Y(c), sigma0_max(c) and |eta_c|(c). "
                      "'phase field': grow the crack from the defect by "
                      "phase-field fracture (subsection Phase field).");
    prm.declare_entry("Defect sizes",
                      "",
                      Patterns::List(Patterns::Double(0.), 0),
                      "Explicit list of defect sizes c [m]; if empty, "
                      "'Number of defect sizes' log-spaced values from "
                      "'Minimum defect size' to 'Maximum defect size'.");
    prm.declare_entry("Minimum defect size",
                      "1e-7",
                      Patterns::Double(0.),
                      "Smallest defect size of the log-spaced list [m].");
    prm.declare_entry("Maximum defect size",
                      "1e-4",
                      Patterns::Double(0.),
                      "Largest defect size of the log-spaced list [m].");
    prm.declare_entry("Number of defect sizes",
                      "10",
                      Patterns::Integer(1, 1000),
                      "Number of log-spaced defect sizes.");
    prm.declare_entry("Materials",
                      "lps_glass, llzto_single_crystal",
                      Patterns::List(Patterns::Anything(), 1),
                      "Electrolytes of the study: preset keys, or the name "
                      "of the electrolyte defined in subsection Material "
                      "(which then carries its overrides).");
    prm.leave_subsection();
  }

  void
  StudyParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Study");
    type = prm.get("Type");
    sizes.clear();
    for (const auto &s : Utilities::split_string_list(prm.get("Defect sizes")))
      sizes.push_back(Utilities::string_to_double(s));
    if (sizes.empty())
    {
      const double       cmin = prm.get_double("Minimum defect size");
      const double       cmax = prm.get_double("Maximum defect size");
      const unsigned int n    = prm.get_integer("Number of defect sizes");
      require(cmin > 0 && cmax >= cmin,
              "Study/Minimum defect size",
              "need 0 < Minimum defect size <= Maximum defect size");
      for (unsigned int i = 0; i < n; ++i)
        sizes.push_back(
          n == 1 ? cmin : cmin * std::pow(cmax / cmin, double(i) / (n - 1)));
    }
    materials = Utilities::split_string_list(prm.get("Materials"));
    prm.leave_subsection();
    for (const double c : sizes)
      require(c > 0,
              "Study/Defect sizes",
              "every defect size must be positive [m]");
  }

  void
  RunParameters::declare_parameters(ParameterHandler &prm)
  {
    GeometryParameters::declare_parameters(prm);
    materials::declare_parameters(prm);
    LoadParameters::declare_parameters(prm);
    ElasticityParameters::declare_parameters(prm);
    FractureParameters::declare_parameters(prm);
    OutputParameters::declare_parameters(prm);
    StudyParameters::declare_parameters(prm);
    ElectrochemistryParameters::declare_parameters(prm);
    PhaseFieldParameters::declare_parameters(prm);
  }

  void
  RunParameters::parse_parameters(ParameterHandler &prm)
  {
    geometry.parse_parameters(prm);
    electrolyte = materials::parse_electrolyte(prm);
    lithium     = materials::parse_lithium(prm);
    prm.enter_subsection("Material");
    temperature = prm.get_double("Temperature");
    prm.leave_subsection();
    loads.parse_parameters(prm);
    elasticity.parse_parameters(prm);
    fracture.parse_parameters(prm);
    output.parse_parameters(prm);
    study.parse_parameters(prm);
    electrochemistry.parse_parameters(prm);
    phase_field.parse_parameters(prm);
    geometry.validate(dimension());
    if (study.type == "phase field")
    {
      phase_field.resolved_length_scale(); // validates the entries
      phase_field.load_function();
      require(!electrochemistry.enabled,
              "Electrochemistry/Enabled",
              "the phase-field run does not couple the ionic potential yet; "
              "set it to false (the Li pressure or volume is prescribed in "
              "subsection Phase field)");
      require(!(phase_field.initial_crack == "damage band" &&
                geometry.defect == "blunt notch"),
              "Phase field/Initial crack",
              "'damage band' needs a slit-like defect; use 'notch' with the "
              "blunt notch");
    }
    if (electrochemistry.enabled)
    {
      require(geometry.surface_defect_2d() ||
                geometry.defect == "semicircular surface flaw",
              "Electrochemistry/Enabled",
              "needs a defect at the Li electrode (Geometry/Defect type = "
              "edge slit, blunt notch or semicircular surface flaw)");
      require(electrochemistry.closure != "flowing" ||
                geometry.defect == "edge slit",
              "Electrochemistry/Li pressure closure",
              "'flowing' is implemented for the 2D edge slit only");
    }
    if (study.type == "defect size")
    {
      for (const auto &name : study.materials)
        materials::resolve(name, electrolyte, "Study/Materials");
      for (const double c : study.sizes)
      {
        GeometryParameters g = geometry;
        g.defect_size        = c;
        try
        {
          g.validate(dimension());
        }
        catch (const InputError &e)
        {
          throw InputError(std::string(e.what()) +
                           " [from 'Study/Defect sizes' or the "
                           "minimum/maximum defect size]");
        }
      }
    }
  }

  unsigned int
  RunParameters::dimension() const
  {
    return (geometry.defect == "penny" ||
            geometry.defect == "semicircular surface flaw") ?
             3 :
             2;
  }
} // namespace lipen
