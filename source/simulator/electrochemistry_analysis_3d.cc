#include <lipen/simulator/electrochemistry_analysis.templates.h>

template std::unique_ptr<lipen::IonicPotential<3>>
lipen::analyse_electrochemistry(const lipen::RunParameters &,
                                const lipen::Electrolyte &,
                                lipen::Elasticity<3> &,
                                double,
                                double,
                                lipen::ElectrochemistryResult &);
