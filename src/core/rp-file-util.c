/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-file"

#include "config.h"

#include "rp-file-util.h"

#define READ_CHUNK_BYTES (64 * 1024)

/**
 * rp_file_load_capped:
 * @file: a small file Repaint keeps (metadata, a saved session)
 * @max_bytes: the most it may hold
 * @length: (out) (optional): how many bytes were read
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads a whole file that should be small, like g_file_load_contents() but never more
 * than @max_bytes of it, so a file that grew huge costs no more memory than the cap; and
 * only a regular file, as opening a FIFO would wait forever for a writer.
 *
 * Returns: (transfer full): the contents, NUL-terminated, or %NULL with @error set
 *   (%G_IO_ERROR_NOT_REGULAR_FILE, %G_IO_ERROR_MESSAGE_TOO_LARGE or a read error)
 */
char *
rp_file_load_capped (GFile         *file,
                     gsize          max_bytes,
                     gsize         *length,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GByteArray) contents = NULL;
  g_autofree char *name = NULL;
  gsize n;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  name = g_file_get_parse_name (file);
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "%s is not a regular file", name);
      return NULL;
    }
  if (g_file_info_get_size (info) > (goffset) max_bytes)
    goto too_large;

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return NULL;
  contents = g_byte_array_sized_new (g_file_info_get_size (info) + 1);
  do
    {
      guint old_len = contents->len;

      /* The file may have grown since it was measured: read at most one byte past the cap. */
      g_byte_array_set_size (contents, old_len + MIN (READ_CHUNK_BYTES, max_bytes + 1 - old_len));
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), contents->data + old_len,
                                    contents->len - old_len, &n, cancellable, error))
        return NULL;
      g_byte_array_set_size (contents, old_len + n);
      if (contents->len > max_bytes)
        goto too_large;
    }
  while (n > 0);

  if (length != NULL)
    *length = contents->len;
  g_byte_array_append (contents, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&contents), FALSE);

too_large:
  {
    g_autofree char *cap = g_format_size (max_bytes);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                 "%s is larger than %s", name, cap);
    return NULL;
  }
}
