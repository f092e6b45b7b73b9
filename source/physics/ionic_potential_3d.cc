#include <lipen/physics/ionic_potential.templates.h>

template class lipen::IonicPotential<3>;
