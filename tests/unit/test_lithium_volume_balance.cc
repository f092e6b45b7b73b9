// Unit test of the Li volume balance (LithiumVolumeBalance, model.md 3.4,
// 3.6):
// - conservation: after 1000 steps with varying plating currents and mouth
//   fluxes, V_Li = V_0 + plated - extruded and equals the sum of the steps
//   (1e-12 relative), and set_volume() books prescribed loading as plated;
// - linear sealed defect, I(p) = -g (p_eq - p): the implicit steps follow
//   p(t) = p_eq (1 - exp(-t/tau)), tau = C/((Omega/F) g), with an error
//   that halves with dt (first order: ratio within 1.8-2.2), and below 1 %
//   at dt = tau/100;
// - Butler-Volmer sealed defect under 10 mV: p saturates at F|eta|/Omega =
//   74.2 MPa to 1e-6 and, for steps from 1e-3 tau to 1e6 tau (stiff), never
//   overshoots it and rises monotonically;
// - sealed_step() with a wrong bracket throws NumericalFailure.
#include <lipen/base/constants.h>
#include <lipen/physics/butler_volmer.h>
#include <lipen/physics/lithium_volume_balance.h>

#include "check.h"

#include <cmath>
#include <string>

namespace
{
  lipen_test::Checks check;
} // namespace

int
main()
{
  using namespace lipen;
  const double Omega = 1.3e-5, T = 298.15;
  const double oF = Omega / constants::faraday;

  // --- conservation
  {
    LithiumVolumeBalance b(oF, 2e-15);
    double               sum = 2e-15;
    for (int k = 0; k < 1000; ++k)
    {
      const double I = -1e-6 * (1 + std::sin(0.1 * k)), Q = 1e-16 * (k % 3);
      const double dt = 0.01 * (1 + (k % 7));
      const double V  = b.trial_volume(I, Q, dt);
      b.accept(I, Q, dt);
      sum += dt * (oF * (-I) - Q);
      if (std::abs(V - b.volume()) > 1e-12 * std::abs(V))
        check(false,
              "trial volume equals the accepted one at step " +
                std::to_string(k));
    }
    check(std::abs(b.volume() - sum) <= 1e-12 * sum,
          "V_Li equals the sum of the steps");
    check(std::abs(b.volume() - (2e-15 + b.plated() - b.extruded())) <=
            1e-12 * sum,
          "V_Li = V_0 + plated - extruded");
    b.set_volume(5e-14);
    check(std::abs(b.volume() - 5e-14) <= 1e-12 * 5e-14,
          "set_volume books prescribed loading as plated");
  }

  // --- linear sealed defect: first-order convergence to the exponential
  {
    const double C = 1e-20, g = 1e-12, p_eq = 5e7;
    const double tau = C / (oF * g), t_end = 2 * tau;
    double       previous_error = 0;
    for (const int n : {200, 400, 800})
    {
      LithiumVolumeBalance b(oF);
      const double         dt = t_end / n;
      double               p  = 0;
      for (int k = 0; k < n; ++k)
        p = b.sealed_step(C,
                          dt,
                          p,
                          p_eq,
                          [&](const double q, double &dI)
                          {
                            dI = g;
                            return -g * (p_eq - q);
                          });
      const double exact = p_eq * (1 - std::exp(-t_end / tau));
      const double error = std::abs(p / exact - 1);
      if (previous_error > 0)
        check(previous_error / error > 1.8 && previous_error / error < 2.2,
              "linear sealed defect: error halves with dt (ratio " +
                std::to_string(previous_error / error) + ")");
      if (n == 200)
        check(error < 0.01,
              "linear sealed defect within 1 % at dt = tau/100 (" +
                std::to_string(error) + ")");
      previous_error = error;
    }
  }

  // --- Butler-Volmer sealed defect: saturation, no overshoot (stiff)
  {
    const ButlerVolmer bv(25.7, 0.5, 0.5, T, Omega);
    const double       eta0 = -0.010; // phi_s - phi_e: plating
    const double       p_eq = -eta0 / bv.omega_over_F;
    const double       area = 2e-5, C = 1e-19;
    // C dp/dt = -(Omega/F) I(p), dI/dp = area i0'(0) Omega/F near p = 0
    const double tau = C / (oF * area * bv.derivative(0.) * bv.omega_over_F);
    const auto   current = [&](const double p, double &dI)
    {
      const double eta = eta0 + bv.omega_over_F * p;
      dI               = area * bv.derivative(eta) * bv.omega_over_F;
      return area * bv.current(eta);
    };
    for (const double dt_over_tau : {1e-3, 1., 1e6})
    {
      LithiumVolumeBalance b(oF);
      double               p = 0, t = 0;
      bool                 monotone = true, bounded = true;
      for (int k = 0; k < 100000 && t < 30 * tau; ++k)
      {
        const double q = b.sealed_step(C, dt_over_tau * tau, p, p_eq, current);
        monotone       = monotone && q >= p;
        bounded        = bounded && q <= p_eq * (1 + 1e-12);
        p              = q;
        t += dt_over_tau * tau;
      }
      const std::string what =
        " (dt = " + std::to_string(dt_over_tau) + " tau)";
      check(monotone, "BV sealed defect rises monotonically" + what);
      check(bounded, "BV sealed defect never exceeds F|eta|/Omega" + what);
      if (dt_over_tau <= 1.)
        check(std::abs(p / p_eq - 1) < 1e-6,
              "BV sealed defect saturates at F|eta|/Omega = " +
                std::to_string(p_eq * 1e-6) + " MPa" + what);
    }
    check(std::abs(p_eq - 74.2e6) < 0.1e6,
          "F|eta|/Omega = 74.2 MPa at 10 mV (" + std::to_string(p_eq) + ")");
  }

  // --- wrong bracket
  {
    LithiumVolumeBalance b(oF);
    bool                 thrown = false;
    try
    {
      b.sealed_step(1e-20,
                    1.,
                    0.,
                    -1e6,
                    [](const double, double &dI)
                    {
                      dI = 1e-12;
                      return 1.;
                    });
    }
    catch (const NumericalFailure &)
    {
      thrown = true;
    }
    check(thrown, "a wrong bracket throws NumericalFailure");
  }
  return check.finish();
}
