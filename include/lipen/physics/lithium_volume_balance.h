#pragma once

#include <lipen/base/exceptions.h>

#include <cmath>
#include <functional>
#include <string>

namespace lipen
{
  /**
   * The Li volume balance of one Li body (model.md 3.4 and 3.6), the one
   * implementation used by the sealed closure, the phase-field volume
   * loading and the coupled penetration model:
   *
   *   dV_Li/dt = (Omega/F) (-I) - Q_mouth,      V_crack(u, d) = V_Li,
   *
   * with I the net current from the body into the electrolyte (I < 0:
   * plating) [A, or A/m per unit thickness in 2D], Q_mouth the Li volume
   * leaving through the mouth per unit time, Omega/F the Li volume per
   * coulomb [m^3/C]. Steps are implicit Euler:
   *
   *   V_Li(t + dt) = V_Li(t) + dt [(Omega/F)(-I(t + dt)) - Q_mouth(t + dt)].
   *
   * The totals plated = (Omega/F) int (-I) dt and extruded = int Q dt are
   * kept, so that V_Li = V_0 + plated - extruded holds to round-off
   * (conservation, checked in unit/test_lithium_volume_balance).
   *
   * Sealed body with compliance C = dV_crack/dp (linear elasticity): one
   * implicit step is C (p - p_old) = dt (Omega/F)(-I(p)), a scalar
   * equation in p. sealed_step() solves it by Newton safeguarded by
   * bisection; since I(p) increases with p (the pressure shift lowers the
   * plating driving force) the root lies between p_old and the pressure at
   * which I = 0, so no step, however large, overshoots the thermodynamic
   * bound p <= F |phi_s - phi_e| / Omega (model.md 3.3).
   */
  class LithiumVolumeBalance
  {
  public:
    /// @p omega_over_F: Omega/F [m^3/C]; @p initial_volume V_0.
    explicit LithiumVolumeBalance(const double omega_over_F,
                                  const double initial_volume = 0)
      : omega_over_F(omega_over_F)
      , initial(initial_volume)
    {
    }

    double
    volume() const
    {
      return initial + plated_volume - extruded_volume;
    }
    double
    plated() const
    {
      return plated_volume;
    }
    double
    extruded() const
    {
      return extruded_volume;
    }
    double
    volume_per_coulomb() const
    {
      return omega_over_F;
    }

    /// V_Li after a step of length @p dt with end-of-step current @p I and
    /// mouth flux @p Q (nothing is changed).
    double
    trial_volume(const double I, const double Q, const double dt) const
    {
      return volume() + dt * (omega_over_F * (-I) - Q);
    }
    /// Commit the step of trial_volume().
    void
    accept(const double I, const double Q, const double dt)
    {
      plated_volume += dt * omega_over_F * (-I);
      extruded_volume += dt * Q;
    }
    /// Prescribed loading (V_Li(t) given): the difference to the current
    /// volume counts as plated.
    void
    set_volume(const double V)
    {
      plated_volume += V - volume();
    }

    /// Restore the totals of a checkpoint.
    void
    restore(const double plated, const double extruded)
    {
      plated_volume   = plated;
      extruded_volume = extruded;
    }

    /// The coefficient beta = C/((Omega/F) dt) [A/Pa] of the linearised
    /// sealed step I + beta (p - p_old) = 0.
    double
    sealed_coefficient(const double compliance, const double dt) const
    {
      return compliance / (omega_over_F * dt);
    }

    /**
     * One implicit step of a sealed body with compliance @p C [m^3/Pa]:
     * the p with C (p - p_old) + dt (Omega/F) I(p) = 0, where @p current
     * gives I(p) and its derivative dI/dp (> 0). @p p_equilibrium is a
     * pressure at which I >= 0 (e.g. F |phi_s - phi_e| / Omega); the root
     * is bracketed by p_old and it. Returns p; throws NumericalFailure if
     * the bracket is wrong.
     */
    double
    sealed_step(const double                                   C,
                const double                                   dt,
                const double                                   p_old,
                const double                                   p_equilibrium,
                const std::function<double(double, double &)> &current) const
    {
      const auto residual = [&](const double p, double &slope)
      {
        double       dI = 0;
        const double I  = current(p, dI);
        slope           = C + dt * omega_over_F * dI;
        return C * (p - p_old) + dt * omega_over_F * I;
      };
      double slope = 0;
      double lo = p_old, hi = p_equilibrium;
      double r_lo = residual(lo, slope), r_hi = residual(hi, slope);
      if (r_lo == 0)
        return lo;
      if (lo > hi)
      {
        std::swap(lo, hi);
        std::swap(r_lo, r_hi);
      }
      if (!(r_lo <= 0 && r_hi >= 0))
        throw NumericalFailure(
          "Li volume balance: the sealed step is not bracketed by the old "
          "and the equilibrium pressure (residuals " +
          std::to_string(r_lo) + ", " + std::to_string(r_hi) + ")");
      double p = 0.5 * (lo + hi);
      for (unsigned int k = 0; k < 200; ++k)
      {
        const double r = residual(p, slope);
        if (r <= 0)
          lo = p;
        else
          hi = p;
        if (std::abs(hi - lo) <= 1e-14 * std::max(std::abs(hi), 1.))
          break;
        double next = p - r / slope;
        if (!(next > lo && next < hi))
          next = 0.5 * (lo + hi);
        if (std::abs(next - p) <= 1e-15 * std::max(std::abs(p), 1.))
        {
          p = next;
          break;
        }
        p = next;
      }
      return p;
    }

  private:
    double omega_over_F;
    double initial;
    double plated_volume   = 0;
    double extruded_volume = 0;
  };
} // namespace lipen
