/*
 * test_net.c -- unit tests of `everynode up`'s machinery (up.h): planning
 * names and addresses (and refusing bad subnets, ids and node counts with
 * clear messages); as root, creating a real bridge with two namespaced
 * nodes on a test-only subnet (10.213.77.0/24), pinging across it both
 * ways, starting a process inside a node's namespace, stopping processes
 * that obey and ignore SIGTERM, and deleting everything again (nothing of
 * the instance's names left).  The networked cases are skipped when not
 * root or without `ip`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "up/up.h"

/* An instance id no one else uses: "ut" + pid. */
static char test_id[UP_ID_MAX + 1];

static void expect_plan_error(const char *id, const char *subnet, size_t n, const char *want)
{
    up_net net;
    char *err = NULL;
    assert_int_equal(up_net_plan(id, subnet, n, &net, &err), EN_INVALID);
    assert_non_null(err);
    if (strcmp(err, want) != 0)
        fail_msg("plan(%s, %s, %zu): %s; want %s", id, subnet, n, err, want);
    free(err);
    up_net_release(&net);
}

static void test_plan(void **state)
{
    up_net net;
    char *err = NULL;

    assert_int_equal(up_net_plan("abc123", "10.77.0.0/24", 3, &net, &err), 0);
    assert_string_equal(net.bridge, "en-abc123");
    assert_string_equal(net.gateway, "10.77.0.1");
    assert_int_equal(net.prefix, 24);
    assert_int_equal(net.n_nodes, 3);
    assert_string_equal(net.nodes[0].netns, "everynode-abc123-1");
    assert_string_equal(net.nodes[0].veth_host, "en-abc123-1");
    assert_string_equal(net.nodes[0].veth_peer, "ep-abc123-1");
    assert_string_equal(net.nodes[0].address, "10.77.0.11");
    assert_string_equal(net.nodes[2].address, "10.77.0.13");
    up_net_release(&net);

    /* Longest id and node number still fit the kernel's 15 characters. */
    assert_int_equal(up_net_plan("abcdefgh", "10.0.0.0/16", 99, &net, &err), 0);
    assert_string_equal(net.nodes[98].veth_host, "en-abcdefgh-99");
    assert_true(strlen(net.nodes[98].veth_peer) <= 15);
    assert_string_equal(net.nodes[98].address, "10.0.0.109");
    up_net_release(&net);

    expect_plan_error("abc", "10.77.0.0", 3,
                      "invalid subnet \"10.77.0.0\": expected an IPv4 network like 10.77.0.0/24");
    expect_plan_error("abc", "10.77.0.300/24", 3,
                      "invalid subnet \"10.77.0.300/24\": expected an IPv4 network like "
                      "10.77.0.0/24");
    expect_plan_error("abc", "10.77.0.0/x", 3,
                      "invalid subnet \"10.77.0.0/x\": expected an IPv4 network like 10.77.0.0/24");
    expect_plan_error("abc", "10.77.0.0/30", 1,
                      "invalid subnet \"10.77.0.0/30\": the prefix length must be 8 to 28");
    expect_plan_error("abc", "10.77.0.5/24", 3,
                      "invalid subnet \"10.77.0.5/24\": host bits are set (did you mean "
                      "10.77.0.0/24?)");
    expect_plan_error("abc", "10.77.0.0/28", 5,
                      "subnet \"10.77.0.0/28\" is too small for 5 nodes (they take .11 to .15)");
    expect_plan_error("abc", "10.77.0.0/24", 0, "invalid number of nodes 0: use 1 to 99");
    expect_plan_error("abc", "10.77.0.0/24", 100, "invalid number of nodes 100: use 1 to 99");
    expect_plan_error("Bad-Id", "10.77.0.0/24", 1,
                      "invalid instance name \"Bad-Id\": use 1 to 8 of a-z and 0-9");
    expect_plan_error("", "10.77.0.0/24", 1,
                      "invalid instance name \"\": use 1 to 8 of a-z and 0-9");
    expect_plan_error("abcdefghi", "10.77.0.0/24", 1,
                      "invalid instance name \"abcdefghi\": use 1 to 8 of a-z and 0-9");
}

static void test_id_from_path(void **state)
{
    char a[UP_ID_MAX + 1], b[UP_ID_MAX + 1], c[UP_ID_MAX + 1];
    up_id_from_path("/var/lib/everynode", a);
    up_id_from_path("/var/lib/everynode", b);
    up_id_from_path("/tmp/other", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 6);
    assert_true(up_id_is_valid(a));
}

static void test_run(void **state)
{
    const char *ok[] = {"true", NULL};
    const char *bad[] = {"sh", "-c", "echo something broke >&2; exit 3", NULL};
    const char *quiet[] = {"sh", "-c", "exit 4", NULL};
    const char *slow[] = {"sleep", "10", NULL};
    const char *missing[] = {"no-such-command-xyz", NULL};
    char *err = NULL;

    assert_int_equal(up_run(ok, 5000, &err), 0);
    assert_null(err);
    assert_int_equal(up_run(bad, 5000, &err), EN_IO);
    assert_string_equal(err, "sh -c echo something broke >&2; exit 3: something broke");
    free(err);
    assert_int_equal(up_run(quiet, 5000, &err), EN_IO);
    assert_string_equal(err, "sh -c exit 4: exit status 4");
    free(err);
    int64_t t0 = time_mono_ms();
    assert_int_equal(up_run(slow, 300, &err), EN_TIMEOUT);
    assert_true(time_mono_ms() - t0 < 3000);
    assert_string_equal(err, "sleep 10: killed after 300 ms");
    free(err);
    assert_int_equal(up_run(missing, 5000, &err), EN_IO);
    assert_non_null(strstr(err, "no-such-command-xyz: cannot run: No such file or directory"));
    free(err);
    assert_true(up_have_command("sh"));
    assert_false(up_have_command("no-such-command-xyz"));
}

static void test_spawn_and_stop(void **state)
{
    const char *obey[] = {"sleep", "30", NULL};
    const char *stubborn[] = {"sh", "-c", "trap '' TERM; while :; do sleep 1; done", NULL};
    const char *missing[] = {"no-such-command-xyz", NULL};
    char *err = NULL;
    pid_t pid;
    int status;
    int64_t t0;

    assert_int_equal(up_spawn(obey, NULL, NULL, &pid, &err), 0);
    assert_int_equal(getpgid(pid), pid); /* its own process group */
    status = up_stop(pid, 5000);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    assert_int_equal(up_spawn(stubborn, NULL, NULL, &pid, &err), 0);
    usleep(200000); /* let the shell set its trap */
    t0 = time_mono_ms();
    status = up_stop(pid, 500);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_true(time_mono_ms() - t0 >= 450);

    assert_int_equal(up_spawn(missing, NULL, NULL, &pid, &err), EN_IO);
    assert_string_equal(err, "cannot start no-such-command-xyz: No such file or directory");
    free(err);
    assert_int_equal(up_spawn(obey, "everynode-no-such-ns", NULL, &pid, &err), EN_IO);
    assert_string_equal(err, "network namespace /run/netns/everynode-no-such-ns: No such file "
                             "or directory");
    free(err);
}

static bool can_network(void)
{
    return geteuid() == 0 && up_have_command("ip") && up_have_command("busybox");
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    sbuf sb;
    char buf[1024];
    size_t n;

    sbuf_init(&sb);
    if (f) {
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            sbuf_append(&sb, buf, n);
        fclose(f);
    }
    return sbuf_detach(&sb, NULL);
}

static void test_network(void **state)
{
    up_net net;
    char *err = NULL, log_path[] = "/tmp/en-up-test-XXXXXX", *text;
    pid_t pid;
    int fd, status;

    if (!can_network())
        skip();
    assert_int_equal(up_net_plan(test_id, "10.213.77.0/24", 2, &net, &err), 0);
    assert_false(up_net_exists(&net));
    if (up_net_create(&net, &err))
        fail_msg("create: %s", err);
    assert_true(up_net_exists(&net));

    /* Host -> node over the bridge, and node -> host and node -> node. */
    {
        const char *ping_node[] = {"busybox", "ping", "-c", "1", "-W", "3", "10.213.77.12", NULL};
        const char *from_node[] = {"ip", "netns", "exec", net.nodes[0].netns, "busybox", "ping",
                                   "-c", "1", "-W", "3", "10.213.77.1", NULL};
        const char *node_node[] = {"ip", "netns", "exec", net.nodes[0].netns, "busybox", "ping",
                                   "-c", "1", "-W", "3", "10.213.77.12", NULL};
        if (up_run(ping_node, 10000, &err) || up_run(from_node, 10000, &err) ||
            up_run(node_node, 10000, &err))
            fail_msg("ping: %s", err);
    }

    /* A process started in node 2's namespace sees its eth0 and not the
     * host's bridge. */
    fd = mkstemp(log_path);
    assert_true(fd >= 0);
    close(fd);
    {
        const char *show[] = {"sh", "-c", "cat /proc/self/net/dev; ip -4 addr show eth0", NULL};
        assert_int_equal(up_spawn(show, net.nodes[1].netns, log_path, &pid, &err), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    text = read_text(log_path);
    assert_non_null(strstr(text, "eth0"));
    assert_non_null(strstr(text, "inet 10.213.77.12/24"));
    assert_null(strstr(text, net.bridge));
    free(text);
    unlink(log_path);

    /* Creating again over leftovers works (a killed `up` restarted). */
    if (up_net_create(&net, &err))
        fail_msg("re-create: %s", err);
    up_net_destroy(&net);
    assert_false(up_net_exists(&net));
    up_net_destroy(&net); /* idempotent */
    up_net_release(&net);
}

static void test_create_failure_cleans_up(void **state)
{
    up_net net;
    char *err = NULL;

    if (!can_network())
        skip();
    /* Node 1's namespace cannot be made: a directory sits where `ip netns
     * add` creates its mount point.  The bridge made before must go again. */
    assert_int_equal(up_net_plan(test_id, "10.213.78.0/24", 1, &net, &err), 0);
    {
        char *p = xasprintf("/run/netns/%s", net.nodes[0].netns);
        assert_int_equal(system("mkdir -p /run/netns"), 0);
        assert_int_equal(mkdir(p, 0700), 0);
        assert_int_equal(up_net_create(&net, &err), EN_IO);
        assert_non_null(strstr(err, "ip netns"));
        free(err);
        rmdir(p);
        free(p);
    }
    assert_false(up_net_exists(&net));
    up_net_release(&net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_id_from_path),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_spawn_and_stop),
        cmocka_unit_test(test_network),
        cmocka_unit_test(test_create_failure_cleans_up),
    };
    snprintf(test_id, sizeof test_id, "ut%d", (int)(getpid() % 100000));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
