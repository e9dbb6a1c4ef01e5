/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options sidebar and Preferences, driven in the real window. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fake-provider.h"
#include "rp-application.h"
#include "rp-preferences.h"
#include "rp-sidebar.h"
#include "rp-test-gui.h"
#include "rp-test-util.h"
#include "rp-window.h"

#define TEST_KEY "sk-sidebar-test-0123456789"

static RpApplication *app;
static char *root;

static RpWindow *
new_window (void)
{
  RpWindow *window = rp_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  rp_test_show_window (GTK_WINDOW (window));
  return window;
}

static guint
combo_find (GtkWidget  *row,
            const char *label)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  guint i;

  for (i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label))
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
combo_pick (GtkWidget  *row,
            const char *label)
{
  guint i = combo_find (row, label);

  g_assert_cmpuint (i, !=, GTK_INVALID_LIST_POSITION);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
}

static const char *
param_string (RpSidebar  *sidebar,
              const char *name)
{
  GVariant *value = rp_params_get_value (rp_sidebar_get_params (sidebar), name);

  return value ? g_variant_get_string (value, NULL) : NULL;
}

/* The five-line relay is offered like a built-in; each provider and model shows exactly
 * the parameters it accepts. */
static void
test_providers_and_models (void)
{
  RpWindow *window = new_window ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  GtkWidget *provider_row = rp_sidebar_get_row (sidebar, "provider");
  GtkWidget *background;

  g_assert_cmpuint (combo_find (provider_row, "My Relay"), !=, GTK_INVALID_LIST_POSITION);
  combo_pick (provider_row, "My Relay");
  g_assert_cmpstr (rp_provider_get_id (rp_sidebar_get_provider (sidebar)), ==, "myrelay");
  g_assert_nonnull (rp_sidebar_get_row (sidebar, "quality"));

  g_assert_true (rp_sidebar_select (sidebar, "crazyrouter", NULL));
  g_assert_cmpstr (rp_params_get_model_id (rp_sidebar_get_params (sidebar)), ==, "gpt-image-2");
  /* CrazyRouter refuses transparency and input fidelity for gpt-image-2. */
  background = rp_sidebar_get_row (sidebar, "background");
  g_assert_nonnull (background);
  g_assert_cmpuint (combo_find (background, "Transparent"), ==, GTK_INVALID_LIST_POSITION);
  g_assert_null (rp_sidebar_get_row (sidebar, "input_fidelity"));
  g_assert_cmpuint (combo_find (rp_sidebar_get_row (sidebar, "size"), "Custom…"), !=, GTK_INVALID_LIST_POSITION);

  g_assert_true (rp_sidebar_select (sidebar, "venice", NULL));
  g_assert_nonnull (rp_sidebar_get_row (sidebar, "aspect_ratio"));
  g_assert_nonnull (rp_sidebar_get_row (sidebar, "safe_mode"));
  g_assert_null (rp_sidebar_get_row (sidebar, "background"));

  g_assert_true (rp_sidebar_select (sidebar, "openai", "dall-e-2"));
  g_assert_null (rp_sidebar_get_row (sidebar, "output_format"));
  g_assert_null (rp_sidebar_get_row (sidebar, "stream"));
  g_assert_cmpuint (combo_find (rp_sidebar_get_row (sidebar, "size"), "512 × 512"), !=, GTK_INVALID_LIST_POSITION);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Rows that depend on others: compression only for JPEG/WebP, partial images only while
 * streaming. */
static void
test_dependent_rows (void)
{
  RpWindow *window = new_window ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  GtkWidget *compression, *partials, *stream_row;
  GtkWidget *stream_switch;

  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  rp_sidebar_reset (sidebar);
  compression = rp_sidebar_get_row (sidebar, "output_compression");
  partials = rp_sidebar_get_row (sidebar, "partial_images");
  stream_row = rp_sidebar_get_row (sidebar, "stream");
  g_assert_false (gtk_widget_get_sensitive (compression));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (compression), "JPEG"));
  g_assert_false (gtk_widget_get_sensitive (partials));

  combo_pick (rp_sidebar_get_row (sidebar, "output_format"), "JPEG");
  g_assert_cmpstr (param_string (sidebar, "output_format"), ==, "jpeg");
  g_assert_true (gtk_widget_get_sensitive (compression));

  stream_switch = gtk_widget_get_last_child (gtk_widget_get_last_child (gtk_widget_get_first_child (stream_row)));
  while (stream_switch != NULL && !GTK_IS_SWITCH (stream_switch))
    stream_switch = gtk_widget_get_prev_sibling (stream_switch);
  g_assert_true (GTK_IS_SWITCH (stream_switch));
  gtk_switch_set_active (GTK_SWITCH (stream_switch), TRUE);
  g_assert_true (gtk_widget_get_sensitive (partials));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "sidebar-openai.png");

  /* Turning streaming off again takes partial images away (they would be refused). */
  gtk_switch_set_active (GTK_SWITCH (stream_switch), FALSE);
  g_assert_false (gtk_widget_get_sensitive (partials));
  g_assert_false (rp_params_is_set (rp_sidebar_get_params (sidebar), "partial_images"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
next_row (GtkWidget *row)
{
  return gtk_widget_get_next_sibling (row);
}

/* gpt-image-2 takes any size within its rule; a wrong one is shown as a problem. */
static void
test_custom_size (void)
{
  RpWindow *window = new_window ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  GtkWidget *size, *custom;

  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-2"));
  size = rp_sidebar_get_row (sidebar, "size");
  combo_pick (size, "Custom…");
  custom = next_row (size);
  g_assert_true (ADW_IS_ENTRY_ROW (custom));
  g_assert_true (gtk_widget_get_visible (custom));

  gtk_editable_set_text (GTK_EDITABLE (custom), "1000x1000");
  g_assert_true (gtk_widget_has_css_class (custom, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (custom), "16"));
  gtk_editable_set_text (GTK_EDITABLE (custom), "1024x640");
  g_test_message ("custom size problem: %s", gtk_widget_get_tooltip_text (custom));
  g_assert_false (gtk_widget_has_css_class (custom, "error"));
  g_assert_cmpstr (param_string (sidebar, "size"), ==, "1024x640");
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "sidebar-custom-size.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The provider, the model and the values come back in the next window (and are in the
 * settings file, not only in memory). */
static void
test_persistence (void)
{
  RpWindow *window = new_window ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  g_autofree char *keyfile = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1"));
  combo_pick (rp_sidebar_get_row (sidebar, "quality"), "High");
  g_assert_true (rp_sidebar_select (sidebar, "venice", NULL));
  combo_pick (rp_sidebar_get_row (sidebar, "aspect_ratio"), "16:9");
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_sync ();

  keyfile = g_build_filename (g_get_user_config_dir (), "glib-2.0", "settings", "keyfile", NULL);
  g_assert_true (g_file_get_contents (keyfile, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "openai/gpt-image-1"));

  window = new_window ();
  sidebar = rp_window_get_sidebar (window);
  g_assert_cmpstr (rp_provider_get_id (rp_sidebar_get_provider (sidebar)), ==, "venice");
  g_assert_cmpstr (param_string (sidebar, "aspect_ratio"), ==, "16:9");
  g_assert_true (rp_sidebar_select (sidebar, "openai", NULL));
  g_assert_cmpstr (rp_params_get_model_id (rp_sidebar_get_params (sidebar)), ==, "gpt-image-1");
  g_assert_cmpstr (param_string (sidebar, "quality"), ==, "high");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
not_busy (gpointer data)
{
  return rp_preferences_get_busy (RP_PREFERENCES (data)) == 0;
}

static gboolean
check_answered (gpointer data)
{
  const char *text = adw_action_row_get_subtitle (ADW_ACTION_ROW (data));

  return text != NULL && !g_str_equal (text, "Not tested") && !g_str_equal (text, "Testing…");
}

static RpPreferences *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (RP_IS_PREFERENCES (w))
        return RP_PREFERENCES (w);
    }
  return NULL;
}

static void
test_preferences (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autofree char *fake_base = rp_fake_provider_url (fake, "/v1");
  RpWindow *window = new_window ();
  RpPreferences *prefs;
  GtkWidget *key, *status, *url, *check, *check_button, *problem;
  g_autoptr(GVariant) urls = NULL;
  g_autofree char *saved = NULL;
  RpFakeRequest *request;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", "s", "openai"));
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  rp_test_wait_frame (GTK_WIDGET (prefs));
  rp_test_wait_until (not_busy, prefs, 30);

  /* No keyring on this test bus: the key is kept for the session, and said so. */
  key = rp_preferences_get_row (prefs, "openai", "key");
  status = rp_preferences_get_row (prefs, "openai", "key-status");
  gtk_editable_set_text (GTK_EDITABLE (key), TEST_KEY);
  g_signal_emit_by_name (key, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key)), ==, "");
  rp_test_wait_until (not_busy, prefs, 30);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (status)), "session"));

  /* Plain http to another computer is refused; the fake on loopback is fine. */
  url = rp_preferences_get_row (prefs, "openai", "base-url");
  gtk_editable_set_text (GTK_EDITABLE (url), "http://api.example.com/v1");
  g_signal_emit_by_name (url, "apply");
  g_assert_true (gtk_widget_has_css_class (url, "error"));
  gtk_editable_set_text (GTK_EDITABLE (url), fake_base);
  g_signal_emit_by_name (url, "apply");
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  urls = g_settings_get_value (rp_application_get_settings (app), "base-urls");
  g_assert_true (g_variant_lookup (urls, "openai", "s", &saved));
  g_assert_cmpstr (saved, ==, fake_base);

  /* Test Connection sends the stored key to the base URL set above. */
  check = rp_preferences_get_row (prefs, "openai", "check");
  check_button = rp_preferences_get_row (prefs, "openai", "check-button");
  gtk_widget_activate (check_button);
  rp_test_wait_until (check_answered, check, 30);
  rp_test_wait_until (not_busy, prefs, 30);
  g_test_message ("check: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (check)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (check)), "accepted the key"));
  request = rp_fake_provider_get_request (fake, 0);
  g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, "Bearer " TEST_KEY);
  rp_fake_request_unref (request);
  rp_test_wait_frame (GTK_WIDGET (prefs));
  rp_test_save_screenshot (GTK_WIDGET (prefs), "preferences-providers.png");

  /* The offline fill has nothing to set up: a note, no key, address or test. */
  g_assert_nonnull (rp_preferences_get_row (prefs, "local", "note"));
  g_assert_null (rp_preferences_get_row (prefs, "local", "key"));
  g_assert_null (rp_preferences_get_row (prefs, "local", "base-url"));
  g_assert_null (rp_preferences_get_row (prefs, "local", "check"));

  /* The broken definition file is listed with its problem. */
  problem = rp_preferences_get_row (prefs, "problem", "broken.json");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (problem)), "api_key_env"));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), NULL);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* The sidebar now sees the key kept for this session. */
  g_assert_true (rp_sidebar_select (rp_window_get_sidebar (window), "openai", NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (rp_application_get_settings (app), "base-urls");
}

static void
write_definition (const char *name,
                  const char *text)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "repaint", "providers", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Settings in a real file (the keyfile backend) in folders of this test's own. */
  root = rp_test_tmpdir ();
  rp_test_use_private_dirs (root);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_unsetenv ("OPENAI_API_KEY");

  write_definition ("relay.json",
                    "{\"id\": \"myrelay\", \"name\": \"My Relay\", \"extends\": \"openai\",\n"
                    " \"base_url\": \"https://relay.example.com/v1\",\n"
                    " \"api_key_env\": \"MY_RELAY_API_KEY\"}\n");
  write_definition ("broken.json", "{\"id\": \"broken\", \"name\": \"Broken\", \"extends\": \"openai\",\n"
                                   " \"base_url\": \"https://broken.example.com/v1\"}\n");

  gtk_test_init (&argc, &argv, NULL);
  app = rp_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/repaint/sidebar/providers-and-models", test_providers_and_models);
  g_test_add_func ("/repaint/sidebar/dependent-rows", test_dependent_rows);
  g_test_add_func ("/repaint/sidebar/custom-size", test_custom_size);
  g_test_add_func ("/repaint/sidebar/persistence", test_persistence);
  g_test_add_func ("/repaint/sidebar/preferences", test_preferences);

  status = g_test_run ();
  rp_test_tmpdir_remove (root);
  return status;
}
