#pragma once

#include <lipen/base/exceptions.h>

#include <deal.II/lac/full_matrix.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace lipen
{
  /**
   * The pressures p (one per Li body) at which the crack volumes V(p) of n
   * Li bodies equal what a closure allots them, for per-body pressures
   * (issue 17): the n-body form of the secant iteration of one body in
   * PhaseFieldFracture::solve_for_closure().
   *
   * Each evaluation V(p) is an elastic solve. The closure takes an affine
   * model V(p) = V0 + C p (C: the compliance matrix dV_k/dp_j) and returns
   * the pressures of the next iterate (the sealed step of the ionic
   * potential, which balances each body's Li volume with its plating
   * current). The iteration:
   *  - C by forward differences: V(p0) and V(p0 + h_j e_j), j = 0 .. n-1
   *    (n + 1 evaluations);
   *  - p_(k+1) = closure(V(p_k) - C p_k, C), V(p_(k+1)) evaluated; done
   *    when V(p_(k+1)) matches the model, |V - (V0 + C p)|_inf <=
   *    tolerance * scale;
   *  - otherwise Broyden's rank-one update of C from the step,
   *    C += (dV - C dp) dp^T / (dp^T dp), and repeat.
   * If V is affine in p (linear elasticity without the energy split, or the
   * hybrid split, and no other loads), the differences are exact and the
   * first closure converges. Throws NumericalFailure if it does not
   * converge in @p max_iterations closures (or V is not finite).
   */
  class AffineSecant
  {
  public:
    using Vector  = std::vector<double>;
    using Volumes = std::function<Vector(const Vector &p)>;
    using Closure = std::function<Vector(const Vector                     &V0,
                                         const dealii::FullMatrix<double> &C)>;

    /// What solve() did.
    struct Result
    {
      Vector       p, V;            ///< the converged pressures and volumes
      unsigned int evaluations = 0; ///< calls of V(p)
      unsigned int closures    = 0; ///< calls of the closure
    };

    /// @p tolerance: relative to @p scale (e.g. the largest volume).
    AffineSecant(const double tolerance, const unsigned int max_iterations)
      : tolerance(tolerance)
      , max_iterations(max_iterations)
    {
    }

    /// Iterate from @p p0 with difference steps @p h (> 0, one per body);
    /// @p scale of the tolerance (<= 0: the largest |V(p0)|).
    Result
    solve(const Volumes &volumes,
          const Closure &closure,
          const Vector  &p0,
          const Vector  &h,
          double         scale) const
    {
      const unsigned int         n = p0.size();
      Result                     r;
      dealii::FullMatrix<double> C(n, n);
      r.p = p0;
      r.V = volumes(r.p);
      ++r.evaluations;
      if (scale <= 0)
        for (const double v : r.V)
          scale = std::max(scale, std::abs(v));
      for (unsigned int j = 0; j < n; ++j)
      {
        Vector q = r.p;
        q[j] += h[j];
        const Vector Vj = volumes(q);
        ++r.evaluations;
        for (unsigned int i = 0; i < n; ++i)
          C(i, j) = (Vj[i] - r.V[i]) / h[j];
      }
      for (; r.closures < max_iterations;)
      {
        Vector V0(n);
        for (unsigned int i = 0; i < n; ++i)
        {
          V0[i] = r.V[i];
          for (unsigned int j = 0; j < n; ++j)
            V0[i] -= C(i, j) * r.p[j];
        }
        const Vector p = closure(V0, C);
        ++r.closures;
        const Vector V = volumes(p);
        ++r.evaluations;
        double mismatch = 0, dp2 = 0;
        Vector dp(n), defect(n); // defect: dV - C dp
        for (unsigned int i = 0; i < n; ++i)
        {
          double model = V0[i];
          for (unsigned int j = 0; j < n; ++j)
            model += C(i, j) * p[j];
          mismatch = std::max(mismatch, std::abs(V[i] - model));
          dp[i]    = p[i] - r.p[i];
          dp2 += dp[i] * dp[i];
        }
        for (unsigned int i = 0; i < n; ++i)
        {
          defect[i] = V[i] - r.V[i];
          for (unsigned int j = 0; j < n; ++j)
            defect[i] -= C(i, j) * dp[j];
        }
        r.p = p;
        r.V = V;
        if (!std::isfinite(mismatch))
          break;
        if (mismatch <= tolerance * scale || dp2 == 0)
          return r;
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            C(i, j) += defect[i] * dp[j] / dp2;
      }
      throw NumericalFailure(
        "the crack volumes of the Li bodies and their Li volumes did not "
        "agree in " +
        std::to_string(max_iterations) + " secant iterations");
    }

  private:
    const double       tolerance;
    const unsigned int max_iterations;
  };
} // namespace lipen
