/*
 * parallel.c -- run independent writes on several threads at once.  Each
 * registry write waits for its fsync; issued together, the store commits
 * them in one batch, which is how a controller creates thousands of pods
 * per second on a two-core machine.
 */
#include <stdatomic.h>

#include "controller/controller_int.h"

#define PAR_MAX_THREADS 64

struct par_job {
    ctrl_par_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next; /* next index to hand out */
};

static void *par_worker(void *arg)
{
    struct par_job *j = arg;
    size_t i;
    while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
        j->fn(j->ctx, i);
    return NULL;
}

void ctrl_par_run(size_t n, size_t threads, ctrl_par_fn fn, void *ctx)
{
    struct par_job j = {.fn = fn, .ctx = ctx, .n = n};
    pthread_t th[PAR_MAX_THREADS];
    pthread_attr_t attr;
    size_t started = 0;

    atomic_init(&j.next, 0);
    if (threads > PAR_MAX_THREADS)
        threads = PAR_MAX_THREADS;
    if (threads > n)
        threads = n;
    if (n <= 2 || threads <= 1) {
        par_worker(&j);
        return;
    }
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (size_t i = 0; i + 1 < threads; i++)
        if (pthread_create(&th[started], &attr, par_worker, &j) == 0)
            started++;
    pthread_attr_destroy(&attr);
    par_worker(&j);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
}
