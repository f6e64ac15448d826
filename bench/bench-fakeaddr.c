/* Benchmark of the fake-address table (lib/fakeaddr.c): how fast names
   are registered, with and without recycling, and how fast they are found
   again by name and by address, on one thread and on two sharing the
   table.  A measurement, not a test: "make bench" runs it, "make check"
   never does.  Usage: bench-fakeaddr [MILLIONS], MILLIONS being the
   lookups per measurement (default 10).  Lookups run over all 65536 names
   in an order that defeats the processor's caches (the worst case), and
   over 1024 names (closer to what a program does).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fakeaddr.h"

enum { NAMES = 65536, HOT_NAMES = 1024, MAX_THREADS = 2, REPEATS = 3 };

struct bench_name
{
  char text[40];
  size_t len;
  unsigned char addr[16];
};

static struct bench_name *names;

/* What one thread of a measurement does.  */
enum bench_op { OP_ASSIGN, OP_LOOKUP_NAME, OP_LOOKUP_ADDR };

struct bench_run
{
  struct fakeaddr_table *table;
  enum bench_op op;
  int family;
  size_t first, count;          /* the names used: names[first + i] */
  size_t lookups;               /* operations, for lookups */
  const char *suffix;           /* for OP_ASSIGN: makes the names new */
  size_t errors;
  double cpu_seconds;
};

static double
seconds_of (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
make_names (void)
{
  names = calloc (NAMES, sizeof *names);
  if (!names)
    {
      fputs ("bench-fakeaddr: out of memory\n", stderr);
      exit (EXIT_FAILURE);
    }
  for (size_t i = 0; i < NAMES; i++)
    names[i].len = (size_t) snprintf (names[i].text, sizeof names[i].text,
                                      "host-%zu.example.com", i);
}

static void
run_assign (struct bench_run *r)
{
  char text[64];
  for (size_t i = r->first; i < r->first + r->count; i++)
    {
      struct bench_name *n = &names[i];
      const char *name = n->text;
      size_t len = n->len;
      if (r->suffix)
        {
          len = (size_t) snprintf (text, sizeof text, "%s%s", n->text,
                                   r->suffix);
          name = text;
        }
      if (fakeaddr_assign (r->table, r->family, name, len, n->addr)
          != SOCKS6_OK)
        r->errors++;
    }
}

/* Lookups walk the names with a stride coprime to their number, so that
   consecutive lookups touch unrelated entries.  */
static void
run_lookup (struct bench_run *r)
{
  char name[SOCKS6_NAME_MAX + 1];
  unsigned char addr[16];
  size_t len, k = 0;

  for (size_t i = 0; i < r->lookups; i++, k = (k + 40503) % r->count)
    {
      struct bench_name *n = &names[r->first + k];
      int rc = (r->op == OP_LOOKUP_NAME
                ? fakeaddr_lookup_name (r->table, r->family, n->text, n->len,
                                        addr)
                : fakeaddr_lookup_addr (r->table, r->family, n->addr, name,
                                        &len));
      if (rc != SOCKS6_OK)
        r->errors++;
    }
}

static void *
run_thread (void *arg)
{
  struct bench_run *r = arg;
  double start = seconds_of (CLOCK_THREAD_CPUTIME_ID);
  if (r->op == OP_ASSIGN)
    run_assign (r);
  else
    run_lookup (r);
  r->cpu_seconds = seconds_of (CLOCK_THREAD_CPUTIME_ID) - start;
  return NULL;
}

struct bench_result
{
  size_t ops;
  double wall, cpu;
};

/* Run RUN once on THREADS threads, each on its own share of the names.  */
static struct bench_result
run_once (int threads, struct bench_run run)
{
  struct bench_run runs[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  struct bench_result result = { 0, 0, 0 };

  for (int i = 0; i < threads; i++)
    {
      runs[i] = run;
      runs[i].count = run.count / (size_t) threads;
      runs[i].first = run.first + (size_t) i * runs[i].count;
      runs[i].lookups = run.lookups / (size_t) threads;
      result.ops += run.op == OP_ASSIGN ? runs[i].count : runs[i].lookups;
    }
  double start = seconds_of (CLOCK_MONOTONIC);
  for (int i = 0; i < threads; i++)
    if (pthread_create (&ids[i], NULL, run_thread, &runs[i]) != 0)
      {
        fputs ("bench-fakeaddr: cannot start a thread\n", stderr);
        exit (EXIT_FAILURE);
      }
  for (int i = 0; i < threads; i++)
    {
      pthread_join (ids[i], NULL);
      result.cpu += runs[i].cpu_seconds;
      if (runs[i].errors)
        {
          fputs ("bench-fakeaddr: an operation failed\n", stderr);
          exit (EXIT_FAILURE);
        }
    }
  result.wall = seconds_of (CLOCK_MONOTONIC) - start;
  return result;
}

static void
print_result (const char *what, int family, int threads,
              struct bench_result r)
{
  printf ("%-32s %4s %3d %9zu %7.3f %11.0f %11.0f\n", what,
          family == AF_INET ? "IPv4" : "IPv6", threads, r.ops, r.wall,
          (double) r.ops / r.wall, (double) r.ops / r.cpu);
  fflush (stdout);
}

/* The best of REPEATS runs, the one least disturbed by other work on the
   machine.  */
static void
measure (const char *what, int threads, struct bench_run run)
{
  struct bench_result best = { 0, 0, 0 };
  for (int i = 0; i < REPEATS; i++)
    {
      struct bench_result r = run_once (threads, run);
      if (i == 0 || r.cpu < best.cpu)
        best = r;
    }
  print_result (what, run.family, threads, best);
}

static struct fakeaddr_table *
new_table (void)
{
  struct socks6_prefix v4, v6;
  struct fakeaddr_table *table;

  if (fakeaddr_prefix_parse (&v4, FAKEADDR_DEFAULT_IPV4, NULL) != SOCKS6_OK
      || fakeaddr_prefix_parse (&v6, FAKEADDR_DEFAULT_IPV6, NULL) != SOCKS6_OK
      || fakeaddr_table_create (&table, &v4, &v6, NAMES) != SOCKS6_OK)
    {
      fputs ("bench-fakeaddr: cannot create the table\n", stderr);
      exit (EXIT_FAILURE);
    }
  return table;
}

/* Registering into an empty table: a fresh table for every run.  */
static struct fakeaddr_table *
measure_fill (int family, int threads)
{
  struct bench_result best = { 0, 0, 0 };
  struct fakeaddr_table *table = NULL;

  for (int i = 0; i < REPEATS; i++)
    {
      fakeaddr_table_destroy (table);
      table = new_table ();
      struct bench_run run = { table, OP_ASSIGN, family, 0, NAMES, 0, NULL,
                               0, 0 };
      struct bench_result r = run_once (threads, run);
      if (i == 0 || r.cpu < best.cpu)
        best = r;
    }
  print_result ("assign, new names", family, threads, best);
  return table;
}

static void
bench_family (int family, int threads, size_t lookups)
{
  struct fakeaddr_table *table = measure_fill (family, threads);
  struct bench_run run = { table, OP_LOOKUP_NAME, family, 0, NAMES, lookups,
                           NULL, 0, 0 };

  measure ("lookup by name, all names", threads, run);
  run.count = HOT_NAMES;
  measure ("lookup by name, 1024 names", threads, run);
  run.op = OP_LOOKUP_ADDR;
  run.count = NAMES;
  measure ("lookup by address, all names", threads, run);
  run.count = HOT_NAMES;
  measure ("lookup by address, 1024 names", threads, run);

  /* The table is full: every new name now recycles an entry.  Each run
     needs names of its own, so no repeats here.  */
  run.op = OP_ASSIGN;
  run.count = NAMES;
  run.suffix = ".recycled";
  print_result ("assign, recycling (table full)", family, threads,
                run_once (threads, run));
  fakeaddr_table_destroy (table);
}

int
main (int argc, char **argv)
{
  size_t millions = argc > 1 ? strtoul (argv[1], NULL, 10) : 10;
  if (millions == 0)
    millions = 10;

  make_names ();
  printf ("fake-address table: capacity %d, ranges %s and %s\n"
          "%zu million lookups a line, best of %d runs; \"per core\" "
          "divides by the threads' CPU time\n\n", NAMES,
          FAKEADDR_DEFAULT_IPV4, FAKEADDR_DEFAULT_IPV6, millions, REPEATS);
  printf ("%-32s %4s %3s %9s %7s %11s %11s\n", "operation", "fam", "thr",
          "ops", "seconds", "ops/s", "per core");
  for (int threads = 1; threads <= MAX_THREADS; threads++)
    {
      bench_family (AF_INET, threads, millions * 1000000);
      bench_family (AF_INET6, threads, millions * 1000000);
    }
  free (names);
  return EXIT_SUCCESS;
}
