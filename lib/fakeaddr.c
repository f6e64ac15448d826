/* The fake-address table of RFC 3089 section 3 (see fakeaddr.h), and the
   checks that make a prefix usable as a fake range.

   Layout: one shared anonymous mapping holds a header (the lock, the two
   families' ranges), a fixed array of entries, two open-addressing
   indexes of slot references, one keyed by name, one by address, and per
   family a log of uses that orders the entries by recency.  Pointers into
   the mapping stay valid in forked children, which see it at the same
   address.

   Recency is kept exactly, but without the linked list that would make a
   lookup write into two neighbouring entries, each a likely cache miss:
   a use appends (slot, stamp) to its family's log and records the stamp
   as the slot's current one in a small array; the least recently used
   entry is the oldest record whose stamp is still current.  Outdated
   records are skipped at the oldest end and squeezed out when the log
   fills.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "fakeaddr.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "i18n.h"

#if !defined MAP_ANONYMOUS && defined MAP_ANON
# define MAP_ANONYMOUS MAP_ANON
#endif

/* How many taken addresses a new entry steps over, looking for a free
   one, before it takes the address of its family's least recently used
   entry instead.  Fresh addresses are preferred, so that an address a
   program kept past its entry's life (RFC 3089 section 5, item 3) is not
   soon given to another name; the bound keeps a crowded range fast.  */
enum { FREE_ADDRESS_SCAN_LIMIT = 32 };

/* Families as indexes into the table's per-family state.  */
enum { FAMILY_IPV4, FAMILY_IPV6, FAMILY_COUNT };

/* An entry's slot number plus one, so that 0, what a fresh mapping holds,
   means "none".  */
typedef uint32_t slot_ref;

/* Octets of a name kept in its entry; the rest go to a separate array,
   so that the entries, which every lookup reads, stay one cache line each
   and a full table of them still fits a processor's cache.  Most host
   names are shorter.  */
enum { NAME_HEAD = 34 };

struct fakeaddr_entry
{
  alignas (64) uint64_t offset; /* address = range base + offset (>= 1) */
  uint64_t last_use;            /* table clock at the last use */
  uint32_t name_hash;
  uint32_t addr_hash;
  uint32_t holds;               /* sockets using the address */
  uint8_t family;               /* FAMILY_* */
  uint8_t name_len;             /* 1..255 */
  char name_head[NAME_HEAD];
};
static_assert (sizeof (struct fakeaddr_entry) == 64,
               "an entry is one cache line");

struct fakeaddr_name_tail
{
  char octets[SOCKS6_NAME_MAX - NAME_HEAD];
};

/* A use of an entry, in its family's log.  The stamp is current while it
   equals the slot's entry in the table's stamp array; stamps are odd for
   IPv6 and even for IPv4, and never 0, which marks a slot with no current
   record (free, or held).  */
struct fakeaddr_use
{
  slot_ref slot;
  uint32_t stamp;
};

/* One index bucket, four octets so that an index stays small enough for
   the processor's cache: the slot reference in the low 24 bits (0 for an
   empty bucket) and the top 8 bits of the slot's hash, so that a probe
   seldom reads an entry that is not the one sought.  */
typedef uint32_t fakeaddr_bucket;
#define BUCKET_SLOT(bucket) ((bucket) & 0xffffffu)
#define BUCKET_TAG(hash) ((hash) & 0xff000000u)

struct fakeaddr_family
{
  bool enabled;
  struct socks6_prefix range;
  uint64_t base;                /* low 64 bits of the range's first address */
  uint64_t usable;              /* offsets 1..usable are handed out */
  uint64_t cursor;              /* next offset to try */
  size_t entries;
  struct fakeaddr_use *log;     /* ring of log_mask + 1 records */
  uint64_t log_head, log_tail;  /* next record written, oldest kept */
  uint32_t log_clock;           /* 31 bits, never 0 */
};

struct fakeaddr_table
{
  pthread_mutex_t lock;
  size_t map_size;
  uint32_t capacity;
  uint32_t index_mask;          /* both indexes have index_mask + 1 buckets */
  uint32_t log_mask;            /* each log has log_mask + 1 records */
  uint32_t high_water;          /* slots [0, high_water) have been used */
  size_t held;
  uint64_t clock;
  uint64_t assigned, recycled, repairs;
  struct fakeaddr_family family[FAMILY_COUNT];
  struct fakeaddr_entry *entries;
  struct fakeaddr_name_tail *name_tails;
  fakeaddr_bucket *name_index;
  fakeaddr_bucket *addr_index;
  uint32_t *stamps;             /* each slot's current stamp, or 0 */
};

static int
family_index (int family)
{
  return (family == AF_INET ? FAMILY_IPV4
          : family == AF_INET6 ? FAMILY_IPV6 : -1);
}

/* ---------------------------------------------------------------------
   Fake ranges: the prefixes fakeaddr_table_create accepts.  */

int
fakeaddr_prefix_parse (struct socks6_prefix *prefix, const char *text,
                       enum fakeaddr_problem *problem)
{
  enum socks6_prefix_problem why;
  int rc = socks6_prefix_parse (prefix, text, &why);

  if (problem)
    *problem = (enum fakeaddr_problem) why;
  return rc;
}

static int
prefix_fail (enum fakeaddr_problem *problem, enum fakeaddr_problem why)
{
  if (problem)
    *problem = why;
  return SOCKS6_E_RANGE;
}

/* Space a fake range must stay clear of, whatever the program's rules:
   software disagrees on what these addresses mean, so an application
   given one may never even call connect() with it.  */
static const struct
{
  struct socks6_prefix prefix;
  enum fakeaddr_problem problem;
} reserved_space[] =
  {
    { { AF_INET, 8, { 0 } }, FAKEADDR_PROBLEM_UNSPECIFIED },
    { { AF_INET, 8, { 127 } }, FAKEADDR_PROBLEM_LOOPBACK },
    { { AF_INET, 4, { 224 } }, FAKEADDR_PROBLEM_MULTICAST },
    { { AF_INET, 32, { 255, 255, 255, 255 } }, FAKEADDR_PROBLEM_BROADCAST },
    { { AF_INET6, 128, { 0 } }, FAKEADDR_PROBLEM_UNSPECIFIED },
    { { AF_INET6, 128, { [15] = 1 } }, FAKEADDR_PROBLEM_LOOPBACK },
    { { AF_INET6, 8, { 0xff } }, FAKEADDR_PROBLEM_MULTICAST },
    { { AF_INET6, 96, { [10] = 0xff, [11] = 0xff } },
      FAKEADDR_PROBLEM_MAPPED },
  };

int
fakeaddr_range_check (const struct socks6_prefix *range,
                      const struct socks6_prefix *direct, size_t ndirect,
                      enum fakeaddr_problem *problem, size_t *conflict)
{
  if (family_index (range->family) < 0)
    return prefix_fail (problem, FAKEADDR_PROBLEM_SYNTAX);
  if (range->length > (range->family == AF_INET ? 30u : 126u))
    return prefix_fail (problem, FAKEADDR_PROBLEM_TOO_SMALL);
  if (!socks6_prefix_host_bits_clear (range))
    return prefix_fail (problem, FAKEADDR_PROBLEM_HOST_BITS);

  /* Compared within the range's own family only: every IPv4 range meets
     the IPv4-mapped space once mapped.  */
  for (size_t i = 0; i < sizeof reserved_space / sizeof *reserved_space; i++)
    if (reserved_space[i].prefix.family == range->family
        && socks6_prefix_overlaps (range, &reserved_space[i].prefix))
      return prefix_fail (problem, reserved_space[i].problem);

  for (size_t i = 0; i < ndirect; i++)
    if (family_index (direct[i].family) >= 0
        && socks6_prefix_overlaps (range, &direct[i]))
      {
        if (conflict)
          *conflict = i;
        return prefix_fail (problem, FAKEADDR_PROBLEM_DIRECT);
      }

  if (problem)
    *problem = FAKEADDR_PROBLEM_NONE;
  return SOCKS6_OK;
}

const char *
fakeaddr_problem_text (enum fakeaddr_problem problem)
{
  switch (problem)
    {
    case FAKEADDR_PROBLEM_NONE:
      return _("usable range");
    case FAKEADDR_PROBLEM_SYNTAX:
      return _("not an IPv4 or IPv6 address, with an optional /LENGTH");
    case FAKEADDR_PROBLEM_LENGTH:
      return _("prefix length missing or too long for the family");
    case FAKEADDR_PROBLEM_HOST_BITS:
      return _("address has bits set past the prefix length");
    case FAKEADDR_PROBLEM_TOO_SMALL:
      return _("range too small: at most /30 for IPv4, /126 for IPv6");
    case FAKEADDR_PROBLEM_UNSPECIFIED:
      return _("range meets 0.0.0.0/8 or ::, which some systems take "
               "for the local host");
    case FAKEADDR_PROBLEM_LOOPBACK:
      return _("range meets the loopback network (127.0.0.0/8 or ::1)");
    case FAKEADDR_PROBLEM_MULTICAST:
      return _("range meets multicast space (224.0.0.0/4 or ff00::/8)");
    case FAKEADDR_PROBLEM_BROADCAST:
      return _("range holds the broadcast address 255.255.255.255");
    case FAKEADDR_PROBLEM_MAPPED:
      return _("range meets IPv4-mapped space (::ffff:0:0/96)");
    case FAKEADDR_PROBLEM_DIRECT:
      return _("range meets a prefix the program reaches directly");
    default:
      return _("unknown problem with the range");
    }
}

/* ---------------------------------------------------------------------
   Hashing.  Names fold ASCII case only: DNS names in wire form are
   ASCII (IDNs travel as A-labels) and compare that way (RFC 4343).  */

/* Up to 8 octets of P, zero-padded, as one word.  */
static inline uint64_t
load_word (const char *p, size_t n)
{
  uint64_t w = 0;
  memcpy (&w, p, n < 8 ? n : 8);
  return w;
}

/* W with every ASCII capital in it made small, eight octets at once: an
   octet's top bit is set by the two additions when it lies in 'A'..'Z'
   (octets with the top bit set are not ASCII and are left alone), and
   moved down to the 0x20 bit.  */
static inline uint64_t
fold_case (uint64_t w)
{
  const uint64_t ones = 0x0101010101010101u;
  uint64_t low7 = w & (0x7f * ones);
  uint64_t at_least_a = low7 + (0x80 - 'A') * ones;
  uint64_t past_z = low7 + (0x80 - 'Z' - 1) * ones;
  uint64_t capitals = at_least_a & ~past_z & ~w & (0x80 * ones);
  return w | (capitals >> 2);
}

static inline uint64_t
mix64 (uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53u;
  h ^= h >> 33;
  return h;
}

static uint32_t
hash_name (int fam, const char *name, size_t len)
{
  uint64_t h = 0x9e3779b97f4a7c15u * (uint64_t) (len * 2 + (size_t) fam + 1);
  for (size_t i = 0; i < len; i += 8)
    {
      h ^= fold_case (load_word (name + i, len - i));
      h = ((h << 27) | (h >> 37)) * 0x3c79ac492ba7b653u + 0x1c69b3f74ac4ae35u;
    }
  return (uint32_t) mix64 (h);
}

static uint32_t
hash_addr (int fam, uint64_t offset)
{
  uint64_t h = mix64 (offset * 2 + (uint64_t) fam);
  return (uint32_t) (h ^ (h >> 32));
}

static bool
octets_equal_but_case (const char *a, const char *b, size_t len)
{
  for (size_t i = 0; i < len; i += 8)
    if (fold_case (load_word (a + i, len - i))
        != fold_case (load_word (b + i, len - i)))
      return false;
  return true;
}

/* ---------------------------------------------------------------------
   The indexes: linear probing, at most half full, deletion by shifting
   back the entries that follow, so that no tombstone ever slows a
   lookup.  */

static inline struct fakeaddr_entry *
entry_of (struct fakeaddr_table *t, slot_ref ref)
{
  return &t->entries[ref - 1];
}

static bool
entry_name_equal (struct fakeaddr_table *t, slot_ref ref, const char *name,
                  size_t len)
{
  size_t head = len < NAME_HEAD ? len : NAME_HEAD;

  return (octets_equal_but_case (entry_of (t, ref)->name_head, name, head)
          && (len <= NAME_HEAD
              || octets_equal_but_case (t->name_tails[ref - 1].octets,
                                        name + head, len - head)));
}

static void
entry_set_name (struct fakeaddr_table *t, slot_ref ref, const char *name,
                size_t len)
{
  size_t head = len < NAME_HEAD ? len : NAME_HEAD;

  entry_of (t, ref)->name_len = (uint8_t) len;
  memcpy (entry_of (t, ref)->name_head, name, head);
  memcpy (t->name_tails[ref - 1].octets, name + head, len - head);
}

/* Copy the name of slot REF into NAME, with a NUL, and return its
   length.  */
static size_t
entry_get_name (struct fakeaddr_table *t, slot_ref ref, char *name)
{
  size_t len = entry_of (t, ref)->name_len;
  size_t head = len < NAME_HEAD ? len : NAME_HEAD;

  memcpy (name, entry_of (t, ref)->name_head, head);
  memcpy (name + head, t->name_tails[ref - 1].octets, len - head);
  name[len] = '\0';
  return len;
}

static slot_ref
find_name (struct fakeaddr_table *t, int fam, const char *name, size_t len,
           uint32_t hash)
{
  for (uint32_t i = hash & t->index_mask;; i = (i + 1) & t->index_mask)
    {
      fakeaddr_bucket b = t->name_index[i];
      if (b == 0)
        return 0;
      if (BUCKET_TAG (b) == BUCKET_TAG (hash))
        {
          const struct fakeaddr_entry *e = entry_of (t, BUCKET_SLOT (b));
          if (e->name_hash == hash && e->family == fam && e->name_len == len
              && entry_name_equal (t, BUCKET_SLOT (b), name, len))
            return BUCKET_SLOT (b);
        }
    }
}

static slot_ref
find_addr (struct fakeaddr_table *t, int fam, uint64_t offset)
{
  uint32_t hash = hash_addr (fam, offset);
  for (uint32_t i = hash & t->index_mask;; i = (i + 1) & t->index_mask)
    {
      fakeaddr_bucket b = t->addr_index[i];
      if (b == 0)
        return 0;
      if (BUCKET_TAG (b) == BUCKET_TAG (hash))
        {
          const struct fakeaddr_entry *e = entry_of (t, BUCKET_SLOT (b));
          if (e->offset == offset && e->family == fam)
            return BUCKET_SLOT (b);
        }
    }
}

static void
index_insert (struct fakeaddr_table *t, fakeaddr_bucket *index,
              slot_ref ref, uint32_t hash)
{
  uint32_t i = hash & t->index_mask;
  while (index[i] != 0)
    i = (i + 1) & t->index_mask;
  index[i] = ref | BUCKET_TAG (hash);
}

/* The full hash of the entry BUCKET points to, in the name index or the
   address index.  */
static uint32_t
bucket_hash (struct fakeaddr_table *t, fakeaddr_bucket bucket, bool by_name)
{
  const struct fakeaddr_entry *e = entry_of (t, BUCKET_SLOT (bucket));
  return by_name ? e->name_hash : e->addr_hash;
}

static void
index_remove (struct fakeaddr_table *t, fakeaddr_bucket *index,
              slot_ref ref, uint32_t hash)
{
  uint32_t mask = t->index_mask;
  uint32_t hole = hash & mask;
  bool by_name = index == t->name_index;
  while (BUCKET_SLOT (index[hole]) != ref)
    hole = (hole + 1) & mask;

  /* A later bucket of the run moves into the hole unless its home lies
     cyclically in (hole, j]: then it would no longer be found.  */
  for (uint32_t j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask)
    {
      uint32_t home = bucket_hash (t, index[j], by_name) & mask;
      bool stays = hole < j ? (hole < home && home <= j)
                            : (hole < home || home <= j);
      if (!stays)
        {
          index[hole] = index[j];
          hole = j;
        }
    }
  index[hole] = 0;
}

/* ---------------------------------------------------------------------
   Recency: the per-family logs of uses (see the top of the file).  An
   entry held by a socket has no current record, so it is never found
   oldest; its release records a use.  */

/* Drop the records that are no longer current.  At most one record per
   entry is current, and a log has room for twice the table's entries, so
   this frees at least half the log: a cost of two steps per record
   written, over time.  */
static void
recency_compact (struct fakeaddr_table *t, struct fakeaddr_family *f)
{
  uint64_t kept = f->log_tail;

  for (uint64_t i = f->log_tail; i < f->log_head; i++)
    {
      struct fakeaddr_use use = f->log[i & t->log_mask];
      if (t->stamps[use.slot - 1] == use.stamp)
        f->log[kept++ & t->log_mask] = use;
    }
  f->log_head = kept;
}

static void
recency_record (struct fakeaddr_table *t, slot_ref ref)
{
  int fam = entry_of (t, ref)->family;
  struct fakeaddr_family *f = &t->family[fam];

  if (f->log_head - f->log_tail > t->log_mask)
    recency_compact (t, f);
  f->log_clock = (f->log_clock + 1) & 0x7fffffff;
  if (f->log_clock == 0)
    f->log_clock = 1;
  uint32_t stamp = f->log_clock << 1 | (uint32_t) fam;
  f->log[f->log_head++ & t->log_mask] = (struct fakeaddr_use) { ref, stamp };
  t->stamps[ref - 1] = stamp;
}

static void
recency_forget (struct fakeaddr_table *t, slot_ref ref)
{
  t->stamps[ref - 1] = 0;
}

/* The least recently used entry of family FAM that no socket holds, or
   0.  Records passed over on the way are outdated for good.  */
static slot_ref
recency_oldest (struct fakeaddr_table *t, int fam)
{
  struct fakeaddr_family *f = &t->family[fam];

  for (; f->log_tail < f->log_head; f->log_tail++)
    {
      struct fakeaddr_use use = f->log[f->log_tail & t->log_mask];
      if (t->stamps[use.slot - 1] == use.stamp)
        return use.slot;
    }
  return 0;
}

static void
touch (struct fakeaddr_table *t, slot_ref ref)
{
  struct fakeaddr_entry *e = entry_of (t, ref);
  struct fakeaddr_family *f = &t->family[e->family];

  e->last_use = ++t->clock;
  if (e->holds != 0)
    return;
  /* A name looked up again and again is the newest record already.  */
  struct fakeaddr_use newest = f->log[(f->log_head - 1) & t->log_mask];
  if (f->log_head != f->log_tail && newest.slot == ref
      && t->stamps[ref - 1] == newest.stamp)
    return;
  recency_record (t, ref);
}

/* ---------------------------------------------------------------------
   Addresses and offsets.  */

static void
address_of (const struct fakeaddr_family *f, uint64_t offset,
            unsigned char addr[16])
{
  uint64_t low = f->base + offset;
  int octets = f->range.family == AF_INET ? 4 : 8;
  unsigned char *p = f->range.family == AF_INET ? addr : addr + 8;

  if (f->range.family == AF_INET6)
    memcpy (addr, f->range.addr, 8);
  for (int i = octets - 1; i >= 0; i--, low >>= 8)
    p[i] = (unsigned char) low;
}

/* The offset of ADDR in F's range, if it is one the table hands out.  */
static bool
offset_of (const struct fakeaddr_family *f, const unsigned char *addr,
           uint64_t *offset)
{
  uint64_t low = 0;
  int octets = f->range.family == AF_INET ? 4 : 8;
  const unsigned char *p = f->range.family == AF_INET ? addr : addr + 8;

  if (!f->enabled)
    return false;
  /* Offsets never reach above the low 64 bits, so the high ones must be
     the range's own, even in a range wider than /64.  */
  if (f->range.family == AF_INET6 && memcmp (addr, f->range.addr, 8) != 0)
    return false;
  for (int i = 0; i < octets; i++)
    low = low << 8 | p[i];
  if (low < f->base)
    return false;
  *offset = low - f->base;
  return *offset >= 1 && *offset <= f->usable;
}

/* ---------------------------------------------------------------------
   Allocation.  */

static void
evict (struct fakeaddr_table *t, slot_ref ref)
{
  struct fakeaddr_entry *e = entry_of (t, ref);

  index_remove (t, t->name_index, ref, e->name_hash);
  index_remove (t, t->addr_index, ref, e->addr_hash);
  recency_forget (t, ref);
  t->family[e->family].entries--;
  t->recycled++;
}

/* Step F's cursor over at most LIMIT offsets for one no entry uses.  */
static bool
find_free_offset (struct fakeaddr_table *t, int fam, uint64_t limit,
                  uint64_t *offset)
{
  struct fakeaddr_family *f = &t->family[fam];

  for (uint64_t n = 0; n < limit; n++)
    {
      *offset = f->cursor;
      f->cursor = f->cursor >= f->usable ? 1 : f->cursor + 1;
      if (find_addr (t, fam, *offset) == 0)
        return true;
    }
  return false;
}

/* A slot for a new entry: a never used one, or that of the oldest
   unheld entry of either family.  Entries leave only by being recycled,
   so no free list is needed.  */
static slot_ref
take_slot (struct fakeaddr_table *t)
{
  slot_ref ref;

  if (t->high_water < t->capacity)
    return ++t->high_water;

  slot_ref a = recency_oldest (t, FAMILY_IPV4);
  slot_ref b = recency_oldest (t, FAMILY_IPV6);
  if (a && b)
    ref = entry_of (t, a)->last_use < entry_of (t, b)->last_use ? a : b;
  else
    ref = a ? a : b;
  if (ref)
    evict (t, ref);
  return ref;
}

/* Pick the address and slot of a new entry of family FAM.  */
static int
choose_slot_and_offset (struct fakeaddr_table *t, int fam, slot_ref *ref,
                        uint64_t *offset)
{
  struct fakeaddr_family *f = &t->family[fam];
  bool found = (f->entries < f->usable
                && find_free_offset (t, fam, FREE_ADDRESS_SCAN_LIMIT, offset));

  if (!found)
    {
      /* The range is full or crowded: reuse its oldest address.  */
      slot_ref victim = recency_oldest (t, fam);
      if (victim)
        {
          *offset = entry_of (t, victim)->offset;
          evict (t, victim);
          *ref = victim;
          return SOCKS6_OK;
        }
      if (f->entries >= f->usable)
        return SOCKS6_E_FULL;
      /* Every address of the family is held, yet some are free: one
         exists, so this search ends.  */
      find_free_offset (t, fam, UINT64_MAX, offset);
    }
  *ref = take_slot (t);
  return *ref ? SOCKS6_OK : SOCKS6_E_FULL;
}

static int
add_entry (struct fakeaddr_table *t, int fam, const char *name, size_t len,
           uint32_t hash, slot_ref *refp)
{
  slot_ref ref;
  uint64_t offset;
  int rc = choose_slot_and_offset (t, fam, &ref, &offset);

  if (rc != SOCKS6_OK)
    return rc;
  struct fakeaddr_entry *e = entry_of (t, ref);
  e->offset = offset;
  e->family = (uint8_t) fam;
  entry_set_name (t, ref, name, len);
  e->name_hash = hash;
  e->addr_hash = hash_addr (fam, offset);
  e->holds = 0;
  e->last_use = ++t->clock;
  index_insert (t, t->name_index, ref, e->name_hash);
  index_insert (t, t->addr_index, ref, e->addr_hash);
  recency_record (t, ref);
  t->family[fam].entries++;
  t->assigned++;
  *refp = ref;
  return SOCKS6_OK;
}

/* ---------------------------------------------------------------------
   The lock.  */

/* Forget every entry: a process died holding the lock, perhaps halfway
   through a change, and nothing in the table can be trusted.  The
   cursors are kept, so addresses handed out before are not soon handed
   out again for other names.  */
static void
reset_locked (struct fakeaddr_table *t)
{
  size_t index_size = ((size_t) t->index_mask + 1) * sizeof *t->name_index;

  memset (t->name_index, 0, index_size);
  memset (t->addr_index, 0, index_size);
  memset (t->stamps, 0, t->capacity * sizeof *t->stamps);
  for (int fam = 0; fam < FAMILY_COUNT; fam++)
    {
      t->family[fam].entries = 0;
      t->family[fam].log_head = t->family[fam].log_tail = 0;
    }
  t->high_water = 0;
  t->held = 0;
  t->repairs++;
}

/* The mutex is robust, so a process that dies inside the table (or is
   forked while one of its other threads is inside: that thread goes on
   in the parent and unlocks the shared mutex there) never blocks the
   others, and error-checking, so that re-entry from a signal handler
   fails instead of deadlocking.  */
static int
table_lock (struct fakeaddr_table *t)
{
  int err = pthread_mutex_lock (&t->lock);

  if (err == EOWNERDEAD)
    {
      reset_locked (t);
      if (pthread_mutex_consistent (&t->lock) != 0)
        {
          pthread_mutex_unlock (&t->lock);
          return SOCKS6_E_INVALID;
        }
      err = 0;
    }
  return err == 0 ? SOCKS6_OK : SOCKS6_E_INVALID;
}

static void
table_unlock (struct fakeaddr_table *t)
{
  pthread_mutex_unlock (&t->lock);
}

/* ---------------------------------------------------------------------
   Creation.  */

static int
setup_family (struct fakeaddr_family *f, const struct socks6_prefix *range,
              int family)
{
  if (!range)
    return SOCKS6_OK;
  if (range->family != family)
    return SOCKS6_E_FAMILY;
  if (fakeaddr_range_check (range, NULL, 0, NULL, NULL) != SOCKS6_OK)
    return SOCKS6_E_RANGE;

  unsigned int host_bits = (family == AF_INET ? 32 : 128) - range->length;
  f->enabled = true;
  f->range = *range;
  f->base = 0;
  for (int i = family == AF_INET ? 0 : 8; i < (family == AF_INET ? 4 : 16);
       i++)
    f->base = f->base << 8 | range->addr[i];
  if (family == AF_INET)
    /* Neither the network nor the broadcast address of the range.  */
    f->usable = ((uint64_t) 1 << host_bits) - 2;
  else
    /* Not the subnet-router anycast address (offset 0).  */
    f->usable = host_bits >= 64 ? UINT64_MAX : ((uint64_t) 1 << host_bits) - 1;
  f->cursor = 1;
  return SOCKS6_OK;
}

static int
init_lock (pthread_mutex_t *lock)
{
  pthread_mutexattr_t attr;
  int err = pthread_mutexattr_init (&attr);

  if (err != 0)
    return SOCKS6_E_NOMEM;
  if (pthread_mutexattr_setpshared (&attr, PTHREAD_PROCESS_SHARED) != 0
      || pthread_mutexattr_setrobust (&attr, PTHREAD_MUTEX_ROBUST) != 0
      || pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_ERRORCHECK) != 0
      || pthread_mutex_init (lock, &attr) != 0)
    err = -1;
  pthread_mutexattr_destroy (&attr);
  return err == 0 ? SOCKS6_OK : SOCKS6_E_INVALID;
}

static size_t
round_up (size_t n, size_t to)
{
  return (n + to - 1) / to * to;
}

int
fakeaddr_table_create (struct fakeaddr_table **tablep,
                       const struct socks6_prefix *ipv4,
                       const struct socks6_prefix *ipv6, size_t capacity)
{
  struct fakeaddr_family families[FAMILY_COUNT] = { { 0 } };
  int rc;

  if (capacity == 0)
    capacity = FAKEADDR_DEFAULT_CAPACITY;
  if (capacity > FAKEADDR_CAPACITY_MAX || (!ipv4 && !ipv6))
    return SOCKS6_E_INVALID;
  /* Some 340 octets an entry, all told: more than a 32-bit system can
     map at the largest capacities.  */
  if (capacity > SIZE_MAX / 1024)
    return SOCKS6_E_NOMEM;
  if ((rc = setup_family (&families[FAMILY_IPV4], ipv4, AF_INET)) != SOCKS6_OK
      || (rc = setup_family (&families[FAMILY_IPV6], ipv6, AF_INET6))
         != SOCKS6_OK)
    return rc;

  /* Indexes at most half full; logs with room for two records per
     entry (see recency_compact).  */
  size_t buckets = 2;
  while (buckets < 2 * capacity)
    buckets *= 2;
  size_t header = round_up (sizeof (struct fakeaddr_table), 64);
  size_t entries = capacity * sizeof (struct fakeaddr_entry);
  size_t tails = round_up (capacity * sizeof (struct fakeaddr_name_tail), 64);
  size_t index = buckets * sizeof (fakeaddr_bucket);
  size_t stamps = round_up (capacity * sizeof (uint32_t), 64);
  size_t log = buckets * sizeof (struct fakeaddr_use);
  long page = sysconf (_SC_PAGESIZE);
  size_t size = round_up (header + entries + tails + 2 * index + stamps
                          + 2 * log,
                          page > 0 ? (size_t) page : 4096);

  void *map = mmap (NULL, size, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return SOCKS6_E_NOMEM;

  /* The mapping comes zero-filled, which is an empty table; nothing is
     written to the entries and indexes here, so only the pages the table
     comes to use are ever backed by memory.  */
  struct fakeaddr_table *t = map;
  if ((rc = init_lock (&t->lock)) != SOCKS6_OK)
    {
      munmap (map, size);
      return rc;
    }
  char *next = (char *) map + header;
  t->map_size = size;
  t->capacity = (uint32_t) capacity;
  t->index_mask = t->log_mask = (uint32_t) (buckets - 1);
  memcpy (t->family, families, sizeof families);
  t->entries = (struct fakeaddr_entry *) next;
  t->name_tails = (struct fakeaddr_name_tail *) (next += entries);
  t->name_index = (fakeaddr_bucket *) (next += tails);
  t->addr_index = (fakeaddr_bucket *) (next += index);
  t->stamps = (uint32_t *) (next += index);
  t->family[FAMILY_IPV4].log = (struct fakeaddr_use *) (next += stamps);
  t->family[FAMILY_IPV6].log = (struct fakeaddr_use *) (next + log);
  *tablep = t;
  return SOCKS6_OK;
}

void
fakeaddr_table_destroy (struct fakeaddr_table *table)
{
  /* The mutex is not destroyed: other processes may still use it.  */
  if (table)
    munmap (table, table->map_size);
}

/* ---------------------------------------------------------------------
   Lookups.  */

static int
check_name_args (const struct fakeaddr_table *t, int family,
                 size_t len, int *fam)
{
  *fam = family_index (family);
  if (*fam < 0 || !t->family[*fam].enabled)
    return SOCKS6_E_FAMILY;
  if (len == 0)
    return SOCKS6_E_NAME_EMPTY;
  if (len > SOCKS6_NAME_MAX)
    return SOCKS6_E_NAME_TOO_LONG;
  return SOCKS6_OK;
}

static int
name_to_addr (struct fakeaddr_table *t, int family, const char *name,
              size_t len, bool may_add, unsigned char addr[16])
{
  int fam;
  int rc = check_name_args (t, family, len, &fam);

  if (rc != SOCKS6_OK)
    return rc;
  uint32_t hash = hash_name (fam, name, len);
  if ((rc = table_lock (t)) != SOCKS6_OK)
    return rc;
  slot_ref ref = find_name (t, fam, name, len, hash);
  if (ref)
    touch (t, ref);
  else if (!may_add)
    rc = SOCKS6_E_NOTFOUND;
  else
    rc = add_entry (t, fam, name, len, hash, &ref);
  if (rc == SOCKS6_OK)
    address_of (&t->family[fam], entry_of (t, ref)->offset, addr);
  table_unlock (t);
  return rc;
}

int
fakeaddr_assign (struct fakeaddr_table *table, int family,
                 const char *name, size_t len, unsigned char addr[16])
{
  return name_to_addr (table, family, name, len, true, addr);
}

int
fakeaddr_lookup_name (struct fakeaddr_table *table, int family,
                      const char *name, size_t len, unsigned char addr[16])
{
  return name_to_addr (table, family, name, len, false, addr);
}

/* What to do to an entry found by address, under the lock.  */
enum addr_action { ADDR_LOOKUP, ADDR_HOLD, ADDR_RELEASE };

static int
act_on_entry (struct fakeaddr_table *t, slot_ref ref, enum addr_action action)
{
  struct fakeaddr_entry *e = entry_of (t, ref);

  switch (action)
    {
    case ADDR_LOOKUP:
      touch (t, ref);
      break;
    case ADDR_HOLD:
      e->last_use = ++t->clock;
      if (e->holds++ == 0)
        {
          recency_forget (t, ref);
          t->held++;
        }
      break;
    case ADDR_RELEASE:
      if (e->holds == 0)
        return SOCKS6_E_INVALID;
      if (--e->holds == 0)
        t->held--;
      /* Released to no hold, the entry becomes the newest unheld one.  */
      touch (t, ref);
      break;
    }
  return SOCKS6_OK;
}

static int
addr_to_name (struct fakeaddr_table *t, int family, const void *addr,
              enum addr_action action, char *name, size_t *len)
{
  int fam = family_index (family);
  uint64_t offset;
  int rc;

  if (fam < 0 || !t->family[fam].enabled)
    return SOCKS6_E_FAMILY;
  if (!offset_of (&t->family[fam], addr, &offset))
    return SOCKS6_E_NOTFOUND;
  if ((rc = table_lock (t)) != SOCKS6_OK)
    return rc;
  slot_ref ref = find_addr (t, fam, offset);
  rc = ref ? act_on_entry (t, ref, action) : SOCKS6_E_NOTFOUND;
  if (rc == SOCKS6_OK && name)
    entry_get_name (t, ref, name);
  if (rc == SOCKS6_OK && len)
    *len = entry_of (t, ref)->name_len;
  table_unlock (t);
  return rc;
}

int
fakeaddr_lookup_addr (struct fakeaddr_table *table, int family,
                      const void *addr, char name[SOCKS6_NAME_MAX + 1],
                      size_t *len)
{
  return addr_to_name (table, family, addr, ADDR_LOOKUP, name, len);
}

int
fakeaddr_hold (struct fakeaddr_table *table, int family, const void *addr,
               char name[SOCKS6_NAME_MAX + 1], size_t *len)
{
  return addr_to_name (table, family, addr, ADDR_HOLD, name, len);
}

int
fakeaddr_release (struct fakeaddr_table *table, int family, const void *addr)
{
  return addr_to_name (table, family, addr, ADDR_RELEASE, NULL, NULL);
}

bool
fakeaddr_is_fake (const struct fakeaddr_table *table, int family,
                  const void *addr)
{
  int fam = family_index (family);

  return (fam >= 0 && table->family[fam].enabled
          && socks6_prefix_contains (&table->family[fam].range,
                                       family, addr));
}

int
fakeaddr_stats (struct fakeaddr_table *table, struct fakeaddr_stats *stats)
{
  int rc = table_lock (table);

  if (rc != SOCKS6_OK)
    return rc;
  stats->capacity = table->capacity;
  stats->ipv4_entries = table->family[FAMILY_IPV4].entries;
  stats->ipv6_entries = table->family[FAMILY_IPV6].entries;
  stats->held = table->held;
  stats->ipv4_addresses = (table->family[FAMILY_IPV4].enabled
                           ? table->family[FAMILY_IPV4].usable : 0);
  stats->ipv6_addresses = (table->family[FAMILY_IPV6].enabled
                           ? table->family[FAMILY_IPV6].usable : 0);
  stats->assigned = table->assigned;
  stats->recycled = table->recycled;
  stats->repairs = table->repairs;
  table_unlock (table);
  return SOCKS6_OK;
}
