#include "test_util.h"
Suite *suite_optim(void) { return suite_create("optim-pending"); }
