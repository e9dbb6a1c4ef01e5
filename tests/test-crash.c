/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fake-provider.h"
#include "rp-core.h"
#include "rp-test-cli.h"
#include "rp-test-util.h"

/* Crash consistency: repaint-cli edit is killed with SIGKILL at random moments, over and
 * over, against the fake provider. After each kill the history is loaded afresh, as the
 * next start of Repaint would, and every entry must be whole: done with its results
 * readable, or interrupted (or failed, or cancelled) with its inputs whole and ready to
 * retry, or absent; nothing corrupt, no draft left, and no other entry touched.
 *
 *   REPAINT_CRASH_RUNS  how many edits (default 40)
 *   REPAINT_CRASH_SEED  replay the runs of an earlier seed (printed at the start)
 */

#define TEST_KEY       "sk-test-crash-0f1e2d3c4b5a69788796"
#define DEFAULT_RUNS   40
#define N_RETRIES      3
#define SSE_PAUSE_MS   25
#define DRIP_PAUSE_MS  15
#define DRIP_BYTES     1024
#define MASK_RECT      "60,40,120,90"

/* Where a run is killed. */
typedef enum {
  KILL_AFTER_DELAY,   /* a random time after the start */
  KILL_AT_HEADERS,    /* the request's headers reached the provider */
  KILL_IN_BODY,       /* part of the request body reached it */
  KILL_ANSWERING,     /* the whole request is in, the reply about to go */
  KILL_IN_REPLY,      /* the reply is streaming */
  KILL_WRITING,       /* a random time after the reply went out: results being written */
  N_KILL_POINTS
} KillPoint;

static const char * const point_names[] = {
  "after a delay", "at the headers", "in the request body", "while answering", "while the reply streams",
  "while the results are written",
};

G_STATIC_ASSERT (G_N_ELEMENTS (point_names) == N_KILL_POINTS);

/* How the provider answers. */
typedef enum {
  REPLY_JSON,
  REPLY_STREAM,   /* server-sent events with previews, paced */
  REPLY_DRIP,     /* JSON a kilobyte at a time */
  N_REPLY_MODES
} ReplyMode;

/* The armed kill, shared with the fake provider's thread. */
typedef struct
{
  GMutex     lock;
  GPid       pid;         /* 0: disarmed */
  KillPoint  point;
  gsize      threshold;   /* KILL_IN_BODY: bytes; KILL_IN_REPLY: pieces */
  gsize      pieces;
  gboolean   fired;
  GCond      answered_cond;
  gint64     answered_us;  /* when the reply started going out; 0: not yet */
} Trigger;

typedef struct
{
  char               *dir;
  char               *photo;
  char               *history_dir;
  char               *base_url;
  RpFakeProvider     *fake;
  RpProviderRegistry *registry;
  Trigger             trigger;
  GRand              *rand;
  gint64              run_us;       /* how long an edit takes, from the first one */
  gint64              writing_us;   /* of which after its reply started */
  gsize               body_bytes;   /* the size of its request body */

  GHashTable         *hashes;       /* the history's files as the last check left them */
  GHashTable         *verified;     /* ids of entries decoded and rebuilt as a job */

  guint               runs;
  guint               kills[N_KILL_POINTS];
  guint               finished;     /* the edit ended before its kill point came */
  guint               absent;       /* killed before its entry was committed */
  guint               entries_checked;
  GPtrArray          *interrupted;  /* ids of entries left interrupted */
} Fixture;

/* ---- Killing --------------------------------------------------------------------------- */

static void
on_event (RpFakeEvent  event,
          const char  *method,
          const char  *path,
          gsize        bytes,
          gpointer     user_data)
{
  Trigger *t = user_data;
  gboolean hit = FALSE;

  g_mutex_lock (&t->lock);
  if (t->pid != 0 && !t->fired && g_str_equal (method, "POST"))
    {
      switch (event)
        {
        case RP_FAKE_EVENT_HEADERS:
          hit = t->point == KILL_AT_HEADERS;
          break;
        case RP_FAKE_EVENT_BODY:
          hit = t->point == KILL_IN_BODY && bytes >= t->threshold;
          break;
        case RP_FAKE_EVENT_ANSWER:
          hit = t->point == KILL_ANSWERING;
          t->answered_us = g_get_monotonic_time ();
          g_cond_broadcast (&t->answered_cond);
          break;
        case RP_FAKE_EVENT_REPLY:
          hit = t->point == KILL_IN_REPLY && ++t->pieces >= t->threshold;
          break;
        default:
          break;
        }
      if (hit)
        {
          t->fired = TRUE;
          kill (t->pid, SIGKILL);
        }
    }
  g_mutex_unlock (&t->lock);
}

static void
arm (Trigger   *t,
     GPid       pid,
     KillPoint  point,
     gsize      threshold)
{
  g_mutex_lock (&t->lock);
  t->pid = pid;
  t->point = point;
  t->threshold = threshold;
  t->pieces = 0;
  t->fired = FALSE;
  t->answered_us = 0;
  g_mutex_unlock (&t->lock);
}

/* When the armed run's reply started, waiting for it up to @deadline_us; 0 if never. */
static gint64
wait_answered (Trigger *t,
               gint64   deadline_us)
{
  gint64 when;

  g_mutex_lock (&t->lock);
  while (t->answered_us == 0 && g_cond_wait_until (&t->answered_cond, &t->lock, deadline_us))
    ;
  when = t->answered_us;
  g_mutex_unlock (&t->lock);
  return when;
}

static gboolean
disarm (Trigger *t)
{
  gboolean fired;

  g_mutex_lock (&t->lock);
  t->pid = 0;
  fired = t->fired;
  g_mutex_unlock (&t->lock);
  return fired;
}

/* ---- The history on disk --------------------------------------------------------------- */

typedef struct
{
  GFile      *root;
  GHashTable *hashes;   /* relative path → SHA-1 */
} Hashing;

static void
hash_file (GFile    *file,
           gpointer  user_data)
{
  Hashing *h = user_data;
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);

  g_assert_nonnull (bytes);
  g_hash_table_insert (h->hashes, g_file_get_relative_path (h->root, file),
                       g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, bytes));
}

static GHashTable *
hash_history (Fixture *f)
{
  g_autoptr(GFile) root = g_file_new_for_path (f->history_dir);
  Hashing h = { root, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };

  rp_test_for_each_file (root, hash_file, &h);
  return h.hashes;
}

/* Every file of the entries that were there before is still there, byte for byte; the
 * only new files belong to at most one new entry. */
static void
assert_others_untouched (GHashTable *before,
                         GHashTable *after)
{
  g_autoptr(GHashTable) new_entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) old_entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer path, hash;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &path, &hash))
    {
      const char *now = g_hash_table_lookup (after, path);

      if (g_strcmp0 (now, hash) != 0)
        g_error ("%s of an earlier entry %s", (char *) path, now ? "changed" : "vanished");
      g_hash_table_add (old_entries, g_strndup (path, strcspn (path, "/")));
    }
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &path, &hash))
    {
      g_autofree char *entry = g_strndup (path, strcspn (path, "/"));

      if (!g_hash_table_contains (old_entries, entry))
        g_hash_table_add (new_entries, g_steal_pointer (&entry));
    }
  g_assert_cmpuint (g_hash_table_size (new_entries), <=, 1);
}

static void
assert_image_readable (GFile *file,
                       int    width,
                       int    height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_load_file (file, NULL, &error);

  g_assert_no_error (error);
  if (width > 0)
    {
      g_assert_cmpint (rp_image_get_width (image), ==, width);
      g_assert_cmpint (rp_image_get_height (image), ==, height);
    }
}

static void
assert_file_there (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;

  g_assert_nonnull (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_file_info_get_size (info), >, 0);
}

/* Done with its results, or finished otherwise with what a retry needs. An entry seen
 * for the first time is decoded and rebuilt as a job; later its files are compared byte
 * for byte (assert_others_untouched()), which says the same for less. */
static void
assert_entry_whole (Fixture        *f,
                    RpHistoryEntry *entry)
{
  RpHistoryStatus status = rp_history_entry_get_status (entry);
  gboolean deep = !g_hash_table_contains (f->verified, rp_history_entry_get_id (entry));
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (status, !=, RP_HISTORY_STATUS_PENDING);
  g_assert_true (rp_history_entry_has_source (entry));
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), >, 0);
  for (guint i = 0; i < rp_history_entry_get_n_inputs (entry); i++)
    {
      g_autoptr(GFile) input = rp_history_entry_get_input (entry, i, NULL);

      assert_file_there (input);
      if (deep)
        assert_image_readable (input, 0, 0);
    }
  if (status == RP_HISTORY_STATUS_DONE)
    {
      g_assert_cmpuint (rp_history_entry_get_n_outputs (entry), >, 0);
      for (guint i = 0; i < rp_history_entry_get_n_outputs (entry); i++)
        {
          g_autoptr(GFile) raw = rp_history_entry_get_output (entry, i);
          g_autoptr(GFile) composite = rp_history_entry_get_composite (entry, i);

          assert_file_there (raw);
          assert_file_there (composite);
          if (deep)
            {
              assert_image_readable (raw, 0, 0);
              assert_image_readable (composite, 320, 240);
            }
        }
    }
  else if (deep)
    {
      RpProvider *provider = rp_job_find_entry_provider (entry, f->registry, &error);
      g_autoptr(RpJob) job = NULL;

      g_assert_no_error (error);
      job = rp_job_new_from_entry (entry, provider, FALSE, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (job);
      g_assert_cmpint (rp_image_get_width (rp_job_get_image (job)), ==, 320);
    }
  g_hash_table_add (f->verified, g_strdup (rp_history_entry_get_id (entry)));
}

/* Nothing hidden may stay behind a restart: a draft of a dead process is removed, and a
 * half-written file (.part, or GIO's hidden one while it rewrites meta.json) only lives
 * while its edit runs. */
static void
assert_no_leftovers (GFile *dir)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          g_autoptr(GFile) child = g_file_get_child (dir, name);

          if (name[0] == '.')
            g_error ("%s left in the history", name);
          assert_no_leftovers (child);
        }
      else if (g_str_has_suffix (name, ".part") || name[0] == '.')
        g_error ("%s left in %s", name, g_file_peek_path (dir));
      g_object_unref (info);
    }
}

/* What the next start sees; returns how many entries there are. */
static guint
check_history (Fixture *f)
{
  g_autoptr(GFile) dir = g_file_new_for_path (f->history_dir);
  g_autoptr(RpHistory) history = rp_history_new (dir);
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert_true (rp_history_load (history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_history_get_n_skipped (history), ==, 0);
  assert_no_leftovers (dir);
  n = g_list_model_get_n_items (G_LIST_MODEL (history));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);
      const char *id = rp_history_entry_get_id (entry);

      g_assert_true (id[0] != '.');
      assert_entry_whole (f, entry);
      if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_INTERRUPTED &&
          !g_ptr_array_find_with_equal_func (f->interrupted, id, g_str_equal, NULL))
        g_ptr_array_add (f->interrupted, g_strdup (id));
    }
  f->entries_checked += n;
  g_clear_pointer (&f->hashes, g_hash_table_unref);
  f->hashes = hash_history (f);
  return n;
}

/* ---- Runs -------------------------------------------------------------------------------- */

/* Its output is not read: a full pipe would stall it. */
static GSubprocess *
spawn_edit (Fixture   *f,
            ReplyMode  mode)
{
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  g_autoptr(GSubprocessLauncher) launcher = rp_test_cli_launcher (f->dir, flags, "OPENAI_API_KEY", TEST_KEY);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  const char *argv[] = {
    rp_test_cli_path (), "edit", "--provider", "openai", "--image", f->photo, "--mask-rect", MASK_RECT,
    "--prompt", "a paper boat", "--base-url", f->base_url, "--output", "out",
    "--param", "stream=true", "--param", "partial_images=2", NULL
  };

  if (mode != REPLY_STREAM)
    argv[G_N_ELEMENTS (argv) - 5] = NULL;
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return proc;
}

static void
prepare_provider (Fixture   *f,
                  ReplyMode  mode)
{
  rp_fake_provider_reset (f->fake);
  rp_fake_provider_set_sse_interval (f->fake, SSE_PAUSE_MS);
  if (mode == REPLY_DRIP)
    {
      RpFakeFault drip = { RP_FAKE_DRIP, .delay_ms = DRIP_PAUSE_MS, .bytes = DRIP_BYTES };

      rp_fake_provider_push_fault (f->fake, "/images/edits", &drip);
    }
}

/* One edit to its end, untouched: how long it takes and how large its request is. */
static void
calibrate (Fixture *f)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  prepare_provider (f, REPLY_DRIP);
  proc = spawn_edit (f, REPLY_DRIP);
  arm (&f->trigger, atoi (g_subprocess_get_identifier (proc)), N_KILL_POINTS, 0);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (disarm (&f->trigger));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  f->run_us = g_get_monotonic_time () - t0;
  f->writing_us = g_get_monotonic_time () - f->trigger.answered_us;
  request = rp_fake_provider_get_request (f->fake, 0);
  f->body_bytes = g_bytes_get_size (rp_fake_request_get_body (request));
  g_assert_cmpuint (f->body_bytes, >, 0);
  g_test_message ("one edit: %.0f ms, %.0f ms of it after the reply began; a %" G_GSIZE_FORMAT
                  "-byte request", f->run_us / 1000.0, f->writing_us / 1000.0, f->body_bytes);
  check_history (f);
}

static void
run_once (Fixture *f)
{
  KillPoint point = g_rand_int_range (f->rand, 0, N_KILL_POINTS);
  ReplyMode mode = point == KILL_IN_REPLY ? g_rand_int_range (f->rand, REPLY_STREAM, N_REPLY_MODES)
                                          : g_rand_int_range (f->rand, 0, N_REPLY_MODES);
  g_autoptr(GHashTable) before = g_hash_table_ref (f->hashes);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  guint n_before = g_hash_table_size (f->verified);
  gsize threshold = 0;
  gboolean killed;

  if (point == KILL_IN_BODY)
    threshold = g_rand_int_range (f->rand, 1, (gint32) MIN (f->body_bytes, G_MAXINT32));
  else if (point == KILL_IN_REPLY)
    threshold = g_rand_int_range (f->rand, 1, 4);

  prepare_provider (f, mode);
  proc = spawn_edit (f, mode);
  if (point == KILL_AFTER_DELAY)
    {
      g_usleep (g_rand_int_range (f->rand, 0, (gint32) (f->run_us * 6 / 5) + 1));
      /* Nothing happens if it has ended already. */
      g_subprocess_send_signal (proc, SIGKILL);
    }
  else
    {
      /* The process lives at least until its request reaches the provider. */
      g_assert_nonnull (g_subprocess_get_identifier (proc));
      arm (&f->trigger, atoi (g_subprocess_get_identifier (proc)), point, threshold);
    }
  if (point == KILL_WRITING &&
      wait_answered (&f->trigger, g_get_monotonic_time () + 30 * G_USEC_PER_SEC) != 0)
    {
      g_usleep (g_rand_int_range (f->rand, 0, (gint32) f->writing_us + 1));
      g_subprocess_send_signal (proc, SIGKILL);
    }
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  disarm (&f->trigger);

  killed = g_subprocess_get_if_signaled (proc);
  if (killed)
    {
      g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
      f->kills[point]++;
    }
  else
    {
      /* The edit was over before its moment came: it must have succeeded. */
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
      f->finished++;
    }
  f->runs++;
  if (check_history (f) == n_before)
    {
      g_assert_true (killed);
      f->absent++;
    }
  assert_others_untouched (before, f->hashes);
}

/* The person presses Retry on a few of the interrupted edits: each completes. */
static void
retry_some (Fixture *f,
            guint   *retried)
{
  for (guint i = 0; i < f->interrupted->len && *retried < N_RETRIES; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        rp_test_cli_launcher (f->dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              "OPENAI_API_KEY", TEST_KEY);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      rp_fake_provider_reset (f->fake);
      proc = g_subprocess_launcher_spawn (launcher, &error, rp_test_cli_path (), "edit", "--retry",
                                          (char *) f->interrupted->pdata[i], "--base-url", f->base_url,
                                          "--output", "retried", "--json", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                      "status"), ==, "done");
      (*retried)++;
    }
  check_history (f);
}

static void
test_kills (Fixture       *f,
            gconstpointer  data)
{
  const char *runs_text = g_getenv ("REPAINT_CRASH_RUNS");
  const char *seed_text = g_getenv ("REPAINT_CRASH_SEED");
  guint runs = runs_text ? (guint) g_ascii_strtoull (runs_text, NULL, 10) : DEFAULT_RUNS;
  guint32 seed = seed_text ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : g_random_int ();
  guint retried = 0, n_killed = 0;

  g_test_message ("seed %u (REPAINT_CRASH_SEED=%u replays these runs)", seed, seed);
  f->rand = g_rand_new_with_seed (seed);
  calibrate (f);
  for (guint i = 0; i < runs; i++)
    run_once (f);
  retry_some (f, &retried);

  for (guint i = 0; i < N_KILL_POINTS; i++)
    {
      g_test_message ("killed %s: %u", point_names[i], f->kills[i]);
      n_killed += f->kills[i];
    }
  g_test_message ("runs: %u, killed: %u (%u before their entry was written), over before the kill: %u",
                  f->runs, n_killed, f->absent, f->finished);
  g_test_message ("entries checked after the kills: %u (%u decoded and rebuilt as jobs); interrupted: %u; "
                  "retried to done: %u", f->entries_checked, g_hash_table_size (f->verified),
                  f->interrupted->len, retried);
  g_assert_cmpuint (n_killed, >, 0);
  if (runs >= DEFAULT_RUNS)
    g_assert_cmpuint (retried, ==, N_RETRIES);
}

/* ---- Fixture ----------------------------------------------------------------------------- */

/* Gradients: small files, so that forty edits' worth of journal is quick to check. */
static GdkPixbuf *
smooth_photo (int width,
              int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf);

      for (int x = 0; x < width; x++)
        {
          row[3 * x + 0] = x * 255 / width;
          row[3 * x + 1] = y * 255 / height;
          row[3 * x + 2] = (x + y) * 255 / (width + height);
        }
    }
  return pixbuf;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pixbuf = smooth_photo (320, 240);
  g_autofree char *user_dir = NULL;
  g_autofree char *cache_dir = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = rp_test_tmpdir ();
  f->photo = g_build_filename (f->dir, "photo.png", NULL);
  gdk_pixbuf_save (pixbuf, f->photo, "png", &error, NULL);
  g_assert_no_error (error);
  f->history_dir = g_build_filename (f->dir, "data", "repaint", "history", NULL);
  user_dir = g_build_filename (f->dir, "config", "repaint", "providers", NULL);
  cache_dir = g_build_filename (f->dir, "cache", "repaint", NULL);
  f->registry = rp_provider_registry_new (user_dir, cache_dir);
  rp_provider_registry_load (f->registry);
  f->interrupted = g_ptr_array_new_with_free_func (g_free);
  f->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&f->trigger.lock);
  g_cond_init (&f->trigger.answered_cond);
  f->fake = rp_fake_provider_new ();
  f->base_url = rp_fake_provider_url (f->fake, "/v1");
  rp_fake_provider_set_event_hook (f->fake, on_event, &f->trigger);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rp_fake_provider_set_event_hook (f->fake, NULL, NULL);
  g_clear_object (&f->fake);
  g_clear_object (&f->registry);
  g_clear_pointer (&f->rand, g_rand_free);
  g_clear_pointer (&f->interrupted, g_ptr_array_unref);
  g_clear_pointer (&f->verified, g_hash_table_unref);
  g_clear_pointer (&f->hashes, g_hash_table_unref);
  g_mutex_clear (&f->trigger.lock);
  g_cond_clear (&f->trigger.answered_cond);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
  g_free (f->photo);
  g_free (f->history_dir);
  g_free (f->base_url);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/crash/kill-anywhere", Fixture, NULL, fixture_setup, test_kills, fixture_teardown);

  return g_test_run ();
}
