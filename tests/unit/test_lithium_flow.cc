// Unit test of the flowing-Li closure (LithiumFlow, model.md 3.4):
// - rigid slot of uniform opening w, uniform plating current density i:
//   p_tip - p_mouth = 12 mu i Omega c^2/(F w^3) (Newtonian) within 1 % (the
//   finite-volume scheme is exact for this case: checked to 1e-10);
// - the same slot for a power-law creeping solid (shear rate
//   rate_ref (tau/tau_ref)^m): p_tip - p_mouth = tau_ref ((m+2) S/(2
//   rate_ref h^(m+2)))^(1/m) c^(1+1/m)/(1+1/m), S = 2 Omega i/F, h = w/2,
//   within 1 % on 400 segments;
// - a power law with m = 1 equals the Newtonian law with mu =
//   tau_ref/rate_ref;
// - coupled to Butler-Volmer with a driving force that varies along the
//   face: mu -> 0 gives p = p_mouth (to 1e-6 of the equilibrium pressure),
//   mu -> infinity gives local equilibrium i = 0 at every node (1e-6 of
//   the open-face current), and the Li flux leaving the mouth equals the
//   plated volume (conservation, 1e-9).
#include <lipen/base/constants.h>
#include <lipen/physics/lithium_flow.h>

#include "check.h"

#include <cmath>
#include <iostream>
#include <string>

namespace
{
  lipen_test::Checks check;
} // namespace

int
main()
{
  using namespace lipen;
  const double       Omega = 1.3e-5, T = 298.15;
  const ButlerVolmer bv(25.7, 0.5, 0.5, T, Omega);
  const double       oF = bv.omega_over_F;
  const double       c = 10e-6, w = 1e-7, i = -10., mu = 1e3, p_mouth = 1e6;

  // graded nodes (finer at the tip, like the meshes)
  std::vector<double> s, wv, iv;
  const unsigned int  N = 400;
  for (unsigned int j = 0; j <= N; ++j)
  {
    const double t = double(j) / N;
    s.push_back(c * (1 - (1 - t) * (1 - t)));
    wv.push_back(w);
    iv.push_back(i);
  }
  {
    LithiumFlowLaw law;
    law.viscosity = mu;
    const auto r =
      LithiumFlow(law, bv).solve_prescribed_current(s, wv, iv, p_mouth);
    const double exact =
      12 * mu * std::abs(i) * Omega * c * c / (constants::faraday * w * w * w);
    const double err = std::abs((r.p.back() - p_mouth) / exact - 1);
    std::cout << "Newtonian rigid slot: dp_tip " << r.p.back() - p_mouth
              << " Pa, closed form " << exact << " Pa, rel. error " << err
              << "\n";
    check(err < 1e-2, "Newtonian rigid slot within 1 %");
    check(err < 1e-10, "Newtonian rigid slot exact for the FV scheme");
    // flux at the middle of the first segment: plating beyond it
    const double Q = 2 * oF * std::abs(i) * (c - 0.5 * s[1]);
    check(std::abs(r.mouth_flux / Q - 1) < 1e-12,
          "flux q(s) = 2 (Omega/F)|i| (c - s) at the first mid-segment");
  }
  {
    LithiumFlowLaw law;
    law.law            = lipen::FlowLaw::power_law;
    law.exponent       = 6.6;
    law.tau_reference  = 0.8e6;
    law.rate_reference = 1e-3;
    const auto r =
      LithiumFlow(law, bv).solve_prescribed_current(s, wv, iv, p_mouth);
    const double m = law.exponent, h = 0.5 * w, S = 2 * oF * std::abs(i);
    const double exact =
      law.tau_reference *
      std::pow((m + 2) * S / (2 * law.rate_reference * std::pow(h, m + 2)),
               1 / m) *
      std::pow(c, 1 + 1 / m) / (1 + 1 / m);
    const double err = std::abs((r.p.back() - p_mouth) / exact - 1);
    std::cout << "power-law rigid slot: dp_tip " << r.p.back() - p_mouth
              << " Pa, closed form " << exact << " Pa, rel. error " << err
              << "\n";
    check(err < 1e-2, "power-law rigid slot within 1 %");
    // m = 1 power law equals Newtonian
    law.exponent      = 1;
    law.tau_reference = mu * law.rate_reference;
    LithiumFlowLaw newtonian;
    newtonian.viscosity = mu;
    const double a = law.flux(w, 3e12), b = newtonian.flux(w, 3e12);
    check(std::abs(a / b - 1) < 1e-12, "power law m = 1 is Newtonian");
  }
  {
    // coupled to kinetics: driving force phi_s - phi_e from -20 mV (mouth)
    // to -30 mV (tip), opening sqrt-shaped
    std::vector<double> d(N + 1), wt(N + 1), p0(N + 1, p_mouth);
    for (unsigned int j = 0; j <= N; ++j)
    {
      d[j]  = -0.02 - 0.01 * s[j] / c;
      wt[j] = w * std::sqrt(1 - s[j] / c);
    }
    LithiumFlowLaw law;
    law.viscosity = 1e-12;
    auto   r      = LithiumFlow(law, bv).solve(s, wt, d, p_mouth, p0);
    double dev    = 0;
    for (const double p : r.p)
      dev = std::max(dev, std::abs(p - p_mouth));
    const double p_eq = 0.03 / oF;
    std::cout << "mu -> 0: max |p - p_mouth| = " << dev << " Pa ("
              << r.newton_iterations << " Newton iterations)\n";
    check(r.converged && dev < 1e-6 * p_eq, "mu -> 0 gives p = p_mouth");

    law.viscosity = 1e20;
    r             = LithiumFlow(law, bv).solve(s, wt, d, p_mouth, p0);
    double i_max  = 0;
    for (unsigned int j = 1; j <= N; ++j)
      i_max = std::max(i_max, std::abs(r.current[j]));
    const double i_open = std::abs(bv.current(d[N] + oF * p_mouth));
    std::cout << "mu -> inf: max |i| at the interior nodes " << i_max
              << " A/m^2 (open face: " << i_open << "), p_tip " << r.p.back()
              << " Pa vs equilibrium " << -d[N] / oF << " Pa\n";
    check(r.converged && i_max < 1e-6 * i_open,
          "mu -> infinity gives local equilibrium (i = 0)");
    check(std::abs(r.p.back() / (-d[N] / oF) - 1) < 1e-6,
          "mu -> infinity: p_tip = F (phi_e - phi_s)/Omega");

    law.viscosity = 1e3;
    r             = LithiumFlow(law, bv).solve(s, wt, d, p_mouth, p0);
    // conservation: q(0) = sum of the sources of nodes 1..N
    double plated = 0;
    for (unsigned int j = 1; j <= N; ++j)
    {
      const double left  = s[j] - s[j - 1];
      const double right = j < N ? s[j + 1] - s[j] : 0.;
      plated += -2 * oF * r.current[j] * 0.5 * (left + right);
    }
    std::cout << "mu = 1e3: mouth flux " << r.mouth_flux << ", plated "
              << plated << " m^2/s, p_tip " << r.p.back() << " Pa\n";
    check(r.converged && std::abs(r.mouth_flux / plated - 1) < 1e-9,
          "Li volume conserved (mouth flux = plated volume)");
    check(r.p.back() > p_mouth && r.p.back() < -d[N] / oF,
          "intermediate mu: p_mouth < p_tip < equilibrium pressure");
  }
  return check.finish();
}
