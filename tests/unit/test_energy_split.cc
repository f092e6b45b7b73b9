// Unit test of the strain-energy splits (energy_split.h, model.md 3.1), in
// 2D (plane strain) and 3D, for random strains of every sign pattern:
// - psi+ + psi- = lambda/2 tr(eps)^2 + mu eps:eps (1e-12 relative);
// - psi+ >= 0, psi- >= 0;
// - sigma+- = d psi+- / d eps (central differences of psi, 1e-6);
// - the tangent of g sigma+ + sigma- against central differences of the
//   stress (1e-5), and it is symmetric (major symmetry, 1e-6);
// - each part is positively homogeneous: sigma(s eps) = s sigma(eps);
// - the 2D split equals the 3D split of the same strain with eps_zz = 0,
//   and out_of_plane_stress() equals the 3D sigma_zz (1e-12);
// - pure compression eps = -I keeps its volumetric energy undegraded
//   (volumetric-deviatoric: psi- = K/2 tr^2) or all of it (spectral: psi+ = 0);
// - degraded_energy() has degraded_stress() as its derivative (1e-6);
// - hybrid: psi+- (the driving force) are Amor's, the stress is g sigma
//   of `none` (1e-12), so the stress is not Amor's wherever tr eps < 0.
#include <lipen/physics/energy_split.h>

#include "check.h"

#include <cmath>
#include <iostream>
#include <random>
#include <string>

namespace
{
  lipen_test::Checks check(false);

  const double lambda = 2.3, mu = 1.7;

  template <int dim>
  void
  run(const lipen::EnergySplit split, const std::string &name)
  {
    using namespace dealii;
    std::mt19937                           rng(42);
    std::uniform_real_distribution<double> uni(-1., 1.);
    unsigned int                           n = 0;
    for (unsigned int sample = 0; sample < 200; ++sample)
    {
      SymmetricTensor<2, dim> eps;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
          eps[i][j] = 1e-3 * uni(rng);
      const auto   s   = lipen::split_energy<dim>(eps, lambda, mu, split);
      const double tr  = trace(eps);
      const double psi = 0.5 * lambda * tr * tr + mu * (eps * eps);
      check(std::abs(s.psi_plus + s.psi_minus - psi) <= 1e-12 * psi,
            name + ": psi+ + psi- = psi");
      check(s.psi_plus >= 0 && s.psi_minus >= 0, name + ": psi+- >= 0");

      const double h = 1e-8;
      const double g = 0.3;
      const auto   degraded =
        lipen::degraded_stress<dim>(eps, g, lambda, mu, split);
      for (unsigned int k = 0; k < dim; ++k)
        for (unsigned int l = k; l < dim; ++l)
        {
          SymmetricTensor<2, dim> E;
          E[k][l]        = 1;
          const double f = k == l ? 1. : 0.5;
          const auto   sp =
            lipen::split_energy<dim>(eps + h * E, lambda, mu, split);
          const auto sm =
            lipen::split_energy<dim>(eps - h * E, lambda, mu, split);
          const double dp    = f * (sp.psi_plus - sm.psi_plus) / (2 * h);
          const double dm    = f * (sp.psi_minus - sm.psi_minus) / (2 * h);
          const double scale = 1e-3 * (lambda + 2 * mu);
          check(std::abs(dp - s.sigma_plus[k][l]) < 1e-6 * scale,
                name + ": sigma+ = dpsi+/deps");
          check(std::abs(dm - s.sigma_minus[k][l]) < 1e-6 * scale,
                name + ": sigma- = dpsi-/deps");
          const double dW =
            f *
            (lipen::degraded_energy<dim>(eps + h * E, g, lambda, mu, split) -
             lipen::degraded_energy<dim>(eps - h * E, g, lambda, mu, split)) /
            (2 * h);
          check(std::abs(dW - degraded[k][l]) < 1e-6 * scale,
                name + ": degraded stress = d(degraded energy)/deps");
        }

      const auto C = lipen::degraded_tangent<dim>(eps, g, lambda, mu, split);
      SymmetricTensor<2, dim> de;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
          de[i][j] = 1e-9 * uni(rng);
      const auto ds =
        lipen::degraded_stress<dim>(eps + de, g, lambda, mu, split) -
        lipen::degraded_stress<dim>(eps - de, g, lambda, mu, split);
      const auto Cde = C * de;
      check((ds - 2. * Cde).norm() <= 1e-5 * ds.norm() + 1e-18,
            name + ": tangent matches the stress increment");
      SymmetricTensor<2, dim> a, b;
      for (unsigned int i = 0; i < dim; ++i)
        for (unsigned int j = i; j < dim; ++j)
        {
          a[i][j] = uni(rng);
          b[i][j] = uni(rng);
        }
      check(std::abs(a * C * b - b * C * a) <=
              1e-6 * (lambda + 2 * mu) * a.norm() * b.norm(),
            name + ": tangent is symmetric");

      if (split == lipen::EnergySplit::hybrid)
      {
        const auto amor =
          lipen::split_energy<dim>(eps,
                                   lambda,
                                   mu,
                                   lipen::EnergySplit::volumetric_deviatoric);
        const auto iso = lipen::degraded_stress<dim>(eps,
                                                     1.,
                                                     lambda,
                                                     mu,
                                                     lipen::EnergySplit::none);
        check(s.psi_plus == amor.psi_plus && s.psi_minus == amor.psi_minus,
              name + ": driving force of Amor's split");
        check((degraded - g * iso).norm() <= 1e-12 * iso.norm(),
              name + ": stress g sigma of none");
        if (tr < -1e-6)
          check((degraded - lipen::degraded_stress<dim>(
                              eps,
                              g,
                              lambda,
                              mu,
                              lipen::EnergySplit::volumetric_deviatoric))
                    .norm() > 1e-3 * degraded.norm(),
                name + ": in compression not Amor's stress");
      }

      const auto s2 =
        lipen::degraded_stress<dim>(3.7 * eps, g, lambda, mu, split);
      check((s2 - 3.7 * degraded).norm() <= 1e-12 * s2.norm(),
            name + ": positively homogeneous");

      if (dim == 2)
      {
        SymmetricTensor<2, 3> e3;
        for (unsigned int i = 0; i < 2; ++i)
          for (unsigned int j = i; j < 2; ++j)
            e3[i][j] = eps[i][j];
        const auto s3 = lipen::split_energy<3>(e3, lambda, mu, split);
        check(std::abs(s3.psi_plus - s.psi_plus) <= 1e-12 * psi &&
                std::abs(s3.psi_minus - s.psi_minus) <= 1e-12 * psi,
              name + ": 2D = 3D with eps_zz = 0");
        const auto   sig3 = lipen::degraded_stress<3>(e3, g, lambda, mu, split);
        const double zz =
          lipen::out_of_plane_stress<dim>(eps, g, lambda, mu, split);
        check(std::abs(sig3[2][2] - zz) <= 1e-12 * sig3.norm(),
              name + ": plane-strain sigma_zz");
      }
      ++n;
    }
    const auto s =
      lipen::split_energy<dim>(-1e-3 * unit_symmetric_tensor<dim>(),
                               lambda,
                               mu,
                               split);
    // pure compression: its volumetric energy is never degraded (and in
    // the spectral split nothing is: all principal strains are <= 0)
    const double tr = -1e-3 * dim;
    if (split == lipen::EnergySplit::spectral)
      check(s.psi_plus == 0 && s.psi_minus > 0,
            name + ": compression is not degraded");
    if (split == lipen::EnergySplit::volumetric_deviatoric ||
        split == lipen::EnergySplit::hybrid)
      check(std::abs(s.psi_minus - 0.5 * (lambda + 2 * mu / 3) * tr * tr) <=
              1e-15,
            name + ": volumetric compression is not degraded");
    std::cout << name << " " << dim << "D: " << n << " strains checked"
              << std::endl;
  }
} // namespace

int
main()
{
  for (const auto &[split, name] :
       {std::pair{lipen::EnergySplit::none, std::string("none")},
        std::pair{lipen::EnergySplit::volumetric_deviatoric,
                  std::string("volumetric-deviatoric")},
        std::pair{lipen::EnergySplit::spectral, std::string("spectral")},
        std::pair{lipen::EnergySplit::hybrid, std::string("hybrid")}})
  {
    run<2>(split, name);
    run<3>(split, name);
  }
  return check.finish();
}
