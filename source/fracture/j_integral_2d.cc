#include <lipen/fracture/j_integral.templates.h>

namespace lipen
{
  template class VirtualExtension<2>;
  template double
  domain_j_integral(const Elasticity<2> &, const VirtualExtension<2> &);
  template double
  energy_release_rate(Elasticity<2> &,
                      dealii::parallel::distributed::Triangulation<2> &,
                      const VirtualExtension<2> &,
                      double);
} // namespace lipen

#include <lipen/fracture/crack_metrics.templates.h>

template lipen::CrackMetrics<2>
lipen::compute_crack_metrics(const lipen::Elasticity<2> &);
template std::vector<std::pair<double, double>>
lipen::crack_opening_profile(const lipen::Elasticity<2> &);
