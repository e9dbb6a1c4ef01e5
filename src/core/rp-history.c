/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-history"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "rp-file-util.h"
#include "rp-history.h"
#include "rp-history-private.h"

/* Hidden folders in the history directory: a draft still being written, and an entry
 * deleted by the person but still undoable. Neither is ever listed. */
#define DRAFT_PREFIX ".draft-"
#define TRASH_PREFIX ".trash-"
#define OWNER_FILE "owner"
/* "PID START_TIME BOOT_ID": a few dozen bytes. */
#define MAX_OWNER_BYTES 256

struct _RpHistory
{
  GObject    parent_instance;

  GFile     *dir;
  GPtrArray *entries;   /* RpHistoryEntry, newest first */
  GPtrArray *trashed;   /* RpHistoryEntry whose folder is .trash-<id> */
  guint      n_skipped;
};

struct _RpHistoryDraft
{
  RpHistory  *history;
  GFile      *dir;
  char       *id;
  JsonArray  *inputs;
  JsonObject *source;
  gboolean    committed;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpHistory, rp_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return RP_TYPE_HISTORY_ENTRY;
}

static guint
get_n_items (GListModel *model)
{
  return RP_HISTORY (model)->entries->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  RpHistory *self = RP_HISTORY (model);

  if (position >= self->entries->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
rp_history_finalize (GObject *object)
{
  RpHistory *self = RP_HISTORY (object);

  g_clear_object (&self->dir);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->trashed, g_ptr_array_unref);

  G_OBJECT_CLASS (rp_history_parent_class)->finalize (object);
}

static void
rp_history_class_init (RpHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_history_finalize;
}

static void
rp_history_init (RpHistory *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  self->trashed = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * rp_history_new:
 * @dir: (nullable): the history folder; %NULL for `$XDG_DATA_HOME/repaint/history`
 *
 * Returns: (transfer full): an empty history; call rp_history_load() to read it
 */
RpHistory *
rp_history_new (GFile *dir)
{
  RpHistory *self = g_object_new (RP_TYPE_HISTORY, NULL);

  if (dir != NULL)
    self->dir = g_object_ref (dir);
  else
    {
      g_autofree char *path = g_build_filename (g_get_user_data_dir (), "repaint", "history", NULL);
      self->dir = g_file_new_for_path (path);
    }
  return self;
}

/**
 * rp_history_get_dir:
 *
 * Returns: (transfer none): the history folder
 */
GFile *
rp_history_get_dir (RpHistory *self)
{
  g_return_val_if_fail (RP_IS_HISTORY (self), NULL);
  return self->dir;
}

static gboolean
ensure_dir (GFile   *dir,
            GError **error)
{
  g_autofree char *path = g_file_get_path (dir);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            delete_tree (child);
          else
            g_file_delete (child, NULL, NULL);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

/* A draft whose writer is gone was never uploaded: it is deleted, not recovered. */
static gboolean
draft_owner_alive (GFile *dir)
{
  g_autoptr(GFile) owner = g_file_get_child (dir, OWNER_FILE);
  g_autofree char *text = NULL;
  g_autofree char *boot = rp_history_boot_id ();
  g_auto(GStrv) parts = NULL;
  gint64 pid;
  guint64 start;

  text = rp_file_load_capped (owner, MAX_OWNER_BYTES, NULL, NULL, NULL);
  if (text == NULL)
    return FALSE;
  parts = g_strsplit (g_strstrip (text), " ", 3);
  /* A start time of 0 is what a vanished process reports: it cannot prove one alive. */
  if (g_strv_length (parts) != 3 || g_strcmp0 (parts[2], boot) != 0 ||
      !g_ascii_string_to_signed (parts[0], 10, 1, G_MAXINT, &pid, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT64, &start, NULL))
    return FALSE;
  return rp_history_process_start_time (pid) == start;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  RpHistoryEntry *ea = *(RpHistoryEntry **) a;
  RpHistoryEntry *eb = *(RpHistoryEntry **) b;
  int c = g_date_time_compare (rp_history_entry_get_created (eb), rp_history_entry_get_created (ea));

  return c != 0 ? c : g_strcmp0 (rp_history_entry_get_id (eb), rp_history_entry_get_id (ea));
}

typedef struct
{
  GPtrArray *entries;
  guint      skipped;
} Scan;

static void
scan_free (Scan *scan)
{
  g_ptr_array_unref (scan->entries);
  g_free (scan);
}

static int
compare_names_descending (gconstpointer a,
                          gconstpointer b)
{
  return strcmp (*(const char **) b, *(const char **) a);
}

/* Lists the folders that may be entries, newest name first (an entry's id starts with
 * the time it was made), and removes leftovers on the way: abandoned drafts and trash
 * from an earlier run. */
static GPtrArray *
list_entry_names (GFile         *dir,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GFileInfo *info;

  if (!ensure_dir (dir, error))
    return NULL;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return NULL;

  while ((info = g_file_enumerator_next_file (children, cancellable, &local_error)) != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autoptr(GFile) child = g_file_get_child (dir, name);

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
        ;
      else if (g_str_has_prefix (name, TRASH_PREFIX))
        delete_tree (child);
      else if (g_str_has_prefix (name, DRAFT_PREFIX))
        {
          if (!draft_owner_alive (child))
            delete_tree (child);
        }
      else if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
      g_object_unref (info);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_ptr_array_sort (names, compare_names_descending);
  return g_steal_pointer (&names);
}

/* Reads the meta.json of @names[@from] up to @to and marks pending entries of dead
 * processes interrupted. Corrupt or foreign folders are skipped with a log line and left
 * untouched. The scan comes out newest first. */
static Scan *
scan_names (GFile     *dir,
            GPtrArray *names,
            guint      from,
            guint      to)
{
  Scan *scan = g_new0 (Scan, 1);

  scan->entries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = from; i < to; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GFile) child = g_file_get_child (dir, name);
      g_autoptr(GError) entry_error = NULL;
      RpHistoryEntry *entry = rp_history_entry_load (child, &entry_error);

      if (entry == NULL)
        {
          g_message ("Skipping %s: %s", name, entry_error->message);
          scan->skipped++;
          continue;
        }
      if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_PENDING &&
          !rp_history_entry_get_process_alive (entry))
        {
          g_autoptr(GError) mark_error = NULL;

          if (!rp_history_entry_mark_interrupted (entry, &mark_error))
            g_message ("Could not mark %s interrupted: %s", name, mark_error->message);
        }
      g_ptr_array_add (scan->entries, entry);
    }
  g_ptr_array_sort (scan->entries, compare_newest_first);
  return scan;
}

/* Reads every entry's meta.json (see scan_names()). */
static Scan *
scan_dir (GFile         *dir,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GPtrArray) names = list_entry_names (dir, cancellable, error);

  return names != NULL ? scan_names (dir, names, 0, names->len) : NULL;
}

static GHashTable *
index_by_id (GPtrArray *entries)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  for (i = 0; i < entries->len; i++)
    g_hash_table_insert (index, (gpointer) rp_history_entry_get_id (g_ptr_array_index (entries, i)),
                         g_ptr_array_index (entries, i));
  return index;
}

/* Merges a scan into the list. A scan may finish after jobs inserted new entries or the
 * person deleted some: those changes win. Listed entries keep their objects, so views and
 * running jobs keep watching the same ones. */
static void
apply_scan (RpHistory *self,
            Scan      *scan)
{
  g_autoptr(GPtrArray) merged = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) listed = index_by_id (self->entries);
  g_autoptr(GHashTable) trashed = index_by_id (self->trashed);
  g_autoptr(GHashTable) scanned = index_by_id (scan->entries);
  guint removed = self->entries->len;
  guint i;

  for (i = 0; i < scan->entries->len; i++)
    {
      RpHistoryEntry *entry = g_ptr_array_index (scan->entries, i);
      const char *id = rp_history_entry_get_id (entry);
      RpHistoryEntry *current = g_hash_table_lookup (listed, id);

      if (!g_hash_table_contains (trashed, id))
        g_ptr_array_add (merged, g_object_ref (current ? current : entry));
    }
  for (i = 0; i < self->entries->len; i++)
    {
      RpHistoryEntry *entry = g_ptr_array_index (self->entries, i);

      if (!g_hash_table_contains (scanned, rp_history_entry_get_id (entry)))
        g_ptr_array_add (merged, g_object_ref (entry));
    }
  g_ptr_array_sort (merged, compare_newest_first);

  g_ptr_array_set_size (self->entries, 0);
  g_ptr_array_extend_and_steal (self->entries, g_steal_pointer (&merged));
  self->n_skipped = scan->skipped;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->entries->len);
}

/**
 * rp_history_load:
 *
 * Reads the history (blocking): only each entry's small meta.json.
 */
gboolean
rp_history_load (RpHistory     *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Scan *scan;

  g_return_val_if_fail (RP_IS_HISTORY (self), FALSE);

  scan = scan_dir (self->dir, cancellable, error);
  if (scan == NULL)
    return FALSE;
  apply_scan (self, scan);
  scan_free (scan);
  return TRUE;
}

/* The newest entries are listed first, in a small batch, so that the gallery shows them
 * at once however long the history is; the rest follow in larger batches. */
#define FIRST_BATCH 48
#define NEXT_BATCH  400

typedef struct
{
  RpHistory *self;
  Scan      *scan;
} Batch;

static void
batch_free (Batch *batch)
{
  g_object_unref (batch->self);
  scan_free (batch->scan);
  g_free (batch);
}

/* Where @entry goes in the newest-first list. */
static guint
sorted_position (RpHistory      *self,
                 RpHistoryEntry *entry)
{
  guint low = 0, high = self->entries->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (compare_newest_first (&g_ptr_array_index (self->entries, mid), &entry) <= 0)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* Adds a batch of a load, leaving listed and deleted entries as they are. Batches come
 * newest first by folder name, so they normally extend the list at its end in one step;
 * an entry whose recorded time disagrees with its name goes to its own place. */
static gboolean
apply_batch (gpointer data)
{
  Batch *batch = data;
  RpHistory *self = batch->self;
  g_autoptr(GHashTable) listed = index_by_id (self->entries);
  g_autoptr(GHashTable) trashed = index_by_id (self->trashed);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  guint old_len = self->entries->len;
  gboolean at_end = TRUE;

  self->n_skipped += batch->scan->skipped;
  for (guint i = 0; i < batch->scan->entries->len; i++)
    {
      RpHistoryEntry *entry = g_ptr_array_index (batch->scan->entries, i);
      const char *id = rp_history_entry_get_id (entry);

      if (g_hash_table_contains (listed, id) || g_hash_table_contains (trashed, id))
        continue;
      g_ptr_array_add (fresh, entry);
    }
  if (fresh->len == 0)
    return G_SOURCE_REMOVE;
  /* The batch is sorted: it extends the list if its newest is older than the list's last. */
  if (old_len > 0)
    at_end = compare_newest_first (&g_ptr_array_index (self->entries, old_len - 1),
                                   &g_ptr_array_index (fresh, 0)) <= 0;
  if (at_end)
    {
      for (guint i = 0; i < fresh->len; i++)
        g_ptr_array_add (self->entries, g_object_ref (g_ptr_array_index (fresh, i)));
      g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, fresh->len);
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < fresh->len; i++)
    {
      RpHistoryEntry *entry = g_ptr_array_index (fresh, i);
      guint position = sorted_position (self, entry);

      g_ptr_array_insert (self->entries, position, g_object_ref (entry));
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    }
  return G_SOURCE_REMOVE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RpHistory *self = RP_HISTORY (source_object);
  GError *error = NULL;
  g_autoptr(GPtrArray) names = list_entry_names (self->dir, cancellable, &error);
  guint from = 0;

  if (names == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while (from < names->len)
    {
      guint to = MIN (names->len, from + (from == 0 ? FIRST_BATCH : NEXT_BATCH));
      Batch *batch = g_new0 (Batch, 1);

      if (g_task_return_error_if_cancelled (task))
        return;
      batch->self = g_object_ref (self);
      batch->scan = scan_names (self->dir, names, from, to);
      /* Batches and the task's end reach the caller's context in this order, at the
       * task's priority: below redrawing, so that a window shows each batch. */
      g_main_context_invoke_full (g_task_get_context (task), g_task_get_priority (task), apply_batch,
                                  batch, (GDestroyNotify) batch_free);
      from = to;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * rp_history_load_async:
 *
 * Reads the history in a worker thread: only each entry's small meta.json. Entries are
 * listed as they are read, newest first, in batches; the load has finished when @callback
 * runs.
 */
void
rp_history_load_async (RpHistory           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RP_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_history_load_async);
  g_task_set_priority (task, G_PRIORITY_DEFAULT_IDLE);
  self->n_skipped = 0;
  g_task_run_in_thread (task, load_thread);
}

gboolean
rp_history_load_finish (RpHistory     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Folders that could not be read at the last load (corrupt, foreign, newer format). */
guint
rp_history_get_n_skipped (RpHistory *self)
{
  g_return_val_if_fail (RP_IS_HISTORY (self), 0);
  return self->n_skipped;
}

/**
 * rp_history_lookup:
 *
 * Returns: (transfer none) (nullable): the listed entry with @id
 */
RpHistoryEntry *
rp_history_lookup (RpHistory  *self,
                   const char *id)
{
  guint i;

  g_return_val_if_fail (RP_IS_HISTORY (self), NULL);

  for (i = 0; i < self->entries->len; i++)
    if (g_strcmp0 (rp_history_entry_get_id (g_ptr_array_index (self->entries, i)), id) == 0)
      return g_ptr_array_index (self->entries, i);
  return NULL;
}

/**
 * rp_history_insert:
 * @entry: a committed entry
 *
 * Lists @entry in its place (newest first). Main thread only: this changes the model.
 */
void
rp_history_insert (RpHistory      *self,
                   RpHistoryEntry *entry)
{
  guint i;

  g_return_if_fail (RP_IS_HISTORY (self));
  g_return_if_fail (RP_IS_HISTORY_ENTRY (entry));

  if (rp_history_lookup (self, rp_history_entry_get_id (entry)) != NULL)
    return;
  for (i = 0; i < self->entries->len; i++)
    if (compare_newest_first (&entry, &g_ptr_array_index (self->entries, i)) < 0)
      break;
  g_ptr_array_insert (self->entries, i, g_object_ref (entry));
  g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
}

static gboolean
rename_entry (RpHistoryEntry  *entry,
              GFile           *to,
              GError         **error)
{
  return g_file_move (rp_history_entry_get_dir (entry), to, G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                      NULL, NULL, NULL, error);
}

/**
 * rp_history_trash:
 *
 * Removes @entry from the list and hides its folder so that rp_history_restore() can bring
 * it back (the Undo of a "deleted" toast); rp_history_purge_trash() deletes it for good.
 */
gboolean
rp_history_trash (RpHistory       *self,
                  RpHistoryEntry  *entry,
                  GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GFile) hidden = NULL;
  guint position;

  g_return_val_if_fail (RP_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), FALSE);

  if (!g_ptr_array_find (self->entries, entry, &position))
    return TRUE;
  name = g_strconcat (TRASH_PREFIX, rp_history_entry_get_id (entry), NULL);
  hidden = g_file_get_child (self->dir, name);
  if (!rename_entry (entry, hidden, error))
    return FALSE;
  g_ptr_array_add (self->trashed, g_object_ref (entry));
  g_ptr_array_remove_index (self->entries, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

gboolean
rp_history_restore (RpHistory       *self,
                    RpHistoryEntry  *entry,
                    GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GFile) hidden = NULL;
  guint position;

  g_return_val_if_fail (RP_IS_HISTORY (self), FALSE);

  if (!g_ptr_array_find (self->trashed, entry, &position))
    return FALSE;
  name = g_strconcat (TRASH_PREFIX, rp_history_entry_get_id (entry), NULL);
  hidden = g_file_get_child (self->dir, name);
  if (!g_file_move (hidden, rp_history_entry_get_dir (entry), G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    NULL, NULL, NULL, error))
    return FALSE;
  rp_history_insert (self, entry);
  g_ptr_array_remove_index (self->trashed, position);
  return TRUE;
}

/**
 * rp_history_purge:
 * @entry: an entry moved to the trash with rp_history_trash()
 *
 * Deletes the trashed @entry for good (its Undo toast went away).
 */
void
rp_history_purge (RpHistory      *self,
                  RpHistoryEntry *entry)
{
  g_autofree char *name = NULL;
  g_autoptr(GFile) hidden = NULL;
  guint position;

  g_return_if_fail (RP_IS_HISTORY (self));

  if (!g_ptr_array_find (self->trashed, entry, &position))
    return;
  name = g_strconcat (TRASH_PREFIX, rp_history_entry_get_id (entry), NULL);
  hidden = g_file_get_child (self->dir, name);
  delete_tree (hidden);
  g_ptr_array_remove_index (self->trashed, position);
}

void
rp_history_purge_trash (RpHistory *self)
{
  guint i;

  g_return_if_fail (RP_IS_HISTORY (self));

  for (i = 0; i < self->trashed->len; i++)
    {
      RpHistoryEntry *entry = g_ptr_array_index (self->trashed, i);
      g_autofree char *name = g_strconcat (TRASH_PREFIX, rp_history_entry_get_id (entry), NULL);
      g_autoptr(GFile) hidden = g_file_get_child (self->dir, name);

      delete_tree (hidden);
    }
  g_ptr_array_set_size (self->trashed, 0);
}

/**
 * rp_history_clear:
 *
 * Deletes every finished entry for good (entries still running are kept).
 */
gboolean
rp_history_clear (RpHistory  *self,
                  GError    **error)
{
  guint i = 0;

  g_return_val_if_fail (RP_IS_HISTORY (self), FALSE);

  while (i < self->entries->len)
    {
      RpHistoryEntry *entry = g_ptr_array_index (self->entries, i);

      if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_PENDING)
        i++;
      else if (!rp_history_trash (self, entry, error))
        return FALSE;
    }
  rp_history_purge_trash (self);
  return TRUE;
}

static char *
new_id (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%03d-%06x", stamp, g_date_time_get_microsecond (now) / 1000,
                          g_random_int_range (0, 0xffffff));
}

static char *
owner_line (void)
{
  g_autofree char *boot = rp_history_boot_id ();
  int pid = getpid ();

  return g_strdup_printf ("%d %" G_GUINT64_FORMAT " %s\n", pid, rp_history_process_start_time (pid),
                          boot ? boot : "");
}

/**
 * rp_history_draft_new:
 *
 * Starts a new entry in a hidden folder (0700) of the history directory. Thread-safe.
 *
 * Returns: (transfer full): the draft, or %NULL with @error set
 */
RpHistoryDraft *
rp_history_draft_new (RpHistory  *self,
                      GError    **error)
{
  g_autoptr(GFile) owner = NULL;
  g_autofree char *name = NULL;
  g_autofree char *line = owner_line ();
  g_autofree char *path = NULL;
  RpHistoryDraft *draft;

  g_return_val_if_fail (RP_IS_HISTORY (self), NULL);

  if (!ensure_dir (self->dir, error))
    return NULL;
  draft = g_new0 (RpHistoryDraft, 1);
  draft->history = g_object_ref (self);
  draft->id = new_id ();
  draft->inputs = json_array_new ();
  name = g_strconcat (DRAFT_PREFIX, draft->id, NULL);
  draft->dir = g_file_get_child (self->dir, name);
  path = g_file_get_path (draft->dir);
  if (g_mkdir (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create %s: %s", path, g_strerror (saved));
      rp_history_draft_free (draft);
      return NULL;
    }
  owner = g_file_get_child (draft->dir, OWNER_FILE);
  if (!g_file_replace_contents (owner, line, strlen (line), NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                NULL, NULL, error))
    {
      rp_history_draft_free (draft);
      return NULL;
    }
  return draft;
}

/**
 * rp_history_draft_get_dir:
 *
 * Returns: (transfer none): the hidden folder being written
 */
GFile *
rp_history_draft_get_dir (RpHistoryDraft *draft)
{
  g_return_val_if_fail (draft != NULL, NULL);
  return draft->dir;
}

/**
 * rp_history_draft_create_input:
 * @extension: e.g. "png"
 * @file: (out) (transfer full): the file being written
 *
 * Opens a private file for an input as it will be sent (the encoded crop, the mask, a
 * reference). Register it with rp_history_draft_add_input() once written.
 *
 * Returns: (transfer full): a stream to write the exact bytes that will be uploaded
 */
GOutputStream *
rp_history_draft_create_input (RpHistoryDraft  *draft,
                               RpHistoryRole    role,
                               const char      *extension,
                               GFile          **file,
                               GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GFile) child = NULL;
  GFileOutputStream *stream;
  guint i, n = json_array_get_length (draft->inputs);

  g_return_val_if_fail (draft != NULL && !draft->committed, NULL);

  /* Unregistered files do not advance the numbering: count existing names. */
  for (i = 0;; i++)
    {
      g_clear_pointer (&name, g_free);
      g_clear_object (&child);
      name = g_strdup_printf ("input-%u-%s.%s", n + i, rp_history_role_to_string (role), extension);
      child = g_file_get_child (draft->dir, name);
      if (!g_file_query_exists (child, NULL))
        break;
    }
  stream = g_file_create (child, G_FILE_CREATE_PRIVATE, NULL, error);
  if (stream == NULL)
    return NULL;
  if (file != NULL)
    *file = g_steal_pointer (&child);
  return G_OUTPUT_STREAM (stream);
}

/**
 * rp_history_draft_add_input:
 * @file: a file inside the draft (from rp_history_draft_create_input())
 * @mime: its content type
 *
 * Records an input in the order it will be sent.
 */
gboolean
rp_history_draft_add_input (RpHistoryDraft  *draft,
                            RpHistoryRole    role,
                            GFile           *file,
                            const char      *mime,
                            int              width,
                            int              height,
                            GError         **error)
{
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *name = NULL;
  JsonObject *object;

  g_return_val_if_fail (draft != NULL && !draft->committed, FALSE);

  parent = g_file_get_parent (file);
  if (parent == NULL || !g_file_equal (parent, draft->dir))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Inputs must be written inside the draft");
      return FALSE;
    }
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, error);
  if (info == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  object = json_object_new ();
  json_object_set_string_member (object, "role", rp_history_role_to_string (role));
  json_object_set_string_member (object, "file", name);
  json_object_set_string_member (object, "mime", mime);
  json_object_set_int_member (object, "bytes", g_file_info_get_size (info));
  if (width > 0 && height > 0)
    {
      json_object_set_int_member (object, "width", width);
      json_object_set_int_member (object, "height", height);
    }
  json_array_add_object_element (draft->inputs, object);
  return TRUE;
}

/**
 * rp_history_draft_copy_input:
 * @source: a file to send unchanged (e.g. the original photo or a reference)
 *
 * Copies @source into the draft byte for byte and records it.
 */
gboolean
rp_history_draft_copy_input (RpHistoryDraft  *draft,
                             RpHistoryRole    role,
                             GFile           *source,
                             const char      *mime,
                             int              width,
                             int              height,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;
  const char *ext = strrchr (mime, '/');

  g_return_val_if_fail (draft != NULL && !draft->committed, FALSE);

  ext = ext ? ext + 1 : "bin";
  if (g_str_equal (ext, "jpeg"))
    ext = "jpg";
  out = rp_history_draft_create_input (draft, role, ext, &dest, error);
  if (out == NULL)
    return FALSE;
  in = g_file_read (source, cancellable, error);
  if (in == NULL)
    return FALSE;
  if (g_output_stream_splice (out, G_INPUT_STREAM (in),
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              cancellable, error) < 0)
    return FALSE;
  return rp_history_draft_add_input (draft, role, dest, mime, width, height, error);
}

/**
 * rp_history_draft_set_thumbnail:
 *
 * Stores a small picture of the base image, shown in the gallery until results arrive.
 */
gboolean
rp_history_draft_set_thumbnail (RpHistoryDraft  *draft,
                                GdkPixbuf       *pixbuf,
                                GError         **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (draft != NULL && !draft->committed, FALSE);

  file = g_file_get_child (draft->dir, "input-thumb.png");
  return rp_history_save_thumbnail (file, pixbuf, error);
}

/* A photo that is itself a file of the history (a result applied to the photo) would go
 * with its entry when the person deletes that: the new entry keeps a link of its own to
 * the same file, or a copy where a link cannot be made. */
static gboolean
keep_history_file (RpHistoryDraft  *draft,
                   GFile           *file,
                   JsonObject      *source,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autofree char *base = g_file_get_basename (file);
  const char *dot = strrchr (base, '.');
  g_autofree char *name = g_strconcat ("source", dot != NULL ? dot : "", NULL);
  g_autoptr(GFile) target = g_file_get_child (draft->dir, name);
  g_autofree char *from = g_file_get_path (file);
  g_autofree char *to = g_file_get_path (target);

  if (from == NULL || to == NULL || link (from, to) != 0)
    {
      if (!g_file_copy (file, target, G_FILE_COPY_NONE, cancellable, NULL, NULL, error))
        return FALSE;
    }
  json_object_set_string_member (source, "file", name);
  return TRUE;
}

/**
 * rp_history_draft_set_source:
 * @image: the whole photo the edit starts from
 * @name: (nullable): the name the person knows the photo by, if not @image's own
 * @mask: (nullable): the whole mask, soft edges included
 *
 * Records what the edit was made on, beyond the files sent (which may be a crop, scaled):
 * the photo by its address when its file still holds these pixels (the entry's own link to
 * it when that file belongs to another entry), else as a PNG copy, and the mask's
 * coverage. With them an edit can be run again, or continued, exactly.
 */
gboolean
rp_history_draft_set_source (RpHistoryDraft  *draft,
                             RpImage         *image,
                             const char      *name,
                             RpMask          *mask,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(JsonObject) source = json_object_new ();
  g_autoptr(GFile) history_dir = NULL;
  gboolean in_file;
  GFile *file;

  g_return_val_if_fail (draft != NULL && !draft->committed, FALSE);
  g_return_val_if_fail (RP_IS_IMAGE (image), FALSE);

  file = rp_image_get_file (image);
  history_dir = g_file_get_parent (draft->dir);
  json_object_set_int_member (source, "width", rp_image_get_width (image));
  json_object_set_int_member (source, "height", rp_image_get_height (image));
  json_object_set_string_member (source, "name", name != NULL ? name : rp_image_get_display_name (image));
  in_file = file != NULL && rp_image_get_pixels_match_file (image) && g_file_query_exists (file, cancellable);
  if (in_file && g_file_has_prefix (file, history_dir))
    {
      if (!keep_history_file (draft, file, source, cancellable, error))
        return FALSE;
    }
  else if (in_file)
    {
      g_autofree char *uri = g_file_get_uri (file);

      json_object_set_string_member (source, "uri", uri);
    }
  else
    {
      g_autoptr(GFile) copy = g_file_get_child (draft->dir, "source.png");

      if (!rp_history_save_png (copy, rp_image_get_pixbuf (image), cancellable, error))
        return FALSE;
      json_object_set_string_member (source, "file", "source.png");
    }
  if (mask != NULL && !rp_mask_is_empty (mask))
    {
      g_autoptr(GFile) mask_file = g_file_get_child (draft->dir, "source-mask.png");
      g_autoptr(GFileOutputStream) out = g_file_create (mask_file, G_FILE_CREATE_PRIVATE, cancellable, error);
      g_autoptr(GOutputStream) buffered = NULL;

      if (out == NULL)
        return FALSE;
      buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 256 * 1024);
      if (!rp_mask_write_coverage_png (mask, buffered, cancellable, error) ||
          !g_output_stream_close (buffered, cancellable, error))
        return FALSE;
      json_object_set_string_member (source, "mask", "source-mask.png");
    }
  g_clear_pointer (&draft->source, json_object_unref);
  draft->source = g_steal_pointer (&source);
  return TRUE;
}

/**
 * rp_history_draft_commit:
 * @metadata: provider, model, prompt, params, placement… (never secrets)
 *
 * Writes meta.json with status "pending" and this process's identity, then renames the
 * draft into the history in one step: from then on the entry exists, complete, and the
 * upload may begin. Thread-safe; add the entry to the list with rp_history_insert().
 *
 * Returns: (transfer full): the pending entry, or %NULL with @error set
 */
RpHistoryEntry *
rp_history_draft_commit (RpHistoryDraft  *draft,
                         JsonObject      *metadata,
                         GError         **error)
{
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(GFile) final = NULL;
  g_autoptr(GFile) owner = NULL;
  g_autoptr(GFile) thumb = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *boot = rp_history_boot_id ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  JsonObject *process;
  GList *members, *l;

  g_return_val_if_fail (draft != NULL && !draft->committed, NULL);

  if (metadata != NULL)
    {
      members = json_object_get_members (metadata);
      for (l = members; l != NULL; l = l->next)
        json_object_set_member (meta, l->data, json_node_copy (json_object_get_member (metadata, l->data)));
      g_list_free (members);
    }
  json_object_set_int_member (meta, "version", RP_HISTORY_FORMAT_VERSION);
  json_object_set_string_member (meta, "id", draft->id);
  json_object_set_string_member (meta, "status", rp_history_status_to_string (RP_HISTORY_STATUS_PENDING));
  json_object_set_string_member (meta, "created", stamp);
  json_object_set_string_member (meta, "updated", stamp);
  json_object_set_array_member (meta, "inputs", json_array_ref (draft->inputs));
  json_object_set_array_member (meta, "outputs", json_array_new ());
  if (draft->source != NULL)
    json_object_set_object_member (meta, "source", json_object_ref (draft->source));
  thumb = g_file_get_child (draft->dir, "input-thumb.png");
  if (g_file_query_exists (thumb, NULL))
    json_object_set_string_member (meta, "input_thumbnail", "input-thumb.png");
  process = json_object_new ();
  json_object_set_int_member (process, "pid", getpid ());
  json_object_set_int_member (process, "start_time", rp_history_process_start_time (getpid ()));
  json_object_set_string_member (process, "boot_id", boot ? boot : "");
  json_object_set_object_member (meta, "process", process);

  if (!rp_history_write_meta (draft->dir, meta, error))
    return NULL;
  owner = g_file_get_child (draft->dir, OWNER_FILE);
  g_file_delete (owner, NULL, NULL);

  final = g_file_get_child (draft->history->dir, draft->id);
  if (!g_file_move (draft->dir, final, G_FILE_COPY_NO_FALLBACK_FOR_MOVE, NULL, NULL, NULL, error))
    return NULL;
  draft->committed = TRUE;
  return rp_history_entry_new_from_meta (final, meta, error);
}

/**
 * rp_history_draft_free:
 *
 * Releases the draft; an uncommitted draft's folder is deleted.
 */
void
rp_history_draft_free (RpHistoryDraft *draft)
{
  if (draft == NULL)
    return;
  if (!draft->committed && draft->dir != NULL)
    delete_tree (draft->dir);
  g_clear_object (&draft->history);
  g_clear_object (&draft->dir);
  g_clear_pointer (&draft->inputs, json_array_unref);
  g_clear_pointer (&draft->source, json_object_unref);
  g_free (draft->id);
  g_free (draft);
}
