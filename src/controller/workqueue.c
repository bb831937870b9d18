/*
 * workqueue.c -- a level-triggered work queue of string keys, as
 * client-go's: adding a queued key is a no-op, a key being processed is
 * never handed to a second worker, and one re-added while processing is
 * queued again when its worker calls wq_done().  Delayed adds (timers,
 * back-off) wait in a small list checked by wq_get().
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "controller/controller_int.h"

struct delayed {
    char *key;
    int64_t at_ms; /* monotonic time to add it */
};

struct workqueue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char **fifo;           /* queued keys in order (owned) */
    size_t head, n, cap;
    hmap queued;           /* key -> (void*)1 while in fifo */
    hmap processing;       /* key -> (void*)1 while a worker has it */
    hmap dirty;            /* key -> (void*)1 re-added while processing */
    struct delayed *later; /* delayed adds */
    size_t nlater, caplater;
    hmap failures;         /* key -> (void*)(count) for back-off */
    hmap delayed;          /* key -> (void*)(intptr_t)due ms, for keys in later */
    bool shutdown;
};

workqueue *wq_new(void)
{
    workqueue *q = xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    hmap_init(&q->queued);
    hmap_init(&q->processing);
    hmap_init(&q->dirty);
    hmap_init(&q->failures);
    hmap_init(&q->delayed);
    return q;
}

void wq_free(workqueue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->fifo[(q->head + i) % q->cap]);
    free(q->fifo);
    for (size_t i = 0; i < q->nlater; i++)
        free(q->later[i].key);
    free(q->later);
    hmap_release(&q->queued);
    hmap_release(&q->processing);
    hmap_release(&q->dirty);
    hmap_release(&q->failures);
    hmap_release(&q->delayed);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
}

static void push_locked(workqueue *q, const char *key)
{
    if (hmap_get(&q->processing, key)) {
        hmap_put(&q->dirty, key, (void *)1);
        return;
    }
    if (hmap_get(&q->queued, key))
        return;
    if (q->n == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 64;
        char **nf = xcalloc(ncap, sizeof *nf);
        for (size_t i = 0; i < q->n; i++)
            nf[i] = q->fifo[(q->head + i) % q->cap];
        free(q->fifo);
        q->fifo = nf;
        q->cap = ncap;
        q->head = 0;
    }
    q->fifo[(q->head + q->n) % q->cap] = xstrdup(key);
    q->n++;
    hmap_put(&q->queued, key, (void *)1);
    pthread_cond_signal(&q->cv);
}

void wq_add(workqueue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    if (!q->shutdown)
        push_locked(q, key);
    pthread_mutex_unlock(&q->mu);
}

void wq_add_after(workqueue *q, const char *key, int64_t delay_ms)
{
    if (delay_ms <= 0) {
        wq_add(q, key);
        return;
    }
    pthread_mutex_lock(&q->mu);
    int64_t due = time_mono_ms() + delay_ms;
    intptr_t have = (intptr_t)hmap_get(&q->delayed, key);
    if (have && have <= due) {
        /* Already due sooner: one delayed entry per key is enough. */
        pthread_mutex_unlock(&q->mu);
        return;
    }
    if (have) {
        /* Due later: pull the existing entry forward instead of adding. */
        for (size_t i = 0; i < q->nlater; i++)
            if (!strcmp(q->later[i].key, key))
                q->later[i].at_ms = due;
        hmap_put(&q->delayed, key, (void *)(intptr_t)due);
        pthread_cond_signal(&q->cv);
        pthread_mutex_unlock(&q->mu);
        return;
    }
    hmap_put(&q->delayed, key, (void *)(intptr_t)due);
    if (q->nlater == q->caplater) {
        q->caplater = q->caplater ? q->caplater * 2 : 16;
        q->later = xrealloc(q->later, q->caplater * sizeof *q->later);
    }
    q->later[q->nlater].key = xstrdup(key);
    q->later[q->nlater].at_ms = due;
    q->nlater++;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Move due delayed keys into the fifo; returns ms until the next one. */
static int64_t promote_locked(workqueue *q)
{
    int64_t now = time_mono_ms(), next = INT64_MAX;
    for (size_t i = 0; i < q->nlater;) {
        if (q->later[i].at_ms <= now) {
            hmap_del(&q->delayed, q->later[i].key);
            push_locked(q, q->later[i].key);
            free(q->later[i].key);
            q->later[i] = q->later[--q->nlater];
        } else {
            if (q->later[i].at_ms - now < next)
                next = q->later[i].at_ms - now;
            i++;
        }
    }
    return next;
}

char *wq_get(workqueue *q, int timeout_ms)
{
    int64_t deadline = time_mono_ms() + timeout_ms;
    char *key = NULL;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        int64_t next = promote_locked(q);
        if (q->shutdown)
            break;
        if (q->n) {
            key = q->fifo[q->head];
            q->head = (q->head + 1) % q->cap;
            q->n--;
            hmap_del(&q->queued, key);
            hmap_put(&q->processing, key, (void *)1);
            break;
        }
        int64_t now = time_mono_ms();
        if (now >= deadline)
            break;
        int64_t wait = deadline - now;
        if (next < wait)
            wait = next;
        struct timespec ts;
        ts = time_deadline_in_ms(wait);
        pthread_cond_timedwait(&q->cv, &q->mu, &ts);
    }
    pthread_mutex_unlock(&q->mu);
    return key;
}

size_t wq_len(workqueue *q)
{
    size_t n;
    pthread_mutex_lock(&q->mu);
    n = q->n;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void wq_done(workqueue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    hmap_del(&q->processing, key);
    if (hmap_del(&q->dirty, key))
        push_locked(q, key);
    pthread_mutex_unlock(&q->mu);
}

void wq_shutdown(workqueue *q)
{
    pthread_mutex_lock(&q->mu);
    q->shutdown = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

int64_t wq_backoff(workqueue *q, const char *key)
{
    int64_t delay;
    pthread_mutex_lock(&q->mu);
    uintptr_t n = (uintptr_t)hmap_get(&q->failures, key);
    hmap_put(&q->failures, key, (void *)(n + 1));
    pthread_mutex_unlock(&q->mu);
    /* 5 ms doubling, capped at 5 minutes. */
    delay = 5;
    for (uintptr_t i = 0; i < n && delay < 300000; i++)
        delay *= 2;
    return delay > 300000 ? 300000 : delay;
}

void wq_forget(workqueue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    hmap_del(&q->failures, key);
    pthread_mutex_unlock(&q->mu);
}
