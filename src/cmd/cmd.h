/*
 * cmd.h -- the subcommands of the everynode binary.  Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit code.
 */
#ifndef EVERYNODE_CMD_H
#define EVERYNODE_CMD_H

#include <signal.h>

int cmd_server(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_image(int argc, char **argv);

/* signals.c: block SIGTERM and SIGINT in the calling thread (call before
 * starting any thread; *sigs receives the set) and ignore SIGPIPE. */
void cmd_block_stop_signals(sigset_t *sigs);
/* Wait for one of them: "SIGTERM" or "SIGINT" (static), NULL on failure. */
const char *cmd_wait_stop_signal(const sigset_t *sigs);

#endif /* EVERYNODE_CMD_H */
