// The Li bodies of a damage field (include/lipen/physics/li_body.h, issue
// 17): li_body_cells() (the damage connected to the defect) and
// li_bodies() (every Li body at the plating electrode, each its own body).
//
// A unit square, 64 x 64 Q1 cells, the plating electrode at y = 0
// (boundary id li_electrode). The damage is the AT2 profile exp(-r/l),
// l = 0.03, about line cracks (r: the distance to the nearest crack):
//   A: x = 0.25, 0 <= y <= 0.2 (the defect: its nodes on the line seed
//      the walk),
//   B: x = 0.625, 0 <= y <= 0.15 (a second crack at the electrode),
//   C: x = 0.45, 0.5 <= y <= 0.7 (a crack inside the electrolyte).
// Checked:
//  - A, B and C: two bodies; body 0 is exactly li_body_cells() of A's
//    seeds; body 1 is exactly the cells of the walk from B's line outside
//    body 0; every cell of the broken cores (all nodes d >= 1/2) of A, B
//    and C is in body 0, 1 and none of them;
//  - A alone: one body, equal to li_body_cells();
//  - A, B and a crack joining them (y = 0.1, 0.25 <= x <= 0.625): one body
//    (the cores touch), which holds B's core;
//  - the number of cells in each body and in none equals that of the same
//    mesh on one rank (MPI_COMM_SELF, computed on every rank): the labels
//    do not depend on the partition (the test runs on 1 and 2 ranks);
//  - A, B and D (x = 0.875, 0 <= y <= 0.1, a third crack at the
//    electrode), with the DoFs numbered as created and numbered downstream
//    in -x (D's nodes before B's): three bodies, B's core in body 1 and
//    D's in body 2 in both: the bodies are numbered by position, not by DoF
//    index (on one rank the test also checks that the reversed numbering
//    puts a node of D's core before every node of B's, so that numbering
//    by index would swap them).
#include <lipen/geometry/boundary_ids.h>
#include <lipen/physics/li_body.h>

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/numerics/vector_tools.h>

#include "check.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <vector>

namespace
{
  using namespace dealii;
  lipen_test::Checks check;

  struct Segment
  {
    Point<2> a, b;
    double
    distance(const Point<2> &p) const
    {
      const Tensor<1, 2> ab = b - a;
      const double s = std::clamp(((p - a) * ab) / ab.norm_square(), 0., 1.);
      return (p - (a + s * ab)).norm();
    }
  };

  class Damage : public Function<2>
  {
  public:
    Damage(const std::vector<Segment> &cracks, const double ell)
      : cracks(cracks)
      , ell(ell)
    {
    }
    double
    value(const Point<2> &p, const unsigned int = 0) const override
    {
      double r = 1e300;
      for (const auto &c : cracks)
        r = std::min(r, c.distance(p));
      return std::exp(-r / ell);
    }

  private:
    std::vector<Segment> cracks;
    double               ell;
  };

  struct Setup
  {
    /// @p reverse_x: number the DoFs downstream in -x
    Setup(const MPI_Comm comm, const bool reverse_x = false)
      : tria(comm)
      , fe(1)
      , dofs(tria)
    {
      GridGenerator::hyper_cube(tria, 0., 1., true);
      for (const auto &cell : tria.active_cell_iterators())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == 2)
            cell->face(f)->set_boundary_id(lipen::boundary_ids::li_electrode);
      tria.refine_global(6);
      dofs.distribute_dofs(fe);
      if (reverse_x)
      {
        // each rank numbers its own DoFs (the same range) in -x
        std::map<types::global_dof_index, Point<2>> x;
        DoFTools::map_dofs_to_support_points(MappingQ1<2>(), dofs, x);
        const IndexSet                       owned = dofs.locally_owned_dofs();
        std::vector<types::global_dof_index> local(owned.begin(), owned.end());
        auto                                 by_x = local;
        std::sort(by_x.begin(),
                  by_x.end(),
                  [&](const auto i, const auto j)
                  {
                    return x[i][0] != x[j][0] ? x[i][0] > x[j][0] : i < j;
                  });
        std::vector<types::global_dof_index> numbers(local.size());
        for (std::size_t k = 0; k < by_x.size(); ++k)
          numbers[owned.index_within_set(by_x[k])] = local[k];
        dofs.renumber_dofs(numbers);
      }
      DoFTools::extract_locally_relevant_dofs(dofs, relevant);
      DoFTools::map_dofs_to_support_points(MappingQ1<2>(), dofs, points);
    }
    parallel::distributed::Triangulation<2>     tria;
    FE_Q<2>                                     fe;
    DoFHandler<2>                               dofs;
    IndexSet                                    relevant;
    std::map<types::global_dof_index, Point<2>> points;
  };

  const double  ell = 0.03;
  const Segment A{Point<2>(0.25, 0.), Point<2>(0.25, 0.2)};
  const Segment B{Point<2>(0.625, 0.), Point<2>(0.625, 0.15)};
  const Segment C{Point<2>(0.45, 0.5), Point<2>(0.45, 0.7)};
  const Segment join{Point<2>(0.25, 0.1), Point<2>(0.625, 0.1)};
  const Segment D{Point<2>(0.875, 0.), Point<2>(0.875, 0.1)};

  PETScWrappers::MPI::Vector
  damage(const Setup &s, const std::vector<Segment> &cracks)
  {
    const MPI_Comm             comm = s.dofs.get_communicator();
    PETScWrappers::MPI::Vector x(s.dofs.locally_owned_dofs(), comm);
    VectorTools::interpolate(s.dofs, Damage(cracks, ell), x);
    PETScWrappers::MPI::Vector ghosted(s.dofs.locally_owned_dofs(),
                                       s.relevant,
                                       comm);
    ghosted = x;
    return ghosted;
  }

  /// the locally relevant nodes on a crack line
  std::vector<types::global_dof_index>
  seeds_on(const Setup &s, const Segment &crack)
  {
    std::vector<types::global_dof_index> seeds;
    for (const auto &[i, x] : s.points)
      if (crack.distance(x) < 1e-12)
        seeds.push_back(i);
    return seeds;
  }

  /// whether all nodes of @p cell are broken (d >= 1/2) by the profile of
  /// @p crack alone
  bool
  in_core(const DoFHandler<2>::cell_iterator &cell, const Segment &crack)
  {
    for (const auto v : cell->vertex_indices())
      if (Damage({crack}, ell).value(cell->vertex(v)) < 0.5)
        return false;
    return true;
  }

  /// the number of locally owned cells with @p pred, summed over ranks
  template <typename Pred>
  unsigned int
  count(const Setup &s, Pred pred)
  {
    unsigned int n = 0;
    for (const auto &cell : s.dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        n += pred(cell);
    return Utilities::MPI::sum(n, s.dofs.get_communicator());
  }

  /// whether @p crack has a broken core and all of it is in body @p b
  bool
  core_in(const Setup           &s,
          const lipen::LiBodies &bodies,
          const Segment         &crack,
          const int              b)
  {
    const unsigned int core = count(s,
                                    [&](const auto &cell)
                                    {
                                      return in_core(cell, crack);
                                    });
    const unsigned int wrong =
      count(s,
            [&](const auto &cell)
            {
              return in_core(cell, crack) &&
                     bodies.cell_body[cell->active_cell_index()] != b;
            });
    return core > 0 && wrong == 0;
  }

  /// A, B and D (three cracks at the electrode) with the DoFs numbered as
  /// made and in -x: B is body 1 and D body 2 in both
  void
  check_numbering(const MPI_Comm comm, const bool root)
  {
    for (const bool reverse : {false, true})
    {
      Setup             r(comm, reverse);
      const auto        d      = damage(r, {A, B, D});
      const auto        bodies = lipen::li_bodies(r.dofs, d, seeds_on(r, A));
      const std::string name = reverse ? "numbered in -x" : "numbered as made";
      check(bodies.n_bodies == 3,
            "A, B, D " + name + ": three Li bodies",
            root);
      check(core_in(r, bodies, B, 1) && core_in(r, bodies, D, 2),
            "A, B, D " + name + ": B's core in body 1, D's in body 2",
            root);
      if (reverse && Utilities::MPI::n_mpi_processes(comm) == 1)
      {
        // the lowest index of an electrode node of each core
        const auto lowest = [&](const Segment &crack)
        {
          types::global_dof_index low = r.dofs.n_dofs();
          for (const auto &[i, x] : r.points)
            if (Damage({crack}, ell).value(x) >= 0.5 && x[1] == 0.)
              low = std::min(low, i);
          return low;
        };
        check(lowest(D) < lowest(B),
              "A, B, D numbered in -x: an electrode node of D's core comes "
              "before every one of B's",
              root);
      }
    }
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   comm = MPI_COMM_WORLD;
  const bool root = Utilities::MPI::this_mpi_process(comm) == 0;
  Setup      s(comm);
  const auto seeds_A = seeds_on(s, A);
  check(Utilities::MPI::sum(static_cast<unsigned int>(seeds_A.size()), comm) >
            0 &&
          Utilities::MPI::sum(static_cast<unsigned int>(seeds_on(s, B).size()),
                              comm) > 0,
        "cracks A and B have nodes on their lines",
        root);

  // A, B and C
  {
    const auto d      = damage(s, {A, B, C});
    const auto bodies = lipen::li_bodies(s.dofs, d, seeds_A);
    const auto body_A = lipen::li_body_cells(s.dofs, d, seeds_A);
    const auto walk_B = lipen::li_body_cells(s.dofs, d, seeds_on(s, B));
    const auto label  = [&](const auto &cell)
    {
      return bodies.cell_body[cell->active_cell_index()];
    };
    check(bodies.n_bodies == 2, "A, B, C: two Li bodies", root);
    const unsigned int wrong0 =
      count(s,
            [&](const auto &cell)
            {
              return (label(cell) == 0) != body_A[cell->active_cell_index()];
            });
    check(wrong0 == 0, "A, B, C: body 0 is li_body_cells() of A", root);
    const unsigned int wrong1 =
      count(s,
            [&](const auto &cell)
            {
              const auto c = cell->active_cell_index();
              return (label(cell) == 1) != (walk_B[c] && !body_A[c]);
            });
    const unsigned int nb = count(s,
                                  [&](const auto &cell)
                                  {
                                    const auto c = cell->active_cell_index();
                                    return walk_B[c] && !body_A[c];
                                  });
    check(nb > 0 && wrong1 == 0,
          "A, B, C: body 1 is the walk from B outside body 0",
          root);
    const auto in_body = [&](const Segment &crack, const int b)
    {
      return core_in(s, bodies, crack, b);
    };
    check(in_body(A, 0), "A, B, C: A's broken core is in body 0", root);
    check(in_body(B, 1), "A, B, C: B's broken core is in body 1", root);
    check(in_body(C, -1), "A, B, C: C's broken core is in no body", root);
    const unsigned int n0 = count(s,
                                  [&](const auto &cell)
                                  {
                                    return label(cell) == 0;
                                  });
    const unsigned int n1 = count(s,
                                  [&](const auto &cell)
                                  {
                                    return label(cell) == 1;
                                  });
    const unsigned int nn = count(s,
                                  [&](const auto &cell)
                                  {
                                    return label(cell) == -1;
                                  });
    if (root)
      std::cout << "A, B, C: cells in body 0 / body 1 / none: " << n0 << " / "
                << n1 << " / " << nn << std::endl;
    check(n0 + n1 + nn == s.tria.n_global_active_cells(),
          "A, B, C: every cell has one label",
          root);
    // the same on one rank
    Setup      one(MPI_COMM_SELF);
    const auto d1 = damage(one, {A, B, C});
    const auto b1 = lipen::li_bodies(one.dofs, d1, seeds_on(one, A));
    std::vector<unsigned int> serial(3, 0);
    for (const auto &cell : one.dofs.active_cell_iterators())
      ++serial[b1.cell_body[cell->active_cell_index()] + 1];
    check(b1.n_bodies == 2 && serial[0] == nn && serial[1] == n0 &&
            serial[2] == n1,
          "A, B, C: the same cells in each body as on one rank",
          root);
  }

  // A alone
  {
    const auto d      = damage(s, {A});
    const auto bodies = lipen::li_bodies(s.dofs, d, seeds_A);
    const auto body_A = lipen::li_body_cells(s.dofs, d, seeds_A);
    check(bodies.n_bodies == 1, "A alone: one Li body", root);
    const unsigned int wrong =
      count(s,
            [&](const auto &cell)
            {
              const auto c = cell->active_cell_index();
              return (bodies.cell_body[c] == 0) != body_A[c];
            });
    check(wrong == 0, "A alone: body 0 is li_body_cells()", root);
  }

  // A and B joined by a crack: one body
  {
    const auto d      = damage(s, {A, B, join});
    const auto bodies = lipen::li_bodies(s.dofs, d, seeds_A);
    check(bodies.n_bodies == 1, "A, B joined: one Li body", root);
    const unsigned int core = count(s,
                                    [&](const auto &cell)
                                    {
                                      return in_core(cell, B);
                                    });
    const unsigned int wrong =
      count(s,
            [&](const auto &cell)
            {
              return in_core(cell, B) &&
                     bodies.cell_body[cell->active_cell_index()] != 0;
            });
    check(core > 0 && wrong == 0, "A, B joined: B's core is in body 0", root);
  }

  // A, B and D in two DoF numberings: B is body 1 and D body 2 in both
  check_numbering(comm, root);
  return check.finish(root);
}
