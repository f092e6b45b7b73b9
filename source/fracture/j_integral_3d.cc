#include <lipen/fracture/j_integral.templates.h>

namespace lipen
{
  template class VirtualExtension<3>;
  template double
  domain_j_integral(const Elasticity<3> &, const VirtualExtension<3> &);
  template double
  energy_release_rate(Elasticity<3> &,
                      dealii::parallel::distributed::Triangulation<3> &,
                      const VirtualExtension<3> &,
                      double);
} // namespace lipen

#include <lipen/fracture/crack_metrics.templates.h>

template lipen::CrackMetrics<3>
lipen::compute_crack_metrics(const lipen::Elasticity<3> &);
template std::vector<std::pair<double, double>>
lipen::crack_opening_profile(const lipen::Elasticity<3> &);
