/*
 * shim.c -- the per-container supervisor (placeholder until it is built).
 */
#include <stdio.h>

#include "runtime/runtime.h"

int rt_shim_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "everynode shim: not available in this version yet\n");
    return 2;
}
