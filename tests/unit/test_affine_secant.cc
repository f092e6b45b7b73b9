// AffineSecant (include/lipen/solvers/affine_secant.h): the pressures of n
// Li bodies at which the crack volumes V(p) equal the Li volumes a closure
// allots, by forward differences and Broyden updates of the compliance
// matrix (groundwork for per-body pressures, issue 17).
//
// Model problem: V(p) = A p + e p^3 (componentwise cube, p in units of a
// reference pressure) with A symmetric positive definite and coupling
// (off-diagonal) entries; the closure allots the Li volume b - D p (D
// diagonal, positive: a sealed step), i.e. it returns the p with
// (C + D) p = b - V0. The root solves A p + e p^3 + D p = b.
// Checked:
//  - affine (e = 0), two bodies: one closure, n + 2 = 4 evaluations of V,
//    p = (A + D)^-1 b to 1e-12;
//  - e = 0.2, two and three bodies: the converged p solves the nonlinear
//    system to 1e-10 (residual relative to |b|) and equals an independent
//    Newton solve of it (exact Jacobian) to 1e-9, in at most 12 closures;
//  - e = 0.2 with one closure allowed: NumericalFailure.
#include <lipen/solvers/affine_secant.h>

#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include "check.h"

#include <cmath>
#include <iostream>

namespace
{
  using lipen::AffineSecant;
  using Vector = AffineSecant::Vector;
  using Matrix = dealii::FullMatrix<double>;
  lipen_test::Checks check;

  struct Problem
  {
    Matrix A;
    Vector D, b;
    double e = 0;

    Vector
    volumes(const Vector &p) const
    {
      Vector V(p.size());
      for (unsigned int i = 0; i < p.size(); ++i)
      {
        V[i] = e * p[i] * p[i] * p[i];
        for (unsigned int j = 0; j < p.size(); ++j)
          V[i] += A(i, j) * p[j];
      }
      return V;
    }
    /// (C + D) p = b - V0
    Vector
    closure(const Vector &V0, const Matrix &C) const
    {
      const unsigned int     n = b.size();
      Matrix                 M(C);
      dealii::Vector<double> rhs(n), p(n);
      for (unsigned int i = 0; i < n; ++i)
      {
        M(i, i) += D[i];
        rhs[i] = b[i] - V0[i];
      }
      M.gauss_jordan();
      M.vmult(p, rhs);
      return Vector(p.begin(), p.end());
    }
    /// |A p + e p^3 + D p - b|_inf / |b|_inf
    double
    residual(const Vector &p) const
    {
      const Vector V = volumes(p);
      double       r = 0, bn = 0;
      for (unsigned int i = 0; i < p.size(); ++i)
      {
        r  = std::max(r, std::abs(V[i] + D[i] * p[i] - b[i]));
        bn = std::max(bn, std::abs(b[i]));
      }
      return r / bn;
    }
    /// Newton with the exact Jacobian A + diag(3 e p^2 + D)
    Vector
    newton() const
    {
      const unsigned int n = b.size();
      Vector             p(n, 0.);
      for (unsigned int k = 0; k < 50; ++k)
      {
        const Vector           V = volumes(p);
        Matrix                 J(A);
        dealii::Vector<double> r(n), dp(n);
        for (unsigned int i = 0; i < n; ++i)
        {
          J(i, i) += 3 * e * p[i] * p[i] + D[i];
          r[i] = b[i] - V[i] - D[i] * p[i];
        }
        J.gauss_jordan();
        J.vmult(dp, r);
        for (unsigned int i = 0; i < n; ++i)
          p[i] += dp[i];
      }
      return p;
    }
  };

  Problem
  problem(const unsigned int n, const double e)
  {
    Problem P;
    P.e = e;
    P.A.reinit(n, n);
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        P.A(i, j) = i == j ? 2. + i : -0.4;
    P.D.assign(n, 0.);
    P.b.assign(n, 0.);
    for (unsigned int i = 0; i < n; ++i)
    {
      P.D[i] = 0.3 + 0.4 * i;
      P.b[i] = 1. + 0.5 * i;
    }
    return P;
  }

  AffineSecant::Result
  run(const Problem &P, const unsigned int max_closures)
  {
    const AffineSecant solver(1e-12, max_closures);
    const Vector       p0(P.b.size(), 0.1), h(P.b.size(), 1e-3);
    return solver.solve(
      [&](const Vector &p)
      {
        return P.volumes(p);
      },
      [&](const Vector &V0, const Matrix &C)
      {
        return P.closure(V0, C);
      },
      p0,
      h,
      1.);
  }
} // namespace

int
main()
{
  {
    const Problem P     = problem(2, 0.);
    const auto    r     = run(P, 12);
    const Vector  exact = P.newton(); // e = 0: (A + D)^-1 b
    std::cout << "affine, 2 bodies: p = " << r.p[0] << ", " << r.p[1] << " ("
              << r.closures << " closures, " << r.evaluations << " evaluations)"
              << std::endl;
    check(r.closures == 1 && r.evaluations == 4,
          "affine: one closure, n + 2 evaluations");
    check(std::abs(r.p[0] - exact[0]) <= 1e-12 &&
            std::abs(r.p[1] - exact[1]) <= 1e-12,
          "affine: p = (A + D)^-1 b to 1e-12");
  }
  for (const unsigned int n : {2u, 3u})
  {
    const Problem P      = problem(n, 0.2);
    const auto    r      = run(P, 12);
    const Vector  newton = P.newton();
    double        diff   = 0;
    for (unsigned int i = 0; i < n; ++i)
      diff = std::max(diff, std::abs(r.p[i] - newton[i]));
    std::cout << "nonlinear, " << n << " bodies: " << r.closures
              << " closures, residual " << P.residual(r.p)
              << ", difference to Newton " << diff << std::endl;
    check(P.residual(r.p) <= 1e-10,
          "nonlinear, " + std::to_string(n) +
            " bodies: the system is solved to 1e-10");
    check(diff <= 1e-9,
          "nonlinear, " + std::to_string(n) +
            " bodies: equals Newton's solution to 1e-9");
  }
  bool thrown = false;
  try
  {
    run(problem(2, 0.2), 1);
  }
  catch (const lipen::NumericalFailure &)
  {
    thrown = true;
  }
  check(thrown, "nonlinear with one closure allowed: NumericalFailure");
  return check.finish(true);
}
