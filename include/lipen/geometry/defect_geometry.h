#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <deal.II/distributed/tria.h>

#include <map>
#include <string>
#include <vector>

namespace lipen
{
  /**
   * Geometry of the electrolyte and its defect (subsection `Geometry`).
   *
   * 2D (plane strain), half or quarter models using the crack plane as a
   * symmetry plane:
   *  - `edge slit`: slab x in [0, W/2], y in [0, H]; the Li electrode is the
   *    top face y = H; the defect is a slit of depth c on the plane x = 0,
   *    tip at (0, H - c), growing in -y.
   *  - `blunt notch`: as the edge slit, but a U-notch of depth c whose
   *    root is a half circle of radius rho (meshed by gmsh from
   *    meshes/blunt_notch_2d.geo, then refined towards the root).
   *  - `centre slit`: embedded Griffith crack of half-length a = c on y = 0,
   *    quarter model [0, W/2] x [0, H/2], tip at (c, 0) growing in +x.
   * 3D, crack plane z = 0, front a circle of radius c about the origin:
   *  - `penny`: embedded penny crack, 1/8 model.
   *  - `semicircular surface flaw`: the plane y = 0 is the Li electrode
   *    surface, the flaw is the half disc y > 0, 1/4 model.
   *  With 'Flaw aspect ratio' lambda != 1 the 3D front is an ellipse with
   *  semi-axes lambda c along x and c along y (semi-elliptical surface flaw
   *  or elliptical embedded crack): the mesh is built and refined for the
   *  circle and then stretched by lambda in x.
   *  3D models are rectangular slabs: the surface flaw model spans
   *  x in [0, D/2] along the electrode, y in [0, H] through the thickness
   *  (counter electrode y = H), z in [0, W/2]; the penny model spans
   *  [0, W/2] x [0, D/2] x [0, H/2]. The 3D coarse mesh is a set of
   *  octant shells around the origin: a core cube, spheres of radius c/2,
   *  c (the front is the circle rho = c in the crack plane), 2c, 4c, ... up
   *  to S/2 with S the smallest slab extent, the cube [0, S]^3, and
   *  rectangular pads out to the slab; every shell is three hexahedra, so
   *  cells stay near-isotropic (aspect ratio <= ~3) for any c/S.
   *
   * The coarse mesh is built so that the tip is a vertex after refinement;
   * then cells are refined isotropically until h <= max(c/N_tip, g r) at
   * distance r from the front (geometric grading), and h <= c/N_face along
   * the defect faces. This resolves c from 0.1 um to 100 um in a
   * millimetre slab without a uniformly fine mesh.
   */
  /// The defect shapes (`Geometry/Defect type`), parsed once; the
  /// geometric predicates are defined on it below, in one place.
  /// `Geometry/Counter electrode support`: roller (u_y = 0) or free (one
  /// point pinned).
  enum class CounterSupport
  {
    roller,
    free
  };

  enum class DefectType
  {
    edge_slit,
    blunt_notch,
    centre_slit,
    penny,
    semicircular_surface_flaw
  };

  /// The parameter-file name of @p type ("edge slit", ...).
  std::string
  to_string(DefectType type);
  /// The DefectType of a parameter-file name; InputError naming
  /// Geometry/Defect type if unknown.
  DefectType
  defect_type_from_string(const std::string &name);
  /// 3 for the penny and the surface flaw, 2 otherwise.
  unsigned int
  dimension_of(DefectType type);
  /// Whether the defect opens at the Li electrode (edge slit, blunt notch,
  /// semicircular surface flaw): only such a defect fills with plated Li
  /// and can grow to a short circuit.
  bool
  at_li_electrode(DefectType type);

  struct GeometryParameters
  {
    DefectType     defect                    = DefectType::edge_slit;
    double         width                     = 1e-3; ///< W [m]
    double         height                    = 1e-3; ///< H [m]
    double         defect_size               = 1e-5; ///< c [m]
    unsigned int   coarse_cells              = 4;
    double         tip_refinement            = 64;  ///< N_tip = c/h_tip
    double         face_refinement           = 8;   ///< N_face = c/h_face
    double         grading                   = 0.5; ///< g
    CounterSupport counter_electrode_support = CounterSupport::roller;
    double         notch_radius              = 1e-6; ///< rho [m]
    double         depth                     = 1e-3; ///< D [m] (3D)
    double         aspect_ratio              = 1;    ///< 3D flaw a_x / c
    std::string    mesh_directory;

    /// 3D: extent of the model in the crack plane (direction 0 or 1): the
    /// surface flaw spans x over D/2 along the electrode and y over the
    /// thickness H; the penny spans x over W/2 and y over D/2.
    double
    in_plane_extent(const unsigned int direction) const
    {
      if (defect == DefectType::penny)
        return direction == 0 ? 0.5 * width : 0.5 * depth;
      return direction == 0 ? 0.5 * depth : height;
    }

    /// 3D: extent of the model normal to the crack plane.
    double
    normal_extent() const
    {
      return defect == DefectType::penny ? 0.5 * height : 0.5 * width;
    }

    /// Surface defect at the Li electrode in 2D (edge slit, blunt notch).
    bool
    surface_defect_2d() const
    {
      return defect == DefectType::edge_slit ||
             defect == DefectType::blunt_notch;
    }

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError for inconsistent values (c >= H, ...), and for a
    /// mesh that would need more refinement levels than p4est has
    /// (estimate_mesh()).
    void
    validate(unsigned int dim) const;

    /// Size of the coarse cells about the defect [m] (before refinement).
    double
    coarse_cell_size() const;

    /// Rough size of the initial graded mesh, estimated from the entries
    /// before anything is meshed: the refinement levels below the coarse
    /// cells and the number of cells (the closed-form count of a mesh with
    /// h = max(h_tip, g r) about the front and h_face along the faces,
    /// times the overshoot of halving, plus the coarse cells). Good to a
    /// factor of ~2; used to refuse meshes that cannot be built or would
    /// not fit in memory before any output is written.
    struct MeshEstimate
    {
      double levels = 0;
      double cells  = 0;
      double coarse = 0; ///< of cells, those of the coarse mesh
    };
    MeshEstimate
    estimate_mesh() const;
  };

  /// Refinement levels p4est allows below the coarse mesh (with a margin
  /// of one level for adaptive refinement): 28 in 2D, 17 in 3D.
  unsigned int
  max_refinement_levels(unsigned int dim);

  /**
   * The crack front of the model: a point in 2D, a quarter circle of
   * radius c about the origin in the plane z = 0 in 3D.  Supplies the
   * distance to the front and the local propagation direction used for
   * refinement and the J-integral.
   */
  template <int dim>
  struct CrackFront
  {
    dealii::Point<dim>     tip;        ///< 2D tip
    dealii::Tensor<1, dim> direction;  ///< 2D propagation direction
    double                 radius = 0; ///< 3D front: semi-axis along y (= c)
    double                 aspect = 1; ///< 3D front: x semi-axis / y semi-axis
    DefectType             defect = DefectType::edge_slit;

    /// 3D: the point in reference coordinates, where the front is the
    /// circle of radius c (x divided by the aspect ratio). All 3D distances
    /// and angles below are measured there.
    dealii::Point<dim>
    to_reference(const dealii::Point<dim> &p) const
    {
      dealii::Point<dim> r = p;
      if (dim == 3)
        r[0] /= aspect;
      return r;
    }

    /// Distance from p to the front (3D: in reference coordinates).
    double
    distance(const dealii::Point<dim> &p) const;
    /// Distance from p to the defect faces (segment or disc).
    double
    distance_to_faces(const dealii::Point<dim> &p) const;
    /// Parametric front angle theta of p: the front point is
    /// (aspect c cos theta, c sin theta, 0) (3D only).
    double
    angle(const dealii::Point<dim> &p) const;
    /// Length of the front inside the model (1 in 2D: per unit thickness).
    double
    length_in_model() const;
  };

  /**
   * Builds the distributed mesh of a GeometryParameters and assigns the
   * boundary ids of boundary_ids.h.
   */
  template <int dim>
  class DefectGeometry
  {
  public:
    explicit DefectGeometry(const GeometryParameters &parameters);

    /// Build coarse mesh and refine towards the front. Boundary ids are
    /// assigned at the end (and must be re-assigned after any later
    /// refinement by calling assign_boundary_ids()).
    void
    create_mesh(dealii::parallel::distributed::Triangulation<dim> &tria) const;

    /// The coarse mesh with its manifolds only: what
    /// Triangulation::load() needs before it reads a checkpoint.
    void
    create_coarse_for_load(
      dealii::parallel::distributed::Triangulation<dim> &tria) const;
    /// After load(): the same finishing as create_mesh() (the stretch of an
    /// elliptical 3D front, boundary ids).
    void
    finish_loaded_mesh(
      dealii::parallel::distributed::Triangulation<dim> &tria) const;

    /// Set boundary ids of all boundary faces from their position.
    void
    assign_boundary_ids(dealii::Triangulation<dim> &tria) const;

    /// Which displacement component is fixed on each symmetry boundary id.
    const std::map<dealii::types::boundary_id, unsigned int> &
    symmetry_components() const
    {
      return symmetry;
    }

    /// Points at which one displacement component is pinned to remove a
    /// rigid-body translation: (point, component).
    const std::vector<std::pair<dealii::Point<dim>, unsigned int>> &
    pinned_points() const
    {
      return pins;
    }

    /// Normal of the crack plane (component index).
    unsigned int
    crack_plane_normal() const;

    /// Multiplier from the model's energy/J-integral to the whole crack:
    /// the crack plane is a symmetry plane, so 2.
    double
    crack_plane_mirror_factor() const
    {
      return 2.;
    }

    /// Number of symmetry copies of the model that make the whole body
    /// (2 half model, 4 quarter, 8 eighth).
    double
    model_copies() const
    {
      if (prm.surface_defect_2d())
        return 2;
      if (prm.defect == DefectType::penny)
        return 8;
      return 4;
    }

    const CrackFront<dim> &
    front() const
    {
      return crack_front;
    }

    const GeometryParameters &
    parameters() const
    {
      return prm;
    }

    /// Smallest cell size requested at the tip (or notch root).
    double
    tip_cell_size() const
    {
      // at a notch root the root radius sets the scale: h = min(c, 8 rho)/N
      const double scale = prm.defect == DefectType::blunt_notch ?
                             std::min(prm.defect_size, 8. * prm.notch_radius) :
                             prm.defect_size;
      return scale / prm.tip_refinement;
    }

  private:
    void
    create_coarse_mesh(dealii::Triangulation<dim> &tria, MPI_Comm comm) const;
    /// Stretch x by the flaw aspect ratio (elliptical 3D fronts).
    void
    stretch_front(
      dealii::parallel::distributed::Triangulation<dim> &tria) const;

    GeometryParameters                                       prm;
    CrackFront<dim>                                          crack_front;
    std::map<dealii::types::boundary_id, unsigned int>       symmetry;
    std::vector<std::pair<dealii::Point<dim>, unsigned int>> pins;
  };
} // namespace lipen
