#pragma once

#include <lipen/base/selection.h>

#include <deal.II/base/symmetric_tensor.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace lipen
{
  /**
   * Split of the isotropic strain energy psi(eps) = lambda/2 tr(eps)^2 +
   * mu eps:eps into a part psi+ that is degraded by the phase field and a
   * part psi- that is not (model.md section 3.1):
   *
   *  - none:      psi+ = psi, psi- = 0;
   *  - volumetric-deviatoric (Amor et al. 2009), K = lambda + 2 mu/3:
   *               psi+ = K/2 <tr eps>+^2 + mu eps_d:eps_d,
   *               psi- = K/2 <tr eps>-^2;
   *  - spectral (Miehe et al. 2010), eps = sum eps_i n_i (x) n_i:
   *               psi+ = lambda/2 <tr eps>+^2 + mu sum <eps_i>+^2,
   *               psi- = lambda/2 <tr eps>-^2 + mu sum <eps_i>-^2;
   *  - hybrid (Ambati, Gerasimov, De Lorenzis 2015): psi+- of the
   *               volumetric-deviatoric split drive the damage (the history
   *               field H = max psi+), but the stress is the isotropically
   *               degraded g sigma(eps) of `none`, and the elastic energy
   *               g psi. The displacement problem stays linear, with the
   *               conditioning of `none` (Amor's K kept in compression
   *               makes the broken band nearly incompressible, K/(g mu) up
   *               to 1/k, which CG + GAMG does not solve in 3D), while
   *               compression does not drive the damage. Not variational:
   *               u minimises the `none` energy, d sees psi+ of Amor, so
   *               the energy balance elastic + fracture - work = const holds
   *               only to the difference of the two.
   *
   * In 2D (plane strain) eps_zz = 0: the deviator is the 3D one
   * (eps_d:eps_d = eps:eps - tr(eps)^2/3) and the third principal strain is
   * 0, so the 2x2 formulas below are the plane-strain restriction of the 3D
   * ones. The stresses are sigma+- = d psi+- / d eps; each part is
   * positively homogeneous of degree 2 in eps, so sigma(s eps) = s sigma(eps)
   * for s > 0. The tangent of the degraded stress g sigma+ + sigma- is
   * exact for `none`, `volumetric-deviatoric` and `hybrid` and a central
   * difference of the stress for `spectral`. degraded_energy() is the
   * elastic energy density whose derivative is degraded_stress().
   */
  enum class EnergySplit
  {
    none,
    volumetric_deviatoric,
    spectral,
    hybrid
  };

  inline const std::pair<EnergySplit, const char *> energy_split_names[] = {
    {EnergySplit::none, "none"},
    {EnergySplit::volumetric_deviatoric, "volumetric-deviatoric"},
    {EnergySplit::spectral, "spectral"},
    {EnergySplit::hybrid, "hybrid"}};

  /// Whether the degraded stress is linear in the strain (the
  /// displacement problem at a fixed damage is linear).
  inline bool
  stress_linear_in_strain(const EnergySplit split)
  {
    return split == EnergySplit::none || split == EnergySplit::hybrid;
  }

  inline std::string
  to_string(const EnergySplit split)
  {
    return selection_name(split, energy_split_names);
  }

  template <int dim>
  struct SplitEnergy
  {
    double                          psi_plus  = 0;
    double                          psi_minus = 0;
    dealii::SymmetricTensor<2, dim> sigma_plus;
    dealii::SymmetricTensor<2, dim> sigma_minus;
  };

  template <int dim>
  SplitEnergy<dim>
  split_energy(const dealii::SymmetricTensor<2, dim> &eps,
               const double                           lambda,
               const double                           mu,
               const EnergySplit                      split)
  {
    using namespace dealii;
    const auto       I  = unit_symmetric_tensor<dim>();
    const double     tr = trace(eps);
    const double     tp = std::max(tr, 0.), tm = std::min(tr, 0.);
    SplitEnergy<dim> s;
    switch (split)
    {
      case EnergySplit::none:
        s.psi_plus   = 0.5 * lambda * tr * tr + mu * (eps * eps);
        s.sigma_plus = lambda * tr * I + 2. * mu * eps;
        break;
      case EnergySplit::volumetric_deviatoric:
      case EnergySplit::hybrid: // drives d with Amor's psi+
      {
        const double K    = lambda + 2. * mu / 3.;
        const auto   dev  = eps - (tr / 3.) * I; // in-plane part in 2D
        const double dev2 = eps * eps - tr * tr / 3.;
        s.psi_plus        = 0.5 * K * tp * tp + mu * dev2;
        s.psi_minus       = 0.5 * K * tm * tm;
        s.sigma_plus      = K * tp * I + 2. * mu * dev;
        s.sigma_minus     = K * tm * I;
        break;
      }
      case EnergySplit::spectral:
      {
        const auto eig =
          eigenvectors(eps, SymmetricTensorEigenvectorMethod::jacobi);
        s.psi_plus    = 0.5 * lambda * tp * tp;
        s.psi_minus   = 0.5 * lambda * tm * tm;
        s.sigma_plus  = lambda * tp * I;
        s.sigma_minus = lambda * tm * I;
        for (const auto &[e, n] : eig)
        {
          const double ep = std::max(e, 0.), em = std::min(e, 0.);
          const auto   P = symmetrize(outer_product(n, n));
          s.psi_plus += mu * ep * ep;
          s.psi_minus += mu * em * em;
          s.sigma_plus += 2. * mu * ep * P;
          s.sigma_minus += 2. * mu * em * P;
        }
        break;
      }
    }
    return s;
  }

  /// The factor of psi- and sigma- in the degraded energy and stress: 1,
  /// but g for hybrid, whose stress and energy are those of `none`.
  inline double
  minus_part_factor(const double g, const EnergySplit split)
  {
    return split == EnergySplit::hybrid ? g : 1.;
  }

  /// Degraded stress g sigma+ + sigma- (hybrid: g sigma).
  template <int dim>
  dealii::SymmetricTensor<2, dim>
  degraded_stress(const dealii::SymmetricTensor<2, dim> &eps,
                  const double                           g,
                  const double                           lambda,
                  const double                           mu,
                  const EnergySplit                      split)
  {
    const auto s = split_energy(eps, lambda, mu, split);
    return g * s.sigma_plus + minus_part_factor(g, split) * s.sigma_minus;
  }

  /// Elastic energy density of the degraded stress: g psi+ + psi- (hybrid:
  /// g psi).
  template <int dim>
  double
  degraded_energy(const dealii::SymmetricTensor<2, dim> &eps,
                  const double                           g,
                  const double                           lambda,
                  const double                           mu,
                  const EnergySplit                      split)
  {
    const auto s = split_energy(eps, lambda, mu, split);
    return g * s.psi_plus + minus_part_factor(g, split) * s.psi_minus;
  }

  /// sigma_zz of the degraded stress in plane strain (eps_zz = 0, which is
  /// a principal strain of value 0); 0 in 3D.
  template <int dim>
  double
  out_of_plane_stress(const dealii::SymmetricTensor<2, dim> &eps,
                      const double                           g,
                      const double                           lambda,
                      const double                           mu,
                      const EnergySplit                      split)
  {
    if (dim == 3)
      return 0;
    const double tr = dealii::trace(eps);
    const double tp = std::max(tr, 0.), tm = std::min(tr, 0.);
    switch (split)
    {
      case EnergySplit::none:
      case EnergySplit::hybrid:
        return g * lambda * tr;
      case EnergySplit::volumetric_deviatoric:
      {
        const double K = lambda + 2. * mu / 3.;
        return g * (K * tp - 2. * mu * tr / 3.) + K * tm;
      }
      case EnergySplit::spectral:
        return lambda * (g * tp + tm);
    }
    return 0;
  }

  /// d(g sigma+ + sigma-)/d eps.
  template <int dim>
  dealii::SymmetricTensor<4, dim>
  degraded_tangent(const dealii::SymmetricTensor<2, dim> &eps,
                   const double                           g,
                   const double                           lambda,
                   const double                           mu,
                   const EnergySplit                      split)
  {
    using namespace dealii;
    const auto   I    = unit_symmetric_tensor<dim>();
    const auto   IxI  = outer_product(I, I);
    const auto   Isym = identity_tensor<dim>();
    const double tr   = trace(eps);
    switch (split)
    {
      case EnergySplit::none:
      case EnergySplit::hybrid:
        return g * (lambda * IxI + 2. * mu * Isym);
      case EnergySplit::volumetric_deviatoric:
      {
        // at the kink tr eps = 0 (e.g. u = 0, the first Newton step) the
        // tangent takes the degraded branch: with K kept there, broken
        // material (g ~ k) is nearly incompressible (K / (g mu) ~ 1/k) and
        // CG + GAMG stalls (a broken pore, the 3D band); the stress, and so
        // the converged u, is the same on either branch
        const double K  = lambda + 2. * mu / 3.;
        const double Kv = tr >= 0 ? g * K : K;
        return Kv * IxI + g * 2. * mu * (Isym - IxI / 3.);
      }
      case EnergySplit::spectral:
      {
        // central differences of the stress, one symmetric strain
        // component at a time; the step is relative to |eps|
        const double h = 1e-7 * std::max(eps.norm(), 1e-300) + 1e-300;
        SymmetricTensor<4, dim> C;
        for (unsigned int k = 0; k < dim; ++k)
          for (unsigned int l = k; l < dim; ++l)
          {
            SymmetricTensor<2, dim> E;
            E[k][l] = 1; // sets E_kl = E_lk = 1
            const auto ds =
              degraded_stress<dim>(eps + h * E, g, lambda, mu, split) -
              degraded_stress<dim>(eps - h * E, g, lambda, mu, split);
            const double scale = (k == l ? 1. : 0.5) / (2. * h);
            for (unsigned int i = 0; i < dim; ++i)
              for (unsigned int j = i; j < dim; ++j)
                C[i][j][k][l] = ds[i][j] * scale;
          }
        return C;
      }
    }
    return SymmetricTensor<4, dim>();
  }
} // namespace lipen
