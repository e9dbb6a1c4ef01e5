/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fake-provider.h"
#include "rp-core.h"
#include "rp-test-cli.h"
#include "rp-test-util.h"

/* repaint-cli providers, models and edit as scripts use them: a subprocess talking to the
 * in-process fake provider through --base-url, with a fake key in the environment. */

#define TEST_KEY "sk-test-cli-9a8b7c6d5e4f30211203"

typedef struct
{
  char           *dir;
  char           *photo;
  RpFakeProvider *fake;
  char           *base_url;
  char           *out;
  char           *err;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (640, 480, FALSE);
  g_autoptr(GError) error = NULL;

  f->dir = rp_test_tmpdir ();
  f->photo = g_build_filename (f->dir, "photo.png", NULL);
  gdk_pixbuf_save (pixbuf, f->photo, "png", &error, NULL);
  g_assert_no_error (error);
  f->fake = rp_fake_provider_new ();
  f->base_url = rp_fake_provider_url (f->fake, "/v1");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->fake);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
  g_free (f->photo);
  g_free (f->base_url);
  g_free (f->out);
  g_free (f->err);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* repaint-cli in throw-away XDG folders under the fixture's directory, with or without the
 * key in its environment. */
static GSubprocessLauncher *
make_launcher (Fixture  *f,
               gboolean  with_key)
{
  return rp_test_cli_launcher (f->dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               "OPENAI_API_KEY", with_key ? TEST_KEY : NULL);
}

/* Runs repaint-cli; the output goes to f->out and f->err, which must never hold the key. */
static int
run_cli (Fixture    *f,
         gboolean    with_key,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (f, with_key);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("REPAINT_CLI"));
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &f->out, &f->err, &error);
  g_assert_no_error (error);
  /* Not even with every debug message on. */
  g_assert_null (strstr (f->out, TEST_KEY));
  g_assert_null (strstr (f->err, TEST_KEY));
  return g_subprocess_get_exit_status (proc);
}

/* A mask file of the fixture's 640 × 480 photo with one rectangle painted. */
static char *
write_mask (Fixture    *f,
            const char *name,
            int         x,
            int         y,
            int         width,
            int         height)
{
  char *path = path_in (f, name);
  g_autoptr(RpMask) mask = rp_mask_new (640, 480);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  rp_mask_fill_rect (mask, x, y, width, height, RP_MASK_OP_PAINT);
  rp_mask_save_png (mask, file, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
test_providers (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *user_dir = g_build_filename (f->dir, "config", "repaint", "providers", NULL);
  g_autofree char *bad = g_build_filename (user_dir, "broken.json", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  gboolean found = FALSE, found_local = FALSE;

  g_mkdir_with_parents (user_dir, 0700);
  g_file_set_contents (bad, "{\"id\": \"broken\", \"baseUrl\": 3}", -1, NULL);
  g_assert_cmpint (run_cli (f, FALSE, "providers", "--json", NULL), ==, 0);
  root = parse (f->out);
  list = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (list), >=, 5);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (p, "id"), "openai"))
        {
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (p, "engine"), ==, "http");
          g_assert_cmpstr (json_object_get_string_member (p, "api_key_env"), ==, "OPENAI_API_KEY");
          g_assert_cmpstr (json_object_get_string_member (p, "base_url"), ==, "https://api.openai.com/v1");
        }
      /* The offline fill: no address, no key variable. */
      if (g_str_equal (json_object_get_string_member (p, "id"), "local"))
        {
          found_local = TRUE;
          g_assert_cmpstr (json_object_get_string_member (p, "engine"), ==, "local");
          g_assert_true (json_object_get_null_member (p, "base_url"));
          g_assert_true (json_object_get_null_member (p, "api_key_env"));
          g_assert_true (json_object_get_boolean_member (p, "builtin"));
          g_assert_cmpstr (json_object_get_string_member (p, "default_model"), ==, "patchmatch");
        }
    }
  g_assert_true (found);
  g_assert_true (found_local);
  /* The broken user file is reported on stderr, not fatal. */
  g_assert_nonnull (strstr (f->err, "broken.json"));

  /* One line each, tab-separated, in the sidebar's order: the offline fill first. */
  g_assert_cmpint (run_cli (f, FALSE, "providers", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->out, "local\tOffline Fill\t\t\n"));
  g_assert_nonnull (strstr (f->out, "\nopenai\tOpenAI\thttps://api.openai.com/v1\tOPENAI_API_KEY\n"));
}

static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  JsonObject *model = NULL;

  g_assert_cmpint (run_cli (f, FALSE, "models", "openai", "--json", NULL), ==, 0);
  root = parse (f->out);
  list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "id"),
                     "gpt-image-1.5"))
      model = json_array_get_object_element (list, i);
  g_assert_nonnull (model);
  g_assert_true (json_object_get_boolean_member (model, "default"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (model, "params")), >, 3);
  g_assert_cmpint (json_object_get_int_member (model, "max_images"), ==, 16);

  g_assert_cmpint (run_cli (f, FALSE, "models", "no-such-provider", NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "no-such-provider"));
  g_assert_cmpint (run_cli (f, FALSE, "models", NULL), ==, 2);
}

static void
assert_outside_untouched (const char *photo_path,
                          const char *composite_path,
                          int         mx,
                          int         my,
                          int         mw,
                          int         mh)
{
  g_autoptr(GdkPixbuf) a = gdk_pixbuf_new_from_file (photo_path, NULL);
  g_autoptr(GdkPixbuf) b = gdk_pixbuf_new_from_file (composite_path, NULL);
  int margin = (int) RP_PLACEMENT_DEFAULT_FEATHER_PX + 2;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, gdk_pixbuf_get_width (a));
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, gdk_pixbuf_get_height (a));
  for (int y = 0; y < gdk_pixbuf_get_height (a); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (a); x++)
      {
        const guint8 *pa, *pb;

        if (x >= mx - margin && x < mx + mw + margin && y >= my - margin && y < my + mh + margin)
          continue;
        pa = gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a) + x * gdk_pixbuf_get_n_channels (a);
        pb = gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b) + x * gdk_pixbuf_get_n_channels (b);
        g_assert_cmpmem (pa, 3, pb, 3);
      }
}

static void
test_edit_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *outdir = path_in (f, "out");
  g_autofree char *history = g_build_filename (f->dir, "data", "repaint", "history", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDir) entries = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  JsonObject *report, *output;
  const char *composite;

  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--mask-rect", "100,120,200,150", "--prompt", "a red balloon",
                            "--param", "n=1", "--param", "quality=high", "--base-url", f->base_url,
                            "--output", outdir, "--json", NULL), ==, 0);
  root = parse (f->out);
  report = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (report, "provider"), ==, "openai");
  g_assert_cmpstr (json_object_get_string_member (report, "model"), ==, "gpt-image-1.5");
  g_assert_true (json_object_get_double_member (report, "elapsed_s") > 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (report, "request_id"), "req_fake_"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (report, "usage")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "outputs")), ==, 1);
  output = json_array_get_object_element (json_object_get_array_member (report, "outputs"), 0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (output, "raw"), "/raw-1.png"));
  composite = json_object_get_string_member (output, "composite");
  g_assert_true (g_str_has_suffix (composite, "/result-1.png"));
  g_assert_true (g_file_test (json_object_get_string_member (output, "raw"), G_FILE_TEST_IS_REGULAR));
  assert_outside_untouched (f->photo, composite, 100, 120, 200, 150);

  request = rp_fake_provider_get_request (f->fake, 0);
  g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, "Bearer " TEST_KEY);
  g_assert_cmpstr (rp_fake_request_get_field (request, "quality"), ==, "high");
  g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "a red balloon");
  /* Kept in the history under XDG_DATA_HOME. */
  entries = g_dir_open (history, 0, NULL);
  g_assert_nonnull (entries);
  g_assert_nonnull (g_dir_read_name (entries));
}

static void
test_edit_plain_no_history (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *mask_path = write_mask (f, "mask.png", 300, 200, 100, 100);
  g_autofree char *history = g_build_filename (f->dir, "data", "repaint", "history", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--mask", mask_path, "--prompt", "a cat", "--base-url", f->base_url,
                            "--no-history", NULL), ==, 0);
  /* The paths, one a line, in the current folder by default. */
  lines = g_strsplit (g_strstrip (f->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[0], ==, "./raw-1.png");
  g_assert_cmpstr (lines[1], ==, "./result-1.png");
  {
    g_autofree char *composite = path_in (f, "result-1.png");

    assert_outside_untouched (f->photo, composite, 300, 200, 100, 100);
  }
  g_assert_false (g_file_test (history, G_FILE_TEST_EXISTS));
}

static void
test_edit_provider_error (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *outdir = path_in (f, "out");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *report, *error;

  rp_fake_provider_push (f->fake, "/images/edits", RP_FAKE_INVALID_API_KEY);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--base-url", f->base_url, "--output", outdir,
                            "--json", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "API key"));
  root = parse (f->out);
  report = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "failed");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "outputs")), ==, 0);
  error = json_object_get_object_member (report, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "auth");
  g_assert_cmpint (json_object_get_int_member (error, "http_status"), ==, 401);
  g_assert_nonnull (json_object_get_string_member (error, "provider_message"));
  g_assert_false (g_file_test (outdir, G_FILE_TEST_EXISTS));

  rp_fake_provider_push (f->fake, "/images/edits", RP_FAKE_MODERATION);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--base-url", f->base_url, NULL), ==, 1);
  /* The provider's own words reach the person. */
  g_assert_nonnull (strstr (f->err, "safety"));
}

static void
test_edit_usage_errors (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *small = path_in (f, "small.png");
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 100, 100);

  gdk_pixbuf_fill (pixbuf, 0);
  gdk_pixbuf_save (pixbuf, small, "png", NULL, NULL);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--param", "n=99", "--base-url", f->base_url, NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "1 to 10"));
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--mask", small, NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "640"));
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--mask", small, "--mask-rect", "0,0,1,1", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--base-url", "http://example.com/v1", NULL), ==, 2);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", "--image", f->photo,
                            "--prompt", "x", "--param", "colour=blue", "--base-url", f->base_url, NULL), ==, 2);
  /* Nothing reached the provider. */
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->fake), ==, 0);
}

/* The offline fill from the command line: no key, no address, no prompt, nothing sent; the
 * photo may be given as the argument. */
static void
test_edit_local (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *mask_path = write_mask (f, "mask.png", 300, 200, 100, 100);
  g_autofree char *outdir = path_in (f, "out");
  g_autofree char *history = g_build_filename (f->dir, "data", "repaint", "history", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDir) entries = NULL;
  JsonObject *report, *output;

  g_assert_cmpint (run_cli (f, FALSE, "edit", "--provider", "local", f->photo, "--mask", mask_path,
                            "-o", outdir, "--json", NULL), ==, 0);
  root = parse (f->out);
  report = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (report, "provider"), ==, "local");
  g_assert_cmpstr (json_object_get_string_member (report, "model"), ==, "patchmatch");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "outputs")), ==, 1);
  output = json_array_get_object_element (json_object_get_array_member (report, "outputs"), 0);
  assert_outside_untouched (f->photo, json_object_get_string_member (output, "composite"), 300, 200, 100, 100);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->fake), ==, 0);
  entries = g_dir_open (history, 0, NULL);
  g_assert_nonnull (entries);
  g_assert_nonnull (g_dir_read_name (entries));

  /* A prompt is not needed, and one given is said to be ignored. */
  g_assert_cmpint (run_cli (f, FALSE, "edit", "--provider", "local", "--image", f->photo,
                            "--mask-rect", "300,200,100,100", "--prompt", "a boat", "--no-history",
                            "-o", outdir, NULL), ==, 0);
  g_assert_nonnull (strstr (f->err, "does not read the prompt"));
  g_assert_true (g_str_has_suffix (g_strstrip (f->out), "/result-1.png"));

  /* Without a mask there is nothing to fill: a usage error naming the mask. */
  g_assert_cmpint (run_cli (f, FALSE, "edit", "--provider", "local", f->photo, NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "mask"));
  /* Any other provider still needs its prompt. */
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--provider", "openai", f->photo, NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "--prompt"));
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->fake), ==, 0);
}

/* SIGKILL while the request goes out: nothing is lost. The next start finds the edit
 * interrupted, with everything needed to send it again; --retry does, and succeeds. */
static void
kill_on_request (const char *method,
                 const char *path,
                 gpointer    user_data)
{
  const char *pid = g_subprocess_get_identifier (user_data);

  /* The server's thread, headers in, body not read yet: the client is still uploading. */
  if (pid != NULL)
    kill (atoi (pid), SIGKILL);
}

static void
test_kill_then_retry (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (f, TRUE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *history_dir = g_build_filename (f->dir, "data", "repaint", "history", NULL);
  g_autoptr(GFile) history_file = g_file_new_for_path (history_dir);
  g_autoptr(RpHistory) history = rp_history_new (history_file);
  g_autoptr(RpHistoryEntry) killed = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *outdir = path_in (f, "retried");
  JsonObject *report, *output;
  const char *argv[] = {
    g_getenv ("REPAINT_CLI"), "edit", "--provider", "openai", "--image", f->photo,
    "--mask-rect", "200,100,120,90", "--prompt", "a paper boat", "--base-url", f->base_url, NULL
  };

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  rp_fake_provider_set_request_hook (f->fake, kill_on_request, proc);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  rp_fake_provider_set_request_hook (f->fake, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);

  /* A restart: the edit is there, marked interrupted, its inputs whole. */
  g_assert_true (rp_history_load (history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  killed = g_list_model_get_item (G_LIST_MODEL (history), 0);
  g_assert_cmpint (rp_history_entry_get_status (killed), ==, RP_HISTORY_STATUS_INTERRUPTED);
  g_assert_true (rp_history_entry_has_source (killed));
  g_assert_cmpuint (rp_history_entry_get_n_inputs (killed), ==, 2);

  /* Retry sends it again and places the result back. */
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--retry", rp_history_entry_get_id (killed), "--base-url", f->base_url,
                            "--output", outdir, "--json", NULL), ==, 0);
  root = parse (f->out);
  report = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "done");
  {
    guint n = rp_fake_provider_get_n_requests (f->fake);
    g_autoptr(RpFakeRequest) request = rp_fake_provider_get_request (f->fake, n - 1);

    g_assert_cmpuint (n, >=, 1);
    g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "a paper boat");
  }
  output = json_array_get_object_element (json_object_get_array_member (report, "outputs"), 0);
  assert_outside_untouched (f->photo, json_object_get_string_member (output, "composite"), 200, 100, 120, 90);

  /* The history lists both: the new edit done, the killed one still interrupted. */
  g_assert_cmpint (run_cli (f, TRUE, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "interrupted"));
  g_assert_nonnull (strstr (f->out, "done"));
  g_assert_nonnull (strstr (f->out, rp_history_entry_get_id (killed)));

  /* Usage: nothing else goes with --retry; an unknown id is refused. */
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--retry", rp_history_entry_get_id (killed), "--prompt", "x", NULL),
                   ==, 2);
  g_assert_cmpint (run_cli (f, TRUE, "edit", "--retry", "no-such-edit", "--base-url", f->base_url, NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "no-such-edit"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/cli/providers", Fixture, NULL, fixture_setup, test_providers, fixture_teardown);
  g_test_add ("/repaint/cli/models", Fixture, NULL, fixture_setup, test_models, fixture_teardown);
  g_test_add ("/repaint/cli/edit/json", Fixture, NULL, fixture_setup, test_edit_json, fixture_teardown);
  g_test_add ("/repaint/cli/edit/kill-then-retry", Fixture, NULL, fixture_setup, test_kill_then_retry,
              fixture_teardown);
  g_test_add ("/repaint/cli/edit/plain-no-history", Fixture, NULL, fixture_setup,
              test_edit_plain_no_history, fixture_teardown);
  g_test_add ("/repaint/cli/edit/provider-error", Fixture, NULL, fixture_setup,
              test_edit_provider_error, fixture_teardown);
  g_test_add ("/repaint/cli/edit/usage-errors", Fixture, NULL, fixture_setup,
              test_edit_usage_errors, fixture_teardown);
  g_test_add ("/repaint/cli/edit/local", Fixture, NULL, fixture_setup, test_edit_local, fixture_teardown);

  return g_test_run ();
}
