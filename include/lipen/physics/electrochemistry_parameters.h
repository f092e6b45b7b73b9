#pragma once

#include <lipen/physics/lithium_flow.h>

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /// How the cell is driven (`Electrochemistry/Operation`).
  enum class CellOperation
  {
    galvanostatic,
    potentiostatic,
    electrode_overpotential
  };
  /// The Li-pressure closure of the defect
  /// (`Electrochemistry/Li pressure closure`).
  enum class LiClosure
  {
    sealed,
    prescribed,
    flowing
  };
  std::string
  to_string(CellOperation operation);
  std::string
  to_string(LiClosure closure);

  /**
   * Subsection `Electrochemistry`: how the cell is driven, the interface
   * kinetics, the closure for the Li pressure in the defect and the
   * critical-condition searches (model.md sections 3.2-3.4).
   *
   * Sign conventions: the defect sits at the plating electrode ("working
   * electrode", electronic potential phi_s), the counter electrode is at 0.
   * Applied current density, cell voltage and electrode overpotential are
   * given as magnitudes that drive plating at the defect electrode.
   */
  struct ElectrochemistryParameters
  {
    bool          enabled                 = false;
    CellOperation operation               = CellOperation::galvanostatic;
    double        applied_current_density = 10; ///< i_app [A/m^2], plating > 0
    /// Current density schedule: (start time [s], i_app [A/m^2]) pairs,
    /// start times increasing from 0; empty: applied_current_density.
    std::vector<std::pair<double, double>> current_schedule;
    double cell_voltage            = 0.1;  ///< V = phi_counter - phi_s [V]
    double electrode_overpotential = 0.01; ///< |eta_e| [V]
    double alpha_anodic            = 0.5;
    double alpha_cathodic          = 0.5;

    LiClosure closure = LiClosure::sealed;
    /// Penetration runs: Li leaves the crack through its mouth at
    /// Q = G_m (p - p_s), p_s the stack pressure [m^3/s, 2D m^2/s]; 0: a
    /// sealed mouth.
    double       mouth_conductance   = 0;
    double       prescribed_pressure = 0;     ///< [Pa], absolute
    bool         transient           = false; ///< sealed: volume balance
    double       end_time            = 1;     ///< [s]
    unsigned int time_steps          = 50;

    FlowLaw flow_law               = FlowLaw::newtonian;
    double  li_viscosity           = 1e9;   ///< mu [Pa s]
    double  creep_exponent         = 6.6;   ///< m [-]
    double  creep_reference_stress = 0.8e6; ///< tau_ref [Pa]
    double  creep_reference_rate   = 1e-3;  ///< gamma_dot_ref [1/s]

    double       newton_tolerance        = 1e-10; ///< [V]
    unsigned int max_newton_iterations   = 50;
    double       coupling_tolerance      = 1e-6; ///< relative change of p
    unsigned int max_coupling_iterations = 300;
    double       linear_tolerance        = 1e-10;

    bool                critical_current_search    = true;
    double              critical_current_tolerance = 0.005; ///< relative
    double              maximum_current_density = 1e6; ///< search limit [A/m^2]
    std::vector<double> flowing_viscosities; ///< i_c for each mu (flowing)

    /// The mean current density of galvanostatic operation at time @p t:
    /// the schedule's segment with start <= t (the first one before it),
    /// or applied_current_density without a schedule.
    double
    current_density_at(double t) const;
    /// The first start time of the schedule after @p t (beyond round-off),
    /// or +infinity: the time steps end there.
    double
    next_current_change(double t) const;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
  };
} // namespace lipen
