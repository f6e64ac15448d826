/* socks6d: the RFC 3089 gateway daemon.  This file is the program around
   the workers' event loops: options, configuration, listeners, becoming a
   daemon, the pid file, dropping privileges, starting the workers, and
   the signals (SIGHUP reload, SIGTERM drain, SIGUSR1 statistics), read
   through a signalfd by the main thread, which only passes them on.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "closeout.h"
#include "i18n.h"
#include "progname.h"
#include "version-etc.h"
#include "xalloc.h"

#include "auth.h"
#include "authworker.h"
#include "config.h"
#include "gateway.h"
#include "listener.h"
#include "log.h"
#include "loop.h"
#include "relay.h"
#include "resolver.h"
#include "session.h"

#define AUTHORS "The socks6 authors"

/* Exit statuses, as documented in the manual and socks6d(8).  */
enum
{
  SOCKS6D_EXIT_OK = 0,
  SOCKS6D_EXIT_FAILURE = 1,     /* bad configuration, cannot serve */
  SOCKS6D_EXIT_USAGE = 2
};

enum
{
  OPTION_HELP = CHAR_MAX + 1,
  OPTION_VERSION
};

static const struct option long_options[] = {
  {"config", required_argument, NULL, 'c'},
  {"foreground", no_argument, NULL, 'f'},
  {"test", no_argument, NULL, 't'},
  {"test-config", no_argument, NULL, 't'},
  {"pid-file", required_argument, NULL, 'p'},
  {"user", required_argument, NULL, 'u'},
  {"verbose", no_argument, NULL, 'v'},
  {"help", no_argument, NULL, OPTION_HELP},
  {"version", no_argument, NULL, OPTION_VERSION},
  {NULL, 0, NULL, 0}
};

struct options
{
  const char *config_file;
  const char *pid_file;
  const char *user;
  bool foreground;
  bool test;
  int verbosity;
};

static void
usage (int status)
{
  if (status != EXIT_SUCCESS)
    {
      fprintf (stderr, _("Try '%s --help' for more information.\n"),
               program_name);
      exit (status);
    }
  printf (_("Usage: %s [OPTION]...\n"), program_name);
  fputs (_("\
Relay SOCKS 5 clients to destinations of either IP version (RFC 3089),\n\
resolving names for them.\n\
\n"), stdout);
  fputs (_("\
Mandatory arguments to long options are mandatory for short options too.\n"),
         stdout);
  /* TRANSLATORS: keep the option names; align the descriptions.  */
  fputs (_("\
  -c, --config=FILE       read the configuration from FILE (default: the\n\
                            built-in one: 127.0.0.1 and [::1], port 1080)\n\
  -f, --foreground        stay in the foreground, log to standard error\n\
  -t, --test              check the configuration and exit; with -v, print\n\
                            it as understood\n\
"), stdout);
  fputs (_("\
  -p, --pid-file=FILE     write the process ID to FILE\n\
  -u, --user=USER         switch to USER once listening\n\
  -v, --verbose           log more (debugging); may be repeated\n\
"), stdout);
  fputs (_("\
      --help              display this help and exit\n\
      --version           output version information and exit\n\
"), stdout);
  fputs (_("\
\n\
Signals: SIGHUP reloads the configuration, SIGTERM and SIGINT stop\n\
accepting and let sessions finish, SIGUSR1 logs statistics.\n\
"), stdout);
  fputs (_("\
\n\
Exit status: 0 on success; 1 for a bad configuration or a failure to\n\
start serving; 2 for a command line error.\n"), stdout);
  /* socks6 has no web page of its own yet: gnulib's
     emit_bug_reporting_address would print an empty one.  */
  printf (_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
  printf (_("Full documentation: info socks6\n"));
  exit (status);
}

static void
parse_options (int argc, char **argv, struct options *o)
{
  int c;
  while ((c = getopt_long (argc, argv, "c:ftp:u:v", long_options, NULL))
         != -1)
    switch (c)
      {
      case 'c': o->config_file = optarg; break;
      case 'f': o->foreground = true; break;
      case 't': o->test = true; break;
      case 'p': o->pid_file = optarg; break;
      case 'u': o->user = optarg; break;
      case 'v': o->verbosity++; break;
      case OPTION_HELP:
        usage (EXIT_SUCCESS);
        break;
      case OPTION_VERSION:
        version_etc (stdout, "socks6d", PACKAGE_NAME, VERSION, AUTHORS,
                     (char *) NULL);
        exit (EXIT_SUCCESS);
      default:
        usage (SOCKS6D_EXIT_USAGE);
      }
  if (optind < argc)
    {
      error (0, 0, _("extra operand '%s'"), argv[optind]);
      usage (SOCKS6D_EXIT_USAGE);
    }
}

/* Load FILE, or the built-in defaults when FILE is NULL.  On errors,
   print every one as FILE:LINE: message (on stderr, or through the log
   when REPORT_TO_LOG) and return NULL.  */
static struct config *
load_config (const char *file, bool report_to_log)
{
  struct config_error *errors = NULL;
  size_t n_errors = 0;
  struct config *config = file ? config_load (file, &errors, &n_errors)
    : config_defaults ();
  if (!file && !config)
    error (SOCKS6D_EXIT_FAILURE, ENOMEM, _("cannot set up the defaults"));
  for (size_t i = 0; i < n_errors; i++)
    {
      char where[64] = "";
      if (errors[i].line)
        snprintf (where, sizeof where, ":%u", errors[i].line);
      if (report_to_log)
        log_warnx ("%s%s: %s", errors[i].file, where, errors[i].message);
      else
        fprintf (stderr, "%s%s: %s\n", errors[i].file, where,
                 errors[i].message);
    }
  config_errors_free (errors, n_errors);
  return config;
}

/* 9,000 sessions need 18,000 descriptors: take the whole hard limit.  */
static void
raise_fd_limit (void)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

static void
daemonize (void)
{
  pid_t pid = fork ();
  int fd;
  if (pid < 0)
    error (SOCKS6D_EXIT_FAILURE, errno, _("cannot fork"));
  if (pid > 0)
    _exit (EXIT_SUCCESS);
  if (setsid () < 0)
    error (SOCKS6D_EXIT_FAILURE, errno, _("cannot start a new session"));
  if (chdir ("/") < 0)
    error (SOCKS6D_EXIT_FAILURE, errno, _("cannot change to /"));
  fd = open ("/dev/null", O_RDWR);
  if (fd < 0)
    error (SOCKS6D_EXIT_FAILURE, errno, _("cannot open %s"), "/dev/null");
  dup2 (fd, STDIN_FILENO);
  dup2 (fd, STDOUT_FILENO);
  dup2 (fd, STDERR_FILENO);
  if (fd > STDERR_FILENO)
    close (fd);
}

static void
write_pid_file (const char *file)
{
  FILE *f = fopen (file, "w");
  if (!f || fprintf (f, "%ld\n", (long) getpid ()) < 0 || fclose (f) != 0)
    fatal (_("cannot write the pid file %s"), file);
}

/* Become USER for good: groups, then group, then user.  */
static void
drop_privileges (const char *user)
{
  struct passwd *pw = getpwnam (user);
  if (!pw)
    fatalx (_("no such user: %s"), user);
  if (getuid () == pw->pw_uid && geteuid () == pw->pw_uid)
    return;
  if (initgroups (pw->pw_name, pw->pw_gid) < 0
      || setgid (pw->pw_gid) < 0 || setuid (pw->pw_uid) < 0)
    fatal (_("cannot switch to user %s"), user);
  if (setuid (0) == 0)
    fatalx (_("privileges could be regained after switching to %s"), user);
}

/* The main thread's own loop: signals, and the workers' reports that
   they have stopped.  */
struct control
{
  struct loop *loop;
  struct gateway_shared *shared;
  struct gateway **workers;
  unsigned int n_workers;
  unsigned int n_done;
  const char *config_file;
  bool foreground;
  bool draining;
  struct loop_watch signals;
  struct loop_watch done;
};

static void
post_all (struct control *ctl, unsigned int request)
{
  for (unsigned int i = 0; i < ctl->n_workers; i++)
    gateway_worker_post (ctl->workers[i], request);
}

/* Send the log where TARGET says; a target that cannot be opened is
   reported where the log goes now, which is kept.  */
static void
apply_log_target (const char *target)
{
  int err = log_set_target (target);
  if (err != 0)
    {
      errno = err;
      log_warn (_("cannot log to %s, logging stays where it was"), target);
    }
}

static bool
same_listeners (const struct config *a, const struct config *b)
{
  if (a->n_listen != b->n_listen)
    return false;
  for (size_t i = 0; i < a->n_listen; i++)
    if (!socks6_addr_equal (&a->listen[i], &b->listen[i]))
      return false;
  return true;
}

/* SIGHUP: a new configuration for new sessions; live ones keep theirs.  */
static void
reload (struct control *ctl)
{
  struct config *config, *old;
  if (!ctl->config_file)
    {
      log_info (_("reload: no configuration file; nothing to do"));
      return;
    }
  config = load_config (ctl->config_file, true);
  if (!config)
    {
      log_warnx (_("reload: %s has errors; keeping the running "
                   "configuration"), ctl->config_file);
      return;
    }
  old = gateway_config_current (ctl->shared);
  if (!same_listeners (old, config))
    log_warnx (_("reload: listening addresses change only on restart"));
  if (old->workers != config->workers
      || old->cpu_affinity != config->cpu_affinity
      || old->busy_poll_us != config->busy_poll_us)
    log_warnx (_("reload: workers, cpu-affinity and busy-poll change only "
                 "on restart"));
  gateway_config_unref (ctl->shared, old);
  if (config->log_target)
    apply_log_target (config->log_target);
  gateway_config_replace (ctl->shared, config);
  log_info (_("reload: configuration %s loaded"), ctl->config_file);
}

/* SIGTERM, SIGINT: refuse new clients; workers end when their sessions
   have, or when the drain time is over.  A second signal ends them at
   once.  */
static void
drain (struct control *ctl)
{
  if (ctl->draining)
    {
      post_all (ctl, GATEWAY_REQ_FORCE);
      return;
    }
  ctl->draining = true;
  listener_shutdown_all (ctl->shared->listeners);
  log_info (_("stopping: waiting for %u sessions"),
            atomic_load (&ctl->shared->active));
  post_all (ctl, GATEWAY_REQ_DRAIN);
}

static void
worker_done (struct loop_watch *watch, uint32_t events)
{
  struct control *ctl = watch->data;
  uint64_t count;
  (void) events;
  if (read (watch->fd, &count, sizeof count) != sizeof count)
    return;
  ctl->n_done += (unsigned int) count;
  if (ctl->n_done >= ctl->n_workers)
    loop_stop (ctl->loop);
}

static void
signal_event (struct loop_watch *watch, uint32_t events)
{
  struct control *ctl = watch->data;
  struct signalfd_siginfo info;
  (void) events;
  while (read (watch->fd, &info, sizeof info) == sizeof info)
    switch (info.ssi_signo)
      {
      case SIGHUP:
        reload (ctl);
        break;
      case SIGTERM:
      case SIGINT:
        drain (ctl);
        break;
      case SIGUSR1:
        post_all (ctl, GATEWAY_REQ_STATS);
        break;
      default:
        break;
      }
}

static void
handled_signals (sigset_t *set)
{
  sigemptyset (set);
  sigaddset (set, SIGHUP);
  sigaddset (set, SIGTERM);
  sigaddset (set, SIGINT);
  sigaddset (set, SIGUSR1);
}

/* Block the signals socks6d handles before any thread exists (threads
   inherit the mask), so that only the signalfd sees them.  */
static void
block_signals (void)
{
  sigset_t set;
  signal (SIGPIPE, SIG_IGN);
  handled_signals (&set);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    fatal (_("cannot watch signals"));
}

static void
control_setup (struct control *ctl)
{
  sigset_t set;
  int fd;
  ctl->loop = loop_new ();
  if (!ctl->loop)
    fatal (_("cannot create the event loop"));
  handled_signals (&set);
  fd = signalfd (-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0 || loop_watch_add (ctl->loop, &ctl->signals, fd, EPOLLIN,
                                signal_event, ctl) < 0)
    fatal (_("cannot watch signals"));
  fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0 || loop_watch_add (ctl->loop, &ctl->done, fd, EPOLLIN,
                                worker_done, ctl) < 0)
    fatal (_("cannot create the event loop"));
  ctl->shared->done_fd = fd;
}

/* The processors this process may run on, in *SET; none when that
   cannot be known.  */
static void
allowed_cpus (cpu_set_t *set)
{
  if (sched_getaffinity (0, sizeof *set, set) < 0)
    CPU_ZERO (set);
}

/* "workers auto": one per processor the process may run on (taskset,
   systemd's CPUAffinity=), not per processor of the machine.  */
static unsigned int
worker_count (const struct config *config, const cpu_set_t *set)
{
  long n = config->workers ? (long) config->workers
    : CPU_COUNT (set) ? CPU_COUNT (set) : sysconf (_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 256 ? 256 : (unsigned int) n;
}

/* The processor worker I (from 0) is bound to, or -1.  With
   cpu-affinity, N workers on at least N allowed processors take one
   each: a session's packets are then handled on one processor, not
   moved between them (which reorders loopback segments and costs an
   interrupt per wake-up).  More workers than processors float.  */
static int
worker_cpu (const struct config *config, const cpu_set_t *set,
            unsigned int n_workers, unsigned int i)
{
  if (!config->cpu_affinity || CPU_COUNT (set) < 2
      || n_workers > (unsigned int) CPU_COUNT (set))
    return -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET (cpu, set) && i-- == 0)
      return cpu;
  return -1;
}

/* Start the workers and serve until they have all stopped.  */
static void
serve (struct control *ctl)
{
  const char *problem;
  struct config *config = ctl->shared->config;
  cpu_set_t cpus;

  if (resolver_library_init (&problem) < 0)
    fatalx (_("cannot start the resolver: %s"), problem);
  ctl->shared->clients = session_client_table_new ();
  if (!ctl->shared->clients)
    fatalx (_("out of memory"));
  block_signals ();
  control_setup (ctl);
  allowed_cpus (&cpus);
  ctl->n_workers = worker_count (config, &cpus);
  ctl->workers = xcalloc (ctl->n_workers, sizeof *ctl->workers);
  for (unsigned int i = 0; i < ctl->n_workers; i++)
    ctl->workers[i] = gateway_worker_new (ctl->shared, i + 1,
                                          ctl->n_workers);
  for (unsigned int i = 0; i < ctl->n_workers; i++)
    gateway_worker_start (ctl->workers[i],
                          worker_cpu (config, &cpus, ctl->n_workers, i));
  log_info (_("socks6d %s started, %zu listening addresses, %u workers"),
            VERSION, config->n_listen, ctl->n_workers);
  if (loop_run (ctl->loop) < 0)
    fatal (_("event loop failed"));
  for (unsigned int i = 0; i < ctl->n_workers; i++)
    gateway_worker_join (ctl->workers[i]);
  free (ctl->workers);
  log_info (_("socks6d stopped"));
  listener_close_all (&ctl->shared->listeners);
  session_client_table_free (ctl->shared->clients);
  config_unref (ctl->shared->config);
  resolver_library_cleanup ();
  auth_forget ();
  loop_free (ctl->loop);
}

int
main (int argc, char **argv)
{
  static struct gateway_shared shared;
  static struct control ctl;
  struct options o = { 0 };
  char *pid_file = NULL;

  set_program_name (argv[0]);
  setlocale (LC_ALL, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  atexit (close_stdout);

  parse_options (argc, argv, &o);
  shared.config = load_config (o.config_file, false);
  if (!shared.config)
    return SOCKS6D_EXIT_FAILURE;
  if (o.test)
    {
      if (o.verbosity)
        config_print (shared.config, stdout);
      else
        printf (_("configuration OK\n"));
      config_unref (shared.config);
      return SOCKS6D_EXIT_OK;
    }

  log_init (program_name, o.foreground, o.verbosity);
  raise_fd_limit ();
  if (listener_open_all (shared.config, &shared.listeners) < 0)
    return SOCKS6D_EXIT_FAILURE;
  if (!o.foreground)
    daemonize ();
  /* "log" in the file wins over the default of either mode (stderr in
     the foreground, syslog otherwise), as socks6d.conf(5) says.  */
  if (shared.config->log_target)
    apply_log_target (shared.config->log_target);
  /* A copy: a reload frees the configuration that named it, and the
     file written is the one to remove at exit, whatever a reload says.  */
  if (o.pid_file || shared.config->pid_file)
    {
      pid_file = xstrdup (o.pid_file ? o.pid_file : shared.config->pid_file);
      write_pid_file (pid_file);
    }
  if (o.user || shared.config->user)
    drop_privileges (o.user ? o.user : shared.config->user);

  pthread_mutex_init (&shared.lock, NULL);
  ctl.shared = &shared;
  ctl.config_file = o.config_file;
  ctl.foreground = o.foreground;
  serve (&ctl);
  /* May fail after the privilege drop; the next start overwrites it.  */
  if (pid_file)
    unlink (pid_file);
  free (pid_file);
  return SOCKS6D_EXIT_OK;
}
