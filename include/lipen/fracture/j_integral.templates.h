#pragma once

#include <lipen/fracture/j_integral.h>
#include <lipen/geometry/boundary_ids.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lipen
{
  template <int dim>
  VirtualExtension<dim>::VirtualExtension(const CrackFront<dim> &front,
                                          const double           r_in,
                                          const double           r_out,
                                          const int              segment,
                                          const unsigned int     n_segments)
    : front(front)
    , r_in(r_in)
    , r_out(r_out)
    , segment(segment)
    , n_segments(n_segments)
  {
  }

  template <int dim>
  void
  VirtualExtension<dim>::angular_weight(const double theta,
                                        double      &phi,
                                        double      &dphi) const
  {
    phi  = 1;
    dphi = 0;
    if (segment < 0 || n_segments < 2)
      return;
    const double step = 0.5 * dealii::numbers::PI / (n_segments - 1);
    const double t    = (theta - segment * step) / step;
    if (std::abs(t) >= 1)
    {
      phi = 0;
      return;
    }
    phi  = 1 - std::abs(t);
    dphi = (t > 0 ? -1. : 1.) / step;
  }

  template <int dim>
  double
  VirtualExtension<dim>::segment_angle() const
  {
    if (dim == 2 || segment < 0 || n_segments < 2)
      return 0;
    return segment * 0.5 * dealii::numbers::PI / (n_segments - 1);
  }

  template <int dim>
  double
  VirtualExtension<dim>::front_integral() const
  {
    if (dim == 2)
      return 1.;
    if (segment < 0 || n_segments < 2)
      return front.length_in_model();
    const double step = 0.5 * dealii::numbers::PI / (n_segments - 1);
    const bool   end  = (segment == 0 || segment == int(n_segments) - 1);
    return front.radius * front.aspect * (end ? 0.5 * step : step);
  }

  template <int dim>
  void
  VirtualExtension<dim>::evaluate(const dealii::Point<dim> &p,
                                  dealii::Tensor<1, dim>   &q,
                                  dealii::Tensor<2, dim>   &grad) const
  {
    q              = 0;
    grad           = 0;
    const double r = front.distance(p);
    if (r >= r_out)
      return;
    const double s  = (r <= r_in) ? 1. : (r_out - r) / (r_out - r_in);
    const double ds = (r <= r_in) ? 0. : -1. / (r_out - r_in);
    if (dim == 2)
    {
      dealii::Tensor<1, dim> dr;
      if (r > 0)
        dr = (p - front.tip) / r;
      q = s * front.direction;
      for (unsigned int k = 0; k < dim; ++k)
        for (unsigned int j = 0; j < dim; ++j)
          grad[k][j] = front.direction[k] * ds * dr[j];
      return;
    }
    // 3D: evaluate in reference coordinates (circular front of radius a)
    // and push forward with F = diag(aspect, 1, 1): q = F q_ref,
    // grad q = F grad_ref q_ref F^-1.
    const dealii::Point<dim> x   = front.to_reference(p);
    const double             rho = std::hypot(x[0], x[1]);
    const double             a   = front.radius;
    dealii::Tensor<1, dim>   e, dr, dtheta;
    e[0] = x[0] / rho;
    e[1] = x[1] / rho;
    if (r > 0)
    {
      dr[0]       = (rho - a) / r * e[0];
      dr[1]       = (rho - a) / r * e[1];
      dr[dim - 1] = x[dim - 1] / r;
    }
    dtheta[0] = -x[1] / (rho * rho);
    dtheta[1] = x[0] / (rho * rho);
    double phi, dphi;
    angular_weight(std::atan2(x[1], x[0]), phi, dphi);
    q = s * phi * e;
    for (unsigned int k = 0; k < dim; ++k)
      for (unsigned int j = 0; j < dim; ++j)
      {
        grad[k][j] = e[k] * (ds * dr[j] * phi + s * dphi * dtheta[j]);
        if (k < 2 && j < 2)
          grad[k][j] += s * phi * ((k == j ? 1. : 0.) - e[k] * e[j]) / rho;
      }
    const double lambda = front.aspect;
    q[0] *= lambda;
    for (unsigned int j = 0; j < dim; ++j)
      grad[0][j] *= lambda;
    for (unsigned int k = 0; k < dim; ++k)
      grad[k][0] /= lambda;
  }

  template <int dim>
  double
  domain_j_integral(const Elasticity<dim>       &elasticity,
                    const VirtualExtension<dim> &q_field)
  {
    using namespace dealii;
    const auto                      &dof_handler = elasticity.get_dof_handler();
    const auto                      &fe          = elasticity.get_fe();
    const QGauss<dim>                quadrature(fe.degree + 1);
    const QGauss<dim - 1>            face_quadrature(fe.degree + 1);
    FEValues<dim>                    fe_values(elasticity.get_mapping(),
                            fe,
                            quadrature,
                            update_gradients | update_quadrature_points |
                              update_JxW_values);
    FEFaceValues<dim>                fe_face_values(elasticity.get_mapping(),
                                     fe,
                                     face_quadrature,
                                     update_values | update_normal_vectors |
                                       update_quadrature_points |
                                       update_JxW_values);
    const FEValuesExtractors::Vector displacement(0);
    std::vector<Tensor<2, dim>>      grads(quadrature.size());
    std::vector<Tensor<1, dim>>      face_u(face_quadrature.size());
    const auto                      &front = elasticity.get_geometry().front();
    double                           local = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() &&
          front.distance(cell->center()) <
            q_field.outer_radius() +
              cell->diameter() / std::min(1., front.aspect))
      {
        fe_values.reinit(cell);
        fe_values[displacement]
          .get_function_gradients(elasticity.get_solution(), grads);
        for (unsigned int k = 0; k < quadrature.size(); ++k)
        {
          Tensor<1, dim> q;
          Tensor<2, dim> dq;
          q_field.evaluate(fe_values.quadrature_point(k), q, dq);
          if (dq.norm() == 0)
            continue;
          const Tensor<2, dim> sigma(elasticity.stress(grads[k]));
          const double         W = 0.5 * scalar_product(sigma, grads[k]);
          local += (scalar_product(sigma, grads[k] * dq) - W * trace(dq)) *
                   fe_values.JxW(k);
        }
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              cell->face(f)->boundary_id() == boundary_ids::crack_face)
          {
            fe_face_values.reinit(cell, f);
            fe_face_values[displacement]
              .get_function_values(elasticity.get_solution(), face_u);
            for (unsigned int k = 0; k < face_quadrature.size(); ++k)
            {
              const auto     x = fe_face_values.quadrature_point(k);
              const auto     m = fe_face_values.normal_vector(k);
              Tensor<1, dim> q;
              Tensor<2, dim> dq;
              q_field.evaluate(x, q, dq);
              if (q.norm() == 0)
                continue;
              // p at fixed points in space: its change along q
              const double h  = 1e-6 * q_field.outer_radius() / q.norm();
              const double dp = (elasticity.crack_pressure(x + h * q) -
                                 elasticity.crack_pressure(x - h * q)) /
                                (2. * h);
              const double p  = elasticity.crack_pressure(x);
              const double um = face_u[k] * m;
              local -= (p * (trace(dq) * um - m * (dq * face_u[k])) + dp * um) *
                       fe_face_values.JxW(k);
            }
          }
      }
    const double I = Utilities::MPI::sum(local, dof_handler.get_communicator());
    return elasticity.get_geometry().crack_plane_mirror_factor() * I /
           q_field.front_integral();
  }

  template <int dim>
  double
  energy_release_rate(Elasticity<dim> &elasticity,
                      dealii::parallel::distributed::Triangulation<dim> &tria,
                      const VirtualExtension<dim> &q_field,
                      const double                 delta)
  {
    using namespace dealii;
    const std::vector<Point<dim>> original = tria.get_vertices();
    double                        energy[2];
    for (unsigned int side = 0; side < 2; ++side)
    {
      const double sign = side == 0 ? 1. : -1.;
      GridTools::transform(
        [&](const Point<dim> &p)
        {
          Tensor<1, dim> q;
          Tensor<2, dim> dq;
          q_field.evaluate(p, q, dq);
          return p + sign * delta * q;
        },
        tria);
      elasticity.assemble();
      elasticity.solve();
      energy[side] = elasticity.potential_energy();
      for (const auto &cell : tria.cell_iterators())
        for (const unsigned int v : cell->vertex_indices())
          cell->vertex(v) = original[cell->vertex_index(v)];
    }
    // leave the problem as it was found: system and solution of the
    // unperturbed mesh
    elasticity.assemble();
    elasticity.solve();
    // Pi is summed over the whole model with a relative round-off of about
    // 1e-14 that depends on the partition. A stack pressure stores far more
    // energy than the crack load (100 MPa against 1 MPa on a 1 um slit:
    // |Pi(+) - Pi(-)| = 2.5e-14 |Pi|), and the difference then has no
    // correct digit (K_I_energy differed by 3e-3 between 1 and 2 ranks).
    // Below 1e-8 |Pi| the result is not given.
    const double scale = std::max(std::abs(energy[0]), std::abs(energy[1]));
    if (!(std::abs(energy[0] - energy[1]) > 1e-8 * scale))
      return std::numeric_limits<double>::quiet_NaN();
    return -elasticity.get_geometry().crack_plane_mirror_factor() *
           (energy[0] - energy[1]) / (2. * delta * q_field.front_integral());
  }
} // namespace lipen
