#pragma once

#include <lipen/base/constants.h>
#include <lipen/fracture/crack_metrics.h>
#include <lipen/fracture/j_integral.h>
#include <lipen/physics/elasticity_output.h>
#include <lipen/simulator/fracture_analysis.h>

#include <deal.II/base/timer.h>

#include <cmath>

namespace lipen
{
  template <int dim>
  FractureResult
  analyse_defect(const RunParameters        &parameters,
                 const Electrolyte          &electrolyte,
                 MPI_Comm                    comm,
                 SolutionWriter             *writer,
                 const unsigned int          step,
                 dealii::ConditionalOStream &pcout)
  {
    using namespace dealii;
    FractureResult r;
    r.material             = electrolyte.key;
    r.defect               = to_string(parameters.geometry.defect);
    r.dim                  = dim;
    r.degree               = parameters.elasticity.degree;
    r.defect_size          = parameters.geometry.defect_size;
    r.reference_load       = parameters.loads.reference_load();
    r.plane_strain_modulus = electrolyte.plane_strain_modulus();
    r.fracture_toughness   = electrolyte.fracture_toughness;
    const double c         = r.defect_size;

    Timer                                     timer;
    const DefectGeometry<dim>                 geometry(parameters.geometry);
    parallel::distributed::Triangulation<dim> tria(
      comm,
      Triangulation<dim>::limit_level_difference_at_vertices);
    geometry.create_mesh(tria);
    r.time_mesh = timer.wall_time();
    r.n_cells   = tria.n_global_active_cells();

    Elasticity<dim> elasticity(geometry,
                               tria,
                               electrolyte,
                               parameters.loads,
                               parameters.elasticity);
    timer.restart();
    elasticity.setup();
    r.time_setup = timer.wall_time();
    r.n_dofs     = elasticity.n_dofs();
    timer.restart();
    elasticity.assemble();
    r.time_assembly  = timer.wall_time();
    const auto stats = elasticity.solve();
    r.time_amg_setup = stats.setup_seconds;
    r.time_solve     = stats.solve_seconds;
    r.cg_iterations  = stats.iterations;

    timer.restart();
    const double E_prime = r.plane_strain_modulus;
    const auto   K_of    = [&](const double J)
    {
      return std::sqrt(std::max(0., J) * E_prime);
    };
    const std::vector<double> &radii = parameters.fracture.j_radii;
    for (const double rho : radii)
    {
      const VirtualExtension<dim> q(geometry.front(), 0.5 * rho * c, rho * c);
      r.j_radii.push_back(rho);
      r.K_by_radius.push_back(K_of(domain_j_integral(elasticity, q)));
    }
    const double primary = radii[radii.size() / 2];
    {
      const VirtualExtension<dim> q(geometry.front(),
                                    0.5 * primary * c,
                                    primary * c);
      r.J = domain_j_integral(elasticity, q);
    }
    r.K_I = K_of(r.J);
    r.Y   = r.K_I / (r.reference_load * std::sqrt(constants::pi * c));
    r.sigma0_max =
      electrolyte.fracture_toughness / (r.Y * std::sqrt(constants::pi * c));
    r.eta_c =
      parameters.lithium.molar_volume() * r.sigma0_max / constants::faraday;
    if (dim == 3)
      for (unsigned int k = 0; k < parameters.fracture.front_segments; ++k)
      {
        const VirtualExtension<dim> q(geometry.front(),
                                      0.5 * primary * c,
                                      primary * c,
                                      k,
                                      parameters.fracture.front_segments);
        r.front_angles.push_back(q.segment_angle());
        r.K_along_front.push_back(K_of(domain_j_integral(elasticity, q)));
      }
    const auto metrics = compute_crack_metrics(elasticity);
    r.crack_volume     = metrics.volume;
    r.opening          = metrics.opening;
    r.time_j           = timer.wall_time();


    r.G_energy = r.K_I_energy = r.Y_energy =
      std::numeric_limits<double>::quiet_NaN();
    if (parameters.fracture.energy_method)
    {
      timer.restart();
      const VirtualExtension<dim> q(geometry.front(),
                                    0.5 * primary * c,
                                    primary * c);
      r.G_energy   = energy_release_rate(elasticity,
                                       tria,
                                       q,
                                       parameters.fracture.energy_perturbation *
                                         geometry.tip_cell_size());
      r.K_I_energy = std::isnan(r.G_energy) ? r.G_energy : K_of(r.G_energy);
      r.Y_energy =
        r.K_I_energy / (r.reference_load * std::sqrt(constants::pi * c));
      r.time_energy = timer.wall_time();
      if (std::isnan(r.G_energy))
        pcout << "note: the energy-release check is not reported: the "
                 "potential energy changes by less than 1e-8 of its size "
                 "between the two crack lengths (a stack pressure far above "
                 "the crack load)\n";
    }
    // electro-chemo-mechanics on the same mesh (changes the elasticity
    // loads to the operating-point Li pressure)
    std::unique_ptr<IonicPotential<dim>> potential;
    if (parameters.electrochemistry.enabled)
      potential = analyse_electrochemistry(parameters,
                                           electrolyte,
                                           elasticity,
                                           r.sigma0_max,
                                           r.crack_volume / r.reference_load,
                                           r.electrochemistry);

    if (writer != nullptr)
    {
      timer.restart();
      const std::function<void(DataOut<dim> &)> add =
        [&](DataOut<dim> &data_out)
      {
        if (potential)
          potential->add_output(data_out);
      };
      write_elasticity_solution(*writer, elasticity, step, step, add);
      r.time_output = timer.wall_time();
    }
    return r;
  }
} // namespace lipen
