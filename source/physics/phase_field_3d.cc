#include <lipen/physics/phase_field.templates.h>

template class lipen::PhaseFieldFracture<3>;
