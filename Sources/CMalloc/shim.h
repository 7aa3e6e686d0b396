// glibc's allocator tuning (mallopt), which Swift's Glibc module leaves out; Linux only.
#include <malloc.h>
