// OpenBLAS through its CBLAS interface (pkg-config `openblas` supplies the include path).
#include <cblas.h>

// Debian's cblas.h declares these; repeating the prototypes keeps the shim working with
// cblas.h variants (reference CBLAS) that leave the OpenBLAS extensions out.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
