/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-application"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-application.h"
#include "rp-preferences.h"
#include "rp-window.h"

struct _RpApplication
{
  AdwApplication      parent_instance;

  RpHistory          *history;
  RpProviderRegistry *registry;
  RpSecrets          *secrets;
  RpService          *service;
  GSettings          *settings;
  GCancellable       *cancellable;

  /* --provider: given to this process (for its own launch only), and the one a launch
   * from another process asked for, while that launch is handled. */
  char               *provider_option;
  char               *remote_provider;
  gboolean            remote_launch;
};

/* Where --provider travels from a second launch to the running instance. */
#define PLATFORM_DATA_PROVIDER "repaint-provider"

G_DEFINE_FINAL_TYPE (RpApplication, rp_application, ADW_TYPE_APPLICATION)

static RpWindow *
new_window (RpApplication *self)
{
  return rp_window_new (GTK_APPLICATION (self));
}

/* The launch said which provider to use: the window it opens starts with it. */
static void
apply_launch_provider (RpApplication *self,
                       RpWindow      *window)
{
  const char *id = self->remote_launch ? self->remote_provider : self->provider_option;
  g_autofree char *message = NULL;

  if (id == NULL || rp_sidebar_preselect (rp_window_get_sidebar (window), id))
    return;
  /* Translators: %s is what was given to --provider */
  message = g_strdup_printf (_("There is no provider “%s”"), id);
  rp_window_add_toast (window, message);
}

/* This process's own launch has been handled: its --provider does not apply to later ones. */
static void
launch_handled (RpApplication *self)
{
  if (!self->remote_launch)
    g_clear_pointer (&self->provider_option, g_free);
}

static void
rp_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      window = GTK_WINDOW (new_window (RP_APPLICATION (application)));
      apply_launch_provider (RP_APPLICATION (application), RP_WINDOW (window));
      /* Started without a photo: pick up where the last session left off. */
      rp_window_restore_session (RP_WINDOW (window));
    }
  launch_handled (RP_APPLICATION (application));
  gtk_window_present (window);
}

static void
rp_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  RpApplication *self = RP_APPLICATION (application);
  int i;

  for (i = 0; i < n_files; i++)
    {
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
      RpWindow *window;

      /* Reuse an empty window; never replace someone's work. */
      if (RP_IS_WINDOW (active) && rp_window_get_document (RP_WINDOW (active)) == NULL &&
          !rp_window_get_loading (RP_WINDOW (active)))
        window = RP_WINDOW (active);
      else
        window = new_window (self);
      apply_launch_provider (self, window);
      rp_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
  launch_handled (self);
}

static void
on_help_launched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    return;
  g_message ("Help could not be opened: %s", error->message);
  dialog = adw_message_dialog_new (parent, _("Help Could Not Be Opened"),
                                   _("Repaint’s help is read with the GNOME Help app (yelp), which is not "
                                     "installed here. Install it to read the guide; the Keyboard Shortcuts "
                                     "window lists every shortcut."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* F1: the Mallard help, in GNOME Help. */
static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  g_autoptr(GdkAppLaunchContext) context = NULL;

  if (window != NULL)
    context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (window)));
  g_app_info_launch_default_for_uri_async ("help:" GETTEXT_PACKAGE, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           on_help_launched, window ? g_object_ref (window) : NULL);
}

/* A notification was clicked: bring Repaint to the front. */
static void
present_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Repaint authors", NULL };
  static const char *photo_credit[] = { "Risto Saukonpää (“Kite”, LGPL-3.0)", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Repaint"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", "The Repaint authors",
                        "developers", developers,
                        "comments", _("Paint over part of a photo and let AI or the offline fill redraw it. "
                                      "Every pixel you did not paint stays exactly as it was."),
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_BUGREPORT,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Repaint authors",
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_credit_section (ADW_ABOUT_WINDOW (about), _("Sample Photo"), photo_credit);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_preferences_closed (GtkWindow     *preferences,
                       RpApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* A key may have been added or removed: the sidebars say so. */
  for (; windows != NULL; windows = windows->next)
    if (RP_IS_WINDOW (windows->data))
      rp_sidebar_refresh_key (rp_window_get_sidebar (RP_WINDOW (windows->data)));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  RpApplication *self = RP_APPLICATION (user_data);
  RpPreferences *preferences;

  if (self->settings == NULL)
    return;
  preferences = rp_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                    self->registry, self->secrets, self->settings);
  g_signal_connect_object (preferences, "destroy", G_CALLBACK (on_preferences_closed), self, 0);
  gtk_window_present (GTK_WINDOW (preferences));
  if (parameter != NULL && *g_variant_get_string (parameter, NULL) != '\0')
    rp_preferences_show_provider (preferences, g_variant_get_string (parameter, NULL));
}

/**
 * rp_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the application's settings (NULL without the schema)
 */
GSettings *
rp_application_get_settings (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);
  return self->settings;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window runs its close-request (saves state, cancels work). */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
}

static const GActionEntry app_actions[] = {
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "present", present_action, NULL, NULL, NULL, { 0 } },
  { "help", help_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, "s", NULL, NULL, { 0 } },
};

static void
on_history_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!rp_history_load_finish (RP_HISTORY (source), result, &error))
    g_warning ("Could not read the history: %s", error->message);
}

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!rp_provider_registry_discover_finish (RP_PROVIDER_REGISTRY (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Model lists could not be refreshed: %s", error->message);
}

static void
rp_application_startup (GApplication *application)
{
  RpApplication *self = RP_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (rp_application_parent_class)->startup (application);

  /* Read in a worker thread: start-up never waits for the history. */
  self->history = rp_history_new (NULL);
  rp_history_load_async (self->history, NULL, on_history_loaded, NULL);

  /* Definitions are a few small files; model lists from the network come later. */
  self->cancellable = g_cancellable_new ();
  self->registry = rp_provider_registry_new (NULL, NULL);
  rp_provider_registry_load (self->registry);
  rp_provider_registry_discover_async (self->registry, self->cancellable, on_discovered, NULL);
  self->secrets = rp_secrets_new ();
  self->service = rp_service_new (self->history, self->secrets);
  {
    g_autoptr(RpLocalBackend) local = rp_local_backend_new ();

    /* The offline fill computes its results here instead of sending the request. */
    rp_service_add_backend (self->service, RP_PROVIDER_RESERVED_ID, RP_EDIT_BACKEND (local));
  }
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, BASE_ID, TRUE) : NULL;

    if (schema != NULL)
      self->settings = g_settings_new (BASE_ID);
  }

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences('')", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.help", help_accels);
}

static void
rp_application_shutdown (GApplication *application)
{
  RpApplication *self = RP_APPLICATION (application);

  if (self->history != NULL)
    rp_history_purge_trash (self->history);
  g_cancellable_cancel (self->cancellable);
  G_APPLICATION_CLASS (rp_application_parent_class)->shutdown (application);
}

static int
rp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  RpApplication *self = RP_APPLICATION (application);

  g_clear_pointer (&self->provider_option, g_free);
  g_variant_dict_lookup (options, "provider", "s", &self->provider_option);
  return -1;
}

static void
rp_application_add_platform_data (GApplication    *application,
                                  GVariantBuilder *builder)
{
  RpApplication *self = RP_APPLICATION (application);

  G_APPLICATION_CLASS (rp_application_parent_class)->add_platform_data (application, builder);
  if (self->provider_option != NULL)
    g_variant_builder_add (builder, "{sv}", PLATFORM_DATA_PROVIDER,
                           g_variant_new_string (self->provider_option));
}

static void
rp_application_before_emit (GApplication *application,
                            GVariant     *platform_data)
{
  RpApplication *self = RP_APPLICATION (application);

  G_APPLICATION_CLASS (rp_application_parent_class)->before_emit (application, platform_data);
  /* Only launches from other processes come through here. */
  self->remote_launch = TRUE;
  g_clear_pointer (&self->remote_provider, g_free);
  g_variant_lookup (platform_data, PLATFORM_DATA_PROVIDER, "s", &self->remote_provider);
}

static void
rp_application_after_emit (GApplication *application,
                           GVariant     *platform_data)
{
  RpApplication *self = RP_APPLICATION (application);

  self->remote_launch = FALSE;
  g_clear_pointer (&self->remote_provider, g_free);
  G_APPLICATION_CLASS (rp_application_parent_class)->after_emit (application, platform_data);
}

static void
rp_application_finalize (GObject *object)
{
  RpApplication *self = RP_APPLICATION (object);

  g_clear_object (&self->service);
  g_clear_object (&self->history);
  g_clear_object (&self->registry);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->provider_option, g_free);
  g_clear_pointer (&self->remote_provider, g_free);
  G_OBJECT_CLASS (rp_application_parent_class)->finalize (object);
}

static void
rp_application_class_init (RpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = rp_application_finalize;
  app_class->shutdown = rp_application_shutdown;

  app_class->activate = rp_application_activate;
  app_class->open = rp_application_open;
  app_class->startup = rp_application_startup;
  app_class->handle_local_options = rp_application_handle_local_options;
  app_class->add_platform_data = rp_application_add_platform_data;
  app_class->before_emit = rp_application_before_emit;
  app_class->after_emit = rp_application_after_emit;
}

static void
rp_application_init (RpApplication *self)
{
  static const GOptionEntry options[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Start the window with this provider, e.g. “local” for the offline fill"), N_("ID") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/**
 * rp_application_new:
 * @flags: extra flags (tests pass %G_APPLICATION_NON_UNIQUE)
 *
 * Returns: (transfer full): the application
 */
RpApplication *
rp_application_new (GApplicationFlags flags)
{
  return g_object_new (RP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * rp_application_get_history:
 *
 * Returns: (transfer none): the history shared by every window (set up at startup)
 */
RpHistory *
rp_application_get_history (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);
  return self->history;
}

/**
 * rp_application_get_registry:
 *
 * Returns: (transfer none): the provider definitions, loaded at startup
 */
RpProviderRegistry *
rp_application_get_registry (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);
  return self->registry;
}

/**
 * rp_application_get_service:
 *
 * Returns: (transfer none): the service that runs every window's edits
 */
RpService *
rp_application_get_service (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);
  return self->service;
}

/**
 * rp_application_get_secrets:
 *
 * Returns: (transfer none): where API keys are kept
 */
RpSecrets *
rp_application_get_secrets (RpApplication *self)
{
  g_return_val_if_fail (RP_IS_APPLICATION (self), NULL);
  return self->secrets;
}
