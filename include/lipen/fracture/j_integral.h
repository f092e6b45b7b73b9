#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/physics/elasticity.h>

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <deal.II/distributed/tria.h>

namespace lipen
{
  /**
   * Virtual crack extension field q(x) = s(r) phi(theta) e(x): e is the
   * local propagation direction (constant in 2D, radial in the crack plane
   * in 3D), r the distance to the front, s(r) = 1 for r <= r_in, falling
   * linearly to 0 at r_out, and phi an optional hat function along a 3D
   * front (segment k of n) or 1.
   *
   * The same field serves the domain J-integral (through its gradient) and
   * the energy-release method (as the mesh perturbation), so the two K
   * methods integrate the same front weighting.
   */
  template <int dim>
  class VirtualExtension
  {
  public:
    VirtualExtension(const CrackFront<dim> &front,
                     double                 r_in,
                     double                 r_out,
                     int                    segment    = -1,
                     unsigned int           n_segments = 0);

    /// q(p) and its gradient dq_k/dx_j (grad[k][j]).
    void
    evaluate(const dealii::Point<dim> &p,
             dealii::Tensor<1, dim>   &q,
             dealii::Tensor<2, dim>   &grad) const;

    /// Integral of the weight s(0) phi along the front inside the model.
    double
    front_integral() const;

    double
    outer_radius() const
    {
      return r_out;
    }

    /// Front angle at the centre of the segment (3D), 0 in 2D.
    double
    segment_angle() const;

  private:
    void
    angular_weight(double theta, double &phi, double &dphi) const;

    const CrackFront<dim> &front;
    double                 r_in, r_out;
    int                    segment;
    unsigned int           n_segments;
  };

  /**
   * Domain (equivalent-area) J-integral for any virtual extension field q,
   * written as the shape derivative of the potential energy with the Li
   * pressure following the defect faces (Shih, Moran and Nakamura 1986 for
   * the domain part):
   *
   *   I = int_A (sigma_ij du_i/dx_k - W delta_kj) dq_k/dx_j dA
   *       - int_{defect faces} [ p (div q (u.m) - m.(grad q) u)
   *                              + (grad p . q)(u.m) ] ds,
   *
   * m the outward normal of the body. For a slit (q tangent to the faces)
   * integrating by parts along the faces gives the textbook term
   * + int p m.(grad u) q ds; the form above also holds where q.m != 0, as
   * on the root of a blunt notch, and needs no displacement gradients on
   * the faces. The crack plane is a symmetry plane of the model, so
   * J = 2 I / front_integral(q).
   */
  template <int dim>
  double
  domain_j_integral(const Elasticity<dim>       &elasticity,
                    const VirtualExtension<dim> &q);

  /**
   * Energy release rate from two crack lengths: the mesh is moved by
   * +delta q(x) and -delta q(x) (the front advances and recedes by delta),
   * the problem is re-assembled and re-solved, and
   *
   *   G = -2 (Pi(+delta) - Pi(-delta)) / (2 delta front_integral(q)),
   *
   * Pi = 1/2 u.K u - f.u the stationary potential energy (pressure loads
   * follow the crack faces). Vertices are restored afterwards and the
   * unperturbed problem is re-assembled and re-solved. Returns NaN when
   * |Pi(+delta) - Pi(-delta)| <= 1e-8 |Pi| (round-off of Pi, for example
   * under a stack pressure that stores far more energy than the crack load,
   * leaves no correct digit).
   */
  template <int dim>
  double
  energy_release_rate(Elasticity<dim> &elasticity,
                      dealii::parallel::distributed::Triangulation<dim> &tria,
                      const VirtualExtension<dim>                       &q,
                      double                                             delta);
} // namespace lipen
