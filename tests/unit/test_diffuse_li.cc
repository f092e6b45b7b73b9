// Verification rung 6 (model.md 3.6, issue 17): diffuse vs sharp
// electrochemistry of a frozen crack. An edge slit of depth c at the Li
// electrode of an LPS-glass slab (H = 10 c), galvanostatic at 10 A/m^2 and
// at 100 A/m^2. The sharp model puts Butler-Volmer on the slit faces; the
// diffuse model (IonicPotential::set_diffuse_li) uses the AT2 damage
// profile d = exp(-r/l) about the same faces (r: distance to the faces,
// the faces themselves insulating) with psi(d) = 1 - d^2. Both on the same
// mesh, resolved to h <= l/4 within 8 l of the faces.
//
// Checked, for l/c = 1/10, 1/20, 1/40:
//  - the current into the defect at the stack pressure (p fixed) and the
//    sealed steady Li pressure (zero net current into the defect) agree
//    with the sharp values within 5 % at l/c = 1/40 (model.md rung 6);
//  - the differences fall as l decreases, at first order (each halving
//    of l halves them, 0.5 +- 0.1);
//  - the diffuse interface area (the integral of |grad psi|) is the face
//    length c plus the rounded tip's pi l/4, within 0.5 %.
// Measured (1 rank): I_d +11.9/+5.8/+2.8 %, sealed p +5.3/+2.6/+1.3 % at
// 10 A/m^2; +15.7/+7.3/+3.5 % and +5.9/+2.9/+1.4 % at 100 A/m^2: the
// diffuse Li reaches ~l beyond the tip, where the current focuses.
// Run on 1 and 2 MPI ranks (the numbers agree to the solver tolerance).
#include <lipen/base/constants.h>
#include <lipen/geometry/boundary_ids.h>
#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/physics/ionic_potential.h>

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/numerics/vector_tools.h>

#include "check.h"
#include "refine_band.h"

#include <cmath>
#include <iomanip>
#include <iostream>

namespace
{
  lipen_test::Checks check;

  struct Values
  {
    double current  = 0; ///< I_d at p = stack [A/m]
    double pressure = 0; ///< sealed steady p [Pa]
    double area     = 0; ///< defect interface area [m]
  };

  /// The AT2 damage profile exp(-r/l) about the slit faces.
  class Profile : public dealii::Function<2>
  {
  public:
    Profile(const lipen::CrackFront<2> &front, const double ell)
      : front(front)
      , ell(ell)
    {
    }
    double
    value(const dealii::Point<2> &p, const unsigned int = 0) const override
    {
      return std::exp(-front.distance_to_faces(p) / ell);
    }

  private:
    const lipen::CrackFront<2> &front;
    const double                ell;
  };

  Values
  solve(lipen::IonicPotential<2> &potential, const double i_app)
  {
    using namespace lipen;
    Values v;
    potential.reset();
    potential.solve({CellDrive::current_density, i_app},
                    {DefectPressure::fixed, 0.});
    v.current = potential.interfaces().current_defect;
    v.area    = potential.interfaces().area_defect;
    potential.solve({CellDrive::current_density, i_app},
                    {DefectPressure::sealed, 0});
    v.pressure = potential.defect_pressure();
    return v;
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

  const double       c = 10e-6;
  GeometryParameters gp;
  gp.defect          = DefectType::edge_slit;
  gp.defect_size     = c;
  gp.height          = 10 * c;
  gp.width           = 20 * c;
  gp.tip_refinement  = 64;
  gp.face_refinement = 8;
  const DefectGeometry<2>    geometry(gp);
  const Electrolyte          lps = materials::find_preset("lps_glass", "test");
  ElectrochemistryParameters ec;
  ec.newton_tolerance  = 1e-12;
  const double       T = 298.15, Omega = 1.3e-5;
  const ButlerVolmer kinetics(lps.exchange_current_density(T),
                              ec.alpha_anodic,
                              ec.alpha_cathodic,
                              T,
                              Omega);

  for (const double i_app : {10., 100.})
  {
    std::vector<double> error_current, error_pressure;
    for (const double ratio : {10., 20., 40.})
    {
      const double                            ell = c / ratio;
      parallel::distributed::Triangulation<2> tria(comm);
      geometry.create_mesh(tria);
      // h <= l/4 within 8 l of the faces
      lipen_test::refine_band(
        tria,
        [&](const Point<2> &x)
        {
          return geometry.front().distance_to_faces(x);
        },
        8 * ell,
        0.25 * ell,
        [&]()
        {
          geometry.assign_boundary_ids(tria);
        });

      IonicPotential<2> sharp(geometry, tria, lps, kinetics, 0., ec);
      sharp.setup();
      const Values s = solve(sharp, i_app);

      DoFHandler<2> dof_d(tria);
      const FE_Q<2> fe_d(1);
      dof_d.distribute_dofs(fe_d);
      IndexSet relevant;
      DoFTools::extract_locally_relevant_dofs(dof_d, relevant);
      PETScWrappers::MPI::Vector d_owned(dof_d.locally_owned_dofs(), comm);
      VectorTools::interpolate(dof_d, Profile(geometry.front(), ell), d_owned);
      PETScWrappers::MPI::Vector d(dof_d.locally_owned_dofs(), relevant, comm);
      d = d_owned;
      IonicPotential<2> diffuse(geometry, tria, lps, kinetics, 0., ec);
      diffuse.setup();
      diffuse.set_diffuse_li(dof_d, d);
      const Values f = solve(diffuse, i_app);

      error_current.push_back(std::abs(f.current / s.current - 1));
      error_pressure.push_back(std::abs(f.pressure / s.pressure - 1));
      if (root)
        std::cout << std::setprecision(6) << "i_app " << i_app << " A/m^2, l/c "
                  << 1 / ratio << " (" << sharp.n_dofs() << " DoFs): I_d sharp "
                  << s.current << " diffuse " << f.current << " ("
                  << f.current / s.current - 1 << "), sealed p sharp "
                  << s.pressure << " diffuse " << f.pressure << " ("
                  << f.pressure / s.pressure - 1 << "), area sharp " << s.area
                  << " diffuse " << f.area << std::endl;
      // the faces (c) and the rounded tip: a quarter disc in the half
      // model, whose |grad psi| = (2/l) exp(-2r/l) integrates to pi l/4
      const double area = c + constants::pi * ell / 4;
      check(std::abs(f.area / area - 1) < 5e-3,
            "diffuse interface area = c + pi l/4 within 0.5 %",
            root);
      dof_d.clear();
    }
    check(error_current.back() < 0.05 && error_pressure.back() < 0.05,
          "l/c = 1/40: I_d and sealed p within 5 % of the sharp crack",
          root);
    // first order in l: each halving of l halves the difference
    bool first_order = true;
    for (unsigned int k = 1; k < 3; ++k)
      first_order =
        first_order &&
        std::abs(error_current[k] / error_current[k - 1] - 0.5) < 0.1 &&
        std::abs(error_pressure[k] / error_pressure[k - 1] - 0.5) < 0.1;
    check(first_order,
          "the differences fall as l decreases, halving with l (0.5 +- 0.1)",
          root);
  }
  return check.finish(root);
}
