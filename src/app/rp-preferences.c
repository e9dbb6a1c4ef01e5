/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-preferences.h"

struct _RpPreferences
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  RpProviderRegistry   *registry;
  RpSecrets            *secrets;
  GSettings            *settings;
  GCancellable         *cancellable;
  GHashTable           *rows;           /* "provider/what" → widget (owned by the window) */

  /* Children */
  AdwPreferencesPage   *providers_page;
  AdwPreferencesPage   *files_page;
  AdwPreferencesGroup  *keyring_group;

  /* State */
  guint                 busy;
};

G_DEFINE_FINAL_TYPE (RpPreferences, rp_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/**
 * rp_preferences_dup_base_url:
 *
 * Returns: (transfer full): the base URL the person set for @provider, else its definition's
 */
char *
rp_preferences_dup_base_url (GSettings  *settings,
                             RpProvider *provider)
{
  g_autoptr(GVariant) dict = settings ? g_settings_get_value (settings, "base-urls") : NULL;
  char *url = NULL;

  if (dict != NULL && g_variant_lookup (dict, rp_provider_get_id (provider), "s", &url) &&
      rp_provider_validate_base_url (url, NULL))
    return url;
  g_free (url);
  return g_strdup (rp_provider_get_base_url (provider));
}

static void
set_base_url (GSettings  *settings,
              RpProvider *provider,
              const char *url)
{
  g_autoptr(GVariant) dict = g_settings_get_value (settings, "base-urls");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *v;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    if (!g_str_equal (k, rp_provider_get_id (provider)))
      g_variant_builder_add (&builder, "{ss}", k, v);
  /* The definition's own URL is not an override. */
  if (url != NULL && !g_str_equal (url, rp_provider_get_base_url (provider)))
    g_variant_builder_add (&builder, "{ss}", rp_provider_get_id (provider), url);
  g_settings_set_value (settings, "base-urls", g_variant_builder_end (&builder));
}

static void
remember_row (RpPreferences *self,
              RpProvider    *provider,
              const char    *what,
              GtkWidget     *row)
{
  g_hash_table_insert (self->rows, g_strdup_printf ("%s/%s", rp_provider_get_id (provider), what), row);
}

/**
 * rp_preferences_get_row:
 * @what: "key", "key-status", "base-url", "check" or "group"; the offline fill has only
 *   "group" and "note"
 *
 * Returns: (transfer none) (nullable): that row of @provider_id's group
 */
GtkWidget *
rp_preferences_get_row (RpPreferences *self,
                        const char    *provider_id,
                        const char    *what)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", provider_id, what);

  g_return_val_if_fail (RP_IS_PREFERENCES (self), NULL);
  return g_hash_table_lookup (self->rows, key);
}

/* Operations still running (key lookups, stores, tests). */
guint
rp_preferences_get_busy (RpPreferences *self)
{
  g_return_val_if_fail (RP_IS_PREFERENCES (self), 0);
  return self->busy;
}

static void
toast (RpPreferences *self,
       const char    *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

typedef struct
{
  RpPreferences *self;
  RpProvider    *provider;
} Op;

static Op *
op_new (RpPreferences *self,
        RpProvider    *provider)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->provider = g_object_ref (provider);
  self->busy++;
  return op;
}

static void
op_free (Op *op)
{
  op->self->busy--;
  g_object_unref (op->self);
  g_object_unref (op->provider);
  g_free (op);
}

static void
update_keyring_notice (RpPreferences *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->keyring_group),
                          rp_secrets_get_keyring_state (self->secrets) == RP_KEYRING_STATE_UNAVAILABLE);
}

static void lookup_key (RpPreferences *self, RpProvider *provider);

static void
on_key_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  RpSecretSource where = RP_SECRET_SOURCE_NONE;
  char *key = rp_secrets_lookup_finish (RP_SECRETS (source), result, &where, &error);
  GtkWidget *status, *remove;

  rp_secrets_key_free (key);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      status = rp_preferences_get_row (op->self, rp_provider_get_id (op->provider), "key-status");
      remove = g_object_get_data (G_OBJECT (status), "remove-button");
      if (where == RP_SECRET_SOURCE_NONE)
        {
          g_autofree char *text = NULL;

          /* Translators: %s is an environment variable name such as OPENAI_API_KEY */
          text = g_strdup_printf (_("No key yet. Enter one above, or set %s."),
                                  rp_provider_get_api_key_env (op->provider));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (status), text);
        }
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (status), rp_secret_source_get_label (where));
      /* Only a key Repaint keeps can be removed here; the environment is not ours. */
      gtk_widget_set_visible (remove, where == RP_SECRET_SOURCE_KEYRING || where == RP_SECRET_SOURCE_SESSION);
      update_keyring_notice (op->self);
    }
  op_free (op);
}

static void
lookup_key (RpPreferences *self,
            RpProvider    *provider)
{
  rp_secrets_lookup_async (self->secrets, provider, self->cancellable, on_key_looked_up, op_new (self, provider));
}

static void
on_key_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  RpSecretSource where = RP_SECRET_SOURCE_NONE;

  if (rp_secrets_store_finish (RP_SECRETS (source), result, &where, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The key for %s is saved in the keyring"),
                                               rp_provider_get_name (op->provider));

      toast (op->self, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (op->self, error->message);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    lookup_key (op->self, op->provider);
  op_free (op);
}

static void
on_key_apply (AdwEntryRow *row,
              Op          *unused)
{
  RpPreferences *self = g_object_get_data (G_OBJECT (row), "preferences");
  RpProvider *provider = g_object_get_data (G_OBJECT (row), "provider");
  g_autofree char *key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  if (*g_strstrip (key) == '\0')
    return;
  rp_secrets_store_async (self->secrets, provider, key, self->cancellable, on_key_stored, op_new (self, provider));
  /* The typed key leaves the widget at once: it lives in the keyring now. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  memset (key, 0, strlen (key));
}

static void
on_key_cleared (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  if (rp_secrets_clear_finish (RP_SECRETS (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The key for %s was removed"), rp_provider_get_name (op->provider));

      toast (op->self, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (op->self, error->message);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    lookup_key (op->self, op->provider);
  op_free (op);
}

static void
on_remove_clicked (GtkButton *button,
                   gpointer   unused)
{
  RpPreferences *self = g_object_get_data (G_OBJECT (button), "preferences");
  RpProvider *provider = g_object_get_data (G_OBJECT (button), "provider");

  rp_secrets_clear_async (self->secrets, provider, self->cancellable, on_key_cleared, op_new (self, provider));
}

static void
on_url_apply (AdwEntryRow *row,
              gpointer     unused)
{
  RpPreferences *self = g_object_get_data (G_OBJECT (row), "preferences");
  RpProvider *provider = g_object_get_data (G_OBJECT (row), "provider");
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (*url == '\0')
    {
      /* Empty: back to the definition's address. */
      set_base_url (self->settings, provider, NULL);
      gtk_editable_set_text (GTK_EDITABLE (row), rp_provider_get_base_url (provider));
      return;
    }
  if (!rp_provider_validate_base_url (url, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast (self, error->message);
      return;
    }
  set_base_url (self->settings, provider, url);
  toast (self, _("Base URL saved"));
}

typedef struct
{
  Op        *op;
  GtkWidget *row;
  GtkWidget *spinner;
  GtkWidget *button;
  char      *base_url;
} CheckOp;

static void
check_op_free (CheckOp *c)
{
  gtk_spinner_stop (GTK_SPINNER (c->spinner));
  gtk_widget_set_visible (c->spinner, FALSE);
  gtk_widget_set_sensitive (c->button, TRUE);
  g_object_unref (c->row);
  g_object_unref (c->spinner);
  g_object_unref (c->button);
  g_free (c->base_url);
  op_free (c->op);
  g_free (c);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckOp *c = user_data;
  g_autoptr(GError) error = NULL;
  RpCheckResult outcome = rp_provider_check_finish (RP_PROVIDER (source), result, &error);
  g_autofree char *text = NULL;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      text = rp_check_result_describe (outcome, c->op->provider, error);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (c->row), text);
      gtk_widget_remove_css_class (c->row, "success");
      gtk_widget_remove_css_class (c->row, "error");
      gtk_widget_add_css_class (c->row, outcome == RP_CHECK_KEY_WORKS || outcome == RP_CHECK_REACHABLE
                                          ? "success" : "error");
    }
  check_op_free (c);
}

static void
on_check_key (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CheckOp *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSecretsKey) key = rp_secrets_lookup_finish (RP_SECRETS (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      check_op_free (c);
      return;
    }
  rp_provider_check_async (c->op->provider, c->base_url, key, c->op->self->cancellable, on_checked, c);
}

static void
on_check_clicked (GtkButton *button,
                  gpointer   unused)
{
  RpPreferences *self = g_object_get_data (G_OBJECT (button), "preferences");
  RpProvider *provider = g_object_get_data (G_OBJECT (button), "provider");
  CheckOp *c = g_new0 (CheckOp, 1);

  c->op = op_new (self, provider);
  c->row = g_object_ref (rp_preferences_get_row (self, rp_provider_get_id (provider), "check"));
  c->spinner = g_object_ref (g_object_get_data (G_OBJECT (c->row), "spinner"));
  c->button = g_object_ref (GTK_WIDGET (button));
  c->base_url = rp_preferences_dup_base_url (self->settings, provider);
  gtk_widget_set_visible (c->spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (c->spinner));
  gtk_widget_set_sensitive (c->button, FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (c->row), _("Testing…"));
  rp_secrets_lookup_async (self->secrets, provider, self->cancellable, on_check_key, c);
}

static void
tag (gpointer     widget,
     RpPreferences *self,
     RpProvider  *provider)
{
  g_object_set_data (G_OBJECT (widget), "preferences", self);
  g_object_set_data_full (G_OBJECT (widget), "provider", g_object_ref (provider), g_object_unref);
}

/* The offline fill has no key, address or connection to test: only what it is. */
static void
add_local_group (RpPreferences *self,
                 RpProvider    *provider)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), rp_provider_get_name (provider));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 _("Runs on this computer: no key needed and nothing is sent "
                                   "anywhere. The prompt does not steer it."));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("computer-symbolic"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (self->providers_page, ADW_PREFERENCES_GROUP (group));
  remember_row (self, provider, "group", group);
  remember_row (self, provider, "note", row);
}

static void
add_provider_group (RpPreferences *self,
                    RpProvider    *provider)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *key = adw_password_entry_row_new ();
  GtkWidget *status = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove"));
  GtkWidget *url = adw_entry_row_new ();
  g_autofree char *base_url = rp_preferences_dup_base_url (self->settings, provider);
  const char *check_path = rp_provider_get_check_path (provider, NULL);
  g_autofree char *description = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), rp_provider_get_name (provider));
  if (!rp_provider_get_builtin (provider))
    {
      /* Translators: %s is the path of a provider definition file */
      description = g_strdup_printf (_("Defined in %s"), rp_provider_get_source (provider));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (key), _("API Key"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (key), TRUE);
  tag (key, self, provider);
  g_signal_connect (key, "apply", G_CALLBACK (on_key_apply), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), key);
  remember_row (self, provider, "key", key);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (status), _("Current Key"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (status), _("Looking…"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "destructive-action");
  gtk_widget_set_visible (remove, FALSE);
  tag (remove, self, provider);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), NULL);
  g_object_set_data (G_OBJECT (status), "remove-button", remove);
  adw_action_row_add_suffix (ADW_ACTION_ROW (status), remove);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), status);
  remember_row (self, provider, "key-status", status);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (url), _("Base URL"));
  gtk_editable_set_text (GTK_EDITABLE (url), base_url);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (url), TRUE);
  gtk_widget_set_tooltip_text (url, _("https:// is required, except for a service on this computer. "
                                      "Leave empty for the provider’s own address."));
  tag (url, self, provider);
  g_signal_connect (url, "apply", G_CALLBACK (on_url_apply), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), url);
  remember_row (self, provider, "base-url", url);

  if (check_path != NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spinner = gtk_spinner_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Test"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Connection"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not tested"));
      gtk_widget_set_visible (spinner, FALSE);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      tag (button, self, provider);
      g_signal_connect (button, "clicked", G_CALLBACK (on_check_clicked), NULL);
      g_object_set_data (G_OBJECT (row), "spinner", spinner);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      remember_row (self, provider, "check", row);
      remember_row (self, provider, "check-button", button);
    }

  adw_preferences_page_add (self->providers_page, ADW_PREFERENCES_GROUP (group));
  remember_row (self, provider, "group", group);
  lookup_key (self, provider);
}

static void
open_folder (GtkButton     *button,
             RpPreferences *self)
{
  const char *dir = rp_provider_registry_get_user_dir (self->registry);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autofree char *uri = NULL;

  /* Create it, so that there is somewhere to put the first file. */
  g_file_make_directory_with_parents (file, NULL, NULL);
  uri = g_file_get_uri (file);
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);
    gtk_uri_launcher_launch (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
  }
#else
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
#endif
}

static void
build_files_page (RpPreferences *self)
{
  GListModel *problems = rp_provider_registry_get_problems (self->registry);
  GListModel *providers = rp_provider_registry_get_providers (self->registry);
  GtkWidget *mine = adw_preferences_group_new ();
  GtkWidget *folder = gtk_button_new_with_mnemonic (_("_Open Folder"));
  g_autofree char *description = NULL;
  guint i, n_mine = 0;

  /* Translators: %s is a folder. The example is a JSON file; keep its keys as they are. */
  description = g_strdup_printf (_("Add a relay with a file in %s, for example:\n"
                                   "{\"id\": \"myrelay\", \"name\": \"My Relay\", \"extends\": \"openai\",\n"
                                   " \"base_url\": \"https://relay.example.com/v1\", \"api_key_env\": \"MYRELAY_API_KEY\"}"),
                                 rp_provider_registry_get_user_dir (self->registry));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (mine), _("Your Definitions"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (mine), description);
  gtk_widget_set_valign (folder, GTK_ALIGN_CENTER);
  g_signal_connect (folder, "clicked", G_CALLBACK (open_folder), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (mine), folder);
  for (i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
      GtkWidget *row;

      if (rp_provider_get_builtin (provider))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rp_provider_get_name (provider));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rp_provider_get_source (provider));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (mine), row);
      n_mine++;
    }
  if (n_mine == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("None yet"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (mine), row);
    }
  adw_preferences_page_add (self->files_page, ADW_PREFERENCES_GROUP (mine));

  if (g_list_model_get_n_items (problems) > 0)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Problems"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("These files were skipped. Fix them and restart Repaint."));
      for (i = 0; i < g_list_model_get_n_items (problems); i++)
        {
          g_autoptr(RpProviderProblem) problem = g_list_model_get_item (problems, i);
          g_autofree char *name = g_path_get_basename (rp_provider_problem_get_path (problem));
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rp_provider_problem_get_message (problem));
          gtk_widget_set_tooltip_text (row, rp_provider_problem_get_path (problem));
          gtk_widget_add_css_class (row, "error");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_hash_table_insert (self->rows, g_strdup_printf ("problem/%s", name), row);
        }
      adw_preferences_page_add (self->files_page, ADW_PREFERENCES_GROUP (group));
    }
}

static void
rp_preferences_dispose (GObject *object)
{
  RpPreferences *self = RP_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  if (self->secrets != NULL)
    g_signal_handlers_disconnect_by_data (self->secrets, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->registry);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (rp_preferences_parent_class)->dispose (object);
}

static void
rp_preferences_class_init (RpPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rp_preferences_dispose;
}

static void
rp_preferences_init (RpPreferences *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * rp_preferences_new:
 * @settings: where base URLs are kept
 *
 * Returns: (transfer full): the Preferences window: per provider the API key, the base URL
 *   and a connection test; and the definition files found with their problems
 */
RpPreferences *
rp_preferences_new (GtkWindow          *parent,
                    RpProviderRegistry *registry,
                    RpSecrets          *secrets,
                    GSettings          *settings)
{
  RpPreferences *self;
  GListModel *providers;
  GtkWidget *notice;
  guint i;

  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (registry), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RP_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "modal", TRUE,
                       "default-width", 640,
                       "default-height", 720,
                       "search-enabled", TRUE,
                       NULL);
  self->registry = g_object_ref (registry);
  self->secrets = g_object_ref (secrets);
  self->settings = g_object_ref (settings);

  self->providers_page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (self->providers_page, _("Providers"));
  adw_preferences_page_set_icon_name (self->providers_page, "network-server-symbolic");
  self->files_page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (self->files_page, _("Definitions"));
  adw_preferences_page_set_icon_name (self->files_page, "emblem-documents-symbolic");

  self->keyring_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  notice = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (notice), _("No keyring answered"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (notice),
                               _("Keys you enter are kept only until Repaint closes. Unlock or set up "
                                 "a keyring, such as GNOME Keyring, to keep them."));
  gtk_widget_add_css_class (notice, "warning");
  adw_preferences_group_add (self->keyring_group, notice);
  adw_preferences_page_add (self->providers_page, self->keyring_group);
  g_signal_connect_swapped (secrets, "notify::keyring-state", G_CALLBACK (update_keyring_notice), self);
  update_keyring_notice (self);

  providers = rp_provider_registry_get_providers (registry);
  for (i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);

      if (rp_provider_is_local (provider))
        add_local_group (self, provider);
      else
        add_provider_group (self, provider);
    }
  build_files_page (self);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), self->providers_page);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), self->files_page);
  return self;
}

/* Scrolls to a provider's group and focuses its key entry (from the sidebar's Set Up…). */
void
rp_preferences_show_provider (RpPreferences *self,
                              const char    *provider_id)
{
  GtkWidget *key;

  g_return_if_fail (RP_IS_PREFERENCES (self));

  key = rp_preferences_get_row (self, provider_id, "key");
  if (key != NULL)
    gtk_widget_grab_focus (key);
}
