// Several Li bodies in the ionic potential (issue 17, per-body pressures):
// IonicPotential with set_diffuse_li() labels gives every Li body its own
// pressure p_k, with the sealed equation I_k + sum_j beta_kj (p_j -
// p_old_j) = 0 for each body.
//
// An LPS-glass slab 80 x 40 um, the plating electrode at y = 0, the
// counter electrode at y = 40 um, insulating sides, galvanostatic at
// 10 A/m^2. Two slits grow from the electrode at x = 20 and 60 um, each a
// diffuse Li body with the AT2 profile d = exp(-r/l), l = 1 um, h <= l/4
// within 8 l of the slits. The mesh is mirror-symmetric about x = 40 um.
//
// Checked:
//  - equal slits (10 um), steady sealed (beta = 0), as two bodies: the two
//    pressures agree (mirror symmetry), within 1e-6; each body's net
//    current, integrated independently by interfaces(), is zero (1e-8 of
//    the cell current); and both equal the pressure of the same two slits
//    as one body (label 0 for both), within 1e-6;
//  - equal slits, one implicit step with a full coupling matrix beta
//    (diagonal 2 b, off-diagonal b) and equal old pressures: by symmetry
//    each body obeys I_k + 3 b (p - p_old) = 0, so both pressures equal
//    the one-body step with beta = 6 b (the single-body path), within
//    1e-6;
//  - unequal slits (10 and 5 um), steady sealed as two bodies: the deeper
//    slit, which focuses more current, holds the higher pressure (by more
//    than 1 %); each body's net current is zero; the one-body pressure of
//    the same slits lies strictly between the two;
//  - unequal slits, the same coupled step with different old pressures:
//    the returned pressures and the currents of interfaces() satisfy both
//    sealed equations to 1e-8 of the cell current;
//  - the bound p_k >= 0 (DefectPressure::nonnegative): the coupled step
//    above unchanged (1e-9); with body 1's old pressure at -0.5 p_steady
//    (its crack opened by more than its Li) the unbounded step gives p_1 <
//    0, the bounded one p_1 = 0 exactly, body 1's equation g_1 > 0 (its Li
//    short of its crack), body 0's equation to 1e-8 I_cell and a lower p_0;
//    at -2 p_steady both bodies end at p = 0 with g_k > 0 (beta_01 > 0:
//    body 1's deficit pulls on body 0);
//  - without labels every cell is in body 0: the same pressure as label 0
//    on every cell, within 1e-9.
// Run on 1 and 2 MPI ranks.
#include <lipen/geometry/boundary_ids.h>
#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/physics/ionic_potential.h>

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/numerics/vector_tools.h>

#include "check.h"
#include "refine_band.h"

#include <array>
#include <cmath>
#include <iomanip>
#include <iostream>

namespace
{
  using namespace dealii;
  using namespace lipen;
  lipen_test::Checks check;

  constexpr double um = 1e-6, W = 80 * um, H = 40 * um, ell = 1 * um;
  constexpr double x_slit[2] = {20 * um, 60 * um};

  /// Distance from @p p to the slit at x_slit[k] of depth @p depth.
  double
  distance(const Point<2> &p, const unsigned int k, const double depth)
  {
    const double y = std::clamp(p[1], 0., depth);
    return std::hypot(p[0] - x_slit[k], p[1] - y);
  }

  /// The AT2 damage profile exp(-r/l) about both slits (the nearer one).
  class Profile : public Function<2>
  {
  public:
    Profile(const double c0, const double c1)
      : depth{c0, c1}
    {
    }
    double
    value(const Point<2> &p, const unsigned int = 0) const override
    {
      return std::exp(
        -std::min(distance(p, 0, depth[0]), distance(p, 1, depth[1])) / ell);
    }

  private:
    const double depth[2];
  };

  struct Setup
  {
    Setup(const double c0, const double c1, const MPI_Comm comm)
      : depth{c0, c1}
      , tria(comm)
      , fe_d(1)
      , dof_d(tria)
    {
      GridGenerator::subdivided_hyper_rectangle(tria,
                                                {8, 4},
                                                Point<2>(0, 0),
                                                Point<2>(W, H));
      set_ids();
      // h <= l/4 within 8 l of the slits
      lipen_test::refine_band(
        tria,
        [&](const Point<2> &x)
        {
          return std::min(distance(x, 0, c0), distance(x, 1, c1));
        },
        8 * ell,
        0.25 * ell,
        [&]()
        {
          set_ids();
        });
      dof_d.distribute_dofs(fe_d);
      IndexSet relevant;
      DoFTools::extract_locally_relevant_dofs(dof_d, relevant);
      PETScWrappers::MPI::Vector owned(dof_d.locally_owned_dofs(), comm);
      VectorTools::interpolate(dof_d, Profile(c0, c1), owned);
      d.reinit(dof_d.locally_owned_dofs(), relevant, comm);
      d = owned;
      // body k: the cells within 8 l of slit k (two bodies) or 0 for both
      two.assign(tria.n_active_cells(), -1);
      one.assign(tria.n_active_cells(), -1);
      all.assign(tria.n_active_cells(), 0);
      for (const auto &cell : tria.active_cell_iterators())
        for (unsigned int k = 0; k < 2; ++k)
          if (distance(cell->center(), k, depth[k]) <
              8 * ell + cell->diameter())
          {
            two[cell->active_cell_index()] = k;
            one[cell->active_cell_index()] = 0;
          }
    }
    ~Setup()
    {
      dof_d.clear();
    }

    void
    set_ids()
    {
      for (const auto &cell : tria.active_cell_iterators())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary())
          {
            const double y = cell->face(f)->center()[1];
            cell->face(f)->set_boundary_id(
              y < 1e-3 * H       ? boundary_ids::li_electrode :
              y > H * (1 - 1e-3) ? boundary_ids::counter_electrode :
                                   boundary_ids::free_surface);
          }
    }

    const double                            depth[2];
    parallel::distributed::Triangulation<2> tria;
    FE_Q<2>                                 fe_d;
    DoFHandler<2>                           dof_d;
    PETScWrappers::MPI::Vector              d;
    std::vector<int>                        two, one, all;
  };

  /// An ionic potential on the mesh of @p s with the labels @p labels
  /// (null: none, every cell in body 0).
  std::unique_ptr<IonicPotential<2>>
  make_potential(Setup                            &s,
                 const std::vector<int>           *labels,
                 const DefectGeometry<2>          &geometry,
                 const Electrolyte                &lps,
                 const ButlerVolmer               &kinetics,
                 const ElectrochemistryParameters &ec)
  {
    auto potential = std::make_unique<IonicPotential<2>>(geometry,
                                                         s.tria,
                                                         lps,
                                                         kinetics,
                                                         0.,
                                                         ec);
    potential->setup();
    if (labels != nullptr)
      potential->set_diffuse_li(s.dof_d,
                                s.d,
                                1e-3,
                                [labels]() -> const std::vector<int> &
                                {
                                  return *labels;
                                });
    else
      potential->set_diffuse_li(s.dof_d, s.d);
    return potential;
  }

  /// The two sealed equations g_k = I_k + sum_j beta_kj (p_j - p_old_j) of
  /// @p step at the pressures @p p and the body currents of @p I.
  std::array<double, 2>
  sealed_equations(const std::vector<double>           &p,
                   const IonicPotential<2>::Interfaces &I,
                   const DefectPressure                &step)
  {
    std::array<double, 2> g;
    for (unsigned int k = 0; k < 2; ++k)
    {
      g[k] = I.current_bodies[k];
      for (unsigned int j = 0; j < 2; ++j)
        g[k] += step.body_beta[2 * k + j] * (p[j] - step.body_p_old[j]);
    }
    return g;
  }

  /// The bound p_k >= 0 (DefectPressure::nonnegative) on the coupled step
  /// @p step of the unequal slits, whose unbounded pressures are @p p;
  /// @p p_steady: the deeper slit's steady pressure.
  void
  check_bound(IonicPotential<2>         &two,
              const CellDrive           &drive,
              DefectPressure             step,
              const std::vector<double> &p,
              const double               p_steady,
              const double               I_cell,
              const bool                 root)
  {
    // the bound p_k >= 0 leaves a step whose pressures are positive alone
    step.nonnegative = true;
    two.solve(drive, step);
    const auto pb = two.body_pressures();
    check(std::abs(pb[0] - p[0]) <= 1e-9 * p[0] &&
            std::abs(pb[1] - p[1]) <= 1e-9 * p[0],
          "p >= 0 bound, positive pressures: the same step (1e-9)",
          root);

    // body 1's old pressure below 0 (its crack opened by more than its
    // Li, V_old < V0): unbounded, p_1 < 0; bounded, p_1 = 0 with its Li
    // short of its crack (g_1 > 0) and body 0's equation still holding
    const auto bounded_step = [&](const double p_old1, std::array<double, 2> &g)
    {
      step.body_p_old  = {0.2 * p_steady, p_old1};
      step.nonnegative = false;
      two.solve(drive, step);
      const auto pu    = two.body_pressures();
      step.nonnegative = true;
      two.solve(drive, step);
      const auto pn = two.body_pressures();
      g             = sealed_equations(pn, two.interfaces(), step);
      if (root)
        std::cout << "p_old,1 = " << p_old1 << " Pa: unbounded p = " << pu[0]
                  << ", " << pu[1] << " Pa; bounded p = " << pn[0] << ", "
                  << pn[1] << " Pa, g = " << g[0] << ", " << g[1] << " A/m"
                  << std::endl;
      return std::make_pair(pu, pn);
    };
    std::array<double, 2> g;
    const auto [pu, pn] = bounded_step(-0.5 * p_steady, g);
    check(pu[1] < -0.05 * p_steady && pu[0] > 0,
          "unbounded: body 1's pressure is negative (the case needs the bound)",
          root);
    check(pn[1] == 0 && g[1] > 1e-3 * I_cell,
          "bounded: p_1 = 0 exactly and its Li short of its crack (g_1 > 0)",
          root);
    check(pn[0] > 0 && std::abs(g[0]) <= 1e-8 * I_cell,
          "bounded: p_0 > 0 and its sealed equation holds (1e-8 I_cell)",
          root);
    check(pn[0] < pu[0],
          "bounded: body 0's pressure lower than unbounded (beta_01 p_1 "
          "rises from < 0 to 0)",
          root);
    // further below: body 1's deficit pulls body 0 below 0 as well
    // (beta_01 > 0): both at 0, both short of Li
    const auto [pu2, pn2] = bounded_step(-2 * p_steady, g);
    check(pu2[1] < 0 && pn2[0] == 0 && pn2[1] == 0 && g[0] > 1e-3 * I_cell &&
            g[1] > 1e-3 * I_cell,
          "bounded, p_old,1 = -2 p: both bodies at p = 0, both short of Li "
          "(g_k > 0)",
          root);
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   comm = MPI_COMM_WORLD;
  const bool root = Utilities::MPI::this_mpi_process(comm) == 0;

  GeometryParameters gp;
  gp.defect      = DefectType::edge_slit;
  gp.defect_size = 10 * um;
  gp.height      = H;
  gp.width       = W;
  const DefectGeometry<2>    geometry(gp); // unused by a diffuse Li body
  const Electrolyte          lps = materials::find_preset("lps_glass", "test");
  ElectrochemistryParameters ec;
  ec.newton_tolerance    = 1e-12;
  const double         T = 298.15, Omega = 1.3e-5, i_app = 10.;
  const ButlerVolmer   kinetics(lps.exchange_current_density(T),
                              ec.alpha_anodic,
                              ec.alpha_cathodic,
                              T,
                              Omega);
  const CellDrive      drive{CellDrive::current_density, i_app};
  const DefectPressure steady{DefectPressure::sealed, 0};
  // the cell current through the counter electrode: the current scale
  const double I_cell = i_app * W;
  // the coupling scale of the implicit steps [A/(m Pa)]: b p_steady is
  // about the plating current into a slit
  const double b = 1e-12;
  std::cout << std::setprecision(8);

  // equal slits
  {
    Setup s(10 * um, 10 * um, comm);
    auto  two = make_potential(s, &s.two, geometry, lps, kinetics, ec);
    two->solve(drive, steady);
    const auto   p2   = two->body_pressures();
    const auto   I2   = two->interfaces();
    auto         one  = make_potential(s, &s.one, geometry, lps, kinetics, ec);
    const auto   st1  = one->solve(drive, steady);
    const double p1   = one->defect_pressure();
    auto         none = make_potential(s, nullptr, geometry, lps, kinetics, ec);
    none->solve(drive, steady);
    const double p0  = none->defect_pressure();
    auto         all = make_potential(s, &s.all, geometry, lps, kinetics, ec);
    all->solve(drive, steady);
    const double p_all = all->defect_pressure();
    if (root)
      std::cout << "equal slits (" << s.tria.n_global_active_cells()
                << " cells): two bodies p = " << p2[0] << ", " << p2[1]
                << " Pa, I_k = " << I2.current_bodies[0] << ", "
                << I2.current_bodies[1] << " A/m; one body p = " << p1
                << " Pa (" << st1.newton_iterations
                << " Newton); no labels p = " << p0
                << " Pa, label 0 everywhere p = " << p_all << " Pa"
                << std::endl;
    check(p2.size() == 2 && I2.current_bodies.size() == 2,
          "two labels: two pressures and two body currents",
          root);
    check(p1 > 0 && std::abs(p2[0] - p2[1]) <= 1e-6 * p1,
          "equal slits: the two pressures agree (symmetry), within 1e-6",
          root);
    check(std::abs(I2.current_bodies[0]) <= 1e-8 * I_cell &&
            std::abs(I2.current_bodies[1]) <= 1e-8 * I_cell,
          "equal slits: each body's net current is zero (1e-8 I_cell)",
          root);
    check(std::abs(p2[0] - p1) <= 1e-6 * p1 &&
            std::abs(p2[1] - p1) <= 1e-6 * p1,
          "equal slits: two bodies' pressures = one body's, within 1e-6",
          root);
    check(std::abs(p0 - p_all) <= 1e-9 * p_all,
          "no labels = label 0 on every cell, within 1e-9",
          root);

    // one implicit step, full coupling matrix, equal old pressures
    DefectPressure step{DefectPressure::sealed};
    step.body_beta  = {2 * b, b, b, 2 * b};
    step.body_p_old = {0.5 * p1, 0.5 * p1};
    two->solve(drive, step);
    const auto     pc = two->body_pressures();
    DefectPressure single{DefectPressure::sealed, 0., 6 * b, 0.5 * p1};
    one->solve(drive, single);
    const double ps = one->defect_pressure();
    if (root)
      std::cout << "coupled step, equal slits: p = " << pc[0] << ", " << pc[1]
                << " Pa; one body, beta = 6 b: p = " << ps << " Pa"
                << std::endl;
    check(ps > 0.5 * p1 && ps < p1 && std::abs(pc[0] - ps) <= 1e-6 * ps &&
            std::abs(pc[1] - ps) <= 1e-6 * ps,
          "coupled step, equal slits: p_k = the one-body step with beta = 6 b "
          "(within 1e-6)",
          root);
  }

  // unequal slits
  {
    Setup s(10 * um, 5 * um, comm);
    auto  two = make_potential(s, &s.two, geometry, lps, kinetics, ec);
    two->solve(drive, steady);
    const auto p2  = two->body_pressures();
    const auto I2  = two->interfaces();
    auto       one = make_potential(s, &s.one, geometry, lps, kinetics, ec);
    one->solve(drive, steady);
    const double p1 = one->defect_pressure();
    if (root)
      std::cout << "unequal slits 10, 5 um (" << s.tria.n_global_active_cells()
                << " cells): two bodies p = " << p2[0] << ", " << p2[1]
                << " Pa, I_k = " << I2.current_bodies[0] << ", "
                << I2.current_bodies[1] << " A/m; one body p = " << p1 << " Pa"
                << std::endl;
    check(p2[0] > 1.01 * p2[1] && p2[1] > 0,
          "unequal slits: the deeper slit's pressure is higher (> 1 %)",
          root);
    check(std::abs(I2.current_bodies[0]) <= 1e-8 * I_cell &&
            std::abs(I2.current_bodies[1]) <= 1e-8 * I_cell,
          "unequal slits: each body's net current is zero (1e-8 I_cell)",
          root);
    check(p1 < p2[0] && p1 > p2[1],
          "unequal slits: the one-body pressure lies between the two",
          root);

    // one implicit step with a full coupling matrix
    DefectPressure step{DefectPressure::sealed};
    step.body_beta  = {2 * b, b, b, 2 * b};
    step.body_p_old = {0.2 * p2[0], 0.5 * p2[1]};
    two->solve(drive, step);
    const auto   p        = two->body_pressures();
    const auto   I        = two->interfaces();
    const auto   g        = sealed_equations(p, I, step);
    const double residual = std::max(std::abs(g[0]), std::abs(g[1]));
    if (root)
      std::cout << "coupled step: p = " << p[0] << ", " << p[1]
                << " Pa, I_k = " << I.current_bodies[0] << ", "
                << I.current_bodies[1] << " A/m, largest residual " << residual
                << " A/m" << std::endl;
    check(residual <= 1e-8 * I_cell,
          "coupled step: both sealed equations hold (1e-8 I_cell)",
          root);

    check_bound(*two, drive, step, p, p2[0], I_cell, root);
  }
  return check.finish(root);
}
