#pragma once

#include <lipen/physics/butler_volmer.h>

#include <string>
#include <vector>

namespace lipen
{
  /// `Electrochemistry/Li flow law`: Newtonian fluid or power-law creep.
  enum class FlowLaw
  {
    newtonian,
    power_law
  };
  std::string
  to_string(FlowLaw law);
  FlowLaw
  flow_law_from_string(const std::string &name);

  /// Constitutive law of Li extruding through a crack (lubrication).
  struct LithiumFlowLaw
  {
    FlowLaw law            = FlowLaw::newtonian;
    double  viscosity      = 1e9;   ///< mu [Pa s]
    double  exponent       = 1;     ///< m [-] (power law)
    double  tau_reference  = 0.8e6; ///< [Pa] (power law)
    double  rate_reference = 1e-3;  ///< [1/s] (power law)

    /// Volume flux per unit crack width of a channel of opening w under a
    /// pressure gradient G = dp/ds [m^2/s], towards lower pressure.
    /// Newtonian: w^3 G/(12 mu); power law (shear rate
    /// rate_ref (tau/tau_ref)^m): 2 h^(m+2)/(m+2) rate_ref (G/tau_ref)^m,
    /// h = w/2 (both reduce to the same for m = 1, mu = tau_ref/rate_ref).
    double
    flux(double w, double gradient) const;
    /// d flux / d gradient.
    double
    flux_derivative(double w, double gradient) const;
  };

  /**
   * Steady flow of Li through a 2D crack fed by plating on both faces
   * (model.md section 3.4, flowing closure), on the nodes s_0 = 0 (mouth)
   * < s_1 < ... < s_N = c (tip) of the defect face:
   *
   *   dq/ds = 2 (Omega/F) i(eta(s)),  q(tip) = 0,  p(0) = p_mouth,
   *   q = flux(w(s), dp/ds)           (towards the mouth),
   *   eta(s) = d(s) + Omega p(s)/F,   d = phi_s - phi_e (frozen),
   *
   * i < 0 is plating, which adds Li volume Omega/F per coulomb on each of
   * the two faces. Vertex-centred finite volumes (control volumes of half
   * segments; segment openings from the mean of w^2, which is exact for
   * the square-root opening at a crack tip), solved for p_1..p_N by Newton
   * with a tridiagonal Jacobian and backtracking. For a uniform opening and
   * Newtonian flow the nodal values are exact for a uniform current.
   * As mu -> 0, p -> p_mouth; as mu -> infinity, i -> 0 node by node (local
   * equilibrium, p = F (phi_e - phi_s)/Omega).
   */
  class LithiumFlow
  {
  public:
    struct Result
    {
      std::vector<double> p;       ///< pressure at the nodes [Pa]
      std::vector<double> current; ///< i at the nodes [A/m^2]
      std::vector<double> flux;    ///< q at segment mid-points [m^2/s]
      double              mouth_flux        = 0; ///< q(0) [m^2/s]
      unsigned int        newton_iterations = 0;
      bool                converged         = false;
    };

    LithiumFlow(const LithiumFlowLaw &law, const ButlerVolmer &kinetics);

    /// @p s node coordinates from the mouth, @p w full opening at the nodes
    /// (w > 0 except possibly at the tip node), @p driving phi_s - phi_e at
    /// the nodes, @p p_initial a start value (size N+1; entry 0 ignored).
    Result
    solve(const std::vector<double> &s,
          const std::vector<double> &w,
          const std::vector<double> &driving,
          double                     p_mouth,
          const std::vector<double> &p_initial) const;

    /// Same, with a prescribed current density at the nodes instead of the
    /// kinetics (rigid-slot verification).
    Result
    solve_prescribed_current(const std::vector<double> &s,
                             const std::vector<double> &w,
                             const std::vector<double> &current,
                             double                     p_mouth) const;

  private:
    LithiumFlowLaw law;
    ButlerVolmer   kinetics;
  };
} // namespace lipen
