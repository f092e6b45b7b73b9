#pragma once

#include <lipen/physics/energy_split.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <string>

namespace lipen
{
  /// Crack surface density of the phase field (`Phase field/Model`).
  enum class DamageModel
  {
    AT2,
    AT1
  };
  /// What the phase-field run prescribes (`Phase field/Loading`).
  enum class Loading
  {
    pressure,
    volume,
    plating
  };
  /// How the initial crack is represented (`Phase field/Initial crack`).
  enum class InitialCrack
  {
    damage_band,
    notch
  };
  std::string
  to_string(DamageModel model);
  std::string
  to_string(Loading loading);
  std::string
  to_string(InitialCrack initial_crack);

  /**
   * Subsection `Phase field`: phase-field fracture of the electrolyte
   * (model.md sections 3.1 and 3.5), used by `Study/Type = phase field`.
   *
   * Length scale: `Length scale` l in metres, or (when it is 0) l = N h
   * with N = `Length scale in cells` and h = `Process zone cell size`.
   * The mesh is refined to h <= `Process zone cell size` (default l/2)
   * wherever the crack is (d >= `Refinement damage threshold`) or is about
   * to be (history >= `Refinement driving force fraction` times the AT1
   * threshold 3 G_c/(16 l)).
   *
   * Loading: the Li pressure p(t) is prescribed, or the whole-body Li volume
   * V_Li(t) is prescribed and p follows from V_crack(u, d) = V_Li (volume
   * control: the sealed closure applied to a growing crack). In 2D the
   * volume is per unit thickness [m^2].
   */
  struct PhaseFieldParameters
  {
    DamageModel model             = DamageModel::AT2;
    EnergySplit split             = EnergySplit::none;
    double      length_scale      = 0; ///< l [m]; 0: N h
    double      length_per_defect = 0; ///< l/c; 0: Length scale
    double      length_cells      = 4; ///< N
    double      process_zone_h    = 0; ///< [m]; 0: l/2
    /// Toughness correction = cell size: the damage energy uses G_c / (1 +
    /// c h/l) with the measured process-zone cell size h
    bool         correct_toughness  = false;
    double       residual_stiffness = 1e-6; ///< k in g(d) = (1-d)^2 + k
    InitialCrack initial_crack      = InitialCrack::damage_band;
    /// damage present before the run, a function of x, y (, z) [m]
    std::string initial_damage    = "0";
    Loading     loading           = Loading::pressure;
    std::string pressure_function = "1e6*t";   ///< p(t) [Pa]
    std::string volume_function   = "1e-12*t"; ///< V_Li(t)
    /// Loads/Allow negative Li pressure (set by RunParameters)
    bool         allow_negative_pressure = false;
    double       end_time                = 1;
    unsigned int time_steps              = 10;
    double       initial_step            = 0; ///< [s]; 0: end_time/time_steps

    double       staggered_tolerance = 1e-5; ///< max |d_k - d_k-1|
    double       residual_tolerance  = 1e-6; ///< |R_u| / |f|
    unsigned int max_staggered       = 300;
    double       over_relaxation     = 1.5; ///< omega of the damage update
    unsigned int anderson_depth      = 5;   ///< m of Anderson acceleration
    unsigned int max_cutbacks        = 6;
    double       max_advance         = 20; ///< crack advance per step / l
    /// plating: |p_new - p_old| per step / max(|p_old|, |p_new|, p_scale)
    double max_pressure_change = 0.1;
    double arrest_time         = 0; ///< [s]; 0: never `arrested`
    double final_crack_size    = 0; ///< [m]; 0: no limit
    double final_crack_growth  = 0; ///< [l] tip beyond the defect; 0: off
    double final_tip_distance  = 0; ///< [m] from final_crack_growth

    bool         adaptive                = true;
    bool         coarsen                 = true;
    double       refine_damage_threshold = 0.01;
    double       refine_driving_fraction = 0.5;
    double       crack_grading           = 3; ///< gamma beyond 5 l; 0: off
    unsigned int max_refinement_redos    = 10;
    /// a redo starts from the attempt's iterate (Warm redos)
    bool         warm_redos      = false;
    unsigned int output_interval = 1;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);

    /// Resolve the entries given relative to the defect size @p c (Length
    /// scale per defect size, Final crack growth) into length_scale and
    /// final_tip_distance (parse_parameters() has refused giving Length
    /// scale too).
    void
    resolve_relative_to_defect(const double c);
    /// l in metres (from the entries above); validates them.
    double
    resolved_length_scale() const;
    /// The prescribed load of the active Loading, p(t) or V_Li(t), parsed;
    /// an InputError naming `Pressure` or `Li volume` if it does not parse.
    std::unique_ptr<dealii::FunctionParser<1>>
    load_function() const;
    /// Target cell size in the process zone [m].
    double
    resolved_process_zone_h() const;
    /// c_w of the model: 2 (AT2) or 8/3 (AT1).
    double
    c_w() const
    {
      return model == DamageModel::AT1 ? 8. / 3. : 2.;
    }
  };
} // namespace lipen
