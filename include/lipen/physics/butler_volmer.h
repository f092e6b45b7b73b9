#pragma once

#include <lipen/base/constants.h>

#include <cmath>

namespace lipen
{
  /**
   * Butler-Volmer kinetics of a Li/electrolyte interface with the pressure
   * shift of model.md section 3.3:
   *
   *   eta = phi_s - phi_e + Omega p / F,
   *   i   = i0 [exp(alpha_a F eta/RT) - exp(-alpha_c F eta/RT)],
   *
   * i is the current density from the Li into the electrolyte (anodic
   * positive, i < 0 plating), p the pressure in the adjacent Li.
   * i0 = RT/(F R_ct).
   */
  struct ButlerVolmer
  {
    double i0           = 0; ///< exchange current density [A/m^2]
    double f_anodic     = 0; ///< alpha_a F/(RT) [1/V]
    double f_cathodic   = 0; ///< alpha_c F/(RT) [1/V]
    double omega_over_F = 0; ///< Omega/F [V/Pa]

    ButlerVolmer() = default;
    ButlerVolmer(const double exchange_current_density,
                 const double alpha_a,
                 const double alpha_c,
                 const double temperature,
                 const double molar_volume)
      : i0(exchange_current_density)
      , f_anodic(alpha_a * constants::faraday /
                 (constants::gas_constant * temperature))
      , f_cathodic(alpha_c * constants::faraday /
                   (constants::gas_constant * temperature))
      , omega_over_F(molar_volume / constants::faraday)
    {
    }

    /// Overpotential from the electronic and ionic potentials and the Li
    /// pressure.
    double
    overpotential(const double phi_s, const double phi_e, const double p) const
    {
      return phi_s - phi_e + omega_over_F * p;
    }
    /// i(eta) [A/m^2].
    double
    current(const double eta) const
    {
      return i0 * (std::exp(f_anodic * eta) - std::exp(-f_cathodic * eta));
    }
    /// di/deta [A/(m^2 V)] (> 0).
    double
    derivative(const double eta) const
    {
      return i0 * (f_anodic * std::exp(f_anodic * eta) +
                   f_cathodic * std::exp(-f_cathodic * eta));
    }
  };
} // namespace lipen
