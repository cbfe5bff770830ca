// Times two commands as whole processes, interleaved run by run (A B, then B A, ...), so that
// a noisy machine slows both alike; prints the medians and the median of the per-pair ratios.
//
// usage: interleave RUNS A-ARGV... -- B-ARGV...     (stdin, stdout and stderr are /dev/null)
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double run_once(char **argv) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd = 0; fd < 3; fd++) posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ) != 0) { perror(argv[0]); exit(2); }
    int status;
    waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    posix_spawn_file_actions_destroy(&actions);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "interleave: %s failed\n", argv[0]); exit(2); }
    return (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(double *v, int n, double q) {
    qsort(v, (size_t)n, sizeof *v, compare);
    return v[(int)(q * (n - 1) + 0.5)];
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: interleave RUNS A-ARGV... -- B-ARGV...\n"); return 2; }
    int runs = atoi(argv[1]);
    char **a = argv + 2, **b = NULL;
    for (int i = 2; i < argc; i++) if (strcmp(argv[i], "--") == 0) { argv[i] = NULL; b = argv + i + 1; break; }
    if (runs < 1 || b == NULL || *b == NULL) { fprintf(stderr, "usage: interleave RUNS A-ARGV... -- B-ARGV...\n"); return 2; }
    for (int i = 0; i < 5; i++) { run_once(a); run_once(b); }  // warm the page cache
    double *ta = malloc(sizeof(double) * (size_t)runs), *tb = malloc(sizeof(double) * (size_t)runs);
    double *ratio = malloc(sizeof(double) * (size_t)runs);
    for (int i = 0; i < runs; i++) {
        if (i % 2 == 0) { ta[i] = run_once(a); tb[i] = run_once(b); }
        else { tb[i] = run_once(b); ta[i] = run_once(a); }
        ratio[i] = ta[i] / tb[i];
    }
    double r25 = quantile(ratio, runs, 0.25), r50 = quantile(ratio, runs, 0.5), r75 = quantile(ratio, runs, 0.75);
    printf("runs %d  A median %.2f ms  B median %.2f ms  A/B median of pair ratios %.3f (quartiles %.3f-%.3f)\n",
           runs, quantile(ta, runs, 0.5), quantile(tb, runs, 0.5), r50, r25, r75);
    return 0;
}
