/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-history"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-file-util.h"
#include "rp-history-entry.h"
#include "rp-history-private.h"
#include "rp-image.h"
#include "rp-json-util.h"
#include "rp-png.h"

/* meta.json is small; anything bigger is not ours. */
#define MAX_META_BYTES (1024 * 1024)

struct _RpHistoryEntry
{
  GObject      parent_instance;

  GFile       *dir;
  char        *id;
  JsonObject  *meta;
  GDateTime   *created;
};

enum {
  PROP_0,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (RpHistoryEntry, rp_history_entry, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-history-error-quark, rp_history_error)

static const char *status_names[] = { "pending", "done", "failed", "cancelled", "interrupted" };
static const char *role_names[] = { "image", "mask", "reference" };

const char *
rp_history_status_to_string (RpHistoryStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
rp_history_status_from_string (const char      *text,
                               RpHistoryStatus *status)
{
  guint i;

  for (i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (g_str_equal (text, status_names[i]))
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

const char *
rp_history_role_to_string (RpHistoryRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

static void
rp_history_entry_finalize (GObject *object)
{
  RpHistoryEntry *self = RP_HISTORY_ENTRY (object);

  g_clear_object (&self->dir);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->meta, json_object_unref);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (rp_history_entry_parent_class)->finalize (object);
}

static void
rp_history_entry_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RpHistoryEntry *self = RP_HISTORY_ENTRY (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, rp_history_entry_get_status (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_history_entry_class_init (RpHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_history_entry_finalize;
  object_class->get_property = rp_history_entry_get_property;

  /* An RpHistoryStatus; notified when the job finishes or is found interrupted. */
  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, 0, RP_HISTORY_STATUS_INTERRUPTED, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_history_entry_init (RpHistoryEntry *self)
{
}

static gboolean
corrupt (GError    **error,
         GFile      *dir,
         const char *why)
{
  g_autofree char *name = g_file_get_basename (dir);

  g_set_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT,
               "History entry %s: %s", name, why);
  return FALSE;
}

/* Validates what every reader relies on; the rest is optional. */
static gboolean
validate (JsonObject  *meta,
          GFile       *dir,
          GError     **error)
{
  g_autofree char *name = g_file_get_basename (dir);
  RpHistoryStatus status;
  JsonNode *node;

  node = json_object_get_member (meta, "version");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return corrupt (error, dir, "no format version");
  if (json_node_get_int (node) > RP_HISTORY_FORMAT_VERSION || json_node_get_int (node) < 1)
    {
      g_set_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_VERSION,
                   "History entry %s has format version %" G_GINT64_FORMAT ", this Repaint reads %d",
                   name, json_node_get_int (node), RP_HISTORY_FORMAT_VERSION);
      return FALSE;
    }
  if (g_strcmp0 (rp_json_get_string (meta, "id"), name) != 0)
    return corrupt (error, dir, "its id does not match its folder");
  if (!rp_history_status_from_string (rp_json_get_string (meta, "status"), &status))
    return corrupt (error, dir, "unknown status");
  node = json_object_get_member (meta, "created");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return corrupt (error, dir, "no creation time");
  node = json_object_get_member (meta, "outputs");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    return corrupt (error, dir, "outputs is not a list");
  node = json_object_get_member (meta, "inputs");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    return corrupt (error, dir, "inputs is not a list");
  return TRUE;
}

RpHistoryEntry *
rp_history_entry_new_from_meta (GFile       *dir,
                                JsonObject  *meta,
                                GError     **error)
{
  RpHistoryEntry *self;
  GDateTime *created;

  if (!validate (meta, dir, error))
    return NULL;
  created = g_date_time_new_from_iso8601 (json_object_get_string_member (meta, "created"), NULL);
  if (created == NULL)
    {
      corrupt (error, dir, "its creation time is not a date");
      return NULL;
    }

  self = g_object_new (RP_TYPE_HISTORY_ENTRY, NULL);
  self->dir = g_object_ref (dir);
  self->id = g_file_get_basename (dir);
  self->meta = json_object_ref (meta);
  self->created = created;
  return self;
}

/**
 * rp_history_entry_load:
 * @dir: an entry's folder
 *
 * Reads and checks the entry's meta.json. Only this small file is read.
 *
 * Returns: (transfer full): the entry, or %NULL with @error set
 */
RpHistoryEntry *
rp_history_entry_load (GFile   *dir,
                       GError **error)
{
  g_autoptr(GFile) file = g_file_get_child (dir, RP_HISTORY_META_FILE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  JsonNode *root;

  contents = rp_file_load_capped (file, MAX_META_BYTES, &len, NULL, &local_error);
  if (contents == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        corrupt (error, dir, "meta.json is too large");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!rp_json_parser_load (parser, contents, len, NULL))
    {
      corrupt (error, dir, "meta.json is not valid JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      corrupt (error, dir, "meta.json is not an object");
      return NULL;
    }
  return rp_history_entry_new_from_meta (dir, json_node_get_object (root), error);
}

/* Rewrites meta.json: a temporary file renamed over the old one, so a crash leaves either
 * the old or the new metadata, never a torn file. Mode 0600. The file is always UTF-8:
 * json-glib writes string bytes as they are, and a file that is not UTF-8 would no longer
 * load, losing the entry. */
gboolean
rp_history_write_meta (GFile       *dir,
                       JsonObject  *meta,
                       GError     **error)
{
  g_autoptr(GFile) file = g_file_get_child (dir, RP_HISTORY_META_FILE);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  gsize len;

  json_node_set_object (root, meta);
  text = rp_json_to_text (root, TRUE);
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_warning ("Text that is not UTF-8 reached the history entry %s; it was replaced",
                 g_file_peek_path (dir));
      g_free (text);
      text = valid;
    }
  len = strlen (text);
  return g_file_replace_contents (file, text, len, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                  NULL, NULL, error);
}

static gboolean
save_meta (RpHistoryEntry  *self,
           GError         **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *updated = g_date_time_format_iso8601 (now);

  json_object_set_string_member (self->meta, "updated", updated);
  return rp_history_write_meta (self->dir, self->meta, error);
}

const char *
rp_history_entry_get_id (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return self->id;
}

/**
 * rp_history_entry_get_dir:
 *
 * Returns: (transfer none): the entry's folder
 */
GFile *
rp_history_entry_get_dir (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return self->dir;
}

/* Metadata text, which may be missing or of another type in an edited file. */
static const char *
text_or_empty (const char *text)
{
  return text != NULL ? text : "";
}

RpHistoryStatus
rp_history_entry_get_status (RpHistoryEntry *self)
{
  RpHistoryStatus status = RP_HISTORY_STATUS_FAILED;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), RP_HISTORY_STATUS_FAILED);
  rp_history_status_from_string (rp_json_get_string (self->meta, "status"), &status);
  return status;
}

const char *
rp_history_entry_get_prompt (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return text_or_empty (rp_json_get_string (self->meta, "prompt"));
}

const char *
rp_history_entry_get_provider (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return text_or_empty (rp_json_get_string (self->meta, "provider"));
}

const char *
rp_history_entry_get_model (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return text_or_empty (rp_json_get_string (self->meta, "model"));
}

/**
 * rp_history_entry_get_created:
 *
 * Returns: (transfer none): when the edit was started
 */
GDateTime *
rp_history_entry_get_created (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return self->created;
}

/**
 * rp_history_entry_get_metadata:
 *
 * Returns: (transfer none): the whole meta.json object (parameters, usage, placement…)
 */
JsonObject *
rp_history_entry_get_metadata (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return self->meta;
}

const char *
rp_history_entry_get_error_message (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return rp_json_get_string (rp_json_get_object (self->meta, "error"), "message");
}

static JsonArray *
get_array (RpHistoryEntry *self,
           const char     *name)
{
  JsonNode *node = json_object_get_member (self->meta, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_array_new ();

      json_object_set_array_member (self->meta, name, array);
      return array;
    }
  return json_node_get_array (node);
}

/* A file named in the metadata, if the name is a plain file name inside the entry. */
static GFile *
child_file (RpHistoryEntry *self,
            JsonObject     *object,
            const char     *member)
{
  const char *name = rp_json_get_string (object, member);

  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || name[0] == '.')
    return NULL;
  return g_file_get_child (self->dir, name);
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  return rp_json_array_get_object (array, index);
}

guint
rp_history_entry_get_n_inputs (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), 0);
  return json_array_get_length (get_array (self, "inputs"));
}

/**
 * rp_history_entry_get_input:
 * @role: (out) (optional): what the file was sent as
 *
 * Returns: (transfer full) (nullable): the exact file that was sent
 */
GFile *
rp_history_entry_get_input (RpHistoryEntry *self,
                            guint           index,
                            RpHistoryRole  *role)
{
  JsonObject *input;
  const char *role_name;
  guint i;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  input = array_object (get_array (self, "inputs"), index);
  if (input == NULL)
    return NULL;
  role_name = text_or_empty (rp_json_get_string (input, "role"));
  if (role != NULL)
    for (i = 0; i < G_N_ELEMENTS (role_names); i++)
      if (g_str_equal (role_name, role_names[i]))
        *role = i;
  return child_file (self, input, "file");
}

guint
rp_history_entry_get_n_outputs (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), 0);
  return json_array_get_length (get_array (self, "outputs"));
}

/**
 * rp_history_entry_get_output:
 *
 * Returns: (transfer full) (nullable): result @index as the provider sent it
 */
GFile *
rp_history_entry_get_output (RpHistoryEntry *self,
                             guint           index)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return child_file (self, array_object (get_array (self, "outputs"), index), "raw");
}

/**
 * rp_history_entry_get_composite:
 *
 * Returns: (transfer full) (nullable): result @index placed back into the full photo
 */
GFile *
rp_history_entry_get_composite (RpHistoryEntry *self,
                                guint           index)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return child_file (self, array_object (get_array (self, "outputs"), index), "composite");
}

/**
 * rp_history_entry_get_thumbnail:
 *
 * Returns: (transfer full) (nullable): a small picture for the gallery: the first result's
 *   thumbnail, or the base image's
 */
GFile *
rp_history_entry_get_thumbnail (RpHistoryEntry *self)
{
  GFile *file;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  file = child_file (self, array_object (get_array (self, "outputs"), 0), "thumbnail");
  if (file == NULL)
    file = child_file (self, self->meta, "input_thumbnail");
  return file;
}

/* The kernel's start time of a process (clock ticks since boot), or 0 if it is gone. */
guint64
rp_history_process_start_time (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return 0;
  /* The command name (field 2) may hold spaces: start after its closing parenthesis. */
  after = strrchr (stat, ')');
  if (after == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  /* Field 22 overall is the 20th after "pid (comm)". */
  if (g_strv_length (fields) < 20)
    return 0;
  return g_ascii_strtoull (fields[19], NULL, 10);
}

char *
rp_history_boot_id (void)
{
  char *id = NULL;

  if (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &id, NULL, NULL))
    g_strstrip (id);
  return id;
}

/**
 * rp_history_entry_get_process_alive:
 *
 * Returns: whether the process that wrote this pending entry is still running (same boot,
 *   same pid, same start time — a reused pid does not count)
 */
gboolean
rp_history_entry_get_process_alive (RpHistoryEntry *self)
{
  JsonObject *process;
  g_autofree char *boot = rp_history_boot_id ();
  gint64 pid, start;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);

  process = rp_json_get_object (self->meta, "process");
  if (process == NULL || g_strcmp0 (rp_json_get_string (process, "boot_id"), boot) != 0)
    return FALSE;
  pid = rp_json_get_int_or (process, "pid", 0);
  start = rp_json_get_int_or (process, "start_time", 0);
  return pid > 0 && pid <= G_MAXINT && start > 0 &&
         rp_history_process_start_time (pid) == (guint64) start;
}

static gboolean
require_pending (RpHistoryEntry  *self,
                 GError         **error)
{
  if (rp_history_entry_get_status (self) != RP_HISTORY_STATUS_PENDING)
    {
      g_set_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_NOT_PENDING,
                   "History entry %s is finished", self->id);
      return FALSE;
    }
  return TRUE;
}

/**
 * rp_history_entry_create_part:
 * @name: a plain file name such as "raw-0" (".part" is appended)
 * @file: (out) (transfer full): the file being written
 *
 * Opens a private (0600) file in the entry for data arriving from the network. It only
 * becomes a result when committed; an interrupted job leaves a .part file that is never
 * shown.
 *
 * Returns: (transfer full): a stream to write to
 */
GOutputStream *
rp_history_entry_create_part (RpHistoryEntry  *self,
                              const char      *name,
                              GFile          **file,
                              GError         **error)
{
  g_autofree char *part_name = NULL;
  g_autoptr(GFile) part = NULL;
  GFileOutputStream *stream;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  if (!require_pending (self, error))
    return NULL;
  part_name = g_strconcat (name, ".part", NULL);
  part = g_file_get_child (self->dir, part_name);
  stream = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                           NULL, error);
  if (stream == NULL)
    return NULL;
  if (file != NULL)
    *file = g_steal_pointer (&part);
  return G_OUTPUT_STREAM (stream);
}

static RpImageFormat
sniff_file (GFile *file)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  guint8 head[16];
  gsize n = 0;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, NULL, NULL))
    return RP_IMAGE_FORMAT_UNKNOWN;
  return rp_image_format_sniff (head, n);
}

/* Renames a finished .part file to @stem.<real extension> and describes it. */
static JsonObject *
commit_part (RpHistoryEntry  *self,
             GFile           *part,
             const char      *stem,
             const char      *member,
             GFile          **out_file,
             GError         **error)
{
  RpImageFormat format = sniff_file (part);
  g_autofree char *name = g_strdup_printf ("%s.%s", stem, rp_image_format_extension (format));
  g_autoptr(GFile) final = g_file_get_child (self->dir, name);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  int width = 0, height = 0;

  if (!g_file_move (part, final, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return NULL;
  info = g_file_query_info (final, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  path = g_file_get_path (final);
  gdk_pixbuf_get_file_info (path, &width, &height);

  object = json_object_new ();
  json_object_set_string_member (object, member, name);
  json_object_set_string_member (object, "mime", rp_image_format_mime_type (format));
  json_object_set_int_member (object, "bytes", info ? g_file_info_get_size (info) : 0);
  if (width > 0 && height > 0)
    {
      json_object_set_int_member (object, "width", width);
      json_object_set_int_member (object, "height", height);
    }
  if (out_file != NULL)
    *out_file = g_steal_pointer (&final);
  return object;
}

/**
 * rp_history_entry_commit_output:
 * @part: a file from rp_history_entry_create_part(), completely written and closed
 *
 * Makes @part the next result, named raw-N.<ext> by its real format (magic bytes).
 *
 * Returns: (transfer full): the committed file, or %NULL with @error set
 */
GFile *
rp_history_entry_commit_output (RpHistoryEntry  *self,
                                GFile           *part,
                                GError         **error)
{
  JsonArray *outputs;
  g_autofree char *stem = NULL;
  GFile *final = NULL;
  JsonObject *object;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  if (!require_pending (self, error))
    return NULL;
  outputs = get_array (self, "outputs");
  stem = g_strdup_printf ("raw-%u", json_array_get_length (outputs));
  object = commit_part (self, part, stem, "raw", &final, error);
  if (object == NULL)
    return NULL;
  json_array_add_object_element (outputs, object);
  if (!save_meta (self, error))
    {
      g_clear_object (&final);
      return NULL;
    }
  return final;
}

/**
 * rp_history_entry_commit_partial:
 * @index: the partial image's index in the stream
 *
 * Keeps a streamed preview as partial-K.<ext>.
 *
 * Returns: (transfer full): the committed file, or %NULL with @error set
 */
GFile *
rp_history_entry_commit_partial (RpHistoryEntry  *self,
                                 GFile           *part,
                                 guint            index,
                                 GError         **error)
{
  JsonArray *partials;
  g_autofree char *stem = NULL;
  GFile *final = NULL;
  JsonObject *object;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  if (!require_pending (self, error))
    return NULL;
  partials = get_array (self, "partials");
  stem = g_strdup_printf ("partial-%u", json_array_get_length (partials));
  object = commit_part (self, part, stem, "file", &final, error);
  if (object == NULL)
    return NULL;
  json_object_set_int_member (object, "index", index);
  json_array_add_object_element (partials, object);
  if (!save_meta (self, error))
    {
      g_clear_object (&final);
      return NULL;
    }
  return final;
}

/* @file's sibling "<name>.part": files are written there and renamed into place, so a
 * crash leaves a .part file, which the entry's end removes, never a cut file under the
 * final name. (GIO writes a file that does not exist yet in place.) */
static GFile *
part_sibling (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *part_name = g_strconcat (name, ".part", NULL);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  return g_file_get_child (parent, part_name);
}

static gboolean
rename_part (GFile    *part,
             GFile    *file,
             gboolean  written,
             GError  **error)
{
  if (written && g_file_move (part, file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return TRUE;
  g_file_delete (part, NULL, NULL);
  return FALSE;
}

gboolean
rp_history_save_png (GFile         *file,
                     GdkPixbuf     *pixbuf,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) part = part_sibling (file);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  gboolean written;

  out = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        cancellable, error);
  if (out == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 1024 * 1024);
  if (!rp_png_save_pixbuf (pixbuf, buffered, RP_PNG_SPEED_PHOTO, cancellable, error))
    {
      g_autoptr(GCancellable) abort_write = g_cancellable_new ();

      g_cancellable_cancel (abort_write);
      g_output_stream_close (G_OUTPUT_STREAM (out), abort_write, NULL);
      return rename_part (part, file, FALSE, NULL);
    }
  written = g_output_stream_close (buffered, cancellable, error);
  return rename_part (part, file, written, error);
}

/* A small JPEG (or PNG when it has transparency) of @pixbuf for the gallery. */
gboolean
rp_history_save_thumbnail (GFile      *file,
                           GdkPixbuf  *pixbuf,
                           GError    **error)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  double scale = MIN (1.0, (double) RP_HISTORY_THUMBNAIL_PX / MAX (w, h));
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (w * scale + 0.5)),
                                                        MAX (1, (int) (h * scale + 0.5)),
                                                        GDK_INTERP_BILINEAR);
  g_autofree char *buffer = NULL;
  g_autoptr(GFile) part = NULL;
  gboolean written;
  gsize len;

  if (small == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "Out of memory");
      return FALSE;
    }
  if (!gdk_pixbuf_save_to_buffer (small, &buffer, &len, "png", error, "compression", "6", NULL))
    return FALSE;
  part = part_sibling (file);
  written = g_file_replace_contents (part, buffer, len, NULL, FALSE,
                                     G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                     NULL, NULL, error);
  return rename_part (part, file, written, error);
}

static char *
composite_name (guint index)
{
  return g_strdup_printf ("result-%u.png", index);
}

static char *
composite_thumb_name (guint index)
{
  return g_strdup_printf ("thumb-%u.png", index);
}

/**
 * rp_history_entry_write_composite_files:
 * @index: the result this composite belongs to
 * @composite: the result placed back into the full photo
 *
 * Writes result-N.png and thumb-N.png without touching the metadata, so it may run in a
 * worker thread while the owner keeps recording other results on the main thread; then
 * call rp_history_entry_record_composite() there.
 */
gboolean
rp_history_entry_write_composite_files (RpHistoryEntry  *self,
                                        guint            index,
                                        GdkPixbuf       *composite,
                                        GCancellable    *cancellable,
                                        GError         **error)
{
  g_autofree char *name = composite_name (index);
  g_autofree char *thumb_name = composite_thumb_name (index);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) thumb = NULL;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);
  g_return_val_if_fail (GDK_IS_PIXBUF (composite), FALSE);

  file = g_file_get_child (self->dir, name);
  thumb = g_file_get_child (self->dir, thumb_name);
  return rp_history_save_png (file, composite, cancellable, error) &&
         rp_history_save_thumbnail (thumb, composite, error);
}

/**
 * rp_history_entry_record_composite:
 * @index: a result whose composite files rp_history_entry_write_composite_files() wrote
 *
 * Records result-N.png and thumb-N.png in the metadata.
 */
gboolean
rp_history_entry_record_composite (RpHistoryEntry  *self,
                                   guint            index,
                                   GError         **error)
{
  g_autofree char *name = composite_name (index);
  g_autofree char *thumb_name = composite_thumb_name (index);
  JsonObject *output;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);

  output = array_object (get_array (self, "outputs"), index);
  if (output == NULL)
    {
      g_set_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT, "No result %u", index);
      return FALSE;
    }
  json_object_set_string_member (output, "composite", name);
  json_object_set_string_member (output, "thumbnail", thumb_name);
  return save_meta (self, error);
}

/**
 * rp_history_entry_save_composite:
 * @index: the result this composite belongs to
 * @composite: the result placed back into the full photo
 *
 * Writes result-N.png and thumb-N.png and records them.
 */
gboolean
rp_history_entry_save_composite (RpHistoryEntry  *self,
                                 guint            index,
                                 GdkPixbuf       *composite,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);
  g_return_val_if_fail (GDK_IS_PIXBUF (composite), FALSE);

  if (array_object (get_array (self, "outputs"), index) == NULL)
    {
      g_set_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT, "No result %u", index);
      return FALSE;
    }
  return rp_history_entry_write_composite_files (self, index, composite, cancellable, error) &&
         rp_history_entry_record_composite (self, index, error);
}

/**
 * rp_history_entry_get_output_metadata:
 * @index: a result
 *
 * Returns: (transfer none) (nullable): what meta.json says about result @index (raw file,
 *   mime, size, composite…), or %NULL
 */
JsonObject *
rp_history_entry_get_output_metadata (RpHistoryEntry *self,
                                      guint           index)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);
  return array_object (get_array (self, "outputs"), index);
}

/**
 * rp_history_entry_set_member:
 * @name: a top-level metadata member (usage, request_id, placement…)
 * @value: (transfer full): its value
 *
 * Records a piece of metadata. Never pass secrets: meta.json is a plain file.
 */
gboolean
rp_history_entry_set_member (RpHistoryEntry  *self,
                             const char      *name,
                             JsonNode        *value,
                             GError         **error)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  json_object_set_member (self->meta, name, value);
  return save_meta (self, error);
}

/* Half-written files: ours (.part), and GIO's while it replaces an existing file (meta.json
 * rewrites): a process killed mid-write leaves them behind. */
static gboolean
is_half_written (const char *name)
{
  return g_str_has_suffix (name, ".part") || g_str_has_prefix (name, ".goutputstream-");
}

static void
delete_parts (RpHistoryEntry *self)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (self->dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  GFileInfo *info;

  if (children == NULL)
    return;
  while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (is_half_written (g_file_info_get_name (info)))
        {
          g_autoptr(GFile) child = g_file_get_child (self->dir, g_file_info_get_name (info));

          g_file_delete (child, NULL, NULL);
        }
      g_object_unref (info);
    }
}

static gboolean
set_final_status (RpHistoryEntry   *self,
                  RpHistoryStatus   status,
                  JsonObject       *error_details,
                  GError          **error)
{
  json_object_set_string_member (self->meta, "status", rp_history_status_to_string (status));
  json_object_remove_member (self->meta, "process");
  if (error_details != NULL)
    json_object_set_object_member (self->meta, "error", json_object_ref (error_details));
  delete_parts (self);
  if (!save_meta (self, error))
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  return TRUE;
}

/**
 * rp_history_entry_finish:
 * @status: done, failed or cancelled
 * @error_details: (nullable): {kind, message, status, code, request_id} for a failure
 *
 * Ends the job's entry with one atomic rewrite of meta.json; unfinished .part files go.
 */
gboolean
rp_history_entry_finish (RpHistoryEntry   *self,
                         RpHistoryStatus   status,
                         JsonObject       *error_details,
                         GError          **error)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);
  g_return_val_if_fail (status != RP_HISTORY_STATUS_PENDING, FALSE);

  if (!require_pending (self, error))
    return FALSE;
  return set_final_status (self, status, error_details, error);
}

/**
 * rp_history_entry_mark_interrupted:
 *
 * Marks a pending entry whose process is gone as interrupted (it can be retried).
 */
gboolean
rp_history_entry_mark_interrupted (RpHistoryEntry  *self,
                                   GError         **error)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);

  if (!require_pending (self, error))
    return FALSE;
  return set_final_status (self, RP_HISTORY_STATUS_INTERRUPTED, NULL, error);
}

static JsonObject *
source_object (RpHistoryEntry *self)
{
  JsonObject *meta = rp_history_entry_get_metadata (self);
  JsonNode *node = meta ? json_object_get_member (meta, "source") : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * rp_history_entry_has_source:
 *
 * Returns: whether the entry knows the whole photo it was made on (entries written before
 *   Repaint recorded it know only the files sent)
 */
gboolean
rp_history_entry_has_source (RpHistoryEntry *self)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), FALSE);
  return source_object (self) != NULL;
}

/**
 * rp_history_entry_get_source_name:
 *
 * Returns: (transfer none) (nullable): the name the photo the edit was made on was known
 *   by (its file's, or the one it kept through applied results), if the entry records it
 */
const char *
rp_history_entry_get_source_name (RpHistoryEntry *self)
{
  JsonObject *source;
  const char *name;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  source = source_object (self);
  name = source != NULL ? rp_json_get_string (source, "name") : NULL;
  return name != NULL && *name != '\0' ? name : NULL;
}

/**
 * rp_history_entry_load_source:
 *
 * Reads the whole photo the edit was made on: from its file when that still holds the same
 * size, else from the entry's copy. Blocking.
 *
 * Returns: (transfer full): the photo, or %NULL with @error set
 */
RpImage *
rp_history_entry_load_source (RpHistoryEntry  *self,
                              GCancellable    *cancellable,
                              GError         **error)
{
  JsonObject *source;
  const char *uri;
  g_autoptr(GFile) copy = NULL;
  g_autoptr(RpImage) image = NULL;
  gint64 width, height;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  source = source_object (self);
  if (source == NULL)
    {
      g_set_error_literal (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT,
                           _("This edit does not record the photo it was made on."));
      return NULL;
    }
  width = json_object_get_int_member_with_default (source, "width", 0);
  height = json_object_get_int_member_with_default (source, "height", 0);
  uri = json_object_get_string_member_with_default (source, "uri", NULL);
  copy = child_file (self, source, "file");
  if (copy != NULL)
    image = rp_image_load_file (copy, cancellable, error);
  else if (uri != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      image = rp_image_load_file (file, cancellable, error);
    }
  else
    g_set_error_literal (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT,
                         _("This edit does not record the photo it was made on."));
  if (image == NULL)
    return NULL;
  if (rp_image_get_width (image) != width || rp_image_get_height (image) != height)
    {
      g_set_error_literal (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT,
                           _("The photo this edit was made on has changed since."));
      return NULL;
    }
  if (copy != NULL)
    {
      /* The copy stands for the photo: keep the name the person knew it by. */
      const char *name = json_object_get_string_member_with_default (source, "name", NULL);

      return rp_image_new_from_pixbuf (rp_image_get_pixbuf (image), name);
    }
  return g_steal_pointer (&image);
}

/**
 * rp_history_entry_load_source_mask:
 *
 * Reads the whole mask of the edit, soft edges included. Blocking.
 *
 * Returns: (transfer full) (nullable): the mask; %NULL without @error when the edit had none
 */
RpMask *
rp_history_entry_load_source_mask (RpHistoryEntry  *self,
                                   GCancellable    *cancellable,
                                   GError         **error)
{
  JsonObject *source;
  g_autoptr(GFile) file = NULL;
  g_autoptr(RpImage) coverage = NULL;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  source = source_object (self);
  file = source ? child_file (self, source, "mask") : NULL;
  if (file == NULL)
    return NULL;
  coverage = rp_image_load_file (file, cancellable, error);
  if (coverage == NULL)
    return NULL;
  return rp_mask_new_from_coverage (coverage, json_object_get_int_member_with_default (source, "width", 0),
                                    json_object_get_int_member_with_default (source, "height", 0), error);
}

/**
 * rp_history_entry_load_references:
 *
 * Reads the reference images as they were sent, in order. Blocking.
 *
 * Returns: (transfer full) (element-type RpImage): the references, or %NULL with @error
 */
GPtrArray *
rp_history_entry_load_references (RpHistoryEntry  *self,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (self), NULL);

  for (i = 0; i < rp_history_entry_get_n_inputs (self); i++)
    {
      RpHistoryRole role = RP_HISTORY_ROLE_IMAGE;
      g_autoptr(GFile) file = rp_history_entry_get_input (self, i, &role);
      RpImage *image;

      if (role != RP_HISTORY_ROLE_REFERENCE || file == NULL)
        continue;
      image = rp_image_load_file (file, cancellable, error);
      if (image == NULL)
        return NULL;
      g_ptr_array_add (references, image);
    }
  return g_steal_pointer (&references);
}
