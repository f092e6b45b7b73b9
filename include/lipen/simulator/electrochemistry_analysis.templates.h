#pragma once

#include <lipen/base/constants.h>
#include <lipen/base/exceptions.h>
#include <lipen/fracture/crack_metrics.h>
#include <lipen/fracture/j_integral.h>
#include <lipen/physics/lithium_flow.h>
#include <lipen/simulator/electrochemistry_analysis.h>
#include <lipen/simulator/sealed_transient_model.h>
#include <lipen/simulator/time_stepper.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

namespace lipen
{
  namespace internal
  {
    /// Piecewise-linear interpolation of y(x) (x ascending), clamped.
    inline double
    interpolate(const std::vector<double> &x,
                const std::vector<double> &y,
                const double               at)
    {
      if (at <= x.front())
        return y.front();
      if (at >= x.back())
        return y.back();
      const auto   k = std::upper_bound(x.begin(), x.end(), at) - x.begin();
      const double t = (at - x[k - 1]) / (x[k] - x[k - 1]);
      return (1 - t) * y[k - 1] + t * y[k];
    }

    inline std::string
    to_string(const double v)
    {
      std::ostringstream o;
      o << v;
      return o.str();
    }

    /// Result of a root search: `found` is false when f stays negative up
    /// to the search limit (no root below it), which is a result, not an
    /// error: each caller decides what it means.
    struct RootSearch
    {
      bool         found       = false;
      double       root        = std::numeric_limits<double>::infinity();
      unsigned int evaluations = 0;
    };

    /// Bracket and solve f(i) = 0 for i > 0 with f(lo) < 0 by TOMS 748;
    /// hi is an initial guess that is expanded by @p expansion until f(hi) > 0
    /// or hi exceeds @p maximum (then `found` is false).
    template <typename F>
    RootSearch
    find_critical_current(const F     &f,
                          double       lo,
                          double       f_lo,
                          double       hi,
                          const double maximum,
                          const double tolerance,
                          const double expansion = 4.)
    {
      unsigned int evaluations = 0;
      if (!(f_lo < 0))
        throw InputError(
          "parameter 'Loads/Stack pressure': the defect is already critical "
          "at zero current (the stack pressure in the Li reaches the "
          "crack-extension pressure); lower it");
      double f_hi = f(hi);
      ++evaluations;
      while (f_hi < 0)
      {
        lo   = hi;
        f_lo = f_hi;
        hi *= expansion;
        if (hi > maximum)
        {
          RootSearch none;
          none.evaluations = evaluations;
          return none;
        }
        f_hi = f(hi);
        ++evaluations;
      }
      std::uintmax_t iterations = 60;
      const auto     r          = boost::math::tools::toms748_solve(
        [&](const double i)
        {
          ++evaluations;
          return f(i);
        },
        lo,
        hi,
        f_lo,
        f_hi,
        [tolerance](const double a, const double b)
        {
          return std::abs(b - a) <= tolerance * std::min(a, b);
        },
        iterations);
      RootSearch found;
      found.found       = true;
      found.root        = 0.5 * (r.first + r.second);
      found.evaluations = evaluations;
      return found;
    }
  } // namespace internal

  namespace internal
  {
    /**
     * The electro-chemo-mechanics of one defect, in named steps (see
     * analyse_electrochemistry()): the operating point of the cell by the
     * chosen closure, then the critical conditions (sealed i_c and |eta_c|,
     * flowing i_c per viscosity), then the operating point again for the
     * output. Owns the ionic potential on the elasticity's mesh.
     */
    template <int dim>
    class ElectrochemistryAnalysis
    {
    public:
      ElectrochemistryAnalysis(const RunParameters    &parameters,
                               const Electrolyte      &electrolyte,
                               Elasticity<dim>        &elasticity,
                               double                  sigma0_max,
                               double                  crack_compliance,
                               ElectrochemistryResult &result);

      std::unique_ptr<IonicPotential<dim>>
      run();

    private:
      /// K_I of the current elastic state (domain J-integral, middle radius).
      double
      K_now() const;
      /// Add a solve's iteration counts to the result.
      void
      count(const NewtonStatistics &s);
      /// The flowing closure at drive @p d: the fixed point of the Li
      /// pressure profile p(s) -> opening w(s), potential phi_e(s) -> p(s).
      FlowingState
      flowing_solve(const CellDrive &d, const LithiumFlowLaw &flow_law);
      /// The sealed closure in time (implicit Euler of C dp/dt =
      /// -(Omega/F) I_defect) run by a quiet TimeStepper.
      void
      sealed_transient();
      /// Solve at the parameter file's drive by its closure and record the
      /// interfaces.
      void
      operating_point();
      /// Sealed i_c (Li pressure reaches sigma0_max), the cell at i_c and
      /// the focusing on the open defect; returns i_c.
      double
      sealed_critical_current();
      /// |eta_c| of the sealed defect under an electrode overpotential.
      void
      sealed_critical_overpotential();
      /// Flowing i_c for every viscosity, searched from @p i_c sealed.
      void
      flowing_critical_currents(double i_c);
      /// Solve the operating point again (after the searches) for output.
      void
      restore_operating_point();
      /// eta and i along the defect faces, and the elasticity at the
      /// operating-point Li pressure (for the output).
      void
      face_profile_and_elasticity();

      const RunParameters                 &parameters;
      const ElectrochemistryParameters    &ec;
      const Electrolyte                   &electrolyte;
      Elasticity<dim>                     &elasticity;
      const DefectGeometry<dim>           &geometry;
      const double                         sigma0_max;
      const double                         crack_compliance;
      ElectrochemistryResult              &result;
      const double                         c;
      const double                         p_stack;
      const ButlerVolmer                   kinetics;
      std::unique_ptr<IonicPotential<dim>> potential;
      CellDrive                            drive;
      LithiumFlowLaw                       law;
      std::vector<double> warm_p; ///< last converged profile (by node)
    };

    template <int dim>
    ElectrochemistryAnalysis<dim>::ElectrochemistryAnalysis(
      const RunParameters    &parameters,
      const Electrolyte      &electrolyte,
      Elasticity<dim>        &elasticity,
      const double            sigma0_max,
      const double            crack_compliance,
      ElectrochemistryResult &result)
      : parameters(parameters)
      , ec(parameters.electrochemistry)
      , electrolyte(electrolyte)
      , elasticity(elasticity)
      , geometry(elasticity.get_geometry())
      , sigma0_max(sigma0_max)
      , crack_compliance(crack_compliance)
      , result(result)
      , c(geometry.parameters().defect_size)
      , p_stack(parameters.loads.stack_pressure)
      , kinetics(electrolyte.exchange_current_density(parameters.temperature),
                 ec.alpha_anodic,
                 ec.alpha_cathodic,
                 parameters.temperature,
                 parameters.lithium.molar_volume())
    {
      electrolyte.validate();
      drive         = operating_drive(ec);
      law.law       = ec.flow_law;
      law.viscosity = ec.li_viscosity;
      law.exponent = ec.flow_law == FlowLaw::newtonian ? 1. : ec.creep_exponent;
      law.tau_reference  = ec.creep_reference_stress;
      law.rate_reference = ec.creep_reference_rate;
    }

    template <int dim>
    double
    ElectrochemistryAnalysis<dim>::K_now() const
    {
      const double primary =
        parameters.fracture.j_radii[parameters.fracture.j_radii.size() / 2];
      const VirtualExtension<dim> q(geometry.front(),
                                    0.5 * primary * c,
                                    primary * c);
      return std::sqrt(std::max(0., domain_j_integral(elasticity, q)) *
                       electrolyte.plane_strain_modulus());
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::count(const NewtonStatistics &s)
    {
      result.newton_iterations += s.newton_iterations;
      result.linear_iterations += s.linear_iterations;
    }

    template <int dim>
    FlowingState
    ElectrochemistryAnalysis<dim>::flowing_solve(const CellDrive      &d,
                                                 const LithiumFlowLaw &flow_law)
    {
      using namespace dealii;
      FlowingState st;
      st.viscosity = flow_law.viscosity;
      const LithiumFlow flow(flow_law, kinetics);
      // nodes from the mouth (s = 0) to the tip (s = c)
      auto              profile = crack_opening_profile(elasticity);
      const std::size_t N       = profile.size() - 1;
      auto              s       = std::make_shared<std::vector<double>>(N + 1);
      auto p = std::make_shared<std::vector<double>>(N + 1, p_stack);
      for (std::size_t j = 0; j <= N; ++j)
        (*s)[j] = c - profile[N - j].first;
      (*s)[0] = 0;
      if (warm_p.size() == N + 1)
        *p = warm_p;
      else
      {
        // start from the sealed pressure at this drive: the crack must be
        // open for Li to flow
        potential->solve(d, {DefectPressure::sealed, 0});
        std::fill(p->begin() + 1, p->end(), potential->defect_pressure());
      }
      const double c_     = c;
      const auto   p_of_r = [s, p, c_](const double r)
      {
        return interpolate(*s, *p, c_ - r);
      };
      std::vector<double> w(N + 1), driving(N + 1);
      double              omega = 1, last_change = 1e300;
      bool                converged = false;
      LithiumFlow::Result lub;
      for (unsigned int it = 0; it < ec.max_coupling_iterations; ++it)
      {
        elasticity.set_crack_pressure_profile(p_of_r);
        elasticity.assemble_rhs();
        elasticity.solve();
        profile = crack_opening_profile(elasticity);
        AssertThrow(profile.size() == N + 1, ExcInternalError());
        for (std::size_t j = 0; j <= N; ++j)
          w[j] = profile[N - j].second;
        count(potential->solve(d, {DefectPressure::profile, 0, 0, 0, p_of_r}));
        const auto nodes = potential->defect_face_nodes();
        AssertThrow(nodes.size() == N + 1, ExcInternalError());
        for (std::size_t j = 0; j <= N; ++j)
          driving[j] = potential->electrode_potential() - nodes[N - j].phi_e;
        lub = flow.solve(*s, w, driving, p_stack, *p);
        if (!lub.converged)
          throw NumericalFailure(
            "the Li flow (lubrication) Newton iteration did not converge; "
            "check Electrochemistry/Li viscosity and the flow law "
            "parameters");
        double change = 0, scale = 1.;
        for (std::size_t j = 0; j <= N; ++j)
        {
          change = std::max(change, std::abs(lub.p[j] - (*p)[j]));
          scale  = std::max(scale, std::abs(lub.p[j] - p_stack));
        }
        change /= scale;
        st.coupling_history.push_back(change);
        if (change > last_change)
          omega = std::max(0.1, 0.5 * omega);
        last_change = change;
        for (std::size_t j = 1; j <= N; ++j)
          (*p)[j] += omega * (lub.p[j] - (*p)[j]);
        if (change <= ec.coupling_tolerance)
        {
          converged = true;
          break;
        }
      }
      if (!converged)
        throw NumericalFailure(
          "parameter 'Electrochemistry/Maximum coupling iterations': the "
          "flowing closure did not converge to Coupling tolerance = " +
          to_string(ec.coupling_tolerance) + " (last change " +
          to_string(st.coupling_history.back()) +
          "); raise it or the tolerance");
      // final consistent state with the converged profile
      elasticity.set_crack_pressure_profile(p_of_r);
      elasticity.assemble_rhs();
      elasticity.solve();
      potential->solve(d, {DefectPressure::profile, 0, 0, 0, p_of_r});
      warm_p                 = *p;
      st.coupling_iterations = st.coupling_history.size();
      st.K_I                 = K_now();
      st.s                   = *s;
      st.p                   = *p;
      st.w                   = w;
      st.i                   = lub.current;
      st.eta.resize(N + 1);
      for (std::size_t j = 0; j <= N; ++j)
        st.eta[j] = driving[j] + kinetics.omega_over_F * (*p)[j];
      st.tip_pressure = p->back();
      double area = 0, integral = 0;
      for (std::size_t j = 0; j < N; ++j)
      {
        const double L = (*s)[j + 1] - (*s)[j];
        integral += 0.5 * L * ((*p)[j] + (*p)[j + 1]);
        area += L;
      }
      st.mean_pressure = integral / area;
      st.mouth_flux    = lub.mouth_flux;
      const auto I     = potential->interfaces();
      st.plating_flux  = -2. * kinetics.omega_over_F * I.current_defect;
      st.applied_current_density = I.current_counter / I.area_counter;
      st.focusing_factor =
        (-I.current_defect / I.area_defect) / st.applied_current_density;
      st.cell_voltage = -potential->electrode_potential();
      return st;
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::sealed_transient()
    {
      // implicit Euler of C dp/dt = -(Omega/F) I_defect, steps growing by
      // 1.2 from dt0 so that they sum to the end time
      const double C_model = crack_compliance / geometry.model_copies();
      require(C_model > 0,
              "Electrochemistry/Sealed transient",
              "needs an opening crack (positive compliance)");
      const double          ratio = 1.2;
      TimeStepperParameters steps;
      steps.end_time     = ec.end_time;
      steps.initial_step = ec.end_time * (ratio - 1) /
                           (std::pow(ratio, double(ec.time_steps)) - 1);
      steps.max_step       = ec.end_time;
      steps.growth         = ratio;
      steps.write_solution = false;
      steps.cutback_entry  = "Electrochemistry/Time steps";
      SealedTransientModel<dim> model(*potential,
                                      drive,
                                      C_model,
                                      p_stack,
                                      kinetics.omega_over_F);
      // no files of its own: the history goes into this defect's result
      dealii::ConditionalOStream quiet(std::cout, false);
      TimeStepper                stepper(model,
                          steps,
                          "",
                          elasticity.get_dof_handler().get_communicator(),
                          quiet);
      const RunOutcome           outcome = stepper.run(JsonObject(), "", "");
      if (outcome.status != RunStatus::completed)
        throw NumericalFailure("parameter 'Electrochemistry/Time steps': the "
                               "sealed transient failed: " +
                               outcome.reason);
      const Table &table = stepper.statistics();
      for (std::size_t k = 0; k < table.n_rows(); ++k)
      {
        result.transient_time.push_back(table.value(k, "time"));
        result.transient_pressure.push_back(table.value(k, "pressure_Pa"));
        result.newton_iterations += table.value(k, "newton_iterations");
        result.linear_iterations += table.value(k, "linear_iterations");
      }
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::operating_point()
    {
      dealii::Timer timer;
      if (ec.closure == LiClosure::flowing)
      {
        result.flowing         = flowing_solve(drive, law);
        result.defect_pressure = result.flowing.mean_pressure;
      }
      else if (ec.closure == LiClosure::prescribed)
        count(
          potential->solve(drive,
                           {DefectPressure::fixed, ec.prescribed_pressure}));
      else if (!ec.transient)
        count(potential->solve(drive, {DefectPressure::sealed, 0}));
      else
        sealed_transient();

      const auto I                   = potential->interfaces();
      result.applied_current_density = I.current_counter / I.area_counter;
      result.cell_voltage            = -potential->electrode_potential();
      if (ec.closure != LiClosure::flowing)
        result.defect_pressure = potential->defect_pressure();
      result.mean_eta_electrode = I.mean_eta_electrode;
      result.mean_eta_defect    = I.mean_eta_defect;
      result.min_eta_defect     = I.min_eta_defect;
      result.max_eta_defect     = I.max_eta_defect;
      result.defect_current     = I.current_defect;
      result.focusing_factor =
        (-I.current_defect / I.area_defect) / result.applied_current_density;
      result.tip_focusing_factor =
        I.max_plating_defect / result.applied_current_density;
      result.time_potential = timer.wall_time();
    }

    template <int dim>
    double
    ElectrochemistryAnalysis<dim>::sealed_critical_current()
    {
      // sealed: the uniform Li pressure reaches sigma0_max
      const double R_ct = electrolyte.charge_transfer_resistance;
      const double guess =
        std::max(1e-3,
                 0.5 * kinetics.omega_over_F * (sigma0_max - p_stack) /
                   (R_ct + c / electrolyte.ionic_conductivity));
      const auto sealed_p = [&](const double i)
      {
        count(potential->solve({CellDrive::current_density, i},
                               {DefectPressure::sealed, 0}));
        return potential->defect_pressure() - sigma0_max;
      };
      const auto search = find_critical_current(sealed_p,
                                                0.,
                                                p_stack - sigma0_max,
                                                guess,
                                                ec.maximum_current_density,
                                                ec.critical_current_tolerance);
      if (!search.found)
        throw InputError(
          "parameter 'Electrochemistry/Maximum current density': the "
          "defect does not reach K_Ic below " +
          to_string(ec.maximum_current_density) +
          " A/m^2 (unreachable critical current); raise it if that is "
          "physical");
      const double i_c               = search.root;
      result.critical_current_sealed = i_c;
      result.sealed_evaluations      = search.evaluations;
      sealed_p(i_c);
      result.cell_voltage_at_critical = -potential->electrode_potential();
      result.eta_electrode_at_critical =
        potential->interfaces().mean_eta_electrode;
      // focusing on the open (unpressurised) defect at i_c
      potential->solve({CellDrive::current_density, i_c},
                       {DefectPressure::fixed, p_stack});
      const auto I                = potential->interfaces();
      result.focusing_factor_open = (-I.current_defect / I.area_defect) /
                                    (I.current_counter / I.area_counter);
      result.tip_focusing_factor_open =
        I.max_plating_defect / (I.current_counter / I.area_counter);
      return i_c;
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::sealed_critical_overpotential()
    {
      const auto sealed_eta = [&](const double eta)
      {
        count(potential->solve({CellDrive::electrode_overpotential, eta},
                               {DefectPressure::sealed, 0}));
        return potential->defect_pressure() - sigma0_max;
      };
      potential->reset();
      const auto search = find_critical_current(sealed_eta,
                                                0.,
                                                p_stack - sigma0_max,
                                                0.9 * kinetics.omega_over_F *
                                                  (sigma0_max - p_stack),
                                                10.,
                                                ec.critical_current_tolerance,
                                                1.5);
      if (!search.found)
        throw InputError(
          "parameter 'Material/Fracture toughness': the sealed defect "
          "does not reach K_Ic below an electrode overpotential of 10 V; "
          "check the toughness and Loads/Stack pressure");
      result.critical_overpotential_sealed = search.root;
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::flowing_critical_currents(const double i_c)
    {
      const double        K_c         = electrolyte.fracture_toughness;
      std::vector<double> viscosities = ec.flowing_viscosities;
      if (viscosities.empty())
        viscosities.push_back(ec.li_viscosity);
      // K_I at zero current: the Li is at the stack pressure everywhere
      const double K_zero = K_c * p_stack / sigma0_max;
      for (const double mu : viscosities)
      {
        LithiumFlowLaw l = law;
        l.viscosity      = mu;
        FlowingCritical fc;
        fc.viscosity = mu;
        const auto f = [&](const double i)
        {
          return flowing_solve({CellDrive::current_density, i}, l).K_I - K_c;
        };
        const auto found = find_critical_current(f,
                                                 0.,
                                                 K_zero - K_c,
                                                 i_c,
                                                 ec.maximum_current_density,
                                                 ec.critical_current_tolerance);
        if (!found.found)
        {
          // Li escapes fast enough that the defect never cracks below
          // the search limit: reported as infinite, not an error
          fc.critical_current = std::numeric_limits<double>::infinity();
          result.flowing_critical.push_back(fc);
          continue;
        }
        fc.critical_current = found.root;
        fc.evaluations      = found.evaluations;
        fc.at_critical =
          flowing_solve({CellDrive::current_density, found.root}, l);
        result.flowing_critical.push_back(fc);
      }
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::restore_operating_point()
    {
      potential->reset();
      warm_p.clear();
      if (ec.closure == LiClosure::flowing)
        result.flowing = flowing_solve(drive, law);
      else if (ec.closure == LiClosure::prescribed)
        potential->solve(drive,
                         {DefectPressure::fixed, ec.prescribed_pressure});
      else if (ec.transient)
        potential->solve(drive,
                         {DefectPressure::fixed, result.defect_pressure});
      else
        potential->solve(drive,
                         {DefectPressure::sealed, result.defect_pressure});
    }

    template <int dim>
    void
    ElectrochemistryAnalysis<dim>::face_profile_and_elasticity()
    {
      for (const auto &node : potential->defect_face_nodes())
      {
        const double eta =
          kinetics.overpotential(potential->electrode_potential(),
                                 node.phi_e,
                                 potential->face_pressure(node.x));
        result.face_r.push_back(node.r);
        result.face_eta.push_back(eta);
        result.face_current.push_back(kinetics.current(eta));
      }
      if (ec.closure != LiClosure::flowing)
      {
        const double p_op = result.defect_pressure;
        elasticity.set_crack_pressure_profile(
          [p_op](double)
          {
            return p_op;
          });
        elasticity.assemble_rhs();
        elasticity.solve();
      }
    }

    template <int dim>
    std::unique_ptr<IonicPotential<dim>>
    ElectrochemistryAnalysis<dim>::run()
    {
      potential = std::make_unique<IonicPotential<dim>>(
        geometry,
        elasticity.get_dof_handler().get_triangulation(),
        electrolyte,
        kinetics,
        p_stack,
        ec);
      potential->set_preconditioner(parameters.elasticity.preconditioner);
      potential->setup();
      result.computed                 = true;
      result.operation                = ec.operation;
      result.closure                  = ec.closure;
      result.exchange_current_density = kinetics.i0;
      result.n_dofs                   = potential->n_dofs();
      result.critical_pressure        = sigma0_max;

      operating_point();
      if (ec.critical_current_search)
      {
        dealii::Timer timer;
        const double  i_c = sealed_critical_current();
        sealed_critical_overpotential();
        result.time_search_sealed = timer.wall_time();
        // the flowing closure was checked with the parameters
        // (RunParameters::parse_parameters): only for the edge slit
        if (geometry.parameters().defect == DefectType::edge_slit)
        {
          timer.restart();
          flowing_critical_currents(i_c);
          result.time_search_flowing = timer.wall_time();
        }
        restore_operating_point();
      }
      face_profile_and_elasticity();
      return std::move(potential);
    }
  } // namespace internal

  template <int dim>
  std::unique_ptr<IonicPotential<dim>>
  analyse_electrochemistry(const RunParameters    &parameters,
                           const Electrolyte      &electrolyte,
                           Elasticity<dim>        &elasticity,
                           const double            sigma0_max,
                           const double            crack_compliance,
                           ElectrochemistryResult &result)
  {
    internal::ElectrochemistryAnalysis<dim> analysis(parameters,
                                                     electrolyte,
                                                     elasticity,
                                                     sigma0_max,
                                                     crack_compliance,
                                                     result);
    return analysis.run();
  }
} // namespace lipen
