#include <lipen/base/exceptions.h>
#include <lipen/base/parameter_file.h>
#include <lipen/base/selection.h>
#include <lipen/physics/electrochemistry_parameters.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace lipen
{
  namespace
  {
    const std::pair<CellOperation, const char *> operation_names[] = {
      {CellOperation::galvanostatic, "galvanostatic"},
      {CellOperation::potentiostatic, "potentiostatic"},
      {CellOperation::electrode_overpotential, "electrode overpotential"}};
    const std::pair<LiClosure, const char *> closure_names[] = {
      {LiClosure::sealed, "sealed"},
      {LiClosure::prescribed, "prescribed"},
      {LiClosure::flowing, "flowing"}};
  } // namespace

  std::string
  to_string(const CellOperation operation)
  {
    return selection_name(operation, operation_names);
  }

  std::string
  to_string(const LiClosure closure)
  {
    return selection_name(closure, closure_names);
  }

  using namespace dealii;

  namespace
  {
    /// The Newton, coupling and linear-solver entries and the critical
    /// searches (inside subsection Electrochemistry).
    void
    declare_solver_entries(ParameterHandler &prm)
    {
      prm.declare_entry("Newton tolerance",
                        "1e-10",
                        Patterns::Double(1e-16, 1.),
                        "Newton converges when the largest potential update "
                        "(including Omega dp/F) is below this [V].");
      prm.declare_entry("Maximum Newton iterations",
                        "100",
                        Patterns::Integer(1, 10000),
                        "Newton iterations before the solve is declared "
                        "failed.");
      prm.declare_entry("Coupling tolerance",
                        "1e-6",
                        Patterns::Double(1e-16, 1.),
                        "Flowing closure: the fixed point p(s), w(s), i(s) is "
                        "converged when max |p_new - p| <= tolerance * "
                        "max |p - p_mouth| (and the Li flux balance holds).");
      prm.declare_entry("Maximum coupling iterations",
                        "300",
                        Patterns::Integer(1, 10000),
                        "Flowing closure: fixed-point iterations allowed.");
      prm.declare_entry("Linear solver tolerance",
                        "1e-10",
                        Patterns::Double(1e-16, 1e-1),
                        "Relative residual of the CG + BoomerAMG solves of "
                        "each Newton step.");
      prm.declare_entry(
        "Critical current search",
        "true",
        Patterns::Bool(),
        "Find the applied current density i_c at which the defect cracks "
        "(K_I = K_Ic) for the sealed closure and, in 2D, the flowing closure, "
        "by a bracketing TOMS 748 root search.");
      prm.declare_entry("Critical current tolerance",
                        "0.005",
                        Patterns::Double(1e-12, 0.5),
                        "Relative tolerance of i_c.");
      prm.declare_entry("Maximum current density",
                        "1e6",
                        Patterns::Double(0., 1e7),
                        "Upper end of the i_c search [A/m^2]; a defect that "
                        "does not crack below it is reported as an error.");
      prm.declare_entry("Flowing viscosities",
                        "",
                        Patterns::List(Patterns::Double(0., 1e20)),
                        "Li viscosities [Pa s] for which the flowing-closure "
                        "critical current is searched (empty: Li viscosity).");
    }
  } // namespace

  void
  ElectrochemistryParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Electrochemistry");
    prm.declare_entry(
      "Enabled",
      "false",
      Patterns::Bool(),
      "Solve the ionic potential with Butler-Volmer kinetics on every Li/"
      "electrolyte interface (defect faces, plating electrode, counter "
      "electrode), the Li pressure in the defect, and the critical current "
      "density. Needs a surface defect (edge slit, blunt notch, "
      "semicircular surface flaw).");
    prm.declare_entry(
      "Operation",
      "galvanostatic",
      Patterns::Selection("galvanostatic|potentiostatic|electrode "
                          "overpotential"),
      "How the cell is driven: galvanostatic (Applied current density "
      "given, the cell voltage is an unknown), potentiostatic (Cell voltage "
      "given) or electrode overpotential (the mean interface overpotential "
      "of the flat plating electrode is given, as in Porz et al. 2017).");
    prm.declare_entry("Applied current density",
                      "10",
                      Patterns::Double(0., 1e6),
                      "Mean current density i_app through the cell [A/m^2] "
                      "(10 A/m^2 = 1 mA/cm^2), plating at the defect "
                      "electrode. Galvanostatic operation.");
    prm.declare_entry(
      "Current density schedule",
      "",
      Patterns::Anything(),
      "Galvanostatic plating runs (Study/Type = penetration): a "
      "piecewise-constant mean current density as 'start time: current "
      "density' pairs separated by ';' [s: A/m^2], start times increasing "
      "from 0, e.g. '0: 5; 600: 20; 1200: 0' (0: a rest). The time steps "
      "end at every start time. Empty: Applied current density throughout; "
      "a schedule replaces it.");
    prm.declare_entry("Cell voltage",
                      "0.1",
                      Patterns::Double(0., 100.),
                      "Counter-electrode potential minus plating-electrode "
                      "potential [V]. Potentiostatic operation.");
    prm.declare_entry("Electrode overpotential",
                      "0.01",
                      Patterns::Double(0., 100.),
                      "Magnitude of the mean plating overpotential "
                      "phi_s - phi_e + Omega p_stack/F on the flat plating "
                      "electrode [V]. 'electrode overpotential' operation.");
    prm.declare_entry("Anodic transfer coefficient",
                      "0.5",
                      Patterns::Double(0., 1.),
                      "alpha_a in Butler-Volmer [-] (0 < alpha_a <= 1).");
    prm.declare_entry("Cathodic transfer coefficient",
                      "0.5",
                      Patterns::Double(0., 1.),
                      "alpha_c in Butler-Volmer [-] (0 < alpha_c <= 1).");
    prm.declare_entry(
      "Li pressure closure",
      "sealed",
      Patterns::Selection("sealed|prescribed|flowing"),
      "Pressure p of the Li in the defect (model.md 3.4). sealed: one "
      "pressure, set by zero net current into the defect (steady) or by the "
      "volume balance V_crack(p) = V_Li (Sealed transient = true); "
      "prescribed: p = Prescribed Li pressure; flowing (2D edge slit): Li "
      "extrudes to the mouth through the crack opening w(s), "
      "p(mouth) = Loads/Stack pressure.");
    prm.declare_entry(
      "Mouth conductance",
      "0",
      Patterns::Double(0., 1.),
      "Penetration runs (sealed closure): Li that creeps or flows out of the "
      "crack mouth onto the electrode, lumped as Q = G_m (p - p_s) (Q the "
      "Li volume leaving per second, p the Li pressure, p_s = Loads/Stack "
      "pressure, the pressure of the electrode's Li; Q < 0: the electrode's "
      "Li creeps in; a viscous plug of opening w, "
      "length L and viscosity mu gives G_m = w^3/(12 mu L) per unit "
      "thickness) [m^3/(Pa s); 2D: m^2/(Pa s), whole body]. 0: a sealed "
      "mouth.");
    prm.declare_entry("Prescribed Li pressure",
                      "0",
                      Patterns::Double(-1e11, 1e11),
                      "Li pressure in the defect for the prescribed closure "
                      "[Pa].");
    prm.declare_entry("Sealed transient",
                      "false",
                      Patterns::Bool(),
                      "Sealed closure: integrate the volume balance "
                      "C dp/dt = -(Omega/F) I_defect in time (implicit Euler, "
                      "C the elastic crack compliance) from p = stack "
                      "pressure, instead of the steady state I_defect = 0.");
    prm.declare_entry("End time",
                      "1",
                      Patterns::Double(0., 1e9),
                      "Sealed transient: end time [s].");
    prm.declare_entry("Time steps",
                      "50",
                      Patterns::Integer(1, 1000000),
                      "Sealed transient: number of time steps; steps grow "
                      "geometrically (ratio 1.2) from t = 0.");
    prm.declare_entry("Li flow law",
                      "newtonian",
                      Patterns::Selection("newtonian|power law"),
                      "Flowing closure: Li as a Newtonian fluid (flux "
                      "q = w^3/(12 mu) dp/ds) or a power-law creeping solid "
                      "(shear rate = rate_ref (tau/tau_ref)^m).");
    prm.declare_entry("Li viscosity",
                      "1e9",
                      Patterns::Double(0., 1e20),
                      "Newtonian viscosity mu of Li in the crack [Pa s].");
    prm.declare_entry("Li creep exponent",
                      "6.6",
                      Patterns::Double(1., 20.),
                      "Power-law exponent m [-] (lithium.csv: 6.6).");
    prm.declare_entry("Li creep reference stress",
                      "0.8e6",
                      Patterns::Double(0., 1e11),
                      "Power law: shear stress tau_ref at the reference "
                      "shear rate [Pa] (default: Li yield stress).");
    prm.declare_entry("Li creep reference rate",
                      "1e-3",
                      Patterns::Double(0., 1e12),
                      "Power law: reference shear rate [1/s].");
    declare_solver_entries(prm);
    prm.leave_subsection();
  }

  namespace
  {
    /// 'start: value; start: value', checked: start times increasing from
    /// 0, values in [0, 1e6] A/m^2 and not all 0, at most 1000 segments.
    std::vector<std::pair<double, double>>
    parse_current_schedule(const std::string &text)
    {
      const std::string entry = "Electrochemistry/Current density schedule";
      std::vector<std::pair<double, double>> schedule;
      if (Utilities::trim(text).empty())
        return schedule;
      const auto number = [&](const std::string &s, const char *what)
      {
        const std::string t    = Utilities::trim(s);
        std::size_t       used = 0;
        double            v    = 0;
        try
        {
          v = std::stod(t, &used);
        }
        catch (const std::exception &)
        {
          used = 0;
        }
        require(!t.empty() && used == t.size() && std::isfinite(v),
                entry,
                std::string("the ") + what + " '" + quote_for_message(t) +
                  "' is not a finite number; write 'start time: current "
                  "density' pairs separated by ';', e.g. '0: 5; 600: 20'");
        return v;
      };
      for (const auto &segment : Utilities::split_string_list(text, ';'))
      {
        const auto colon = segment.find(':');
        require(colon != std::string::npos,
                entry,
                "'" + quote_for_message(segment) +
                  "' is not 'start time: current density'; e.g. '0: 5; "
                  "600: 20'");
        const double t = number(segment.substr(0, colon), "start time");
        const double i = number(segment.substr(colon + 1), "current density");
        require(schedule.empty() ? t == 0 : t > schedule.back().first,
                entry,
                schedule.empty() ? "the first segment must start at time 0" :
                                   "start times must increase (" +
                                     quote_for_message(segment) + ")");
        require(t <= 1e9, entry, "start times must be <= 1e9 s");
        require(i >= 0 && i <= 1e6,
                entry,
                "current densities must lie in [0, 1e6] A/m^2 (magnitudes "
                "that plate at the defect electrode; 0 is a rest)");
        schedule.emplace_back(t, i);
      }
      require(schedule.size() <= 1000, entry, "at most 1000 segments");
      require(std::any_of(schedule.begin(),
                          schedule.end(),
                          [](const auto &s)
                          {
                            return s.second > 0;
                          }),
              entry,
              "needs a positive current density in at least one segment");
      return schedule;
    }
  } // namespace

  double
  ElectrochemistryParameters::current_density_at(const double t) const
  {
    if (current_schedule.empty())
      return applied_current_density;
    double i = current_schedule.front().second;
    for (const auto &[start, value] : current_schedule)
      if (start <= t)
        i = value;
    return i;
  }

  double
  ElectrochemistryParameters::next_current_change(const double t) const
  {
    for (const auto &segment : current_schedule)
      if (segment.first > t + 1e-12 * std::max(1., std::abs(t)))
        return segment.first;
    return std::numeric_limits<double>::infinity();
  }

  void
  ElectrochemistryParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Electrochemistry");
    enabled                 = prm.get_bool("Enabled");
    operation               = parse_selection(prm.get("Operation"),
                                operation_names,
                                "Electrochemistry/Operation");
    applied_current_density = prm.get_double("Applied current density");
    current_schedule =
      parse_current_schedule(prm.get("Current density schedule"));
    cell_voltage            = prm.get_double("Cell voltage");
    electrode_overpotential = prm.get_double("Electrode overpotential");
    alpha_anodic            = prm.get_double("Anodic transfer coefficient");
    alpha_cathodic          = prm.get_double("Cathodic transfer coefficient");
    closure                 = parse_selection(prm.get("Li pressure closure"),
                              closure_names,
                              "Electrochemistry/Li pressure closure");
    prescribed_pressure     = prm.get_double("Prescribed Li pressure");
    mouth_conductance       = prm.get_double("Mouth conductance");
    transient               = prm.get_bool("Sealed transient");
    end_time                = prm.get_double("End time");
    time_steps              = prm.get_integer("Time steps");
    flow_law                = flow_law_from_string(prm.get("Li flow law"));
    li_viscosity            = prm.get_double("Li viscosity");
    creep_exponent          = prm.get_double("Li creep exponent");
    creep_reference_stress  = prm.get_double("Li creep reference stress");
    creep_reference_rate    = prm.get_double("Li creep reference rate");
    newton_tolerance        = prm.get_double("Newton tolerance");
    max_newton_iterations   = prm.get_integer("Maximum Newton iterations");
    coupling_tolerance      = prm.get_double("Coupling tolerance");
    max_coupling_iterations = prm.get_integer("Maximum coupling iterations");
    linear_tolerance        = prm.get_double("Linear solver tolerance");
    critical_current_search = prm.get_bool("Critical current search");
    critical_current_tolerance = prm.get_double("Critical current tolerance");
    maximum_current_density    = prm.get_double("Maximum current density");
    flowing_viscosities        = Utilities::string_to_double(
      Utilities::split_string_list(prm.get("Flowing viscosities")));
    prm.leave_subsection();

    const std::string s = "Electrochemistry/";
    require(alpha_anodic > 0 && alpha_anodic <= 1,
            s + "Anodic transfer coefficient",
            "must lie in (0, 1]");
    require(alpha_cathodic > 0 && alpha_cathodic <= 1,
            s + "Cathodic transfer coefficient",
            "must lie in (0, 1]");
    require(li_viscosity > 0, s + "Li viscosity", "must be positive [Pa s]");
    for (const double mu : flowing_viscosities)
      require(mu > 0, s + "Flowing viscosities", "must be positive [Pa s]");
    require(creep_reference_stress > 0,
            s + "Li creep reference stress",
            "must be positive [Pa]");
    require(creep_reference_rate > 0,
            s + "Li creep reference rate",
            "must be positive [1/s]");
    require(newton_tolerance > 0,
            s + "Newton tolerance",
            "must be positive [V], e.g. 1e-10");
    require(coupling_tolerance > 0 && coupling_tolerance < 1,
            s + "Coupling tolerance",
            "must lie in (0, 1), e.g. 1e-6");
    require(linear_tolerance > 0 && linear_tolerance < 1,
            s + "Linear solver tolerance",
            "must lie in (0, 1), e.g. 1e-10");
    require(critical_current_tolerance > 0 && critical_current_tolerance < 0.5,
            s + "Critical current tolerance",
            "must lie in (0, 0.5), e.g. 0.005");
    require(maximum_current_density > 0,
            s + "Maximum current density",
            "must be positive [A/m^2]");
    require(end_time > 0, s + "End time", "must be positive [s]");
    if (enabled && operation == CellOperation::galvanostatic)
      require(applied_current_density > 0,
              s + "Applied current density",
              "must be positive for galvanostatic operation [A/m^2]");
  }
} // namespace lipen
