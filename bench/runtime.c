/*
 * runtime.c - time one command as a whole process: wall time and peak
 * resident memory, for bench/run.sh.
 *
 *   runtime [-o OUT] [-t SECONDS] CMD [ARG...]
 *
 * Runs CMD (found on PATH) with its standard output sent to OUT (default
 * /dev/null; standard error is inherited), waits for it with wait4() and
 * prints one line to standard output:
 *
 *   WALL_SECONDS MAXRSS_KIB STATUS
 *
 * e.g. "0.173215 21480 0".  WALL_SECONDS is CLOCK_MONOTONIC from just
 * before fork() to wait4()'s return, in microseconds (printed with integer
 * arithmetic); MAXRSS_KIB is the child's ru_maxrss; STATUS is its exit
 * status, 128+N if killed by signal N, or "timeout" when it ran past -t
 * SECONDS and was killed.  The timer's own start-up is outside the
 * measured interval, so a tiny command measures in the low milliseconds.
 *
 * Exit status: 0 when the command could be run and timed (whatever its
 * own status), 2 on a usage error, 1 if fork or exec failed.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int usage(void)
{
    fputs("usage: runtime [-o OUT] [-t SECONDS] CMD [ARG...]\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = "/dev/null";
    unsigned timeout = 0;
    struct sigaction sa;
    struct rusage ru;
    long long t0, t1;
    pid_t pid, r;
    int c, status = 0, fd;

    while ((c = getopt(argc, argv, "+o:t:")) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't': timeout = (unsigned)strtoul(optarg, NULL, 10); break;
        default: return usage();
        }
    }
    if (optind >= argc)
        return usage();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "runtime: cannot write %s: %s\n", out,
                strerror(errno));
        return 1;
    }
    t0 = now_us();
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "runtime: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "runtime: cannot run %s: %s\n", argv[optind],
                strerror(errno));
        _exit(127);
    }
    close(fd);
    if (timeout > 0)
        alarm(timeout);
    memset(&ru, 0, sizeof ru);
    while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {
        if (timed_out) {
            kill(pid, SIGKILL);
            timed_out = 2;
        }
    }
    t1 = now_us();
    alarm(0);
    if (r < 0) {
        fprintf(stderr, "runtime: wait4: %s\n", strerror(errno));
        return 1;
    }
    printf("%lld.%06lld %ld ", (t1 - t0) / 1000000, (t1 - t0) % 1000000,
           ru.ru_maxrss);
    if (timed_out)
        puts("timeout");
    else if (WIFSIGNALED(status))
        printf("%d\n", 128 + WTERMSIG(status));
    else
        printf("%d\n", WEXITSTATUS(status));
    return 0;
}
