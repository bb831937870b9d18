/*
 * signals.c -- how the long-running subcommands (server, sim, agent) stop:
 * SIGTERM and SIGINT are blocked in the main thread before any other thread
 * starts (so every thread inherits the mask and none is interrupted), and
 * the main thread then waits for them synchronously.  SIGPIPE is ignored:
 * a write to a closed connection must fail, not kill the process.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "cmd/cmd.h"

void cmd_block_stop_signals(sigset_t *sigs)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGTERM);
    sigaddset(sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
}

const char *cmd_wait_stop_signal(const sigset_t *sigs)
{
    int sig;

    if (sigwait(sigs, &sig) != 0)
        return NULL;
    return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}
