#pragma once

#include <lipen/output/json.h>
#include <lipen/physics/elasticity.h>
#include <lipen/physics/ionic_potential.h>
#include <lipen/simulator/run_parameters.h>

#include <memory>
#include <string>
#include <vector>

namespace lipen
{
  /// Flowing-closure state at one applied current density.
  struct FlowingState
  {
    double              applied_current_density = 0; ///< [A/m^2]
    double              viscosity               = 0; ///< [Pa s]
    double              K_I                     = 0; ///< [Pa m^0.5]
    double              tip_pressure            = 0; ///< [Pa]
    double              mean_pressure           = 0; ///< over the face
    double              mouth_flux              = 0; ///< q(0) [m^2/s]
    double              plating_flux            = 0; ///< 2(Omega/F)(-I_d)
    double              focusing_factor         = 0;
    double              cell_voltage            = 0;
    unsigned int        coupling_iterations     = 0;
    std::vector<double> coupling_history; ///< relative change of p per it.
    std::vector<double> s, p, w, i, eta;  ///< along the face from the mouth
  };

  /// Critical current of the flowing closure for one viscosity.
  struct FlowingCritical
  {
    double       viscosity        = 0;
    double       critical_current = 0; ///< i_c [A/m^2]
    unsigned int evaluations      = 0;
    FlowingState at_critical;
  };

  /// Everything the electrochemistry of one defect produces.
  struct ElectrochemistryResult
  {
    bool          computed                 = false;
    CellOperation operation                = CellOperation::galvanostatic;
    LiClosure     closure                  = LiClosure::sealed;
    double        exchange_current_density = 0; ///< i0 [A/m^2]
    // operating point of the parameter file
    double       applied_current_density = 0; ///< I_counter/A_counter [A/m^2]
    double       cell_voltage            = 0; ///< [V]
    double       defect_pressure         = 0; ///< sealed/prescribed [Pa]
    double       mean_eta_electrode = 0, mean_eta_defect = 0;
    double       min_eta_defect = 0, max_eta_defect = 0;
    double       focusing_factor     = 0; ///< (-I_d/A_d)/i_app
    double       tip_focusing_factor = 0; ///< max(-i on faces)/i_app
    double       defect_current      = 0; ///< I_d of the model [A/m^(3-dim)]
    unsigned int newton_iterations = 0, linear_iterations = 0;
    std::vector<double> transient_time, transient_pressure; ///< sealed
    FlowingState        flowing; ///< operating point of the flowing closure
    /// operating point along the defect faces (vertices, by distance r to
    /// the front): interface overpotential and current density
    std::vector<double> face_r, face_eta, face_current;
    // critical conditions
    double critical_pressure       = 0; ///< sigma0_max [Pa]
    double critical_current_sealed = 0; ///< i_c [A/m^2]
    /// |eta_c| from the sealed closure: the mean plating overpotential of
    /// the flat electrode at which the sealed Li pressure reaches
    /// sigma0_max (= Omega sigma0_max/F when phi_e is uniform on the faces)
    double       critical_overpotential_sealed = 0;
    double       cell_voltage_at_critical      = 0;
    double       eta_electrode_at_critical     = 0;
    double       focusing_factor_open     = 0; ///< p = stack, at i_c sealed
    double       tip_focusing_factor_open = 0; ///< max(-i)/i_app, same
    unsigned int sealed_evaluations       = 0;
    std::vector<FlowingCritical> flowing_critical;
    unsigned long long           n_dofs = 0;
    double time_potential = 0, time_search_sealed = 0, time_search_flowing = 0;

    JsonObject
    to_json() const;
  };

  /**
   * Electro-chemo-mechanics of one defect on the mesh of @p elasticity
   * (already solved for the reference load): the operating point of
   * subsection `Electrochemistry`, and the critical current densities
   * (sealed, and flowing for each viscosity) by TOMS 748 root searches.
   * @p sigma0_max is the critical uniform Li pressure K_Ic/(Y sqrt(pi c)).
   * The potential object is returned for output.
   */
  template <int dim>
  std::unique_ptr<IonicPotential<dim>>
  analyse_electrochemistry(const RunParameters    &parameters,
                           const Electrolyte      &electrolyte,
                           Elasticity<dim>        &elasticity,
                           double                  sigma0_max,
                           double                  crack_compliance,
                           ElectrochemistryResult &result);
} // namespace lipen
