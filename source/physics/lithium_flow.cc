#include <lipen/base/exceptions.h>
#include <lipen/base/selection.h>
#include <lipen/physics/lithium_flow.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lipen
{
  namespace
  {
    const std::pair<FlowLaw, const char *> flow_law_names[] =
      {{FlowLaw::newtonian, "newtonian"}, {FlowLaw::power_law, "power law"}};
  } // namespace

  std::string
  to_string(const FlowLaw law)
  {
    return selection_name(law, flow_law_names);
  }

  FlowLaw
  flow_law_from_string(const std::string &name)
  {
    return parse_selection(name,
                           flow_law_names,
                           "Electrochemistry/Li flow law");
  }

  double
  LithiumFlowLaw::flux(const double w, const double gradient) const
  {
    if (law == FlowLaw::newtonian)
      return w * w * w * gradient / (12. * viscosity);
    const double h = 0.5 * w, m = exponent;
    return std::copysign(2. * std::pow(h, m + 2) / (m + 2) * rate_reference *
                           std::pow(std::abs(gradient) / tau_reference, m),
                         gradient);
  }

  double
  LithiumFlowLaw::flux_derivative(const double w, const double gradient) const
  {
    if (law == FlowLaw::newtonian)
      return w * w * w / (12. * viscosity);
    const double h = 0.5 * w, m = exponent;
    return 2. * std::pow(h, m + 2) / (m + 2) * rate_reference * m *
           std::pow(std::abs(gradient) / tau_reference, m - 1) / tau_reference;
  }

  LithiumFlow::LithiumFlow(const LithiumFlowLaw &law,
                           const ButlerVolmer   &kinetics)
    : law(law)
    , kinetics(kinetics)
  {
  }

  namespace
  {
    struct Grid
    {
      std::vector<double> length, opening, volume;
    };

    Grid
    make_grid(const std::vector<double> &s, const std::vector<double> &w)
    {
      const std::size_t N = s.size() - 1;
      if (N < 1 || w.size() != s.size())
        throw std::logic_error("LithiumFlow: inconsistent node arrays");
      Grid g;
      g.length.resize(N);
      g.opening.resize(N);
      g.volume.assign(N + 1, 0.);
      for (std::size_t l = 0; l < N; ++l)
      {
        g.length[l] = s[l + 1] - s[l];
        if (!(g.length[l] > 0))
          throw std::logic_error("LithiumFlow: nodes not increasing");
        // mean of w^2: exact for w ~ sqrt(distance to the tip)
        g.opening[l] = std::sqrt(0.5 * (w[l] * w[l] + w[l + 1] * w[l + 1]));
        if (!(g.opening[l] > 0))
          throw InputError(
            "the crack is closed (opening <= 0) near s = " +
            std::to_string(s[l]) +
            " m: the flowing Li closure needs an open crack; lower "
            "Loads/Stack pressure or use the sealed closure");
        g.volume[l] += 0.5 * g.length[l];
        g.volume[l + 1] += 0.5 * g.length[l];
      }
      return g;
    }
  } // namespace

  LithiumFlow::Result
  LithiumFlow::solve(const std::vector<double> &s,
                     const std::vector<double> &w,
                     const std::vector<double> &driving,
                     const double               p_mouth,
                     const std::vector<double> &p_initial) const
  {
    const std::size_t N  = s.size() - 1;
    const Grid        g  = make_grid(s, w);
    const double      oF = kinetics.omega_over_F;

    Result r;
    r.p = p_initial;
    r.p.resize(N + 1, p_mouth);
    r.p[0] = p_mouth;

    std::vector<double> res(N + 1), lower(N + 1), diag(N + 1), upper(N + 1),
      delta(N + 1);
    const auto residual = [&](const std::vector<double> &p,
                              std::vector<double>       &out,
                              const bool                 jacobian)
    {
      double norm = 0;
      for (std::size_t j = 1; j <= N; ++j)
      {
        const double eta = driving[j] + oF * p[j];
        const double S   = -2. * oF * kinetics.current(eta) * g.volume[j];
        double       rj  = -S;
        if (jacobian)
        {
          diag[j]  = 2. * oF * oF * kinetics.derivative(eta) * g.volume[j];
          lower[j] = upper[j] = 0;
        }
        // segment towards the mouth (j-1, j): q_{j-1} leaves the volume
        {
          const std::size_t l = j - 1;
          const double      G = (p[j] - p[l]) / g.length[l];
          rj += law.flux(g.opening[l], G);
          if (jacobian)
          {
            const double d = law.flux_derivative(g.opening[l], G) / g.length[l];
            diag[j] += d;
            if (j > 1)
              lower[j] = -d;
          }
        }
        if (j < N) // segment (j, j+1): q_j enters the volume
        {
          const double G = (p[j + 1] - p[j]) / g.length[j];
          rj -= law.flux(g.opening[j], G);
          if (jacobian)
          {
            const double d = law.flux_derivative(g.opening[j], G) / g.length[j];
            diag[j] += d;
            upper[j] = -d;
          }
        }
        out[j] = rj;
        norm += rj * rj;
      }
      return std::sqrt(norm);
    };

    double norm = residual(r.p, res, true);
    for (r.newton_iterations = 0; r.newton_iterations < 200;
         ++r.newton_iterations)
    {
      if (!std::isfinite(norm))
        break;
      // Thomas algorithm on rows 1..N
      std::vector<double> c(N + 1), d(N + 1);
      for (std::size_t j = 1; j <= N; ++j)
      {
        const double m = diag[j] - (j > 1 ? lower[j] * c[j - 1] : 0.);
        c[j]           = upper[j] / m;
        d[j]           = (-res[j] - (j > 1 ? lower[j] * d[j - 1] : 0.)) / m;
      }
      for (std::size_t j = N; j >= 1; --j)
        delta[j] = d[j] - (j < N ? c[j] * delta[j + 1] : 0.);
      double step_max = 0, p_scale = 0;
      for (std::size_t j = 1; j <= N; ++j)
      {
        step_max = std::max(step_max, std::abs(delta[j]));
        p_scale  = std::max(p_scale, std::abs(r.p[j]));
      }
      // backtracking on the residual norm
      std::vector<double> trial(r.p);
      double              lambda = 1, trial_norm = 0;
      for (unsigned int k = 0; k < 30; ++k, lambda *= 0.5)
      {
        for (std::size_t j = 1; j <= N; ++j)
          trial[j] = r.p[j] + lambda * delta[j];
        trial_norm = residual(trial, res, false);
        if (std::isfinite(trial_norm) &&
            trial_norm < (1 - 1e-4 * lambda) * norm)
          break;
      }
      if (!(std::isfinite(trial_norm) && trial_norm < norm))
      {
        // no decrease possible: converged to round-off or stuck
        r.converged = step_max <= 1e-9 * p_scale + 1e-6;
        break;
      }
      r.p  = trial;
      norm = residual(r.p, res, true);
      if (lambda * step_max <= 1e-12 * p_scale + 1e-6)
      {
        r.converged = true;
        ++r.newton_iterations;
        break;
      }
    }

    r.current.resize(N + 1);
    for (std::size_t j = 0; j <= N; ++j)
      r.current[j] = kinetics.current(driving[j] + oF * r.p[j]);
    r.flux.resize(N);
    for (std::size_t l = 0; l < N; ++l)
      r.flux[l] = law.flux(g.opening[l], (r.p[l + 1] - r.p[l]) / g.length[l]);
    r.mouth_flux = r.flux[0];
    return r;
  }

  LithiumFlow::Result
  LithiumFlow::solve_prescribed_current(const std::vector<double> &s,
                                        const std::vector<double> &w,
                                        const std::vector<double> &current,
                                        const double p_mouth) const
  {
    const std::size_t N  = s.size() - 1;
    const Grid        g  = make_grid(s, w);
    const double      oF = kinetics.omega_over_F;
    Result            r;
    r.current = current;
    r.flux.assign(N, 0.);
    // q_l = sum of the sources beyond segment l
    double q = 0;
    for (std::size_t j = N; j >= 1; --j)
    {
      q += -2. * oF * current[j] * g.volume[j];
      r.flux[j - 1] = q;
    }
    r.p.assign(N + 1, p_mouth);
    for (std::size_t l = 0; l < N; ++l)
    {
      double       G;
      const double h = 0.5 * g.opening[l];
      if (law.law == FlowLaw::newtonian)
        G = 12. * law.viscosity * r.flux[l] / std::pow(g.opening[l], 3);
      else
        G = std::copysign(law.tau_reference *
                            std::pow(std::abs(r.flux[l]) * (law.exponent + 2) /
                                       (2. * std::pow(h, law.exponent + 2) *
                                        law.rate_reference),
                                     1. / law.exponent),
                          r.flux[l]);
      r.p[l + 1] = r.p[l] + G * g.length[l];
    }
    r.mouth_flux = r.flux[0];
    r.converged  = true;
    return r;
  }
} // namespace lipen
