#include <lipen/base/exceptions.h>
#include <lipen/base/fault_injection.h>
#include <lipen/base/memory.h>
#include <lipen/base/selection.h>
#include <lipen/geometry/boundary_ids.h>
#include <lipen/geometry/defect_geometry.h>

#include <deal.II/base/mpi.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  void
  GeometryParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Geometry");
    prm.declare_entry(
      "Defect type",
      "edge slit",
      Patterns::Selection(
        "edge slit|blunt notch|centre slit|penny|semicircular surface flaw"),
      "Defect model. 2D (plane strain): 'edge slit' (surface "
      "defect at the Li electrode, half model), 'blunt notch' (U-notch with "
      "root radius 'Notch tip radius', half model, meshed with gmsh), 'centre slit' "
      "(embedded Griffith crack, quarter model). 3D: 'penny' "
      "(embedded penny crack, 1/8 model), 'semicircular "
      "surface flaw' (1/4 model). The dimension follows from "
      "the defect type.");
    prm.declare_entry("Width",
                      "1e-3",
                      Patterns::Double(1e-9, 1e3),
                      "Electrolyte slab width W [m] (2D: the model spans W/2; "
                      "3D: the extrusion length normal to the crack plane is "
                      "W/2).");
    prm.declare_entry("Height",
                      "1e-3",
                      Patterns::Double(1e-9, 1e3),
                      "Electrolyte thickness H between the electrodes [m] "
                      "(3D: radius of the quarter-cylinder model).");
    prm.declare_entry("Defect size",
                      "1e-5",
                      Patterns::Double(1e-9, 1e3),
                      "Defect size c [m]: depth of a surface defect, "
                      "half-length of a centre slit, radius of a penny or "
                      "semicircular flaw. Must satisfy 0 < c < H.");
    prm.declare_entry("Coarse cells",
                      "4",
                      Patterns::Integer(1, 64),
                      "Coarse cells across the smaller slab dimension.");
    prm.declare_entry("Tip refinement",
                      "64",
                      Patterns::Double(1., 1e4),
                      "c/h at the crack tip (cells per defect size at the "
                      "front).");
    prm.declare_entry("Face refinement",
                      "8",
                      Patterns::Double(1., 1e4),
                      "c/h along the defect faces.");
    prm.declare_entry("Grading",
                      "0.5",
                      Patterns::Double(0.05, 4.),
                      "Mesh grading g: cells at distance r from the front "
                      "are refined until h <= max(h_tip, g r).");
    prm.declare_entry("Counter electrode support",
                      "roller",
                      Patterns::Selection("roller|free"),
                      "Mechanical support of the counter electrode face "
                      "(2D edge slit): 'roller' (u_y = 0) or 'free' (stack "
                      "pressure on both electrodes, one point pinned; e.g. "
                      "for a single-edge-notched tension plate).");
    prm.declare_entry("Depth",
                      "1e-3",
                      Patterns::Double(1e-9, 1e3),
                      "3D: slab depth D [m], the third dimension (the "
                      "surface flaw model spans D/2 along the electrode, the "
                      "penny model D/2).");
    prm.declare_entry("Flaw aspect ratio",
                      "1",
                      Patterns::Double(0.2, 5.),
                      "3D: ratio of the front semi-axis along x (along the "
                      "electrode surface for the surface flaw) to the one "
                      "along y (the depth c). 1 = semicircular flaw / penny; "
                      "otherwise semi-elliptical flaw / elliptical crack.");
    prm.declare_entry("Notch tip radius",
                      "1e-6",
                      Patterns::Double(0., 1.),
                      "Root radius rho of the blunt notch [m]; 0 < rho < c.");
    prm.declare_entry("Mesh directory",
                      LIPEN_MESH_DIR,
                      Patterns::DirectoryName(),
                      "Directory with the gmsh .geo sources (blunt notch).");
    prm.leave_subsection();
  }

  namespace
  {
    const std::pair<CounterSupport, const char *> counter_support_names[] =
      {{CounterSupport::roller, "roller"}, {CounterSupport::free, "free"}};
  } // namespace

  void
  GeometryParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Geometry");
    defect          = defect_type_from_string(prm.get("Defect type"));
    width           = prm.get_double("Width");
    height          = prm.get_double("Height");
    defect_size     = prm.get_double("Defect size");
    coarse_cells    = prm.get_integer("Coarse cells");
    tip_refinement  = prm.get_double("Tip refinement");
    face_refinement = prm.get_double("Face refinement");
    grading         = prm.get_double("Grading");
    counter_electrode_support =
      parse_selection(prm.get("Counter electrode support"),
                      counter_support_names,
                      "Geometry/Counter electrode support");
    notch_radius   = prm.get_double("Notch tip radius");
    depth          = prm.get_double("Depth");
    aspect_ratio   = prm.get_double("Flaw aspect ratio");
    mesh_directory = prm.get("Mesh directory");
    prm.leave_subsection();
  }

  namespace
  {
    const std::pair<DefectType, const char *> defect_names[] = {
      {DefectType::edge_slit, "edge slit"},
      {DefectType::blunt_notch, "blunt notch"},
      {DefectType::centre_slit, "centre slit"},
      {DefectType::penny, "penny"},
      {DefectType::semicircular_surface_flaw, "semicircular surface flaw"}};
  } // namespace

  std::string
  to_string(const DefectType type)
  {
    for (const auto &[t, name] : defect_names)
      if (t == type)
        return name;
    return "unknown";
  }

  DefectType
  defect_type_from_string(const std::string &name)
  {
    for (const auto &[t, n] : defect_names)
      if (name == n)
        return t;
    throw InputError("parameter 'Geometry/Defect type': unknown defect '" +
                     name + "'");
  }

  unsigned int
  dimension_of(const DefectType type)
  {
    return type == DefectType::penny ||
               type == DefectType::semicircular_surface_flaw ?
             3 :
             2;
  }

  bool
  at_li_electrode(const DefectType type)
  {
    return type == DefectType::edge_slit || type == DefectType::blunt_notch ||
           type == DefectType::semicircular_surface_flaw;
  }

  void
  GeometryParameters::validate(const unsigned int dim) const
  {
    require(width > 0, "Geometry/Width", "must be positive [m]");
    require(height > 0, "Geometry/Height", "must be positive [m]");
    require(defect_size > 0,
            "Geometry/Defect size",
            "must be positive [m] (got " + std::to_string(defect_size) + ")");
    const bool three_d = dimension_of(defect) == 3;
    require(three_d == (dim == 3),
            "Geometry/Defect type",
            "'" + to_string(defect) + "' is a " + (three_d ? "3D" : "2D") +
              " model");
    // entries that do not apply to this geometry are refused rather than
    // silently ignored
    require(three_d || aspect_ratio == 1.,
            "Geometry/Flaw aspect ratio",
            "applies to the 3D flaws only ('" + to_string(defect) +
              "' is 2D): remove it");
    require(counter_electrode_support == CounterSupport::roller ||
              surface_defect_2d(),
            "Geometry/Counter electrode support",
            "'free' applies to the 2D edge slit and blunt notch only: "
            "remove it");
    if (defect == DefectType::blunt_notch)
    {
      require(notch_radius > 0 && notch_radius < defect_size,
              "Geometry/Notch tip radius",
              "must satisfy 0 < rho < c (Defect size)");
      require(notch_radius < 0.25 * width,
              "Geometry/Notch tip radius",
              "must be below Width/4");
      require(notch_radius >= 1e-3 * defect_size,
              "Geometry/Notch tip radius",
              "must be at least c/1000 (Defect size/1000): gmsh cannot "
              "mesh a sharper root; use 'edge slit' for a sharp defect");
      std::error_code ec;
      require(std::filesystem::is_regular_file(mesh_directory +
                                                 "/blunt_notch_2d.geo",
                                               ec),
              "Geometry/Mesh directory",
              "'" + mesh_directory +
                "/blunt_notch_2d.geo' not found: give the meshes/ directory "
                "of the lipen sources");
    }
    if (surface_defect_2d())
      require(defect_size < height,
              "Geometry/Defect size",
              "the edge slit must be shallower than the slab: choose "
              "c < Height");
    else if (defect == DefectType::centre_slit)
      require(defect_size < 0.5 * width && defect_size < 0.5 * height,
              "Geometry/Defect size",
              "the centre slit half-length must be below Width/2 and "
              "Height/2");
    else
    {
      // the coarse mesh is built for the circular reference front, in which
      // x is divided by the aspect ratio
      const bool   penny = (defect == DefectType::penny);
      const double X     = in_plane_extent(0) / aspect_ratio;
      const double Y     = in_plane_extent(1);
      const double L     = normal_extent();
      require(defect_size < 0.45 * std::min(X, Y) && defect_size < 0.5 * L,
              "Geometry/Defect size",
              std::string("the 3D flaw radius must be below ") +
                (penny ? "min(W/aspect, D)/4.4 and H/4" :
                         "min(D/(2 aspect), H)/2.2 and W/4") +
                " so that the mesh shells around the flaw fit in the slab; "
                "reduce c or enlarge Width/Depth/Height");
    }
    require(tip_refinement >= 2,
            "Geometry/Tip refinement",
            "must be at least 2 cells per defect size");
    const MeshEstimate estimate   = estimate_mesh();
    const unsigned int max_levels = max_refinement_levels(dim);
    if (estimate.levels > max_levels)
    {
      std::ostringstream what;
      what << "the mesh would need " << std::ceil(estimate.levels)
           << " refinement levels from the coarse cells (" << coarse_cell_size()
           << " m) down to the tip cells (c/Tip refinement = "
           << defect_size / tip_refinement << " m); the mesh library allows "
           << max_levels << " in " << dim
           << "D: use a defect size closer to the slab size (or reduce "
              "Width/Height/Depth, or raise Coarse cells)";
      throw InputError("parameter 'Geometry/Defect size': " + what.str());
    }
    // memory: ~10 kB per cell in 2D and ~100 kB in 3D for Q2 elasticity
    // with its AMG hierarchy (summary.json's peak_memory_MiB over cells on
    // the shipped examples is below this); refused beyond twice what the
    // job has, so that the estimate's factor-2 uncertainty never refuses a
    // mesh that fits
    const double bytes     = estimate.cells * (dim == 2 ? 1e4 : 1e5);
    const double available = job_memory_bytes();
    if (available > 0 && bytes > 2. * available)
    {
      std::ostringstream what;
      what << "the mesh would have about " << std::setprecision(2)
           << estimate.cells << " cells (about " << bytes / 1e9
           << " GB), more than twice the memory of this job ("
           << available / 1e9
           << " GB): reduce Width/Height/Depth relative to the defect size, "
              "Tip refinement or Face refinement, raise Grading, or run on "
              "more nodes";
      throw InputError(std::string("parameter '") +
                       (estimate.coarse > 0.5 * estimate.cells ?
                          "Geometry/Width" :
                          "Geometry/Tip refinement") +
                       "': " + what.str());
    }
  }

  unsigned int
  max_refinement_levels(const unsigned int dim)
  {
    return dim == 2 ? 28 : 17;
  }

  double
  GeometryParameters::coarse_cell_size() const
  {
    if (dimension_of(defect) == 3)
      return 0.5 * defect_size; // the shells about the front
    const double W = 0.5 * width;
    const double H =
      defect == DefectType::edge_slit || defect == DefectType::blunt_notch ?
        height :
        0.5 * height;
    return std::min(W, H) / coarse_cells;
  }

  GeometryParameters::MeshEstimate
  GeometryParameters::estimate_mesh() const
  {
    const double c = defect_size;
    const double scale =
      defect == DefectType::blunt_notch ? std::min(c, 8. * notch_radius) : c;
    const double h_tip  = scale / tip_refinement;
    const double h_face = c / face_refinement;
    const double g      = grading;
    const double h_min  = std::min(h_tip, h_face);
    MeshEstimate e;
    e.levels = std::max(0., std::log2(coarse_cell_size() / h_min));
    if (dimension_of(defect) == 2)
    {
      const double W  = 0.5 * width;
      const double H  = surface_defect_2d() ? height : 0.5 * height;
      const double h0 = coarse_cell_size();
      // graded about the tip: pi (h_tip/g)^2 / h_tip^2 inside r0 = h_tip/g,
      // int 2 pi r dr / (g r)^2 beyond; h_face over a c x c region
      const double tip =
        (2. * M_PI / (g * g)) *
        (1. + std::log(std::max(1., g * std::max(W, H) / h_tip)));
      const double face = (c / h_face) * (c / h_face);
      e.coarse          = (W / h0) * (H / h0);
      e.cells           = e.coarse + 4. * (tip + face);
    }
    else
    {
      const double X = in_plane_extent(0) / aspect_ratio;
      const double Y = in_plane_extent(1);
      const double L = normal_extent();
      const double S = std::min({X, Y, L});
      // per unit front length: 3 pi / (g^2 h_tip) cells in the graded tube
      const double front = 0.5 * M_PI * c * 0.5 * (1. + aspect_ratio);
      const double tip   = front * 3. * M_PI / (g * g * h_tip);
      const double face  = std::pow(c / h_face, 3);
      e.coarse =
        3. * (3. + std::log2(std::max(1., S / c))) + X * Y * L / (S * S * S);
      e.cells = e.coarse + 4. * (tip + face);
    }
    return e;
  }

  // ------------------------------------------------------------ CrackFront

  template <int dim>
  double
  CrackFront<dim>::distance(const Point<dim> &p) const
  {
    if (dim == 2)
      return p.distance(tip);
    const Point<dim> r   = to_reference(p);
    const double     rho = std::hypot(r[0], r[1]);
    return std::hypot(rho - radius, r[dim - 1]);
  }

  template <int dim>
  double
  CrackFront<dim>::distance_to_faces(const Point<dim> &p) const
  {
    if (dim == 2)
    {
      // segment from the tip back along -direction over length c
      const Tensor<1, dim> back = -direction;
      const double         s    = (p - tip) * back;
      const double         c    = radius;
      const double         sc   = std::max(0., std::min(c, s));
      return p.distance(tip + sc * back);
    }
    const Point<dim> r   = to_reference(p);
    const double     rho = std::hypot(r[0], r[1]);
    if (rho <= radius)
      return std::abs(r[dim - 1]);
    return distance(p);
  }

  template <int dim>
  double
  CrackFront<dim>::angle(const Point<dim> &p) const
  {
    const Point<dim> r = to_reference(p);
    return std::atan2(r[1], r[0]);
  }

  template <int dim>
  double
  CrackFront<dim>::length_in_model() const
  {
    // 3D: int (q.nu) ds of the pushed-forward unit extension over the
    // quarter ellipse = aspect c pi/2 (the arc length for a circle)
    return (dim == 2) ? 1. : 0.5 * numbers::PI * radius * aspect;
  }

  // -------------------------------------------------------- DefectGeometry

  namespace
  {
    /// Steps of a 1D grid of total length L whose first step is c 2^m
    /// (the largest such step not above h0, or c itself if c > h0), the
    /// rest as equal as possible and close to h0.
    std::vector<double>
    steps_with_first(const double L, const double c, const double h0)
    {
      double first = c;
      while (2. * first <= h0 * (1. + 1e-12))
        first *= 2.;
      std::vector<double> steps{first};
      const double        rest = L - first;
      if (rest > 1e-12 * L)
      {
        const unsigned int n =
          std::max(1u, static_cast<unsigned int>(std::round(rest / h0)));
        for (unsigned int i = 0; i < n; ++i)
          steps.push_back(rest / n);
      }
      return steps;
    }

    std::vector<double>
    uniform_steps(const double L, const double h0)
    {
      const unsigned int n =
        std::max(1u, static_cast<unsigned int>(std::round(L / h0)));
      return std::vector<double>(n, L / n);
    }

    /// Octant shells around a flaw front of radius c in the plane z = 0:
    /// a core cube [0, 0.2c]^3, a shell out to the sphere of radius c/2,
    /// spherical shells doubling in radius (c, 2c, ...) up to S/2 with
    /// S = min(X, Y, L), a shell from that sphere to the cube [0, S]^3,
    /// and rectangular pads
    /// of ~S-sized cells out to the box [0, X] x [0, Y] x [0, L]. Each shell
    /// is three hexahedra, one per face of a cube, so the mesh is
    /// conforming and every cell has an aspect ratio of at most ~3 whatever
    /// c/S is. (The tensor-product mesh used before, graded in the plane
    /// and along z, had cells of aspect ratio ~S/c far from the flaw: CG +
    /// GAMG then needed 53 iterations at c = S/50 and 120 at c = S/500.)
    /// In the plane z = 0 the sphere of radius c is the front rho = c.
    void
    octant_shells(Triangulation<3> &tria,
                  const double      c,
                  const double      X,
                  const double      Y,
                  const double      L)
    {
      const double S  = std::min({X, Y, L});
      const double Rs = 0.5 * S;
      // the surfaces: a core cube, spheres c/2, c, 2c, ... up to S/2, and
      // the cube S
      std::vector<double> sizes{0.2 * c, 0.5 * c, c};
      while (sizes.back() < Rs * (1. - 1e-12))
      {
        double next = std::min(2. * sizes.back(), Rs);
        if (Rs - next < 0.5 * next)
          next = Rs;
        sizes.push_back(next);
      }
      sizes.push_back(S);
      // vertex of surface k at the unit-cube corner pattern sigma (1..7)
      const auto corner = [&](const unsigned int k, const unsigned int sigma)
      {
        Point<3> p(sigma & 1, (sigma >> 1) & 1, (sigma >> 2) & 1);
        if (k > 0 && k + 1 < sizes.size())
          return Point<3>(sizes[k] / p.norm() * p);
        return Point<3>(sizes[k] * p);
      };
      std::vector<Point<3>> vertices{Point<3>()};
      for (unsigned int k = 0; k < sizes.size(); ++k)
        for (unsigned int sigma = 1; sigma < 8; ++sigma)
          vertices.push_back(corner(k, sigma));
      const auto index = [](const unsigned int k, const unsigned int sigma)
      {
        return sigma == 0 ? 0u : 1 + 7 * k + (sigma - 1);
      };
      std::vector<CellData<3>> cells;
      {
        CellData<3> core;
        for (unsigned int v = 0; v < 8; ++v)
          core.vertices[v] = index(0, v);
        cells.push_back(core);
      }
      for (unsigned int k = 0; k + 1 < sizes.size(); ++k)
        for (unsigned int axis = 0; axis < 3; ++axis)
        {
          // local coordinate 'axis' runs from surface k to k + 1; the
          // other two are the corner bits of the exposed face
          CellData<3> cell;
          for (unsigned int v = 0; v < 8; ++v)
          {
            const unsigned int outward = (v >> axis) & 1;
            const unsigned int sigma   = v | (1u << axis);
            cell.vertices[v]           = index(k + outward, sigma);
          }
          cells.push_back(cell);
        }
      Triangulation<3> shells;
      shells.create_triangulation(vertices, cells, SubCellData());

      std::vector<const Triangulation<3> *>          parts{&shells};
      std::vector<std::unique_ptr<Triangulation<3>>> pads;
      const std::array<double, 3>                    extent{{X, Y, L}};
      for (unsigned int pattern = 1; pattern < 8; ++pattern)
      {
        Point<3>                  lo, hi;
        std::vector<unsigned int> n(3, 1);
        bool                      exists = true;
        for (unsigned int d = 0; d < 3; ++d)
          if ((pattern >> d) & 1)
          {
            exists = exists && extent[d] > S * (1. + 1e-12);
            lo[d]  = S;
            hi[d]  = extent[d];
            n[d]   = std::max(1u,
                            static_cast<unsigned int>(
                              std::round((extent[d] - S) / S)));
          }
          else
            hi[d] = S;
        if (!exists)
          continue;
        pads.emplace_back(std::make_unique<Triangulation<3>>());
        GridGenerator::subdivided_hyper_rectangle(*pads.back(), n, lo, hi);
        parts.push_back(pads.back().get());
      }
      GridGenerator::merge_triangulations(parts, tria, 1e-9 * c);
    }

    /// Mesh the blunt notch with gmsh on rank 0 (in units of c, which
    /// keeps gmsh's tolerances meaningful for sub-micron notches), send the
    /// mesh to all ranks, scale to metres, mark the root arc as curved.
    void
    read_notch_mesh(Triangulation<2>         &tria,
                    const GeometryParameters &prm,
                    const double              h_root,
                    MPI_Comm                  comm)
    {
      const double      c   = prm.defect_size;
      const std::string geo = prm.mesh_directory + "/blunt_notch_2d.geo";
      std::string       msh, error;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        const auto tmp = std::filesystem::temp_directory_path() /
                         ("lipen-notch-" + std::to_string(::getpid()));
        const std::string  file = tmp.string() + ".msh";
        const std::string  log  = tmp.string() + ".log";
        std::ostringstream cmd;
        cmd << std::setprecision(17) << "gmsh -2 -format msh22 -setnumber W2 "
            << 0.5 * prm.width / c << " -setnumber H " << prm.height / c
            << " -setnumber c 1 -setnumber rho " << prm.notch_radius / c
            << " -setnumber h_root " << h_root / c << " '" << geo << "' -o '"
            << file << "' > '" << log << "' 2>&1";
        if (!std::filesystem::is_regular_file(geo))
          error = "mesh source " + geo + " not found";
        else if (std::system(cmd.str().c_str()) != 0 ||
                 !std::filesystem::is_regular_file(file))
          error = "gmsh could not mesh the notch (rho/c = " +
                  std::to_string(prm.notch_radius / c) +
                  "; is the Debian package gmsh installed?); its log is " + log;
        else
        {
          std::ifstream     in(file);
          std::stringstream buffer;
          buffer << in.rdbuf();
          msh = buffer.str();
          std::filesystem::remove(file);
          std::filesystem::remove(log);
        }
      }
      error = Utilities::MPI::broadcast(comm, error, 0);
      require(error.empty(),
              error.rfind("mesh source", 0) == 0 ? "Geometry/Mesh directory" :
                                                   "Geometry/Notch tip radius",
              error);
      msh = Utilities::MPI::broadcast(comm, msh, 0);
      GridIn<2> grid_in;
      grid_in.attach_triangulation(tria);
      std::istringstream in(msh);
      grid_in.read_msh(in);
      GridTools::scale(c, tria);
      Point<2> centre(0, prm.height - c + prm.notch_radius);
      for (auto &cell : tria.active_cell_iterators())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() && cell->face(f)->center()[0] > 0 &&
              cell->face(f)->center().distance(centre) <
                prm.notch_radius * (1. + 1e-6))
            cell->face(f)->set_manifold_id(notch_root_manifold);
    }
  } // namespace

  template <int dim>
  DefectGeometry<dim>::DefectGeometry(const GeometryParameters &parameters)
    : prm(parameters)
  {
    prm.validate(dim);
    const double c     = prm.defect_size;
    crack_front.defect = prm.defect;
    crack_front.radius = c;
    crack_front.aspect = (dim == 3) ? prm.aspect_ratio : 1.;
    if (prm.surface_defect_2d())
    {
      crack_front.tip[1]                           = prm.height - c;
      crack_front.direction[1]                     = -1;
      symmetry[boundary_ids::crack_plane_symmetry] = 0;
      if (prm.counter_electrode_support == CounterSupport::roller)
        symmetry[boundary_ids::counter_electrode] = 1;
      else
        pins.emplace_back(Point<dim>(), 1);
    }
    else if (prm.defect == DefectType::centre_slit)
    {
      crack_front.tip[0]                           = c;
      crack_front.direction[0]                     = 1;
      symmetry[boundary_ids::crack_plane_symmetry] = 1;
      symmetry[boundary_ids::symmetry_2]           = 0;
    }
    else
    {
      symmetry[boundary_ids::crack_plane_symmetry] = dim - 1;
      symmetry[boundary_ids::symmetry_2]           = 0;
      if (prm.defect == DefectType::penny)
        symmetry[boundary_ids::symmetry_3] = 1;
      else if (prm.counter_electrode_support == CounterSupport::roller)
        symmetry[boundary_ids::counter_electrode] = 1;
      else
      {
        Point<dim> corner;
        corner[1] = prm.height;
        pins.emplace_back(corner, 1);
      }
    }
  }

  template <int dim>
  unsigned int
  DefectGeometry<dim>::crack_plane_normal() const
  {
    if (prm.surface_defect_2d())
      return 0;
    if (prm.defect == DefectType::centre_slit)
      return 1;
    return dim - 1;
  }

  template <>
  void
  DefectGeometry<2>::create_coarse_mesh(Triangulation<2> &tria,
                                        MPI_Comm          comm) const
  {
    if (prm.defect == DefectType::blunt_notch)
    {
      read_notch_mesh(tria, prm, tip_cell_size(), comm);
      return;
    }
    const double c = prm.defect_size;
    const double W = 0.5 * prm.width;
    const double H =
      prm.defect == DefectType::edge_slit ? prm.height : 0.5 * prm.height;
    const double                     h0 = std::min(W, H) / prm.coarse_cells;
    std::vector<std::vector<double>> steps(2);
    if (prm.defect == DefectType::edge_slit)
    {
      steps[0] = uniform_steps(W, h0);
      steps[1] = steps_with_first(H, c, h0);
      std::reverse(steps[1].begin(), steps[1].end());
    }
    else
    {
      steps[0] = steps_with_first(W, c, h0);
      steps[1] = uniform_steps(H, h0);
    }
    GridGenerator::subdivided_hyper_rectangle(tria,
                                              steps,
                                              Point<2>(0, 0),
                                              Point<2>(W, H));
  }

  template <>
  void
  DefectGeometry<3>::create_coarse_mesh(Triangulation<3> &tria, MPI_Comm) const
  {
    const double c = prm.defect_size;
    const double X = prm.in_plane_extent(0) / prm.aspect_ratio;
    const double Y = prm.in_plane_extent(1);
    const double L = prm.normal_extent();
    octant_shells(tria, c, X, Y, L);
    // Manifolds: faces on a sphere (and their edges) are spherical, so the
    // front, the circle rho = c in the crack plane, stays a circle under
    // refinement. Cells stay flat: a spherical cell manifold curves the
    // interior faces too, and at hanging nodes the curved child faces
    // then leave gaps against the bilinear faces of coarser neighbours. On
    // the penny test that made the crack volume 2.2 % and K 1 % larger
    // than with flat cells; with flat cells a penny crack in a body 50 c
    // across gives volume +0.2 % and K +0.1 % against Sneddon.
    const auto on_sphere = [](const auto &face)
    {
      const double r = face->vertex(0).norm();
      for (const unsigned int v : face->vertex_indices())
        if (std::abs(face->vertex(v).norm() - r) > 1e-9 * r)
          return false;
      return true;
    };
    for (auto &cell : tria.active_cell_iterators())
      for (const unsigned int f : cell->face_indices())
        if (on_sphere(cell->face(f)))
          cell->face(f)->set_all_manifold_ids(sphere_manifold);
  }

  template <int dim>
  void
  DefectGeometry<dim>::create_coarse_for_load(
    parallel::distributed::Triangulation<dim> &tria) const
  {
    {
      Triangulation<dim> coarse;
      create_coarse_mesh(coarse, tria.get_communicator());
      tria.copy_triangulation(coarse);
    }
    if (dim == 3)
      tria.set_manifold(sphere_manifold, SphericalManifold<dim>(Point<dim>()));
    if (prm.defect == DefectType::blunt_notch)
    {
      Point<dim> centre = crack_front.tip;
      centre[1] += prm.notch_radius;
      tria.set_manifold(notch_root_manifold, SphericalManifold<dim>(centre));
    }
  }

  template <int dim>
  void
  DefectGeometry<dim>::finish_loaded_mesh(
    parallel::distributed::Triangulation<dim> &tria) const
  {
    stretch_front(tria);
    assign_boundary_ids(tria);
  }

  template <int dim>
  void
  DefectGeometry<dim>::stretch_front(
    parallel::distributed::Triangulation<dim> &tria) const
  {
    if (dim == 3 && crack_front.aspect != 1.)
    {
      // affine, so hanging nodes stay consistent; no refinement follows
      const double lambda = crack_front.aspect;
      GridTools::transform(
        [lambda](const Point<dim> &p)
        {
          Point<dim> q = p;
          q[0] *= lambda;
          return q;
        },
        tria);
    }
  }

  template <int dim>
  void
  DefectGeometry<dim>::create_mesh(
    parallel::distributed::Triangulation<dim> &tria) const
  {
    create_coarse_for_load(tria);

    const double c      = prm.defect_size;
    const double h_tip  = tip_cell_size();
    const double h_face = c / prm.face_refinement;
    // refinement happens on the circular reference front; an elliptical
    // front is made by stretching x afterwards
    CrackFront<dim> front = crack_front;
    front.aspect          = 1;
    for (unsigned int iteration = 0; iteration < 80; ++iteration)
    {
      unsigned int marked = 0;
      for (auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          const double h      = cell->minimum_vertex_distance();
          const auto   center = cell->center();
          const double half   = 0.5 * cell->diameter();
          const double r      = std::max(0., front.distance(center) - half);
          double       target = std::max(h_tip, prm.grading * r);
          if (front.distance_to_faces(center) - half < 0.5 * c)
            target = std::min(target, h_face);
          if (h > target * (1. + 1e-9))
          {
            cell->set_refine_flag();
            ++marked;
          }
        }
      if (Utilities::MPI::sum(marked, tria.get_communicator()) == 0)
        break;
      if (fault_requested("refine"))
        throw InputError("injected fault in the mesh refinement "
                         "(LIPEN_INJECT_FAULT=refine)");
      tria.execute_coarsening_and_refinement();
      require(tria.n_global_active_cells() < 50000000,
              "Geometry/Tip refinement",
              "the mesh would exceed 5e7 cells; reduce Tip refinement or "
              "increase Grading");
    }
    stretch_front(tria);
    assign_boundary_ids(tria);

    // The tip (2D) must be a mesh vertex for the faces to split there.
    if (dim == 2)
    {
      bool found = false;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const unsigned int v : cell->vertex_indices())
            if (cell->vertex(v).distance(crack_front.tip) < 1e-6 * h_tip)
              found = true;
      require(Utilities::MPI::logical_or(found, tria.get_communicator()),
              "Geometry/Tip refinement",
              "the mesh has no vertex at the crack tip; increase Tip "
              "refinement");
    }
  }

  template <int dim>
  void
  DefectGeometry<dim>::assign_boundary_ids(Triangulation<dim> &tria) const
  {
    const double c = prm.defect_size;
    for (auto &cell : tria.active_cell_iterators())
      for (const unsigned int f : cell->face_indices())
        if (cell->face(f)->at_boundary())
        {
          const auto         face = cell->face(f);
          const auto         p    = face->center();
          const double       tol  = 1e-6 * cell->minimum_vertex_distance();
          types::boundary_id id   = boundary_ids::free_surface;
          if (prm.surface_defect_2d())
          {
            const double W = 0.5 * prm.width, H = prm.height;
            if (std::abs(p[1] - H) < tol)
              id = boundary_ids::li_electrode;
            else if (std::abs(p[1]) < tol)
              id = boundary_ids::counter_electrode;
            else if (std::abs(p[0] - W) < tol)
              id = boundary_ids::far_field;
            else if (std::abs(p[0]) < tol)
              id = (prm.defect == DefectType::edge_slit && p[1] > H - c) ?
                     boundary_ids::crack_face :
                     boundary_ids::crack_plane_symmetry;
            else if (prm.defect == DefectType::blunt_notch)
            {
              // the notch flank x = rho and its circular root
              const double rho    = prm.notch_radius;
              Point<dim>   centre = crack_front.tip;
              centre[1] += rho;
              if ((std::abs(p[0] - rho) < tol && p[1] > centre[1]) ||
                  p.distance(centre) < rho * (1. + 1e-6))
                id = boundary_ids::crack_face;
            }
          }
          else if (prm.defect == DefectType::centre_slit)
          {
            const double H = 0.5 * prm.height;
            if (std::abs(p[1]) < tol)
              id = (p[0] < c) ? boundary_ids::crack_face :
                                boundary_ids::crack_plane_symmetry;
            else if (std::abs(p[0]) < tol)
              id = boundary_ids::symmetry_2;
            else if (std::abs(p[1] - H) < tol)
              id = boundary_ids::far_field;
          }
          else
          {
            const double L = prm.normal_extent();
            const double Y = prm.in_plane_extent(1);
            if (std::abs(p[dim - 1]) < tol)
              id = (std::hypot(p[0] / crack_front.aspect, p[1]) < c) ?
                     boundary_ids::crack_face :
                     boundary_ids::crack_plane_symmetry;
            else if (std::abs(p[0]) < tol)
              id = boundary_ids::symmetry_2;
            else if (std::abs(p[1]) < tol)
              id = (prm.defect == DefectType::penny) ?
                     boundary_ids::symmetry_3 :
                     boundary_ids::li_electrode;
            else if (std::abs(p[dim - 1] - L) < tol)
              id = boundary_ids::far_field;
            else if (std::abs(p[1] - Y) < tol &&
                     prm.defect != DefectType::penny)
              id = boundary_ids::counter_electrode;
          }
          face->set_boundary_id(id);
        }
  }

  template struct CrackFront<2>;
  template struct CrackFront<3>;
  template class DefectGeometry<2>;
  template class DefectGeometry<3>;
} // namespace lipen
