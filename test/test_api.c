#include "test_util.h"
Suite *suite_api(void) { return suite_create("api-pending"); }
