#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/base/memory.h>
#include <lipen/base/parameter_file.h>
#include <lipen/base/selection.h>
#include <lipen/base/version.h>
#include <lipen/output/atomic_file.h>
#include <lipen/simulator/run_parameters.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace lipen
{
  namespace
  {
    const std::pair<StudyType, const char *> study_type_names[] = {
      {StudyType::single, "single"},
      {StudyType::defect_size, "defect size"},
      {StudyType::phase_field, "phase field"},
      {StudyType::penetration, "penetration"},
      {StudyType::sweep, "sweep"}};
    const std::pair<StudyModel, const char *> study_model_names[] = {
      {StudyModel::sharp_crack, "sharp crack"},
      {StudyModel::phase_field, "phase field"},
      {StudyModel::penetration, "penetration"}};
  } // namespace

  std::string
  to_string(const StudyType type)
  {
    return selection_name(type, study_type_names);
  }

  std::string
  to_string(const StudyModel model)
  {
    return selection_name(model, study_model_names);
  }

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
                      "independent check of the J-integral. It is not "
                      "reported (null) when the two energies differ by less "
                      "than 1e-8 of their size, which a stack pressure far "
                      "above the crack load causes.");
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
  OutputParameters::check_writable() const
  {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path        p = fs::absolute(directory, ec);
    // the nearest existing ancestor must be a writable directory
    while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path())
      p = p.parent_path();
    require(fs::is_directory(p, ec) && ::access(p.c_str(), W_OK | X_OK) == 0,
            "Output/Directory",
            "cannot write to '" + directory + "' ('" + p.string() +
              "' is not a writable directory): choose a writable directory");
  }

  std::string
  OutputParameters::parameter_file_text() const
  {
    return std::string("# lipen ") + LIPEN_VERSION +
           ": every parameter of the run that wrote the summary.json beside "
           "this file;\n# repeat it with: mpirun -np N lipen " +
           directory + "/parameters.prm\n#\n" + effective_parameters;
  }

  void
  OutputParameters::write_parameter_file() const
  {
    write_file_atomically(directory + "/parameters.prm", parameter_file_text());
  }

  void
  StudyParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Study");
    prm.declare_entry("Type",
                      "defect size",
                      Patterns::Selection(
                        "single|defect size|phase field|penetration|sweep"),
                      "'single': one defect (Geometry/Defect size, Material). "
                      "'defect size': sweep defect sizes and materials and "
                      "compute Y(c), sigma0_max(c) and |eta_c|(c). "
                      "'phase field': grow the crack from the defect by "
                      "phase-field fracture (subsection Phase field). "
                      "'penetration': Li penetration, the phase-field crack "
                      "filled with plated Li that pressurises it (phase "
                      "field with Phase field/Loading = plating and "
                      "Electrochemistry/Enabled = true implied). "
                      "'sweep': run Study/Model for every case of Study/Vary, "
                      "each in its own folder case-NNN, gathered in "
                      "study.csv; a rerun skips finished cases.");
    prm.declare_entry("Model",
                      "sharp crack",
                      Patterns::Selection(
                        "sharp crack|phase field|penetration"),
                      "What each case of a sweep runs: 'sharp crack' (the "
                      "single-defect LEFM analysis, with the "
                      "electrochemistry if enabled), 'phase field' or "
                      "'penetration' (as Study/Type).");
    prm.declare_entry("Vary",
                      "",
                      Patterns::Anything(),
                      "Cases of a sweep: axes separated by ';', each "
                      "'Subsection/Entry = values' with values a list 'a, b, "
                      "c', 'log(min, max, n)' or 'lin(min, max, n)'; the "
                      "cases are all combinations (the last axis varies "
                      "fastest). Example: 'Geometry/Defect size = log(1e-6, "
                      "1e-4, 5); Material/Electrolyte = lps_glass, llzo'.");
    prm.declare_entry("Cases",
                      "all",
                      Patterns::Anything(),
                      "Sweeps: the cases this run computes, 'all' or case "
                      "numbers and ranges (from 0) such as '0-3, 7'. With a "
                      "subset the run writes only those case-NNN folders and "
                      "not the study's study.csv and summary.json, so that "
                      "several runs (a Slurm job array, "
                      "scripts/slurm/submit_sweep.sh) can share the study "
                      "folder; a last run with 'all' gathers them (it skips "
                      "the finished cases).");
    prm.declare_entry("Defect sizes",
                      "",
                      Patterns::List(Patterns::Double(1e-9, 1e3), 0),
                      "Explicit list of defect sizes c [m]; if empty, "
                      "'Number of defect sizes' log-spaced values from "
                      "'Minimum defect size' to 'Maximum defect size'.");
    prm.declare_entry("Minimum defect size",
                      "1e-7",
                      Patterns::Double(1e-9, 1e3),
                      "Smallest defect size of the log-spaced list [m].");
    prm.declare_entry("Maximum defect size",
                      "1e-4",
                      Patterns::Double(1e-9, 1e3),
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
    type  = parse_selection(prm.get("Type"), study_type_names, "Study/Type");
    model = parse_selection(prm.get("Model"), study_model_names, "Study/Model");
    vary  = prm.get("Vary");
    cases = prm.get("Cases");
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

  std::vector<bool>
  StudyParameters::selected_cases(const std::size_t n) const
  {
    const std::string text = Utilities::trim(cases);
    if (text == "all")
      return std::vector<bool>(n, true);
    std::vector<bool> selected(n, false);
    const auto        number = [&](const std::string &s) -> std::size_t
    {
      const std::string t = Utilities::trim(s);
      require(!t.empty() &&
                t.find_first_not_of("0123456789") == std::string::npos &&
                t.size() < 10,
              "Study/Cases",
              "'" + cases +
                "' is not 'all' or a list of case numbers and ranges "
                "such as '0-3, 7'");
      const std::size_t k = std::stoul(t);
      require(k < n,
              "Study/Cases",
              "case " + t + " does not exist: the sweep has " +
                std::to_string(n) + " cases, 0 to " + std::to_string(n - 1));
      return k;
    };
    require(!text.empty(),
            "Study/Cases",
            "is empty: give 'all' or case numbers such as '0-3, 7'");
    for (const auto &item : Utilities::split_string_list(text))
    {
      const auto dash  = item.find('-');
      const auto first = number(item.substr(0, dash));
      const auto last =
        dash == std::string::npos ? first : number(item.substr(dash + 1));
      require(first <= last,
              "Study/Cases",
              "range '" + item + "' runs backwards");
      for (std::size_t k = first; k <= last; ++k)
        selected[k] = true;
    }
    return selected;
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
    CheckpointParameters::declare_parameters(prm);
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
    checkpoint.parse_parameters(prm);
    geometry.validate(dimension());
    check_stack_pressure();
    if (study.type == StudyType::penetration)
    {
      // the penetration run plates Li into the crack: the loading and the
      // ionic potential are implied (Loading's default 'pressure' gives way)
      require(phase_field.loading != Loading::volume,
              "Phase field/Loading",
              "Study/Type = penetration plates the Li into the crack: leave "
              "Loading at its default or set it to plating");
      phase_field.loading      = Loading::plating;
      electrochemistry.enabled = true;
    }
    phase_field.allow_negative_pressure = loads.allow_negative_pressure;
    if (study.time_dependent())
    {
      phase_field.resolve_relative_to_defect(geometry.defect_size);
      phase_field.resolved_length_scale(); // validates the entries
      check_phase_field_mesh();
      phase_field.load_function();
      check_plating();
    }
    // the plating entries outside a time-dependent run (which checks them
    // in check_plating())
    const bool plating_cases =
      study.time_dependent() || (study.type == StudyType::sweep &&
                                 study.model != StudyModel::sharp_crack);
    require(plating_cases || electrochemistry.current_schedule.empty(),
            "Electrochemistry/Current density schedule",
            "applies to galvanostatic plating runs (Study/Type = "
            "penetration) only; leave it empty");
    require(plating_cases || electrochemistry.mouth_conductance == 0,
            "Electrochemistry/Mouth conductance",
            "applies to penetration runs only (the sharp-crack analogue is "
            "Li pressure closure = flowing); set it to 0");
    if (electrochemistry.enabled)
    {
      require(at_li_electrode(geometry.defect),
              "Electrochemistry/Enabled",
              "needs a defect at the Li electrode (Geometry/Defect type = "
              "edge slit, blunt notch or semicircular surface flaw)");
      require(electrochemistry.closure != LiClosure::flowing ||
                geometry.defect == DefectType::edge_slit,
              "Electrochemistry/Li pressure closure",
              "'flowing' is implemented for the 2D edge slit only");
    }
    if (study.type == StudyType::sweep)
    {
      const auto axes = parse_sweep(study.vary);
      require(!axes.empty(),
              "Study/Vary",
              "a sweep needs at least one axis 'Subsection/Entry = values'");
      std::size_t n_cases = 1;
      for (const auto &axis : axes)
        n_cases *= axis.values.size();
      study.selected_cases(n_cases); // validates Study/Cases
      for (const auto &axis : axes)
      {
        require(axis.entry.rfind("Study/", 0) != 0 &&
                  axis.entry.rfind("Output/", 0) != 0,
                "Study/Vary",
                "'" + axis.entry +
                  "' cannot be varied (the study and its output directory "
                  "are set by the sweep)");
        // the entry must exist and take the values (checked on a copy of
        // the declarations)
        ParameterHandler check;
        declare_parameters(check);
        for (const auto &value : axis.values)
          try
          {
            apply_override(check, axis.entry + "=" + value);
          }
          catch (const InputError &e)
          {
            throw InputError("parameter 'Study/Vary': " +
                             std::string(e.what()));
          }
      }
    }
    require(study.type == StudyType::sweep ||
              Utilities::trim(study.cases) == "all",
            "Study/Cases",
            "selects cases of a sweep (Study/Type = sweep); remove it");
    if (study.type == StudyType::defect_size)
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

  void
  RunParameters::check_plating() const
  {
    const bool plating = phase_field.loading == Loading::plating;
    require(plating || !electrochemistry.enabled,
            "Electrochemistry/Enabled",
            "couples the ionic potential only with 'Phase field/Loading = "
            "plating'; set it to false to prescribe the Li pressure or "
            "volume");
    require(!plating || electrochemistry.enabled,
            "Phase field/Loading",
            "'plating' needs the ionic potential: set "
            "Electrochemistry/Enabled = true");
    require(!plating ||
              (geometry.defect == DefectType::edge_slit ||
               geometry.defect == DefectType::semicircular_surface_flaw),
            "Phase field/Loading",
            "'plating' needs a slit-like defect at the Li electrode "
            "(Geometry/Defect type = edge slit or semicircular surface "
            "flaw)");
    require(!plating || phase_field.initial_crack == InitialCrack::damage_band,
            "Phase field/Initial crack",
            "'plating' needs the Li body as damage: use 'damage band'");
    // with plating the Li volume is measured from the stack-loaded state
    // of the same damage (PhaseFieldFracture::volume_reference), which
    // would also take away the opening of a far-field tension
    require(!plating || loads.stack_pressure == 0 ||
              loads.far_field_stress == 0,
            "Loads/Far-field stress",
            "cannot be combined with a stack pressure in a plating run "
            "(the Li volume is measured from the crack's state under the "
            "stack pressure at zero Li pressure, which would hide the "
            "opening by the far field); set one of 'Loads/Far-field "
            "stress' and 'Loads/Stack pressure' to 0");
    require(electrochemistry.current_schedule.empty() ||
              (plating &&
               electrochemistry.operation == CellOperation::galvanostatic &&
               electrochemistry.current_schedule.back().first <
                 phase_field.end_time),
            "Electrochemistry/Current density schedule",
            "applies to galvanostatic plating runs (Study/Type = "
            "penetration, Operation = galvanostatic), with every start "
            "time before Phase field/End time; leave it empty otherwise");
    require(plating || electrochemistry.mouth_conductance == 0,
            "Electrochemistry/Mouth conductance",
            "applies to plating runs (Study/Type = penetration) only; set "
            "it to 0");
    require(!plating || electrochemistry.closure == LiClosure::sealed,
            "Electrochemistry/Li pressure closure",
            "'plating' is implemented for the sealed closure (one Li "
            "pressure from V_crack = V_Li); set it to sealed");
    require(!(phase_field.initial_crack == InitialCrack::damage_band &&
              geometry.defect == DefectType::blunt_notch),
            "Phase field/Initial crack",
            "'damage band' needs a slit-like defect; use 'notch' with the "
            "blunt notch");
  }

  void
  RunParameters::check_stack_pressure() const
  {
    require(!(geometry.defect == DefectType::semicircular_surface_flaw &&
              loads.stack_pressure != 0),
            "Loads/Stack pressure",
            "is not supported for the 3D semicircular surface flaw model "
            "(no counter electrode face); set it to 0");
  }

  void
  RunParameters::check_phase_field_mesh() const
  {
    const unsigned int dim = dimension();
    const std::string &pre = phase_field.initial_damage;
    require(pre == "0" ||
              phase_field.initial_crack == InitialCrack::damage_band,
            "Phase field/Initial damage",
            "needs Initial crack = damage band; set it to 0");
    require(pre.find("rand") == std::string::npos,
            "Phase field/Initial damage",
            "'" + quote_for_message(pre) +
              "' uses a random number (different on every rank and every "
              "run): give a deterministic expression");
    require((dim == 2 ? parse_function_of_space<2>(pre) != nullptr :
                        parse_function_of_space<3>(pre) != nullptr),
            "Phase field/Initial damage",
            "cannot evaluate '" + quote_for_message(pre) +
              "' as a function of " + (dim == 2 ? "x, y" : "x, y, z") +
              " (at the origin)");
    const double      l    = phase_field.resolved_length_scale();
    const double      h_pz = phase_field.resolved_process_zone_h();
    const std::string entry =
      phase_field.length_per_defect > 0 ?
        "Phase field/Length scale per defect size" :
        (phase_field.length_scale > 0 ? "Phase field/Length scale" :
                                        "Phase field/Process zone cell size");
    const double slab = std::min(geometry.width, geometry.height);
    require(l <= 0.25 * slab,
            entry,
            "l = " + JsonObject::number(l) +
              " m does not fit in the slab (at most min(Width, Height)/4 = " +
              JsonObject::number(0.25 * slab) + " m)");
    const double levels = std::log2(geometry.coarse_cell_size() / h_pz);
    require(levels <= max_refinement_levels(dim),
            entry,
            "the process zone cells (h = " + JsonObject::number(h_pz) +
              " m) would need " + JsonObject::number(std::ceil(levels)) +
              " refinement levels below the coarse cells; the mesh library "
              "allows " +
              std::to_string(max_refinement_levels(dim)) +
              ": choose a larger length scale");
    // the refined band (width ~10 l at h_pz) about the crack at the
    // start, or at its final size if one is given (a crack that grows
    // further refines more as it grows)
    const double a         = std::max({geometry.defect_size,
                                       phase_field.final_crack_size,
                                       phase_field.final_tip_distance});
    const double cells     = dim == 2 ? a * 10. * l / (h_pz * h_pz) :
                                        a * a * 10. * l / (h_pz * h_pz * h_pz);
    const double bytes     = cells * (dim == 2 ? 1e4 : 1e5);
    const double available = job_memory_bytes();
    require(available <= 0 || bytes <= 2. * available,
            entry,
            "the crack's process zone would need about " +
              JsonObject::number(cells) +
              " cells at h = " + JsonObject::number(h_pz) + " m (about " +
              JsonObject::number(bytes / 1e9) +
              " GB), more than twice the memory of this job (" +
              JsonObject::number(available / 1e9) +
              " GB): choose a larger length scale or run on more nodes");
  }

  JsonObject
  RunParameters::summary_header(MPI_Comm comm) const
  {
    JsonObject g;
    g.add("defect", to_string(geometry.defect))
      .add("defect_size_m", geometry.defect_size)
      .add("width_m", geometry.width)
      .add("height_m", geometry.height);
    if (dimension() == 3)
      g.add("depth_m", geometry.depth)
        .add("flaw_aspect_ratio", geometry.aspect_ratio);
    g.add("tip_refinement", geometry.tip_refinement)
      .add("grading", geometry.grading);
    JsonObject h;
    h.add("program", "lipen")
      .add("version", LIPEN_VERSION)
      .add("git_revision", git_revision())
      .add("build_type", LIPEN_BUILD_TYPE)
      .add("mpi_ranks", int(Utilities::MPI::n_mpi_processes(comm)))
      .add("dimension", int(dimension()))
      .add("study", to_string(study.type))
      .add("geometry", g)
      .add("material", electrolyte.key)
      .add("molar_volume_m3_per_mol", lithium.molar_volume());
    return h;
  }

  unsigned int
  RunParameters::dimension() const
  {
    return dimension_of(geometry.defect);
  }
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
    // a value its pattern accepts but strtod does not (a subnormal such as
    // 1e-308 underflows): name the entry as every other refusal does
    const std::string head  = "Can't convert the parameter value <";
    const auto        entry = collapsed.find("> for entry <");
    if (collapsed.rfind(head, 0) == 0 && entry != std::string::npos)
    {
      const auto close = collapsed.find('>', entry + 13);
      return "parameter '" + collapsed.substr(entry + 13, close - entry - 13) +
             "': '" +
             quote_for_message(
               collapsed.substr(head.size(), entry - head.size())) +
             "' cannot be read as a number of normal size (a subnormal "
             "value such as 1e-308 underflows): use 0 or a magnitude above "
             "1e-300";
    }
    return collapsed;
  }

  void
  apply_override(dealii::ParameterHandler &prm, const std::string &assignment)
  {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos)
      throw InputError("--set '" + assignment +
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
      throw InputError("--set '" + assignment + "': " + deal_ii_message(e) +
                       " (run 'lipen --print-parameters' for the "
                       "list of entries)");
    }
    for (; depth > 0; --depth)
      prm.leave_subsection();
  }

  std::vector<SweepAxis>
  parse_sweep(const std::string &text)
  {
    const auto trim = [](const std::string &x)
    {
      const auto a = x.find_first_not_of(" \t\n");
      const auto b = x.find_last_not_of(" \t\n");
      return a == std::string::npos ? std::string() : x.substr(a, b - a + 1);
    };
    const auto fail = [](const std::string &what)
    {
      throw InputError("parameter 'Study/Vary': " + what);
    };
    std::vector<SweepAxis> axes;
    std::size_t            start = 0;
    while (start <= text.size())
    {
      std::size_t end = text.find(';', start);
      if (end == std::string::npos)
        end = text.size();
      const std::string part = trim(text.substr(start, end - start));
      start                  = end + 1;
      if (part.empty())
        continue;
      const auto eq = part.find('=');
      if (eq == std::string::npos)
        fail("'" + part + "' is not 'Subsection/Entry = values'");
      SweepAxis axis;
      axis.entry              = trim(part.substr(0, eq));
      const std::string value = trim(part.substr(eq + 1));
      if (axis.entry.find('/') == std::string::npos)
        fail("'" + axis.entry + "' needs its subsection ('Subsection/Entry')");
      for (const auto &a : axes)
        if (a.entry == axis.entry)
          fail("'" + axis.entry + "' is varied twice");
      const bool log = value.rfind("log(", 0) == 0;
      const bool lin = value.rfind("lin(", 0) == 0;
      if (log || lin)
      {
        if (value.back() != ')')
          fail("'" + value + "' misses its closing ')'");
        const auto args =
          Utilities::split_string_list(value.substr(4, value.size() - 5));
        double       lo = 0, hi = 0;
        unsigned int n = 0;
        try
        {
          if (args.size() != 3)
            throw std::invalid_argument("three arguments");
          lo = std::stod(args[0]);
          hi = std::stod(args[1]);
          n  = std::stoul(args[2]);
        }
        catch (const std::exception &)
        {
          fail("'" + value + "': expected " + (log ? "log" : "lin") +
               "(min, max, n) with numbers min, max and a count n");
        }
        if (!(n >= 1 && n <= 10000 && std::isfinite(lo) && std::isfinite(hi) &&
              (!log || (lo > 0 && hi > 0))))
          fail("'" + value + "': need 1 <= n <= 10000, finite bounds" +
               (log ? std::string(", both positive") : std::string()));
        for (unsigned int k = 0; k < n; ++k)
        {
          const double f = n == 1 ? 0. : double(k) / (n - 1);
          const double x = log ? lo * std::pow(hi / lo, f) : lo + (hi - lo) * f;
          std::ostringstream o;
          o << std::setprecision(12) << x;
          axis.values.push_back(o.str());
        }
      }
      else
        axis.values = Utilities::split_string_list(value);
      if (axis.values.empty())
        fail("'" + axis.entry + "' has no values");
      axes.push_back(axis);
    }
    return axes;
  }
} // namespace lipen
