/*
 * The first thing that runs when a person starts Sheaf's Linux one-file download.
 *
 * The download is this small program followed by the real one-file program (PyInstaller's,
 * which unpacks Python and its libraries into a temporary folder at every start) and a
 * trailer saying where that program lies and how much room its unpacking takes. Left to
 * itself, the one-file program unpacks into $TMPDIR or /tmp whatever they are: on a
 * `noexec` /tmp nothing it unpacked may run (exit 127, "failed to map segment", even for
 * --version), and on a full one it stops half way with a cryptic message and leaves the
 * half-made folder behind, so the disk stays full.
 *
 * So this program, before anything is unpacked:
 *   1. looks at the folders the one-file program would use ($TMPDIR, $TEMP, $TMP, /tmp,
 *      /var/tmp) and then the person's cache folder ($XDG_CACHE_HOME/Sheaf or
 *      ~/.cache/Sheaf), and takes the first that is writable, allows programs to run and
 *      has room for the unpacked program;
 *   2. makes a private folder there (sheaf-unpack-XXXXXX, mode 0700, holding a lock while
 *      in use), writes the one-file program into it and runs it with TMPDIR pointing there,
 *      so everything it unpacks lands in that folder too;
 *   3. forwards signals to it, waits for it, removes the whole folder, and exits as it did.
 * A folder where running fails all the same (a security module, a mount it cannot see)
 * is skipped like a noexec one. Folders left by a Sheaf that was killed (their lock is
 * free) are removed on the next start. When no folder will do, it says in plain words why
 * for each, and what to do. The person's own TMPDIR is passed on as SHEAF_ORIG_TMPDIR, so
 * Sheaf gives programs it starts (the browser) the environment they would have had.
 *
 * Standard C and Linux only; built in a Debian 11 root by build_scripts/linux_start.py.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "SHEAF-START-v1\0\0" /* 16 bytes, the trailer's first field */
#define TRAILER_SIZE 48
#define PREFIX "sheaf-unpack-"
#define MAX_CANDIDATES 8
#define MIB (1024.0 * 1024.0)

struct trailer {
    uint64_t payload_offset, payload_size, unpacked_size, unpacked_files;
};

struct candidate {
    char path[PATH_MAX];
    char why[160]; /* why it cannot be used, empty if it can */
};

static pid_t child_pid = 0;
static char unpack_dir[PATH_MAX];

static void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("Sheaf: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int read_trailer(int fd, struct trailer *t)
{
    struct stat st;
    unsigned char buf[TRAILER_SIZE];
    if (fstat(fd, &st) != 0 || st.st_size < TRAILER_SIZE)
        return -1;
    if (pread(fd, buf, TRAILER_SIZE, st.st_size - TRAILER_SIZE) != TRAILER_SIZE)
        return -1;
    if (memcmp(buf, MAGIC, 16) != 0)
        return -1;
    t->payload_offset = le64(buf + 16);
    t->payload_size = le64(buf + 24);
    t->unpacked_size = le64(buf + 32);
    t->unpacked_files = le64(buf + 40);
    if (t->payload_offset + t->payload_size > (uint64_t)st.st_size)
        return -1;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP || type == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Remove folders of earlier starts that nobody uses any more (their lock is free). */
static void remove_stale(const char *folder)
{
    DIR *dir = opendir(folder);
    struct dirent *entry;
    char path[PATH_MAX], lock[PATH_MAX + 8];
    if (!dir)
        return;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        int fd;
        if (strncmp(entry->d_name, PREFIX, strlen(PREFIX)) != 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", folder, entry->d_name) >= (int)sizeof path)
            continue;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
            continue;
        snprintf(lock, sizeof lock, "%s/.lock", path);
        fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd); /* in use by a running Sheaf */
            continue;
        }
        if (fd >= 0)
            close(fd);
        /* A start that has made its folder but not yet taken its lock looks the same: only
         * folders a minute old are left over from a Sheaf that is gone. */
        if (time(NULL) - st.st_mtime < 60)
            continue;
        remove_tree(path);
    }
    closedir(dir);
}

/* Can `c->path` hold `need` bytes in `files` files of programs that may run? Says why not
 * in c->why. */
static void judge(struct candidate *c, uint64_t need, uint64_t files)
{
    struct stat st;
    struct statvfs vfs;
    if (stat(c->path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(c->why, sizeof c->why, "it does not exist");
    } else if (access(c->path, W_OK | X_OK) != 0) {
        snprintf(c->why, sizeof c->why, "you may not write there");
    } else if (statvfs(c->path, &vfs) != 0) {
        snprintf(c->why, sizeof c->why, "its free space cannot be read");
    } else if (vfs.f_flag & ST_RDONLY) {
        snprintf(c->why, sizeof c->why, "it is read-only");
    } else if (vfs.f_flag & ST_NOEXEC) {
        snprintf(c->why, sizeof c->why, "it does not allow programs to run (mounted noexec)");
    } else if ((uint64_t)vfs.f_bavail * vfs.f_frsize < need) {
        snprintf(c->why, sizeof c->why, "it has only %.0f MB free",
                 (double)vfs.f_bavail * vfs.f_frsize / MIB);
    } else if (vfs.f_files > 0 && (uint64_t)vfs.f_favail < files) {
        snprintf(c->why, sizeof c->why, "it has room for only %llu more files",
                 (unsigned long long)vfs.f_favail);
    } else {
        c->why[0] = '\0';
    }
}

static int add(struct candidate *list, int n, const char *path)
{
    if (!path || !*path || path[0] != '/' || n >= MAX_CANDIDATES)
        return n;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].path, path) == 0)
            return n;
    snprintf(list[n].path, sizeof list[n].path, "%s", path);
    list[n].why[0] = '\0';
    return n + 1;
}

static int candidates(struct candidate *list)
{
    int n = 0;
    char cache[PATH_MAX];
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    n = add(list, n, getenv("TMPDIR"));
    n = add(list, n, getenv("TEMP"));
    n = add(list, n, getenv("TMP"));
    n = add(list, n, "/tmp");
    n = add(list, n, "/var/tmp");
    cache[0] = '\0';
    if (xdg && xdg[0] == '/')
        snprintf(cache, sizeof cache, "%s/Sheaf", xdg);
    else if (home && home[0] == '/')
        snprintf(cache, sizeof cache, "%s/.cache/Sheaf", home);
    if (cache[0]) {
        char parent[PATH_MAX];
        int before = n;
        snprintf(parent, sizeof parent, "%s", cache);
        *strrchr(parent, '/') = '\0';
        n = add(list, n, cache);
        /* ~/.cache may not exist yet on a new account */
        if (n > before && ((mkdir(parent, 0700) != 0 && errno != EEXIST) ||
                           (mkdir(cache, 0700) != 0 && errno != EEXIST)))
            snprintf(list[before].why, sizeof list[before].why, "it cannot be made (%s)",
                     strerror(errno));
    }
    return n;
}

/* Write the one-file program into a new private folder under `folder`. Returns the lock's
 * descriptor (kept open, and inherited, while Sheaf runs), or -1 with errno set. */
static int unpack(int self, const struct trailer *t, const char *folder, char *program)
{
    char lock[PATH_MAX + 8];
    int lock_fd, out;
    off_t offset = (off_t)t->payload_offset;
    uint64_t left = t->payload_size;
    if (snprintf(unpack_dir, sizeof unpack_dir, "%s/" PREFIX "XXXXXX", folder) >= PATH_MAX ||
        !mkdtemp(unpack_dir)) {
        unpack_dir[0] = '\0';
        return -1;
    }
    snprintf(lock, sizeof lock, "%s/.lock", unpack_dir);
    /* Not close-on-exec: the lock stays held by Sheaf's own processes while any runs. */
    lock_fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX) != 0)
        goto fail;
    snprintf(program, PATH_MAX + 8, "%s/Sheaf", unpack_dir);
    out = open(program, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (out < 0)
        goto fail;
    while (left > 0) {
        ssize_t sent = sendfile(out, self, &offset, left > (1 << 30) ? (1 << 30) : (size_t)left);
        if (sent <= 0) {
            int saved = sent < 0 ? errno : EIO;
            close(out);
            errno = saved;
            goto fail;
        }
        left -= (uint64_t)sent;
    }
    if (close(out) != 0)
        goto fail;
    return lock_fd;
fail: {
    int saved = errno;
    if (lock_fd >= 0)
        close(lock_fd);
    remove_tree(unpack_dir);
    unpack_dir[0] = '\0';
    errno = saved;
    return -1;
}
}

static void forward(int signum)
{
    if (child_pid > 0)
        kill(child_pid, signum);
}

/* Start the program; returns its pid, or -1 with errno from a failed exec. */
static pid_t start(const char *program, char **argv)
{
    int report[2];
    pid_t parent = getpid(), pid;
    int failure = 0;
    if (pipe2(report, O_CLOEXEC) != 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* if this program is killed, Sheaf stops too */
        if (getppid() != parent)
            _exit(1);
        execv(program, argv);
        failure = errno;
        if (write(report[1], &failure, sizeof failure) < 0)
            _exit(127);
        _exit(127);
    }
    close(report[1]);
    if (read(report[0], &failure, sizeof failure) == (ssize_t)sizeof failure) {
        close(report[0]);
        waitpid(pid, NULL, 0);
        errno = failure;
        return -1;
    }
    close(report[0]);
    return pid;
}

int main(int argc, char **argv)
{
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    struct candidate list[MAX_CANDIDATES];
    struct trailer t;
    char self_path[PATH_MAX], program[PATH_MAX + 8];
    const char *orig_tmpdir = getenv("TMPDIR");
    ssize_t length;
    uint64_t need;
    int self, n, status, lock_fd = -1, chosen = -1;
    (void)argc;

    length = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (length <= 0) {
        say("cannot find its own file (is /proc mounted?).");
        return 1;
    }
    self_path[length] = '\0';
    self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0 || read_trailer(self, &t) != 0) {
        say("this download is damaged or incomplete; please download Sheaf again.");
        return 1;
    }
    /* The program, what it unpacks, and some slack for the files Sheaf writes there. */
    need = t.payload_size + t.unpacked_size + t.unpacked_size / 8 + (8u << 20);
    n = candidates(list);
    for (int i = 0; i < n; i++)
        remove_stale(list[i].path);
    for (int i = 0; i < n && chosen < 0; i++) {
        if (!list[i].why[0])
            judge(&list[i], need, t.unpacked_files + 64);
        if (list[i].why[0])
            continue;
        lock_fd = unpack(self, &t, list[i].path, program);
        if (lock_fd < 0) {
            snprintf(list[i].why, sizeof list[i].why, "%s",
                     errno == ENOSPC || errno == EDQUOT ? "it is full" : strerror(errno));
            continue;
        }
        setenv("TMPDIR", unpack_dir, 1);
        setenv("SHEAF_UNPACK_DIR", unpack_dir, 1);
        setenv("SHEAF_EXECUTABLE", self_path, 1);
        if (orig_tmpdir)
            setenv("SHEAF_ORIG_TMPDIR", orig_tmpdir, 1);
        else
            unsetenv("SHEAF_ORIG_TMPDIR");
        for (size_t s = 0; s < sizeof forwarded / sizeof *forwarded; s++)
            signal(forwarded[s], forward);
        child_pid = start(program, argv);
        if (child_pid < 0) {
            snprintf(list[i].why, sizeof list[i].why,
                     "programs there may not run (%s)", strerror(errno));
            close(lock_fd);
            remove_tree(unpack_dir);
            unpack_dir[0] = '\0';
            continue;
        }
        chosen = i;
    }
    close(self);
    if (chosen < 0) {
        say("cannot start: it needs about %.0f MB in a folder where programs may run,",
            (double)need / MIB);
        fprintf(stderr, "and none of these will do:\n");
        for (int i = 0; i < n; i++)
            fprintf(stderr, "  %s: %s\n", list[i].path, list[i].why);
        fprintf(stderr, "Free some space there, or start Sheaf with TMPDIR set to a folder "
                        "that has room, for example:\n  mkdir -p ~/sheaf-tmp && "
                        "TMPDIR=~/sheaf-tmp %s\n", self_path);
        return 1;
    }
    for (int i = 0; i < chosen; i++)
        if (strcmp(list[i].why, "it does not exist") != 0) {
            say("%s cannot be used: %s; unpacking in %s instead.", list[i].path, list[i].why,
                list[chosen].path);
            break;
        }
    while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR) {
    }
    child_pid = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 255) {
        struct statvfs vfs;
        if (statvfs(list[chosen].path, &vfs) == 0 &&
            (uint64_t)vfs.f_bavail * vfs.f_frsize < (8u << 20))
            say("%s filled up while Sheaf was unpacking itself; free some space there or "
                "start Sheaf with TMPDIR set to a folder that has room.", list[chosen].path);
    }
    remove_tree(unpack_dir);
    close(lock_fd);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
