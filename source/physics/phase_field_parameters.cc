#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/base/parameter_file.h>
#include <lipen/base/selection.h>
#include <lipen/physics/phase_field_parameters.h>

#include <cmath>

namespace lipen
{
  namespace
  {
    const std::pair<DamageModel, const char *> model_names[] =
      {{DamageModel::AT2, "AT2"}, {DamageModel::AT1, "AT1"}};
    const std::pair<Loading, const char *> loading_names[] = {
      {Loading::pressure, "pressure"},
      {Loading::volume, "volume"},
      {Loading::plating, "plating"}};
    const std::pair<InitialCrack, const char *> initial_crack_names[] = {
      {InitialCrack::damage_band, "damage band"},
      {InitialCrack::notch, "notch"}};
  } // namespace

  std::string
  to_string(const DamageModel model)
  {
    return selection_name(model, model_names);
  }

  std::string
  to_string(const Loading loading)
  {
    return selection_name(loading, loading_names);
  }

  std::string
  to_string(const InitialCrack initial_crack)
  {
    return selection_name(initial_crack, initial_crack_names);
  }

  using namespace dealii;

  namespace
  {
    /// Time steps, staggered solver, step control and stop reasons.
    void
    declare_stepping(ParameterHandler &prm)
    {
      prm.declare_entry("End time",
                        "1",
                        Patterns::Double(0., 1e12),
                        "Last time [s].");
      prm.declare_entry("Time steps",
                        "10",
                        Patterns::Integer(1, 1000000),
                        "Number of equal load steps to End time (steps are cut "
                        "back automatically when needed).");
      prm.declare_entry("Initial time step",
                        "0",
                        Patterns::Double(0., 1e12),
                        "[s] The first step; later steps grow by up to 2x per "
                        "step (never beyond End time / Time steps). 0: End "
                        "time / Time steps.");
      prm.declare_entry("Staggered tolerance",
                        "1e-5",
                        Patterns::Double(0., 1.),
                        "Staggered iterations stop when max |d_k - d_(k-1)| is "
                        "below this and the elasticity residual is below "
                        "Residual tolerance.");
      prm.declare_entry("Residual tolerance",
                        "1e-6",
                        Patterns::Double(0., 1.),
                        "Elasticity residual with the new damage, relative to "
                        "the load vector.");
      prm.declare_entry("Maximum staggered iterations",
                        "300",
                        Patterns::Integer(1, 100000),
                        "Beyond this a step is cut back.");
      prm.declare_entry("Over-relaxation",
                        "1.5",
                        Patterns::Double(1., 1.99),
                        "omega of the over-relaxed alternate minimisation: the "
                        "new damage is d_(k-1) + omega (d_hat - d_(k-1)), "
                        "projected onto d_n <= d <= 1 (1: plain alternate "
                        "minimisation). Used only with Anderson depth = 0.");
      prm.declare_entry("Anderson depth",
                        "5",
                        Patterns::Integer(0, 20),
                        "m > 0: Anderson acceleration of the alternate "
                        "minimisation with the last m damage updates (the "
                        "fixed-point map d -> d_hat(u(d)); the combination is "
                        "projected onto d_n <= d <= 1 and the history restarts "
                        "when the update residual grows); Over-relaxation is "
                        "then not used. 0: over-relaxed alternate "
                        "minimisation. Halves to thirds the staggered "
                        "iterations of a growing crack (README).");
      prm.declare_entry("Maximum cut-backs",
                        "6",
                        Patterns::Integer(0, 60),
                        "How often a load step may be halved.");
      prm.declare_entry(
        "Maximum crack advance",
        "20",
        Patterns::Double(0., 1e6),
        "A step in which the crack grows by more than this many "
        "l is cut back (while cut-backs remain); 0: no limit.");
      prm.declare_entry(
        "Maximum pressure change",
        "0.1",
        Patterns::Double(0., 1e6),
        "Plating loading: a step in which the Li pressure changes by more than "
        "this fraction of max(|p_old|, |p_new|, K_Ic/sqrt(pi c)) is cut back "
        "(while cut-backs remain); the next step is sized from the larger of "
        "this change and the crack advance. 0: no limit.");
      prm.declare_entry(
        "Arrest time",
        "0",
        Patterns::Double(0., 1e12),
        "[s] The run stops with status 'arrested' when, for this long "
        "(simulated time), the crack has grown by less than l/100 and the Li "
        "pressure has changed by less than 0.1 %. 0: never (the run goes on to "
        "End time).");
      prm.declare_entry(
        "Final crack size",
        "0",
        Patterns::Double(0., 1e3),
        "[m] The run ends (status 'completed') once the crack size (initial "
        "defect + dissipated energy / G_c,eff, the column crack_size_m) reaches "
        "this value. 0: no limit.");
      prm.declare_entry(
        "Final crack growth",
        "0",
        Patterns::Double(0., 1e6),
        "[l] The run ends (status 'completed') once the d = 1/2 tip (the "
        "column tip_distance_m, from the defect's origin; in a plating run "
        "that of the defect's Li body, not of other bodies) lies this many l "
        "beyond Geometry/Defect size (with Final crack size too: whichever "
        "comes first). 0: no limit.");
    }

    /// Adaptive refinement and output.
    void
    declare_refinement(ParameterHandler &prm)
    {
      prm.declare_entry(
        "Adaptive refinement",
        "true",
        Patterns::Bool(),
        "Refine where the crack is or is about to be and redo a "
        "step when the crack outruns the fine mesh.");
      prm.declare_entry("Coarsening",
                        "true",
                        Patterns::Bool(),
                        "Coarsen cells far from the crack (never below the "
                        "Geometry grading).");
      prm.declare_entry("Refinement damage threshold",
                        "0.01",
                        Patterns::Double(0., 1.),
                        "Cells with d above this are refined to the process-"
                        "zone cell size.");
      prm.declare_entry("Refinement driving force fraction",
                        "0.5",
                        Patterns::Double(0., 1e3),
                        "Cells whose history field exceeds this fraction of "
                        "3 G_c/(16 l) are refined to the process-zone cell "
                        "size. A step is redone on a refined mesh only when "
                        "the damage or the driving force above "
                        "max(this, 1/2) of the threshold lies on coarser "
                        "cells, so a fraction below 1/2 refines ahead of a "
                        "growing crack without redos.");
      prm.declare_entry(
        "Grading about the crack",
        "3",
        Patterns::Double(0., 100.),
        "gamma: the initial mesh has h = Process zone cell size within 5 l of "
        "the initial crack and h <= h_pz + g (r - 5 l) at distance r beyond, "
        "g = min(Geometry/Grading, gamma sqrt(l/c)). The far field's "
        "discretisation error (~ g^2) then falls with l like the diffuse "
        "crack's own (~ l/c), so the Sneddon error converges monotonically as "
        "l falls (README). 0: only the 5 l band (the geometry's mesh "
        "beyond).");
      prm.declare_entry("Maximum refinement redos",
                        "10",
                        Patterns::Integer(0, 1000),
                        "How often one step may be redone on a refined mesh.");
      prm.declare_entry(
        "Warm redos",
        "false",
        Patterns::Bool(),
        "Start a redo on the refined mesh from the attempt's u, d and p "
        "(interpolated) instead of the step's start (the irreversibility "
        "bound, history and Li volume are the step's start either way). "
        "About 0.6x the wall time of the headline penetration run, but the "
        "redo then stops at a slightly different iterate, which changes the "
        "step sequence and the crossing times by up to 2 % (README, "
        "'Solvers').");
      prm.declare_entry("Output interval",
                        "1",
                        Patterns::Integer(1, 1000000),
                        "Write ParaView output every this many steps (and the "
                        "last one).");
    }
  } // namespace

  void
  PhaseFieldParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Phase field");
    prm.declare_entry("Model",
                      "AT2",
                      Patterns::Selection("AT2|AT1"),
                      "Crack surface density: AT2 (w(d) = d^2, c_w = 2) or "
                      "AT1 (w(d) = d, c_w = 8/3, with an elastic threshold).");
    prm.declare_entry(
      "Energy split",
      "none",
      Patterns::Selection("none|volumetric-deviatoric|spectral|hybrid"),
      "Which part of the strain energy is degraded by g(d): all of it "
      "(none), the volumetric expansion plus the deviatoric part (Amor), "
      "or the positive principal strains (Miehe, spectral). hybrid "
      "(Ambati et al. 2015): Amor's expansion and deviatoric energy drive "
      "the damage, the stress is degraded as with none (a linear, well "
      "conditioned displacement problem, e.g. for 3D penetration runs; "
      "not variational: the energy balance is not exact).");
    prm.declare_entry("Length scale",
                      "0",
                      Patterns::Double(0., 1e3),
                      "Phase-field length l [m]. 0: l = (Length scale in "
                      "cells) x (Process zone cell size).");
    prm.declare_entry("Length scale per defect size",
                      "0",
                      Patterns::Double(0., 10.),
                      "l/c: if positive, l = this x Geometry/Defect size "
                      "(instead of Length scale, which must then be 0), so "
                      "that a sweep over defect sizes keeps l/c fixed.");
    prm.declare_entry("Length scale in cells",
                      "4",
                      Patterns::Double(0., 1000.),
                      "l as a multiple N of the process-zone cell size when "
                      "Length scale = 0 (N >= 2, so that h <= l/2).");
    prm.declare_entry("Process zone cell size",
                      "0",
                      Patterns::Double(0., 1e3),
                      "Cell size h [m] where the crack is or is about to be "
                      "(a cell's longest side). 0: l/2. Must not exceed "
                      "l/2.");
    prm.declare_entry(
      "Toughness correction",
      "none",
      Patterns::Selection("none|cell size"),
      "none: the damage energy uses the material's G_c, so a crack on cells "
      "of size h dissipates about G_c (1 + 3h/(8l)) (AT1) or G_c (1 + "
      "h/(2l)) (AT2) and starts to grow at a pressure up to sqrt(1 + "
      "3h/(8l)) above the sharp one. cell size: the damage energy uses G_c "
      "/ (1 + 3h/(8l)) (AT1) or G_c / (1 + h/(2l)) (AT2), with h the "
      "longest side of the largest cell within 5 l of the initial crack "
      "after the initial refinement (a power-of-two fraction of the "
      "geometry's cells, between h_pz/2 and h_pz), so that this estimate of "
      "the discrete toughness equals G_c. summary.json reports h and the "
      "G_c used either way.");
    prm.declare_entry(
      "Residual stiffness",
      "1e-6",
      Patterns::Double(0., 1e-2),
      "k in the degradation g(d) = (1-d)^2 + k (0 < k < 1e-2).");
    prm.declare_entry(
      "Initial crack",
      "damage band",
      Patterns::Selection("damage band|notch"),
      "The initial defect of Geometry: a band of broken material (d = 1 on "
      "the defect faces, which then act as part of the symmetry plane) or a "
      "geometric notch (the meshed slit with the Li pressure on its faces).");
    prm.declare_entry(
      "Initial damage",
      "0",
      Patterns::Anything(),
      "Damage present before the run besides the initial crack, a function "
      "of x, y (and z) in metres, clipped to [0, 1]: pores, a second flaw, "
      "an earlier crack (e.g. 'if((x-40e-6)^2+(y-60e-6)^2 < 16e-12, 1, "
      "0)'). It is irreversible (a lower bound of d) and the cells where it "
      "is positive are refined to the process-zone cell size. In a plating "
      "run it holds no Li and no pressure unless the Li body reaches it "
      "through broken material. Needs Initial crack = damage band.");
    prm.declare_entry("Loading",
                      "pressure",
                      Patterns::Selection("pressure|volume|plating"),
                      "pressure: the Li pressure p(t) is given (Pressure). "
                      "volume: the Li volume V_Li(t) in the crack is given "
                      "(Li volume) and p follows from V_crack(u, d) = V_Li. "
                      "plating: Li penetration; the crack is a Li body at "
                      "the plating electrode's potential, its volume grows "
                      "by the plating current of the ionic potential "
                      "(subsection Electrochemistry, Enabled = true, sealed "
                      "closure) and p follows from V_crack(u, d) = V_Li."),
      prm.declare_entry("Pressure",
                        "1e6*t",
                        Patterns::Anything(),
                        "Li pressure p(t) [Pa] on the crack faces, a function "
                        "of t. Pressure loading.");
    prm.declare_entry("Li volume",
                      "1e-12*t",
                      Patterns::Anything(),
                      "Li volume V_Li(t) in the whole crack [m^3; m^2 per "
                      "unit thickness in 2D], a function of t. Volume "
                      "loading.");
    declare_stepping(prm);
    declare_refinement(prm);
    prm.leave_subsection();
  }

  void
  PhaseFieldParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Phase field");
    model = parse_selection(prm.get("Model"), model_names, "Phase field/Model");
    split = parse_selection(prm.get("Energy split"),
                            energy_split_names,
                            "Phase field/Energy split");
    length_scale       = prm.get_double("Length scale");
    length_per_defect  = prm.get_double("Length scale per defect size");
    length_cells       = prm.get_double("Length scale in cells");
    process_zone_h     = prm.get_double("Process zone cell size");
    correct_toughness  = prm.get("Toughness correction") == "cell size";
    residual_stiffness = prm.get_double("Residual stiffness");
    initial_crack      = parse_selection(prm.get("Initial crack"),
                                    initial_crack_names,
                                    "Phase field/Initial crack");
    loading =
      parse_selection(prm.get("Loading"), loading_names, "Phase field/Loading");
    pressure_function   = prm.get("Pressure");
    initial_damage      = prm.get("Initial damage");
    volume_function     = prm.get("Li volume");
    end_time            = prm.get_double("End time");
    time_steps          = prm.get_integer("Time steps");
    initial_step        = prm.get_double("Initial time step");
    staggered_tolerance = prm.get_double("Staggered tolerance");
    residual_tolerance  = prm.get_double("Residual tolerance");
    max_staggered       = prm.get_integer("Maximum staggered iterations");
    max_cutbacks        = prm.get_integer("Maximum cut-backs");
    over_relaxation     = prm.get_double("Over-relaxation");
    anderson_depth      = prm.get_integer("Anderson depth");
    max_advance         = prm.get_double("Maximum crack advance");
    max_pressure_change = prm.get_double("Maximum pressure change");
    arrest_time         = prm.get_double("Arrest time");
    final_crack_size    = prm.get_double("Final crack size");
    final_crack_growth  = prm.get_double("Final crack growth");
    require(length_per_defect == 0 || length_scale == 0,
            "Phase field/Length scale per defect size",
            "and Length scale are both given; set one of them to 0");
    adaptive                = prm.get_bool("Adaptive refinement");
    coarsen                 = prm.get_bool("Coarsening");
    refine_damage_threshold = prm.get_double("Refinement damage threshold");
    refine_driving_fraction =
      prm.get_double("Refinement driving force fraction");
    max_refinement_redos = prm.get_integer("Maximum refinement redos");
    warm_redos           = prm.get_bool("Warm redos");
    crack_grading        = prm.get_double("Grading about the crack");
    output_interval      = prm.get_integer("Output interval");
    prm.leave_subsection();
  }

  void
  PhaseFieldParameters::resolve_relative_to_defect(const double c)
  {
    // both given is refused in parse_parameters()
    if (length_per_defect > 0)
      length_scale = length_per_defect * c;
    final_tip_distance = final_crack_growth > 0 ?
                           c + final_crack_growth * resolved_length_scale() :
                           0;
  }

  double
  PhaseFieldParameters::resolved_length_scale() const
  {
    require(residual_stiffness > 0 && residual_stiffness < 1e-2,
            "Phase field/Residual stiffness",
            "must lie in (0, 1e-2); 1e-6 is a good choice");
    require(end_time > 0, "Phase field/End time", "must be positive");
    if (length_scale > 0)
    {
      require(process_zone_h <= 0.5 * length_scale,
              "Phase field/Process zone cell size",
              "must not exceed Length scale/2 (the crack profile needs "
              "h <= l/2); set it to 0 for l/2");
      return length_scale;
    }
    require(process_zone_h > 0,
            "Phase field/Length scale",
            "is 0, so l = N h needs 'Phase field/Process zone cell size' > 0; "
            "give one of the two");
    require(length_cells >= 2,
            "Phase field/Length scale in cells",
            "must be at least 2 (h <= l/2)");
    return length_cells * process_zone_h;
  }

  std::unique_ptr<FunctionParser<1>>
  PhaseFieldParameters::load_function() const
  {
    const bool         volume = loading == Loading::volume;
    const std::string &expression =
      volume ? volume_function : pressure_function;
    if (loading == Loading::plating)
    {
      // the Li pressure follows from the plating: p(t) is not used (only
      // parsed, as the model keeps a load function)
      auto f = parse_function_of("t", expression, 0.);
      require(f != nullptr,
              "Phase field/Pressure",
              "cannot parse '" + quote_for_message(expression) +
                "' as a function of t");
      return f;
    }
    if (volume)
      return checked_function_of("Phase field/Li volume",
                                 "t",
                                 expression,
                                 0.,
                                 end_time,
                                 0.,
                                 1e6,
                                 "a Li volume must lie within [0, 1e6]");
    return checked_function_of(
      "Phase field/Pressure",
      "t",
      expression,
      0.,
      end_time,
      allow_negative_pressure ? -1e11 : 0.,
      1e11,
      allow_negative_pressure ?
        "a Li pressure must lie within +-1e11 Pa" :
        "a Li pressure must lie within [0, 1e11 Pa] (see Loads/Allow "
        "negative Li pressure)");
  }

  double
  PhaseFieldParameters::resolved_process_zone_h() const
  {
    return process_zone_h > 0 ? process_zone_h : 0.5 * resolved_length_scale();
  }
} // namespace lipen
