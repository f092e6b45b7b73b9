#include <lipen/simulator/fracture_analysis.templates.h>

namespace lipen
{
  template FractureResult
  analyse_defect<3>(const RunParameters &,
                    const Electrolyte &,
                    MPI_Comm,
                    SolutionWriter *,
                    unsigned int,
                    dealii::ConditionalOStream &);
} // namespace lipen
