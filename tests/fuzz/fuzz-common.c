/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

static GFile *tmpdir;

void
rp_fuzz_fail (const char *file,
              int         line,
              const char *expr)
{
  fprintf (stderr, "%s:%d: invariant failed: %s\n", file, line, expr);
  abort ();
}

/* Messages and infos are expected on bad input (a skipped entry, a mask not restored);
 * printing them for every execution only slows the fuzzer down. Warnings and worse stay. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags   log_level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
    return G_LOG_WRITER_HANDLED;
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  /* Criticals are fatal here, and GLib ends a fatal message with a breakpoint trap, which
   * libFuzzer does not catch: abort, so that the input is saved like any other crash. */
  if (log_level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_tmpdir (void)
{
  if (tmpdir != NULL)
    remove_tree (tmpdir);
  g_clear_object (&tmpdir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical is a broken precondition: Repaint handed a library something the input
   * made invalid. Tests run with fatal criticals too. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
  /* Plain local files only: no GVfs daemons or D-Bus for URIs an input may name. */
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return 0;
}

GFile *
rp_fuzz_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_dir_make_tmp ("repaint-fuzz-XXXXXX", &error);

      rp_fuzz_assert (path != NULL);
      tmpdir = g_file_new_for_path (path);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

void
rp_fuzz_write_file (GFile        *file,
                    const guint8 *data,
                    gsize         len)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents (file, (const char *) data, len, NULL, FALSE,
                                G_FILE_CREATE_NONE, NULL, NULL, &error))
    {
      fprintf (stderr, "cannot write a fuzz input: %s\n", error->message);
      abort ();
    }
}

gsize
rp_fuzz_chunk_size (const guint8 **data,
                    gsize         *len)
{
  gsize size;

  if (*len == 0)
    return 1;
  size = (*data)[0] != 0 ? (*data)[0] : G_MAXSIZE;
  (*data)++;
  (*len)--;
  return size;
}

gboolean
rp_fuzz_bytes_equal (const guint8 *a,
                     gsize         a_len,
                     const guint8 *b,
                     gsize         b_len)
{
  return a_len == b_len && (a_len == 0 || memcmp (a, b, a_len) == 0);
}
