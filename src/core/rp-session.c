/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-session"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rp-file-util.h"
#include "rp-history-private.h"
#include "rp-json-util.h"
#include "rp-session.h"

#define STATE_FILE "session.json"
#define IMAGE_FILE "image.png"
#define MASK_FILE "mask.png"
#define REFERENCE_FILE "reference-%u.png"
/* session.json holds a prompt, parameters and reference URIs: far less than this. */
#define MAX_STATE_BYTES (4 * 1024 * 1024)

RpSessionState *
rp_session_state_new (void)
{
  RpSessionState *state = g_new0 (RpSessionState, 1);

  state->references = g_ptr_array_new_with_free_func (g_object_unref);
  return state;
}

void
rp_session_state_free (RpSessionState *state)
{
  if (state == NULL)
    return;
  g_clear_object (&state->image);
  g_free (state->name);
  g_clear_object (&state->mask);
  g_clear_pointer (&state->references, g_ptr_array_unref);
  g_free (state->prompt);
  g_free (state->provider);
  g_free (state->model);
  g_clear_pointer (&state->params, json_object_unref);
  g_free (state);
}

/**
 * rp_session_default_dir:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/repaint/session`
 */
GFile *
rp_session_default_dir (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "repaint", "session", NULL);
}

static void
delete_tree (GFile *dir)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
}

static gboolean
save_mask (RpMask        *mask,
           GFile         *file,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  g_autoptr(GOutputStream) buffered = NULL;

  if (out == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 256 * 1024);
  return rp_mask_write_coverage_png (mask, buffered, cancellable, error) &&
         g_output_stream_close (buffered, cancellable, error);
}

/* Whether the image can be found again at its path, unchanged. */
static gboolean
image_is_its_file (RpImage *image)
{
  return rp_image_get_pixels_match_file (image) && g_file_query_exists (rp_image_get_file (image), NULL);
}

/* Describes @image in @object: its URI when its file holds it, else a PNG copy named
 * @stored_name in @tmp. */
static gboolean
save_image (JsonObject    *object,
            RpImage       *image,
            GFile         *tmp,
            const char    *stored_name,
            GCancellable  *cancellable,
            GError       **error)
{
  json_object_set_string_member (object, "name", rp_image_get_display_name (image));
  if (image_is_its_file (image))
    {
      g_autofree char *uri = g_file_get_uri (rp_image_get_file (image));

      json_object_set_string_member (object, "image_uri", uri);
    }
  else
    {
      g_autoptr(GFile) image_file = g_file_get_child (tmp, stored_name);

      if (!rp_history_save_png (image_file, rp_image_get_pixbuf (image), cancellable, error))
        return FALSE;
      json_object_set_string_member (object, "image_file", stored_name);
    }
  return TRUE;
}

/* The image @object describes, or %NULL with @error set. A stored copy keeps the name the
 * person knew it by, not "image.png". */
static RpImage *
load_image (JsonObject    *object,
            GFile         *dir,
            const char    *stored_name,
            GCancellable  *cancellable,
            GError       **error)
{
  const char *image_uri = rp_json_get_string (object, "image_uri");
  const char *image_name = rp_json_get_string (object, "image_file");

  if (image_uri != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (image_uri);

      return rp_image_load_file (file, cancellable, error);
    }
  if (g_strcmp0 (image_name, stored_name) == 0)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, stored_name);
      g_autoptr(RpImage) stored = rp_image_load_file (file, cancellable, error);

      if (stored == NULL)
        return NULL;
      return rp_image_new_from_pixbuf (rp_image_get_pixbuf (stored), rp_json_get_string (object, "name"));
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The saved session names no image");
  return NULL;
}

/* Saves run in worker threads and on close: one at a time, and never an older state over a
 * newer one. */
static GMutex save_lock;
static gint64 last_saved_us;

/* Writes @state into a new folder beside @dir and renames it over @dir, so a crash while
 * saving leaves the previous session intact. */
static gboolean
save_unlocked (GFile           *dir,
               RpSessionState  *state,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (dir);
  g_autofree char *base = g_file_get_basename (dir);
  g_autofree char *tmp_name = g_strdup_printf (".%s-new", base);
  g_autofree char *old_name = g_strdup_printf (".%s-old", base);
  g_autoptr(GFile) tmp = g_file_get_child (parent, tmp_name);
  g_autoptr(GFile) old = g_file_get_child (parent, old_name);
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(JsonArray) refs = json_array_new ();
  g_autofree char *tmp_path = g_file_get_path (tmp);
  g_autofree char *parent_path = g_file_get_path (parent);
  guint i;

  g_return_val_if_fail (state != NULL && RP_IS_IMAGE (state->image), FALSE);

  if (g_mkdir_with_parents (parent_path, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      return FALSE;
    }
  delete_tree (tmp);
  if (g_mkdir (tmp_path, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      return FALSE;
    }

  json_object_set_int_member (meta, "version", RP_SESSION_FORMAT_VERSION);
  json_object_set_int_member (meta, "width", rp_image_get_width (state->image));
  json_object_set_int_member (meta, "height", rp_image_get_height (state->image));
  if (!save_image (meta, state->image, tmp, IMAGE_FILE, cancellable, error))
    goto fail;
  if (state->name != NULL)
    json_object_set_string_member (meta, "document_name", state->name);
  if (state->mask != NULL && !rp_mask_is_empty (state->mask))
    {
      g_autoptr(GFile) mask_file = g_file_get_child (tmp, MASK_FILE);

      if (!save_mask (state->mask, mask_file, cancellable, error))
        goto fail;
      json_object_set_string_member (meta, "mask_file", MASK_FILE);
    }
  for (i = 0; i < state->references->len; i++)
    {
      g_autoptr(JsonObject) ref = json_object_new ();
      g_autofree char *stored_name = g_strdup_printf (REFERENCE_FILE, i + 1);

      if (!save_image (ref, g_ptr_array_index (state->references, i), tmp, stored_name, cancellable, error))
        goto fail;
      json_array_add_object_element (refs, g_steal_pointer (&ref));
    }
  json_object_set_array_member (meta, "references", g_steal_pointer (&refs));
  if (state->prompt != NULL)
    json_object_set_string_member (meta, "prompt", state->prompt);
  if (state->provider != NULL)
    json_object_set_string_member (meta, "provider", state->provider);
  if (state->model != NULL)
    json_object_set_string_member (meta, "model", state->model);
  if (state->params != NULL)
    json_object_set_object_member (meta, "params", json_object_ref (state->params));

  {
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(GFile) state_file = g_file_get_child (tmp, STATE_FILE);
    g_autofree char *text = NULL;

    json_node_set_object (root, meta);
    text = rp_json_to_text (root, TRUE);
    if (!g_file_replace_contents (state_file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                  NULL, cancellable, error))
      goto fail;
  }

  /* Swap the folders: the old session stays whole until the new one is. */
  delete_tree (old);
  if (g_file_query_exists (dir, NULL) &&
      !g_file_move (dir, old, G_FILE_COPY_NO_FALLBACK_FOR_MOVE, cancellable, NULL, NULL, error))
    goto fail;
  if (!g_file_move (tmp, dir, G_FILE_COPY_NO_FALLBACK_FOR_MOVE, cancellable, NULL, NULL, error))
    {
      g_file_move (old, dir, G_FILE_COPY_NO_FALLBACK_FOR_MOVE, NULL, NULL, NULL, NULL);
      goto fail;
    }
  delete_tree (old);
  return TRUE;

fail:
  delete_tree (tmp);
  return FALSE;
}

/**
 * rp_session_save:
 * @dir: the session folder (replaced as a whole)
 *
 * Saves @state atomically. Saves are serialized, and a state taken earlier than the last one
 * saved (@state's taken_us) is skipped, so the newest always wins. Blocking: call it from a
 * worker thread.
 */
gboolean
rp_session_save (GFile           *dir,
                 RpSessionState  *state,
                 GCancellable    *cancellable,
                 GError         **error)
{
  gboolean saved = TRUE;

  g_return_val_if_fail (state != NULL && RP_IS_IMAGE (state->image), FALSE);

  g_mutex_lock (&save_lock);
  if (state->taken_us == 0 || state->taken_us >= last_saved_us)
    {
      saved = save_unlocked (dir, state, cancellable, error);
      if (saved && state->taken_us != 0)
        last_saved_us = state->taken_us;
    }
  g_mutex_unlock (&save_lock);
  return saved;
}

/**
 * rp_session_load:
 *
 * Reads the saved session. A session whose photo cannot be found again is an error (the
 * caller says so and starts empty); a lost mask or reference is left out.
 *
 * Returns: (transfer full): the state, or %NULL with @error set (G_IO_ERROR_NOT_FOUND when
 *   there is no session)
 */
RpSessionState *
rp_session_load (GFile         *dir,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) state_file = g_file_get_child (dir, STATE_FILE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(RpSessionState) state = rp_session_state_new ();
  g_autofree char *text = NULL;
  gsize len;
  JsonObject *meta;
  JsonNode *root;
  JsonArray *refs;
  gint64 width, height;
  guint i;

  text = rp_file_load_capped (state_file, MAX_STATE_BYTES, &len, cancellable, error);
  if (text == NULL)
    return NULL;
  if (!rp_json_parser_load (parser, text, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The saved session is damaged");
      return NULL;
    }
  meta = json_node_get_object (root);
  if (rp_json_get_int_or (meta, "version", 0) != RP_SESSION_FORMAT_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The saved session has another format");
      return NULL;
    }
  width = rp_json_get_int_or (meta, "width", 0);
  height = rp_json_get_int_or (meta, "height", 0);
  state->image = load_image (meta, dir, IMAGE_FILE, cancellable, error);
  if (state->image == NULL)
    return NULL;
  if (rp_image_get_width (state->image) != width || rp_image_get_height (state->image) != height)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The photo changed since the session was saved");
      return NULL;
    }

  if (g_strcmp0 (rp_json_get_string (meta, "mask_file"), MASK_FILE) == 0)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, MASK_FILE);
      g_autoptr(GError) mask_error = NULL;
      g_autoptr(RpImage) coverage = rp_image_load_file (file, cancellable, &mask_error);

      if (coverage != NULL)
        state->mask = rp_mask_new_from_coverage (coverage, width, height, &mask_error);
      if (state->mask == NULL)
        g_message ("The saved mask could not be restored: %s", mask_error->message);
    }
  if (state->mask == NULL)
    state->mask = rp_mask_new (width, height);

  refs = rp_json_get_array (meta, "references");
  for (i = 0; refs != NULL && i < json_array_get_length (refs); i++)
    {
      JsonObject *object = rp_json_array_get_object (refs, i);
      g_autofree char *stored_name = g_strdup_printf (REFERENCE_FILE, i + 1);
      g_autoptr(GError) ref_error = NULL;
      RpImage *ref = NULL;

      if (object != NULL)
        ref = load_image (object, dir, stored_name, cancellable, &ref_error);
      if (ref != NULL)
        g_ptr_array_add (state->references, ref);
      else
        g_message ("A reference image could not be restored: %s",
                   ref_error ? ref_error->message : "not an object");
    }
  state->name = g_strdup (rp_json_get_string (meta, "document_name"));
  state->prompt = g_strdup (rp_json_get_string (meta, "prompt"));
  state->provider = g_strdup (rp_json_get_string (meta, "provider"));
  state->model = g_strdup (rp_json_get_string (meta, "model"));
  if (rp_json_get_object (meta, "params") != NULL)
    state->params = json_object_ref (rp_json_get_object (meta, "params"));
  return g_steal_pointer (&state);
}

/**
 * rp_session_clear:
 *
 * Forgets the saved session (the person closed the photo on purpose).
 */
gboolean
rp_session_clear (GFile   *dir,
                  GError **error)
{
  delete_tree (dir);
  return TRUE;
}
