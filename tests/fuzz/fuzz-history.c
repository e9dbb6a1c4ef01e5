/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include "rp-core.h"
#include "fuzz-common.h"

/* A history entry's meta.json is a plain file anyone can edit. The input is that file;
 * the entry is loaded as the history scan does (a pending entry of a dead process is
 * marked interrupted, which rewrites the file), then read through every getter the
 * gallery and entry window use. Text must come out as UTF-8 and every file the entry
 * names must lie inside its own folder. */

#define ENTRY_ID "20260101-000000-000-fuzzed"

static GFile *
entry_dir (void)
{
  static GFile *dir;

  if (dir == NULL)
    {
      dir = g_file_get_child (rp_fuzz_tmpdir (), ENTRY_ID);
      rp_fuzz_assert (g_file_make_directory (dir, NULL, NULL));
    }
  return dir;
}

static void
assert_text (const char *text)
{
  rp_fuzz_assert (text != NULL && g_utf8_validate (text, -1, NULL));
}

/* A file the entry names must be a direct child of its folder. */
static void
assert_inside (RpHistoryEntry *entry,
               GFile          *file)
{
  g_autoptr(GFile) parent = NULL;

  if (file == NULL)
    return;
  parent = g_file_get_parent (file);
  rp_fuzz_assert (g_file_equal (parent, rp_history_entry_get_dir (entry)));
  g_object_unref (file);
}

static void
read_entry (RpHistoryEntry *entry)
{
  const char *error_message = rp_history_entry_get_error_message (entry);
  RpHistoryStatus status = rp_history_entry_get_status (entry);
  guint i, n;

  rp_fuzz_assert (status <= RP_HISTORY_STATUS_INTERRUPTED);
  rp_fuzz_assert (g_strcmp0 (rp_history_entry_get_id (entry), ENTRY_ID) == 0);
  rp_fuzz_assert (rp_history_entry_get_created (entry) != NULL);
  rp_fuzz_assert (rp_history_entry_get_metadata (entry) != NULL);
  assert_text (rp_history_entry_get_prompt (entry));
  assert_text (rp_history_entry_get_provider (entry));
  assert_text (rp_history_entry_get_model (entry));
  if (error_message != NULL)
    assert_text (error_message);

  n = rp_history_entry_get_n_inputs (entry);
  for (i = 0; i <= n; i++)
    {
      RpHistoryRole role = RP_HISTORY_ROLE_REFERENCE;
      GFile *input = rp_history_entry_get_input (entry, i, &role);

      rp_fuzz_assert (i < n || input == NULL);
      rp_fuzz_assert (role <= RP_HISTORY_ROLE_REFERENCE);
      assert_inside (entry, input);
    }
  n = rp_history_entry_get_n_outputs (entry);
  for (i = 0; i <= n; i++)
    {
      GFile *output = rp_history_entry_get_output (entry, i);
      GFile *composite = rp_history_entry_get_composite (entry, i);

      rp_fuzz_assert (i < n || (output == NULL && composite == NULL));
      assert_inside (entry, output);
      assert_inside (entry, composite);
    }
  assert_inside (entry, rp_history_entry_get_thumbnail (entry));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GFile *dir = entry_dir ();
  g_autoptr(GFile) meta = g_file_get_child (dir, RP_HISTORY_META_FILE);
  g_autoptr(RpHistoryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  rp_fuzz_write_file (meta, data, size);
  entry = rp_history_entry_load (dir, &error);
  rp_fuzz_assert ((entry == NULL) == (error != NULL));
  if (entry == NULL)
    {
      rp_fuzz_assert (error->message != NULL && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  read_entry (entry);
  if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_PENDING &&
      !rp_history_entry_get_process_alive (entry))
    {
      g_autoptr(RpHistoryEntry) again = NULL;

      /* What the scan writes back must load again, as interrupted. */
      rp_fuzz_assert (rp_history_entry_mark_interrupted (entry, &error));
      rp_fuzz_assert (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_INTERRUPTED);
      again = rp_history_entry_load (dir, &error);
      rp_fuzz_assert (again != NULL);
      rp_fuzz_assert (rp_history_entry_get_status (again) == RP_HISTORY_STATUS_INTERRUPTED);
      read_entry (again);
    }
  return 0;
}
