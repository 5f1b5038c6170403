/* Running the example programs from a suite (test_examples.c, test_cli.c):
 * a program of AAE_EXAMPLES_DIR (make check sets it) started with its
 * output in files of a test's directory, its exit status, and a file's
 * bytes. Needs POSIX: define _XOPEN_SOURCE 700 before any include. */
#ifndef AAE_RUN_UTIL_H
#define AAE_RUN_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

enum { RU_MAX_ARGS = 46 };

/* The directory of the example programs. */
static inline const char *ru_examples_dir(void)
{
    const char *d = getenv("AAE_EXAMPLES_DIR");
    ck_assert_msg(d && *d, "AAE_EXAMPLES_DIR is not set: run the suite through make check");
    return d;
}

/* The environment for a program whose numbers a test compares bit for bit
 * with its own: this one, with OPENBLAS_CORETYPE set to the kernel this
 * process runs. A dynamic-arch OpenBLAS picks its kernel per process from
 * what the CPU reports, and the two may disagree: under valgrind, which
 * hides AVX-512, the suite runs Haswell while the program it starts (not
 * under valgrind) would run SkylakeX or Cooperlake, whose sgemm sums in
 * another order. Built before fork: the child then calls execve only. */
extern char **environ;
static inline char *const *ru_child_environment(void)
{
    static char coretype[96];
    static char *env[512];
    size_t n = 0;
    const char *blas = aae_blas_info();
    if (!strncmp(blas, "openblas ", 9)) {
        snprintf(coretype, sizeof coretype, "OPENBLAS_CORETYPE=%s", blas + 9);
        env[n++] = coretype;
    }
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "OPENBLAS_CORETYPE=", 18) == 0) continue;
        ck_assert_msg(n + 1 < sizeof env / sizeof env[0], "more than %zu environment variables",
                      sizeof env / sizeof env[0] - 1);
        env[n++] = *e;
    }
    env[n] = NULL;
    return env;
}

/* Starts ru_examples_dir()/prog with args (NULL-terminated, at most
 * RU_MAX_ARGS), its stdout into <dir>/<tag>.out and its stderr into
 * <dir>/<tag>.err, or onto err_fd when that is >= 0; on this process's
 * BLAS kernel (ru_child_environment). */
static inline pid_t ru_spawn(const char *dir, const char *tag, int err_fd, const char *prog,
                             const char *const *args)
{
    char exe[512], out_path[256], err_path[256];
    snprintf(exe, sizeof exe, "%s/%s", ru_examples_dir(), prog);
    snprintf(out_path, sizeof out_path, "%s/%s.out", dir, tag);
    snprintf(err_path, sizeof err_path, "%s/%s.err", dir, tag);
    const char *argv[RU_MAX_ARGS + 2] = {exe};
    size_t n = 1;
    for (; args[n - 1]; n++) {
        ck_assert_msg(n <= RU_MAX_ARGS, "%s: more than %d arguments", prog, RU_MAX_ARGS);
        argv[n] = args[n - 1];
    }
    argv[n] = NULL;
    char *const *env = ru_child_environment();
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = err_fd >= 0 ? err_fd : open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
        execve(exe, (char *const *)argv, env);
        _exit(127);
    }
    return pid;
}

/* The exit status of pid (-1 if it was killed). */
static inline int ru_wait(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ru_spawn with stderr into <dir>/<tag>.err, then ru_wait. */
static inline int ru_run(const char *dir, const char *tag, const char *prog, const char *const *args)
{
    return ru_wait(ru_spawn(dir, tag, -1, prog, args));
}

/* The bytes of path (up to 2 MiB), NUL-terminated, in a static buffer that
 * the next call reuses; *size (may be NULL) their count. */
static inline char *ru_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 21];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (size) *size = n;
    return buf;
}

#endif
