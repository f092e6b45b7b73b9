#include <lipen/simulator/field_set.templates.h>

template class lipen::FieldSet<2>;
template class lipen::FieldSet<3>;
