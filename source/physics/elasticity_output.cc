#include <lipen/physics/elasticity_output.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>

namespace lipen
{
  using namespace dealii;

  namespace
  {
    /// Stress measures from the displacement gradient (plane strain in 2D).
    template <int dim>
    class StressPostprocessor : public DataPostprocessor<dim>
    {
    public:
      explicit StressPostprocessor(const Elasticity<dim> &elasticity)
        : elasticity(elasticity)
      {
      }

      std::vector<std::string>
      get_names() const override
      {
        std::vector<std::string> names(dim * dim, "stress");
        if (dim == 2)
          names.emplace_back("stress_zz");
        names.emplace_back("von_mises_stress");
        names.emplace_back("max_principal_stress");
        names.emplace_back("hydrostatic_stress");
        names.emplace_back("strain_energy_density");
        return names;
      }

      std::vector<DataComponentInterpretation::DataComponentInterpretation>
      get_data_component_interpretation() const override
      {
        std::vector<DataComponentInterpretation::DataComponentInterpretation>
                           kinds(dim * dim,
                DataComponentInterpretation::component_is_part_of_tensor);
        const unsigned int n_scalars = (dim == 2) ? 5 : 4;
        for (unsigned int i = 0; i < n_scalars; ++i)
          kinds.push_back(DataComponentInterpretation::component_is_scalar);
        return kinds;
      }

      UpdateFlags
      get_needed_update_flags() const override
      {
        return update_gradients;
      }

      void
      evaluate_vector_field(const DataPostprocessorInputs::Vector<dim> &inputs,
                            std::vector<Vector<double>> &out) const override
      {
        const double nu = elasticity.get_material().poisson_ratio;
        for (unsigned int q = 0; q < out.size(); ++q)
        {
          Tensor<2, dim> grad;
          for (unsigned int i = 0; i < dim; ++i)
            grad[i] = inputs.solution_gradients[q][i];
          const SymmetricTensor<2, dim> s = elasticity.stress(grad);
          SymmetricTensor<2, 3>         s3;
          for (unsigned int i = 0; i < dim; ++i)
            for (unsigned int j = i; j < dim; ++j)
              s3[i][j] = s[i][j];
          if (dim == 2)
            s3[2][2] = nu * (s[0][0] + s[1][1]);
          unsigned int k = 0;
          for (unsigned int i = 0; i < dim; ++i)
            for (unsigned int j = 0; j < dim; ++j)
              out[q][k++] = s[i][j];
          if (dim == 2)
            out[q][k++] = s3[2][2];
          const SymmetricTensor<2, 3> dev = deviator(s3);
          out[q][k++]                     = std::sqrt(1.5 * (dev * dev));
          out[q][k++]                     = eigenvalues(s3)[0];
          out[q][k++]                     = trace(s3) / 3.;
          out[q][k++]                     = 0.5 * (s * symmetrize(grad));
        }
      }

    private:
      const Elasticity<dim> &elasticity;
    };
  } // namespace

  template <int dim>
  void
  write_elasticity_solution(
    SolutionWriter                                    &writer,
    const Elasticity<dim>                             &elasticity,
    const unsigned int                                 step,
    const double                                       time,
    const std::function<void(dealii::DataOut<dim> &)> &add_fields)
  {
    const auto &dof_handler = elasticity.get_dof_handler();

    DataOut<dim> data_out;
    data_out.attach_dof_handler(dof_handler);
    const std::vector<std::string> names(dim, "displacement");
    data_out.add_data_vector(
      elasticity.get_solution(),
      names,
      DataOut<dim>::type_dof_data,
      std::vector<DataComponentInterpretation::DataComponentInterpretation>(
        dim,
        DataComponentInterpretation::component_is_part_of_vector));
    StressPostprocessor<dim> postprocessor(elasticity);
    data_out.add_data_vector(elasticity.get_solution(), postprocessor);

    const auto   &tria = dof_handler.get_triangulation();
    Vector<float> partition(tria.n_active_cells());
    Vector<float> material(tria.n_active_cells());
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        partition(cell->active_cell_index()) = tria.locally_owned_subdomain();
        material(cell->active_cell_index())  = cell->material_id();
      }
    data_out.add_data_vector(partition, "mpi_partition");
    data_out.add_data_vector(material, "material_id");
    if (add_fields)
      add_fields(data_out);
    data_out.build_patches(elasticity.get_mapping(), elasticity.degree());
    writer.write_patches(data_out, step, time, dof_handler.get_communicator());
  }

  template void
  write_elasticity_solution(SolutionWriter &,
                            const Elasticity<2> &,
                            unsigned int,
                            double,
                            const std::function<void(DataOut<2> &)> &);
  template void
  write_elasticity_solution(SolutionWriter &,
                            const Elasticity<3> &,
                            unsigned int,
                            double,
                            const std::function<void(DataOut<3> &)> &);
} // namespace lipen
