/*
 * parallel.c -- run independent writes on several threads at once.  Each
 * registry write waits for its fsync; issued together, the store commits
 * them in one batch, which is how a controller creates thousands of pods
 * per second on a two-core machine.
 *
 * The threads are a pool kept for the controller's lifetime: a rolling
 * update runs dozens of such rounds a second, and creating and tearing
 * down 32 threads for each cost more than the writes' own CPU on a VM.
 * Several callers may run jobs on one pool at once; every caller works on
 * its own job too, so a job finishes even when all pool threads are busy.
 */
#include <stdatomic.h>

#include "controller/controller_int.h"

#define PAR_MAX_THREADS 64
#define PAR_STACK_SIZE ((size_t)256 * 1024)

typedef struct par_job {
    ctrl_par_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;   /* next index to hand out */
    int active;           /* pool threads working on it (pool mu) */
    struct par_job *link; /* the pool's list of open jobs (pool mu) */
} par_job;

struct ctrl_pool {
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a job was added, or stop */
    pthread_cond_t done_cv; /* a pool thread left a job */
    par_job *jobs;          /* jobs with indexes possibly left */
    bool stop;
    size_t nthreads;
    pthread_t threads[PAR_MAX_THREADS];
};

static void par_drain(par_job *j)
{
    size_t i;
    while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
        j->fn(j->ctx, i);
}

static void *par_main(void *arg)
{
    ctrl_pool *p = arg;

    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        par_job *j = p->jobs;
        while (j && atomic_load(&j->next) >= j->n)
            j = j->link;
        if (!j) {
            pthread_cond_wait(&p->work_cv, &p->mu);
            continue;
        }
        j->active++;
        pthread_mutex_unlock(&p->mu);
        par_drain(j);
        pthread_mutex_lock(&p->mu);
        if (--j->active == 0)
            pthread_cond_broadcast(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

ctrl_pool *ctrl_pool_new(size_t threads, const char *name)
{
    ctrl_pool *p = xcalloc(1, sizeof *p);
    pthread_attr_t attr;

    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    if (threads > PAR_MAX_THREADS)
        threads = PAR_MAX_THREADS;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PAR_STACK_SIZE);
    /* The caller of a job is its first worker: one thread fewer. */
    for (size_t i = 0; i + 1 < threads; i++) {
        if (pthread_create(&p->threads[p->nthreads], &attr, par_main, p) != 0)
            break;
        pthread_setname_np(p->threads[p->nthreads], name);
        p->nthreads++;
    }
    pthread_attr_destroy(&attr);
    return p;
}

void ctrl_pool_free(ctrl_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p);
}

void ctrl_par_run(ctrl_pool *p, size_t n, ctrl_par_fn fn, void *ctx)
{
    par_job j = {.fn = fn, .ctx = ctx, .n = n};
    par_job **pp;

    atomic_init(&j.next, 0);
    if (n <= 2 || !p || p->nthreads == 0) {
        par_drain(&j);
        return;
    }
    pthread_mutex_lock(&p->mu);
    j.link = p->jobs;
    /* The job lives on this stack frame: it is unlisted below, and waited
     * for, before the frame goes. */
    /* cppcheck-suppress autoVariables */
    p->jobs = &j;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);

    par_drain(&j);

    /* Unlist the job, then wait for the pool threads still inside it. */
    pthread_mutex_lock(&p->mu);
    for (pp = &p->jobs; *pp != &j; pp = &(*pp)->link)
        ;
    *pp = j.link;
    while (j.active > 0)
        pthread_cond_wait(&p->done_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
