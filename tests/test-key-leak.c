/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-cli.h"
#include "rp-test-secrets.h"
#include "rp-test-service.h"
#include "rp-test-util.h"

/* The API key is never written anywhere: whole edits run, window-less, through the service
 * and through repaint-cli, succeeding and failing in every dialect, with every debug
 * message on; then every file under the XDG folders and the temporary folder, every log
 * message and everything the command line printed is searched for the key, its base64 and
 * its URL-encoded forms. */

/* Distinctive, and full of characters that URL and JSON encoders change. */
#define LEAK_KEY "sk-LeakProbe+9f8e/7d6c=5b4a~3928%17Zq"

#define MIXROUTER_FAST \
  "{\"id\":\"mixrouter\",\"extends\":\"mixrouter\",\"operations\":{\"edit\":{\"responses\":" \
  "{\"async\":{\"poll\":{\"interval_s\":0.1,\"timeout_s\":30}}}}}}"
/* CrazyRouter with the key in the query string, where URLs carry it. */
#define CRAZYROUTER_QUERY_KEY \
  "{\"id\":\"crazyrouter\",\"extends\":\"crazyrouter\"," \
  "\"auth\":{\"in\":\"query\",\"name\":\"key\",\"format\":\"{key}\"}}"

#define WAIT_LIMIT_S 30

/* Shared by the tests, which run in order: the scan comes last. */
static char      *root;
static GString   *printed;
static GPtrArray *services;  /* RpTestService, kept until the scan */
static guint      n_jobs;

/* ---- The forms the key could take ----------------------------------------------------- */

/* A form of the key; failures name it, never print it. */
typedef struct
{
  char *name;
  char *text;
} Form;

static void
form_free (gpointer data)
{
  Form *form = data;

  g_free (form->name);
  g_free (form->text);
  g_free (form);
}

static void
add_form (GPtrArray  *forms,
          const char *name,
          char       *text)
{
  Form *form = g_new0 (Form, 1);

  form->name = g_strdup (name);
  form->text = text;
  g_ptr_array_add (forms, form);
}

static void
add_base64_forms (GPtrArray  *needles,
                  const char *text,
                  gboolean    url_safe)
{
  gsize len = strlen (text);

  /* Inside a longer base64 text the key's encoding depends on where it starts: for each
   * of the three alignments keep the characters that depend on the key alone. */
  for (guint shift = 0; shift < 3; shift++)
    {
      g_autofree guchar *buffer = g_malloc0 (shift + len);
      g_autofree char *encoded = NULL;
      gsize skip = (shift * 4 + 2) / 3;
      gsize keep;
      g_autofree char *name = g_strdup_printf ("%s at offset %u", url_safe ? "base64url" : "base64", shift);
      char *form;

      memcpy (buffer + shift, text, len);
      encoded = g_base64_encode (buffer, shift + len);
      keep = (shift + len) / 3 * 4 - skip;
      form = g_strndup (encoded + skip, keep);
      if (url_safe)
        g_strdelimit (g_strdelimit (form, "+", '-'), "/", '_');
      add_form (needles, name, form);
    }
}

static GPtrArray *
key_forms (void)
{
  GPtrArray *needles = g_ptr_array_new_with_free_func (form_free);
  g_autoptr(GString) hex = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  gsize len = strlen (LEAK_KEY);

  add_form (needles, "as it is", g_strdup (LEAK_KEY));
  /* A key cut short still gives most of it away. */
  add_form (needles, "its first half", g_strndup (LEAK_KEY, len / 2));
  add_form (needles, "its second half", g_strdup (&LEAK_KEY[len / 2]));
  add_form (needles, "URL-encoded", g_uri_escape_string (LEAK_KEY, NULL, FALSE));
  add_form (needles, "URL-encoded for a path", g_uri_escape_string (LEAK_KEY, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE));
  add_base64_forms (needles, LEAK_KEY, FALSE);
  add_base64_forms (needles, LEAK_KEY, TRUE);
  for (const char *p = LEAK_KEY; *p != '\0'; p++)
    {
      g_string_append_printf (hex, "%02x", (guchar) *p);
      g_string_append (json, *p == '/' ? "\\/" : (char[]) { *p, '\0' });
    }
  add_form (needles, "hexadecimal", g_string_free (g_steal_pointer (&hex), FALSE));
  add_form (needles, "JSON-escaped", g_string_free (g_steal_pointer (&json), FALSE));
  return needles;
}

/* The name of the first form of the key in @data, or NULL. */
static const char *
find_key (GPtrArray    *forms,
          const guint8 *data,
          gsize         len)
{
  for (guint i = 0; i < forms->len; i++)
    {
      const Form *form = forms->pdata[i];

      if (rp_test_bytes_contain (data, len, form->text))
        return form->name;
    }
  return NULL;
}

/* ---- Edits through the service ------------------------------------------------------------ */

typedef struct
{
  const char     *provider;
  const char     *model;
  const char     *route;
  RpFakeFault     fault;
  gboolean        stream;
  gboolean        succeeds;
} ServiceCase;

static const ServiceCase service_cases[] = {
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_OK }, FALSE, TRUE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_OK }, TRUE, TRUE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_INVALID_API_KEY }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_MODERATION }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_SERVER_ERROR, .status = 500 }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_SSE_ERROR }, TRUE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_BAD_SURROGATE }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_HUGE_ERROR_MESSAGE, .bytes = 4 << 20 }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_REDIRECT, .status = 307 }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_TRUNCATED }, FALSE, FALSE },
  { "openai", "gpt-image-1.5", "/images/edits", { RP_FAKE_STALL }, FALSE, FALSE },
  { "crazyrouter", "gpt-image-2", "/images/edits", { RP_FAKE_URL_RESULTS }, FALSE, TRUE },
  { "crazyrouter", "gpt-image-2", "/images/edits", { RP_FAKE_FOREIGN_URL_RESULTS }, FALSE, TRUE },
  { "crazyrouter", "gpt-image-2", "/images/edits", { RP_FAKE_INVALID_API_KEY }, FALSE, FALSE },
  { "crazyrouter", "gpt-image-2", "/images/edits", { RP_FAKE_REDIRECT, .status = 302 }, FALSE, FALSE },
  { "mixrouter", "gpt-image-1.5", "/images/edits", { RP_FAKE_OK }, FALSE, TRUE },
  { "mixrouter", "gpt-image-1.5", "/images/edits", { RP_FAKE_ASYNC_FAIL }, FALSE, FALSE },
  { "venice", "firered-image-edit", "/image/edit", { RP_FAKE_OK }, FALSE, TRUE },
  { "venice", "firered-image-edit", "/image/edit", { RP_FAKE_PAYMENT_REQUIRED }, FALSE, FALSE },
};

static RpTestService *
new_service (gboolean query_key)
{
  RpTestService *t = g_new0 (RpTestService, 1);

  rp_test_service_init (t, LEAK_KEY);
  rp_test_service_add_definition (t, "mixrouter.json", MIXROUTER_FAST);
  if (query_key)
    rp_test_service_add_definition (t, "crazyrouter.json", CRAZYROUTER_QUERY_KEY);
  rp_test_service_start (t);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (t->registry)), ==, 0);
  /* Short, for the stalled reply; far longer than any pause of the others. */
  rp_service_set_read_timeout (t->service, 2.0);
  g_ptr_array_add (services, t);
  return t;
}

static void
run_service_case (RpTestService     *t,
                  const ServiceCase *c)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (t, "photo.png", 320, 240, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (320, 240);
  g_autoptr(RpParams) params = rp_test_service_params (t, c->provider, c->model);
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  rp_mask_fill_rect (mask, 40, 30, 100, 80, RP_MASK_OP_PAINT);
  if (c->stream)
    {
      rp_params_set_boolean (params, "stream", TRUE, &error);
      g_assert_no_error (error);
      rp_params_set_int (params, "partial_images", 2, &error);
      g_assert_no_error (error);
    }
  if (g_str_equal (c->provider, "mixrouter"))
    {
      rp_params_set_boolean (params, "async", TRUE, &error);
      g_assert_no_error (error);
    }
  job = rp_test_service_job (t, photo, g_str_equal (c->provider, "venice") ||
                                      g_str_equal (c->provider, "mixrouter") ? NULL : mask, params);
  rp_fake_provider_push_fault (t->fake, c->route, &c->fault);
  ok = rp_test_service_run (t, job, &error);
  g_assert_cmpint (ok, ==, c->succeeds);
  n_jobs++;
  if (!ok)
    {
      g_string_append_printf (printed, "%s\n%s\n%s\n", error->message,
                              rp_job_get_provider_message (job) ? rp_job_get_provider_message (job) : "",
                              rp_job_get_next_step (job) ? rp_job_get_next_step (job) : "");
    }
}

static void
test_service_jobs (void)
{
  RpTestService *t = new_service (FALSE);
  RpTestService *q = new_service (TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (service_cases); i++)
    {
      run_service_case (t, &service_cases[i]);
      /* The key in the query string: the same edits where the provider allows it. */
      if (g_str_equal (service_cases[i].provider, "crazyrouter"))
        run_service_case (q, &service_cases[i]);
    }
}

/* A job without a history writes into a private journal, removed afterwards. */
static void
test_service_no_history (void)
{
  RpTestService *t = new_service (FALSE);
  g_autoptr(RpService) service = rp_service_new (NULL, NULL);
  g_autoptr(RpImage) photo = rp_test_service_photo (t, "photo.png", 320, 240, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (t, photo, NULL, params);
  RpTestWait w;

  rp_service_set_api_key (service, "openai", LEAK_KEY);
  rp_test_service_start_job (service, job, &w);
  rp_test_wait (&w);
  g_assert_true (w.ok);
  n_jobs++;
}

/* Test Connection, with a key that works and one that does not. */
static void
test_provider_check (void)
{
  RpTestService *t = new_service (FALSE);
  RpProvider *openai = rp_provider_registry_lookup (t->registry, "openai");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      RpCheckResult outcome;

      if (i == 1)
        rp_fake_provider_push (t->fake, "/models", RP_FAKE_INVALID_API_KEY);
      rp_provider_check_async (openai, t->base_url, LEAK_KEY, NULL, rp_test_store_result, &result);
      rp_test_wait_result (&result, WAIT_LIMIT_S);
      outcome = rp_provider_check_finish (openai, result, &error);
      g_assert_cmpint (outcome, ==, i == 0 ? RP_CHECK_KEY_WORKS : RP_CHECK_KEY_REFUSED);
      text = rp_check_result_describe (outcome, openai, error);
      g_string_append_printf (printed, "%s\n", text);
    }
}

/* The model list, fetched with the key and cached under the cache folder. */
static void
test_discovery (void)
{
  RpTestService *t = g_new0 (RpTestService, 1);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *cache = NULL;
  RpProvider *venice;

  rp_test_service_init (t, LEAK_KEY);
  g_ptr_array_add (services, t);
  definition = g_strdup_printf ("{\"id\":\"venice\",\"extends\":\"venice\",\"base_url\":\"%s/api/v1\"}",
                                rp_fake_provider_get_url (t->fake));
  rp_test_service_add_definition (t, "venice.json", definition);
  rp_test_service_start (t);
  venice = rp_provider_registry_lookup (t->registry, "venice");
  rp_provider_discover_async (venice, session, t->cache_dir, LEAK_KEY, NULL, rp_test_store_result, &result);
  g_assert_true (rp_provider_discover_finish (venice, rp_test_wait_result (&result, WAIT_LIMIT_S), &error));
  g_assert_no_error (error);
  cache = rp_provider_get_discovery_cache_path (venice, t->cache_dir);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
}

/* ---- Edits through repaint-cli ------------------------------------------------------------ */

static int
run_cli (const char * const *args,
         char              **stdout_text)
{
  g_autoptr(GSubprocessLauncher) launcher =
    rp_test_cli_launcher (root, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          "OPENAI_API_KEY", LEAK_KEY);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Anything that used GSettings would keep it in a key file under XDG_CONFIG_HOME. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "CRAZYROUTER_API_KEY", LEAK_KEY, TRUE);
  g_ptr_array_add (argv, (gpointer) rp_test_cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_string_append (printed, out);
  g_string_append (printed, err);
  if (stdout_text != NULL)
    *stdout_text = g_steal_pointer (&out);
  return g_subprocess_get_exit_status (proc);
}

static void
test_cli (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autofree char *base_url = rp_fake_provider_url (fake, "/v1");
  g_autofree char *photo = g_build_filename (root, "cli-photo.png", NULL);
  g_autofree char *user_dir = g_build_filename (root, "config", "repaint", "providers", NULL);
  g_autofree char *definition = g_build_filename (user_dir, "crazyrouter.json", NULL);
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (320, 240, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpHistory) history = NULL;
  g_autoptr(RpHistoryEntry) failed = NULL;
  const char *edit[] = { "edit", "--provider", "openai", "--image", photo, "--mask-rect", "40,30,100,80",
                         "--prompt", "a red kite", "--base-url", base_url, "--output", "cli-out", "--json", NULL };
  const char *crazy[] = { "edit", "--provider", "crazyrouter", "--image", photo, "--prompt", "a red kite",
                          "--base-url", base_url, "--output", "cli-out", NULL };
  const char *history_args[] = { "history", "--json", NULL };
  const char *providers_args[] = { "providers", "--json", NULL };

  gdk_pixbuf_save (pixbuf, photo, "png", &error, NULL);
  g_assert_no_error (error);
  g_mkdir_with_parents (user_dir, 0700);
  g_file_set_contents (definition, CRAZYROUTER_QUERY_KEY, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (edit, NULL), ==, 0);
  rp_fake_provider_push (fake, "/images/edits", RP_FAKE_INVALID_API_KEY);
  g_assert_cmpint (run_cli (edit, NULL), ==, 1);
  rp_fake_provider_push (fake, "/images/edits", RP_FAKE_BAD_SURROGATE);
  g_assert_cmpint (run_cli (edit, NULL), ==, 1);
  rp_fake_provider_push (fake, "/images/edits", RP_FAKE_URL_RESULTS);
  g_assert_cmpint (run_cli (crazy, NULL), ==, 0);
  rp_fake_provider_push (fake, "/images/edits", RP_FAKE_SERVER_ERROR);
  g_assert_cmpint (run_cli (crazy, NULL), ==, 1);
  n_jobs += 5;

  /* Retry the last failed OpenAI edit. */
  {
    g_autoptr(GFile) dir = g_file_new_build_filename (root, "data", "repaint", "history", NULL);

    history = rp_history_new (dir);
  }
  g_assert_true (rp_history_load (history, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (history)) && failed == NULL; i++)
    {
      g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);

      if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_FAILED &&
          g_str_equal (rp_history_entry_get_provider (entry), "openai"))
        failed = g_steal_pointer (&entry);
    }
  g_assert_nonnull (failed);
  {
    const char *retry[] = { "edit", "--retry", rp_history_entry_get_id (failed), "--base-url", base_url,
                            "--output", "cli-retried", "--json", NULL };

    g_assert_cmpint (run_cli (retry, NULL), ==, 0);
    n_jobs++;
  }
  g_assert_cmpint (run_cli (history_args, NULL), ==, 0);
  g_assert_cmpint (run_cli (providers_args, NULL), ==, 0);
}

/* ---- The search -------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *forms;
  guint      n_files;
  guint64    n_bytes;
} Scan;

static void
scan_file (GFile    *file,
           gpointer  user_data)
{
  Scan *scan = user_data;
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  const char *found;

  g_assert_nonnull (bytes);
  found = find_key (scan->forms, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (found != NULL)
    g_error ("%s holds the key (%s)", g_file_peek_path (file), found);
  scan->n_files++;
  scan->n_bytes += g_bytes_get_size (bytes);
}

static void
test_scan (void)
{
  static const char * const folders[] = { "data", "config", "cache", "state", "tmp" };
  g_autoptr(GFile) dir = g_file_new_for_path (root);
  g_autoptr(GString) counts = g_string_new (NULL);
  const char *logged = rp_test_captured_logs ();
  Scan scan = { key_forms (), 0, 0 };
  const char *found;
  guint named = 0;

  /* Everything the edits wrote is still there: the XDG folders; under the temporary
   * folder each service's journal and registry; in the root what the command line wrote
   * with --output. */
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr(GFile) folder = g_file_get_child (dir, folders[i]);
      Scan part = { scan.forms, 0, 0 };

      rp_test_for_each_file (folder, scan_file, &part);
      g_string_append_printf (counts, "%s %u, ", folders[i], part.n_files);
      named += part.n_files;
    }
  rp_test_for_each_file (dir, scan_file, &scan);
  g_string_append_printf (counts, "elsewhere %u", scan.n_files - named);
  g_test_message ("files by folder: %s", counts->str);
  found = find_key (scan.forms, (const guint8 *) logged, strlen (logged));
  if (found != NULL)
    g_error ("a log message holds the key (%s)", found);
  found = find_key (scan.forms, (const guint8 *) printed->str, printed->len);
  if (found != NULL)
    g_error ("the command line or an error message printed the key (%s)", found);

  g_test_message ("%u edits; %u files (%" G_GUINT64_FORMAT " bytes), %" G_GSIZE_FORMAT " bytes of log "
                  "and %" G_GSIZE_FORMAT " bytes of output searched for %u forms of the key: none found",
                  n_jobs, scan.n_files, scan.n_bytes, strlen (logged), printed->len, scan.forms->len);
  g_assert_cmpuint (scan.n_files, >, 100);
  /* The recording works: the debug log tells of the requests. */
  g_assert_nonnull (strstr (logged, "/images/edits"));
  g_ptr_array_unref (scan.forms);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const homes[][2] = {
    { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" }, { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" }, { "TMPDIR", "tmp" },
  };
  int status;

  /* Before anything reads them (GLib keeps the first value it sees): the folders Repaint
   * writes to, the temporary one included, all under one root. */
  root = g_build_filename (g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp", "repaint-key-leak-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (root));
  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    {
      g_autofree char *path = g_build_filename (root, homes[i][1], NULL);

      g_mkdir_with_parents (path, 0700);
      g_setenv (homes[i][0], path, TRUE);
    }
  rp_test_capture_logs ();
  printed = g_string_new (NULL);
  services = g_ptr_array_new ();

  g_test_init (&argc, &argv, NULL);
  g_log_set_debug_enabled (TRUE);
  g_test_add_func ("/repaint/key-leak/1-service", test_service_jobs);
  g_test_add_func ("/repaint/key-leak/2-service-no-history", test_service_no_history);
  g_test_add_func ("/repaint/key-leak/3-provider-check", test_provider_check);
  g_test_add_func ("/repaint/key-leak/4-discovery", test_discovery);
  g_test_add_func ("/repaint/key-leak/5-cli", test_cli);
  g_test_add_func ("/repaint/key-leak/6-scan", test_scan);
  status = g_test_run ();

  for (guint i = 0; i < services->len; i++)
    {
      rp_test_service_clear (services->pdata[i]);
      g_free (services->pdata[i]);
    }
  g_ptr_array_unref (services);
  rp_test_tmpdir_remove (root);
  g_free (root);
  g_string_free (printed, TRUE);
  return status;
}
