/*
 * agent.c -- the `everynode agent` subcommand (placeholder until it is built).
 */
#include <stdio.h>

#include "cmd/cmd.h"

int cmd_agent(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "everynode %s: not available in this version yet\n", argv[0]);
    return 2;
}
