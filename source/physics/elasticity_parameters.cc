#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/physics/elasticity.h>

#include <deal.II/base/function_parser.h>

#include <cmath>
#include <iostream>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  void
  LoadParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Loads");
    prm.declare_entry("Crack pressure",
                      "1e6",
                      Patterns::Double(-1e11, 1e11),
                      "Li pressure p0 on the defect faces [Pa]. K_I is linear "
                      "in the loads; studies use it as the reference load.");
    prm.declare_entry("Crack pressure profile",
                      "1",
                      Patterns::Anything(),
                      "Dimensionless profile f(xi) with p(x) = p0 f(xi), xi = "
                      "(distance to the crack front)/c: 0 at the tip, 1 at the "
                      "mouth (edge slit) or centre. A deal.II FunctionParser "
                      "expression in xi, e.g. '1' or '1 - 0.5*xi'; finite, "
                      "within [0, 100] over 0 <= xi <= 1 (within [-100, 100] "
                      "with Allow negative Li pressure).");
    prm.declare_entry("Allow negative Li pressure",
                      "false",
                      Patterns::Bool(),
                      "A Li pressure below zero (Crack pressure times its "
                      "profile, Phase field/Pressure) pulls the defect faces "
                      "together, which Li metal cannot do and which the "
                      "models without contact turn into interpenetrating "
                      "faces (K_I < 0, negative crack volume): refused "
                      "unless this is true (e.g. for superposing load "
                      "cases).");
    prm.declare_entry("Stack pressure",
                      "0",
                      Patterns::Double(-1e11, 1e11),
                      "Compressive stack pressure on the electrode faces [Pa] "
                      "(positive = compression).");
    prm.declare_entry("Far-field stress",
                      "0",
                      Patterns::Double(-1e11, 1e11),
                      "Normal stress opening the crack plane, applied on the "
                      "far face parallel to it [Pa] (tension positive; a "
                      "compressive residual stress is negative).");
    prm.leave_subsection();
  }

  void
  LoadParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Loads");
    crack_pressure          = prm.get_double("Crack pressure");
    pressure_profile        = prm.get("Crack pressure profile");
    stack_pressure          = prm.get_double("Stack pressure");
    far_field_stress        = prm.get_double("Far-field stress");
    allow_negative_pressure = prm.get_bool("Allow negative Li pressure");
    prm.leave_subsection();
    // muparser reports syntax errors only on first evaluation, and prints
    // them itself; try it here so the error names the entry.
    checked_function_of("Loads/Crack pressure profile",
                        "xi",
                        pressure_profile,
                        0.,
                        1.,
                        allow_negative_pressure ? -100. : 0.,
                        100.,
                        allow_negative_pressure ?
                          "the profile must lie within [-100, 100]" :
                          "the profile must lie within [0, 100] (a Li "
                          "pressure is not negative; see Loads/Allow "
                          "negative Li pressure)");
    require(crack_pressure >= 0 || allow_negative_pressure,
            "Loads/Crack pressure",
            "is negative: a Li pressure pulls no defect faces together (K_I "
            "< 0 and a negative crack volume in a model without contact); "
            "give p0 >= 0, or set Loads/Allow negative Li pressure = true "
            "for a superposition load case");
    require(std::isfinite(crack_pressure) && std::isfinite(stack_pressure) &&
              std::isfinite(far_field_stress),
            "Loads",
            "loads must be finite numbers [Pa]");
    require(reference_load() != 0,
            "Loads/Crack pressure",
            "crack pressure plus far-field stress is zero: nothing opens the "
            "crack, so K_I and the geometry factor are undefined");
  }

  void
  ElasticityParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Discretization");
    prm.declare_entry("Polynomial degree",
                      "2",
                      Patterns::Integer(1, 2),
                      "Degree of the continuous Lagrange displacement "
                      "elements (1 = Q1, 2 = Q2).");
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    // 1e-8 rather than 1e-10: on a 2.2 M-DoF 2D edge slit (Q1, 2 ranks)
    // Y changed by 1.1e-8 relative (1.122576773 vs 1.122576761) and on the
    // 3D penny test not in its 10 printed digits, far below the
    // discretisation error (1e-3), while CG needed 17 instead of 23
    // iterations (24 instead of 31 on the penny).
    prm.declare_entry("Linear tolerance",
                      "1e-8",
                      Patterns::Double(1e-16, 1e-2),
                      "Relative residual reduction of CG + GAMG (in the "
                      "preconditioned norm). The default 1e-8 changes K_I by "
                      "about 1e-8 relative against 1e-10. It is relative to "
                      "the crack (and far-field) load: with a stack "
                      "pressure, CG uses this value times the crack load's "
                      "share of the total boundary force (not below 1e-13).");
    prm.declare_entry("Maximum linear iterations",
                      "1000",
                      Patterns::Integer(1, 1000000),
                      "Iteration limit of CG + GAMG; exceeding it is an "
                      "error.");
    prm.declare_entry(
      "Preconditioner",
      "automatic",
      Patterns::Selection("automatic|amg|direct"),
      "Preconditioner of CG in the phase-field model (displacement, damage, "
      "ionic potential of a plating run) and for the ionic potential of the "
      "electrochemistry study. 'automatic': in 2D, a MUMPS LU factorisation "
      "for the phase-field displacement (kept as a stale preconditioner "
      "while CG stays fast, like the AMG) and for the ionic potential "
      "(shared by the three solves of a Newton step) and the damage when the "
      "system has at most 100000 unknowns, AMG otherwise. 'amg': GAMG "
      "(displacement) and BoomerAMG (damage, potential) everywhere. "
      "'direct': LU for all three at any size (slow in 3D: only a reference "
      "BLAS is installed). The sharp-crack elasticity always uses GAMG. "
      "PETSc options reach the solvers with the prefixes "
      "-lipen_phase_field_, -lipen_damage_ and -lipen_ionic_.");
    prm.leave_subsection();
  }

  void
  ElasticityParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Discretization");
    degree = prm.get_integer("Polynomial degree");
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    tolerance      = prm.get_double("Linear tolerance");
    max_iterations = prm.get_integer("Maximum linear iterations");
    preconditioner = parse_preconditioner_kind(prm.get("Preconditioner"));
    prm.leave_subsection();
  }
} // namespace lipen
