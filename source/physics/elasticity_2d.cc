#include <lipen/physics/elasticity.templates.h>

template class lipen::Elasticity<2>;
