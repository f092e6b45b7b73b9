#include <lipen/simulator/fracture_analysis.templates.h>

namespace lipen
{
  template FractureResult
  analyse_defect<2>(const RunParameters &,
                    const Electrolyte &,
                    MPI_Comm,
                    SolutionWriter *,
                    unsigned int,
                    dealii::ConditionalOStream &);
} // namespace lipen
