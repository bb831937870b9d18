/*
 * cmd.h -- the subcommands of the everynode binary.  Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit code.
 */
#ifndef EVERYNODE_CMD_H
#define EVERYNODE_CMD_H

int cmd_server(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_image(int argc, char **argv);

#endif /* EVERYNODE_CMD_H */
