// Flat Li | SE | Li cell without a defect (issue 3, model.md 3.2-3.3): the
// ionic-potential solver's current-voltage curve must equal the 1D closed
// form of two Butler-Volmer interfaces in series with the ohmic resistance
// H/kappa,
//
//   V(i) = eta_strip(i) - eta_plate(-i) + i H/kappa,
//
// each eta found here by bisection of i0 [exp(a_a f eta) - exp(-a_c f eta)]
// (independent of lipen's Newton solver), within 0.5 % (the Q1 solution
// is exact for the linear 1D potential, so the check also demands 1e-6).
// Galvanostatic and potentiostatic operation are each other's inverse, and
// a uniform stack pressure shifts neither (it acts on both electrodes).
// Run on 1 and 2 MPI ranks.
#include <lipen/base/constants.h>
#include <lipen/geometry/boundary_ids.h>
#include <lipen/materials/material.h>
#include <lipen/physics/ionic_potential.h>

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_generator.h>

#include "check.h"

#include <cmath>
#include <iostream>

namespace
{
  lipen_test::Checks check;

  double
  bv_inverse(const lipen::ButlerVolmer &bv, const double i)
  {
    double lo = -2, hi = 2;
    for (int k = 0; k < 200; ++k)
    {
      const double mid                = 0.5 * (lo + hi);
      (bv.current(mid) < i ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }
} // namespace

int
main(int argc, char **argv)
{
  using namespace dealii;
  using namespace lipen;
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   comm = MPI_COMM_WORLD;
  const bool root = Utilities::MPI::this_mpi_process(comm) == 0;

  const double                            W = 1e-3, H = 0.5e-3;
  parallel::distributed::Triangulation<2> tria(comm);
  GridGenerator::subdivided_hyper_rectangle(tria,
                                            {4, 4},
                                            Point<2>(0, 0),
                                            Point<2>(0.5 * W, H));
  tria.refine_global(3);
  for (const auto &cell : tria.active_cell_iterators())
    for (const unsigned int f : cell->face_indices())
      if (cell->face(f)->at_boundary())
      {
        const double y = cell->face(f)->center()[1];
        cell->face(f)->set_boundary_id(
          y > H * (1 - 1e-9) ? boundary_ids::li_electrode :
          y < H * 1e-9       ? boundary_ids::counter_electrode :
                               boundary_ids::free_surface);
      }
  GeometryParameters gp; // only the (unused) front description
  gp.width  = W;
  gp.height = H;
  const DefectGeometry<2>    geometry(gp);
  Electrolyte                lps = materials::find_preset("lps_glass", "test");
  ElectrochemistryParameters ec;
  const double               T = 298.15, Omega = 1.3e-5;

  for (const auto &alphas : {std::pair<double, double>{0.5, 0.5},
                             std::pair<double, double>{0.3, 0.7}})
  {
    ec.alpha_anodic   = alphas.first;
    ec.alpha_cathodic = alphas.second;
    const ButlerVolmer bv(lps.exchange_current_density(T),
                          alphas.first,
                          alphas.second,
                          T,
                          Omega);
    for (const double stack : {0., 5e6})
    {
      IonicPotential<2> potential(geometry, tria, lps, bv, stack, ec);
      potential.setup();
      for (const double i : {0.1, 10., 1000.})
      {
        const auto   st      = potential.solve({CellDrive::current_density, i},
                                        {DefectPressure::fixed, stack});
        const double V       = -potential.electrode_potential();
        const double V_exact = bv_inverse(bv, i) - bv_inverse(bv, -i) +
                               i * H / lps.ionic_conductivity;
        const double err = std::abs(V / V_exact - 1);
        if (root)
          std::cout << "alpha " << alphas.first << "/" << alphas.second
                    << ", stack " << stack << " Pa, i = " << i
                    << " A/m^2: V = " << V << " V, 1D closed form " << V_exact
                    << " V, rel. error " << err << " (" << st.newton_iterations
                    << " Newton, " << st.linear_iterations
                    << " CG iterations)\n";
        check(err < 5e-3, "V(i) within 0.5 % of the 1D closed form", root);
        check(err < 1e-6, "V(i) within 1e-6 (Q1 exact in 1D)", root);
        // potentiostatic at V gives back i
        potential.solve({CellDrive::potential, -V},
                        {DefectPressure::fixed, stack});
        const auto I = potential.interfaces();
        check(std::abs(I.current_counter / I.area_counter / i - 1) < 1e-6 &&
                std::abs(-I.current_electrode / I.area_electrode / i - 1) <
                  1e-6,
              "potentiostatic at V(i) returns i on both electrodes",
              root);
      }
    }
  }
  return check.finish(root);
}
