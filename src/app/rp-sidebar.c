/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-sidebar"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-param-row.h"
#include "rp-prompt-box.h"
#include "rp-reference-strip.h"
#include "rp-sidebar.h"

struct _RpSidebar
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *scroller;
  RpPromptBox        *prompt_box;
  RpReferenceStrip   *reference_strip;
  GtkWidget          *add_reference_button;
  GtkWidget          *job_list;
  GtkWidget          *generate_button;
  GtkWidget          *blocker_label;
  AdwComboRow        *crop_row;
  GtkAdjustment      *feather_adjustment;
  AdwComboRow        *provider_row;
  AdwComboRow        *model_row;
  AdwActionRow       *local_row;
  AdwActionRow       *key_row;
  GtkWidget          *key_button;
  AdwPreferencesGroup *params_group;
  GtkWidget          *reset_button;

  /* Owned */
  RpProviderRegistry *registry;
  RpSecrets          *secrets;
  GSettings          *settings;
  RpProvider         *provider;
  RpParams           *params;
  GPtrArray          *rows;         /* RpParamRow */
  GPtrArray          *row_widgets;  /* widgets added to params_group */
  GCancellable       *key_cancellable;
  GCancellable       *default_search; /* looking for a key to pick a provider by */
  GArray             *probes;         /* Probe per provider, in list order */

  /* State */
  gboolean            rebuilding;
};

/* What the search for the default provider knows about each provider. */
typedef enum {
  PROBE_PENDING,
  PROBE_NO_KEY,
  PROBE_KEY,
} Probe;

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpSidebar, rp_sidebar, GTK_TYPE_WIDGET)

static void stop_default_search (RpSidebar *self);

/* "provider/model", the key for saved parameter values. */
static char *
params_key (RpParams *params)
{
  return g_strdup_printf ("%s/%s", rp_provider_get_id (rp_params_get_provider (params)),
                          rp_params_get_model_id (params));
}

static char *
dict_lookup (GSettings  *settings,
             const char *key,
             const char *name)
{
  g_autoptr(GVariant) dict = NULL;
  char *value = NULL;

  if (settings == NULL)
    return NULL;
  dict = g_settings_get_value (settings, key);
  g_variant_lookup (dict, name, "s", &value);
  return value;
}

static void
dict_set (GSettings  *settings,
          const char *key,
          const char *name,
          const char *value)
{
  g_autoptr(GVariant) dict = NULL;
  g_auto(GVariantDict) builder = G_VARIANT_DICT_INIT (NULL);
  GVariantIter iter;
  const char *k, *v;

  if (settings == NULL)
    return;
  dict = g_settings_get_value (settings, key);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    if (!g_str_equal (k, name))
      g_variant_dict_insert (&builder, k, "s", v);
  if (value != NULL)
    g_variant_dict_insert (&builder, name, "s", value);
  /* a{ss}, not the a{sv} a GVariantDict ends as. */
  {
    g_autoptr(GVariant) end = g_variant_ref_sink (g_variant_dict_end (&builder));
    GVariantBuilder strings;
    GVariant *child;

    g_variant_builder_init (&strings, G_VARIANT_TYPE ("a{ss}"));
    g_variant_iter_init (&iter, end);
    while (g_variant_iter_next (&iter, "{&sv}", &k, &child))
      {
        g_variant_builder_add (&strings, "{ss}", k, g_variant_get_string (child, NULL));
        g_variant_unref (child);
      }
    g_settings_set_value (settings, key, g_variant_builder_end (&strings));
  }
}

static void
save_params (RpSidebar *self)
{
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  if (self->params == NULL || self->settings == NULL)
    return;
  key = params_key (self->params);
  node = rp_params_to_json (self->params);
  json = json_to_string (node, FALSE);
  dict_set (self->settings, "params", key, json);
}

static void
refresh_rows (RpSidebar *self)
{
  guint i;

  for (i = 0; i < self->rows->len; i++)
    rp_param_row_refresh (g_ptr_array_index (self->rows, i));
}

static void
on_row_changed (RpSidebar  *self,
                RpParamRow *row)
{
  /* Values that stopped applying (partial images after streaming was turned off…) go. */
  rp_params_prune (self->params);
  refresh_rows (self);
  save_params (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
clear_rows (RpSidebar *self)
{
  guint i;

  for (i = 0; i < self->row_widgets->len; i++)
    adw_preferences_group_remove (self->params_group, g_ptr_array_index (self->row_widgets, i));
  g_ptr_array_set_size (self->row_widgets, 0);
  for (i = 0; i < self->rows->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->rows, i), self);
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_widget (RpSidebar *self,
            GtkWidget *parent,
            GtkWidget *widget)
{
  if (parent != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (parent), widget);
  else
    {
      adw_preferences_group_add (self->params_group, widget);
      g_ptr_array_add (self->row_widgets, widget);
    }
}

/* One row per parameter the model takes, in the definition's order; the prompt has its own
 * box and the model its own chooser. */
static void
build_rows (RpSidebar *self)
{
  GListModel *specs = rp_model_spec_get_params (rp_params_get_spec (self->params));
  GtkWidget *more = NULL;
  guint pass, i;

  clear_rows (self);
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < g_list_model_get_n_items (specs); i++)
      {
        g_autoptr(RpParamSpec) spec = g_list_model_get_item (specs, i);
        const char *name = rp_param_spec_get_name (spec);
        RpParamRow *row;

        if (rp_param_spec_get_implicit (spec) || g_str_equal (name, "prompt") ||
            rp_param_spec_get_advanced (spec) != (pass == 1))
          continue;
        if (pass == 1 && more == NULL)
          {
            more = adw_expander_row_new ();
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), _("More Options"));
            add_widget (self, NULL, more);
          }
        row = rp_param_row_new (self->params, spec);
        g_signal_connect_swapped (row, "changed", G_CALLBACK (on_row_changed), self);
        add_widget (self, more, rp_param_row_get_widget (row));
        if (rp_param_row_get_extra (row) != NULL)
          add_widget (self, more, rp_param_row_get_extra (row));
        g_ptr_array_add (self->rows, row);
      }
  gtk_widget_set_visible (GTK_WIDGET (self->params_group), self->rows->len > 0);
}

static void
on_key_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RpSidebar *self;
  g_autoptr(GError) error = NULL;
  RpSecretSource where = RP_SECRET_SOURCE_NONE;
  char *key = rp_secrets_lookup_finish (RP_SECRETS (source), result, &where, &error);

  rp_secrets_key_free (key);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = RP_SIDEBAR (user_data);
  if (where == RP_SECRET_SOURCE_NONE)
    {
      adw_action_row_set_subtitle (self->key_row, _("Not set"));
      gtk_widget_add_css_class (GTK_WIDGET (self->key_row), "warning");
    }
  else
    {
      adw_action_row_set_subtitle (self->key_row, rp_secret_source_get_label (where));
      gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "warning");
    }
  gtk_button_set_label (GTK_BUTTON (self->key_button),
                        where == RP_SECRET_SOURCE_NONE ? _("_Set Up…") : _("_Change…"));
}

void
rp_sidebar_refresh_key (RpSidebar *self)
{
  g_return_if_fail (RP_IS_SIDEBAR (self));

  g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  /* The offline fill has no key: a note says why, instead of the key row. */
  gtk_widget_set_visible (GTK_WIDGET (self->local_row),
                          self->provider != NULL && rp_provider_is_local (self->provider));
  gtk_widget_set_visible (GTK_WIDGET (self->key_row),
                          self->provider != NULL && !rp_provider_is_local (self->provider));
  if (self->provider == NULL || self->secrets == NULL || rp_provider_is_local (self->provider))
    return;
  self->key_cancellable = g_cancellable_new ();
  adw_action_row_set_subtitle (self->key_row, _("Looking…"));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->key_button), "s", rp_provider_get_id (self->provider));
  rp_secrets_lookup_async (self->secrets, self->provider, self->key_cancellable, on_key_looked_up, self);
}

/* The prompt's length limit (or that it is not read) and the number of references follow
 * the model. */
static void
update_limits (RpSidebar *self)
{
  RpParamSpec *prompt = rp_model_spec_lookup_param (rp_params_get_spec (self->params), "prompt");
  guint max_images = rp_params_get_max_images (self->params);

  rp_prompt_box_set_max_length (self->prompt_box, prompt ? rp_param_spec_get_max_length (prompt) : 0);
  rp_prompt_box_set_used (self->prompt_box, prompt != NULL);
  rp_reference_strip_set_max (self->reference_strip,
                              max_images == 0 ? RP_REFERENCE_STRIP_UNLIMITED : max_images - 1);
}

static void
set_params (RpSidebar *self,
            RpParams  *params)
{
  g_autofree char *key = params_key (params);
  g_autofree char *saved = dict_lookup (self->settings, "params", key);

  g_set_object (&self->params, params);
  if (saved != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      /* Values that no longer fit the definition are dropped by load_json. */
      if (rp_json_parser_load (parser, saved, strlen (saved), NULL))
        rp_params_load_json (params, json_parser_get_root (parser));
    }
  build_rows (self);
  update_limits (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
fill_models (RpSidebar  *self,
             const char *model_id)
{
  GListModel *models = rp_provider_get_models (self->provider);
  GtkStringList *names = gtk_string_list_new (NULL);
  guint i, selected = 0;

  for (i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(RpModelInfo) info = g_list_model_get_item (models, i);

      gtk_string_list_append (names, rp_model_info_get_name (info));
      if (g_strcmp0 (rp_model_info_get_id (info), model_id) == 0)
        selected = i;
    }
  self->rebuilding = TRUE;
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->model_row, selected);
  self->rebuilding = FALSE;
  g_object_unref (names);
}

/* @persist: remember the choice for the next window (a person chose it), rather than only
 * showing it (a default, or the command line's). */
static gboolean
choose (RpSidebar   *self,
        RpProvider  *provider,
        const char  *model_id,
        gboolean     persist)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autofree char *remembered = NULL;

  if (model_id == NULL)
    remembered = dict_lookup (self->settings, "models", rp_provider_get_id (provider));
  if (model_id == NULL && remembered != NULL && rp_provider_lookup_model (provider, remembered) != NULL)
    model_id = remembered;
  if (model_id == NULL || rp_provider_lookup_model (provider, model_id) == NULL)
    model_id = rp_provider_get_default_model (provider);

  params = rp_params_new (provider, model_id, &error);
  if (params == NULL)
    {
      g_warning ("%s / %s: %s", rp_provider_get_id (provider), model_id, error->message);
      return FALSE;
    }
  g_set_object (&self->provider, provider);
  fill_models (self, model_id);
  if (self->settings != NULL && persist)
    {
      g_settings_set_string (self->settings, "provider", rp_provider_get_id (provider));
      dict_set (self->settings, "models", rp_provider_get_id (provider), model_id);
    }
  set_params (self, params);
  rp_sidebar_refresh_key (self);
  return TRUE;
}

static void
on_provider_selected (RpSidebar *self)
{
  GListModel *providers;
  g_autoptr(RpProvider) provider = NULL;
  guint selected;

  if (self->rebuilding || self->registry == NULL)
    return;
  providers = rp_provider_registry_get_providers (self->registry);
  selected = adw_combo_row_get_selected (self->provider_row);
  provider = g_list_model_get_item (providers, selected);
  if (provider != NULL && provider != self->provider)
    {
      stop_default_search (self);
      choose (self, provider, NULL, TRUE);
    }
}

static void
on_model_selected (RpSidebar *self)
{
  GListModel *models;
  g_autoptr(RpModelInfo) info = NULL;

  if (self->rebuilding || self->provider == NULL)
    return;
  models = rp_provider_get_models (self->provider);
  info = g_list_model_get_item (models, adw_combo_row_get_selected (self->model_row));
  if (info != NULL && g_strcmp0 (rp_model_info_get_id (info), rp_params_get_model_id (self->params)) != 0)
    {
      stop_default_search (self);
      choose (self, self->provider, rp_model_info_get_id (info), TRUE);
    }
}

static void
fill_providers (RpSidebar *self)
{
  GListModel *providers = rp_provider_registry_get_providers (self->registry);
  GtkStringList *names = gtk_string_list_new (NULL);
  guint i, selected = GTK_INVALID_LIST_POSITION;

  for (i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);

      gtk_string_list_append (names, rp_provider_get_name (provider));
      if (provider == self->provider)
        selected = i;
    }
  self->rebuilding = TRUE;
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (names));
  if (selected != GTK_INVALID_LIST_POSITION)
    adw_combo_row_set_selected (self->provider_row, selected);
  self->rebuilding = FALSE;
  g_object_unref (names);
}

static gboolean
select_provider (RpSidebar  *self,
                 const char *provider_id,
                 const char *model_id,
                 gboolean    persist)
{
  RpProvider *provider = self->registry ? rp_provider_registry_lookup (self->registry, provider_id) : NULL;

  if (provider == NULL || !choose (self, provider, model_id, persist))
    return FALSE;
  fill_providers (self);
  return TRUE;
}

/**
 * rp_sidebar_select:
 * @model_id: (nullable): a model; %NULL for the one last used with the provider
 *
 * Chooses as the person does, so the next window starts with the same.
 *
 * Returns: whether the provider exists and the model could be set up
 */
gboolean
rp_sidebar_select (RpSidebar  *self,
                   const char *provider_id,
                   const char *model_id)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), FALSE);

  stop_default_search (self);
  return select_provider (self, provider_id, model_id, TRUE);
}

/**
 * rp_sidebar_preselect:
 *
 * Chooses @provider_id for this window only (the command line's `--provider`): the saved
 * choice for the next window stays as it was.
 *
 * Returns: whether the provider exists and its model could be set up
 */
gboolean
rp_sidebar_preselect (RpSidebar  *self,
                      const char *provider_id)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), FALSE);

  stop_default_search (self);
  return select_provider (self, provider_id, NULL, FALSE);
}

/* ---- The default provider -------------------------------------------------------------
 *
 * With no choice saved, the sidebar shows the offline fill at once, which needs no key, and
 * looks up every other provider's key (keyring or environment) at the same time: the first
 * provider in list order that has one then takes over, unless the person chose meanwhile. */

typedef struct
{
  RpSidebar    *self;
  GCancellable *search;   /* the search it belongs to */
  guint         index;
} ProbeOp;

static void
stop_default_search (RpSidebar *self)
{
  g_cancellable_cancel (self->default_search);
  g_clear_object (&self->default_search);
  g_clear_pointer (&self->probes, g_array_unref);
}

/* Picks the first provider with a key once every provider before it has answered. */
static void
settle_default (RpSidebar *self)
{
  GListModel *providers = rp_provider_registry_get_providers (self->registry);

  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe probe = g_array_index (self->probes, Probe, i);
      g_autoptr(RpProvider) provider = NULL;

      if (probe == PROBE_PENDING)
        return;
      if (probe == PROBE_NO_KEY)
        continue;
      provider = g_list_model_get_item (providers, i);
      stop_default_search (self);
      select_provider (self, rp_provider_get_id (provider), NULL, FALSE);
      return;
    }
  stop_default_search (self);
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProbeOp *op = user_data;
  g_autoptr(RpSidebar) self = op->self;
  g_autoptr(GCancellable) search = op->search;
  g_autoptr(GError) error = NULL;
  RpSecretSource where = RP_SECRET_SOURCE_NONE;
  guint index = op->index;

  rp_secrets_key_free (rp_secrets_lookup_finish (RP_SECRETS (source), result, &where, &error));
  g_free (op);
  /* Only the key matters, never its value; a search that was stopped or started over has
   * no say any more. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || search != self->default_search)
    return;
  g_array_index (self->probes, Probe, index) = where == RP_SECRET_SOURCE_NONE ? PROBE_NO_KEY : PROBE_KEY;
  settle_default (self);
}

static void
choose_default (RpSidebar *self)
{
  GListModel *providers = rp_provider_registry_get_providers (self->registry);
  guint n = g_list_model_get_n_items (providers);
  g_autoptr(RpProvider) first = g_list_model_get_item (providers, 0);

  stop_default_search (self);
  if (!select_provider (self, RP_PROVIDER_RESERVED_ID, NULL, FALSE) && first != NULL)
    select_provider (self, rp_provider_get_id (first), NULL, FALSE);
  if (self->secrets == NULL)
    return;

  self->default_search = g_cancellable_new ();
  self->probes = g_array_sized_new (FALSE, FALSE, sizeof (Probe), n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
      Probe probe = rp_provider_is_local (provider) ? PROBE_NO_KEY : PROBE_PENDING;

      g_array_append_val (self->probes, probe);
    }
  for (guint i = 0; i < n; i++)
    if (g_array_index (self->probes, Probe, i) == PROBE_PENDING)
      {
        g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
        ProbeOp *op = g_new (ProbeOp, 1);

        op->self = g_object_ref (self);
        op->search = g_object_ref (self->default_search);
        op->index = i;
        rp_secrets_lookup_async (self->secrets, provider, self->default_search, on_probe_done, op);
      }
  settle_default (self);
}

/**
 * rp_sidebar_get_finding_default:
 *
 * Returns: whether the sidebar is still looking for the provider to start with (the first
 *   with a key), for tests
 */
gboolean
rp_sidebar_get_finding_default (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), FALSE);
  return self->default_search != NULL;
}

static void
on_providers_changed (RpSidebar *self)
{
  /* A reload (a definition file changed): keep the choice if it still exists; a search for
   * the default starts over with the new list. */
  g_autofree char *id = self->provider ? g_strdup (rp_provider_get_id (self->provider)) : NULL;
  g_autofree char *model = self->params ? g_strdup (rp_params_get_model_id (self->params)) : NULL;
  gboolean searching = self->default_search != NULL;

  stop_default_search (self);
  g_clear_object (&self->provider);
  if (searching || id == NULL || !select_provider (self, id, model, FALSE))
    choose_default (self);
}

/* The crop choices in the order of the row's list. */
static const char * const crop_choices[] = { "auto", "close", "wide", "very-wide", "whole" };

static gboolean
crop_from_setting (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (crop_choices); i++)
    if (g_str_equal (choice, crop_choices[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
crop_to_setting (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return i < G_N_ELEMENTS (crop_choices) ? g_variant_new_string (crop_choices[i]) : NULL;
}

/**
 * rp_sidebar_setup:
 * @settings: (nullable): where choices and values are kept
 *
 * Shows the providers of @registry and restores the last choice and its values.
 */
void
rp_sidebar_setup (RpSidebar          *self,
                  RpProviderRegistry *registry,
                  RpSecrets          *secrets,
                  GSettings          *settings)
{
  g_autofree char *last = NULL;

  g_return_if_fail (RP_IS_SIDEBAR (self));
  g_return_if_fail (RP_IS_PROVIDER_REGISTRY (registry));

  g_set_object (&self->registry, registry);
  g_set_object (&self->secrets, secrets);
  g_set_object (&self->settings, settings);
  g_signal_connect_object (rp_provider_registry_get_providers (registry), "items-changed",
                           G_CALLBACK (on_providers_changed), self, G_CONNECT_SWAPPED);
  if (settings != NULL)
    {
      g_settings_bind_with_mapping (settings, "crop-context", self->crop_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                    crop_from_setting, crop_to_setting, NULL, NULL);
      g_settings_bind (settings, "feather", self->feather_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
    }
  last = settings ? g_settings_get_string (settings, "provider") : NULL;
  if (last == NULL || *last == '\0' || !select_provider (self, last, NULL, FALSE))
    choose_default (self);
}

/**
 * rp_sidebar_get_params:
 *
 * Returns: (transfer none) (nullable): the values for the chosen provider and model
 */
RpParams *
rp_sidebar_get_params (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return self->params;
}

/**
 * rp_sidebar_get_provider:
 *
 * Returns: (transfer none) (nullable): the chosen provider
 */
RpProvider *
rp_sidebar_get_provider (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return self->provider;
}

/* Every option back to the definition's default, for this provider and model. */
void
rp_sidebar_reset (RpSidebar *self)
{
  g_autoptr(RpParams) fresh = NULL;

  g_return_if_fail (RP_IS_SIDEBAR (self));

  if (self->params == NULL)
    return;
  fresh = rp_params_new (self->provider, rp_params_get_model_id (self->params), NULL);
  if (fresh == NULL)
    return;
  g_set_object (&self->params, fresh);
  save_params (self);
  build_rows (self);
  update_limits (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * rp_sidebar_get_row:
 * @param: a parameter, or "provider", "model", "key" or "local-note"
 *
 * Returns: (transfer none) (nullable): the row of @param, for tests and focus
 */
GtkWidget *
rp_sidebar_get_row (RpSidebar  *self,
                    const char *param)
{
  guint i;

  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);

  if (g_str_equal (param, "provider"))
    return GTK_WIDGET (self->provider_row);
  if (g_str_equal (param, "model"))
    return GTK_WIDGET (self->model_row);
  if (g_str_equal (param, "key"))
    return GTK_WIDGET (self->key_row);
  if (g_str_equal (param, "local-note"))
    return GTK_WIDGET (self->local_row);
  for (i = 0; i < self->rows->len; i++)
    if (g_str_equal (rp_param_row_get_name (g_ptr_array_index (self->rows, i)), param))
      return rp_param_row_get_widget (g_ptr_array_index (self->rows, i));
  return NULL;
}

static void
rp_sidebar_dispose (GObject *object)
{
  RpSidebar *self = RP_SIDEBAR (object);

  g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  stop_default_search (self);
  if (self->rows != NULL)
    clear_rows (self);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->row_widgets, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_SIDEBAR);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->params);
  g_clear_object (&self->provider);
  g_clear_object (&self->registry);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rp_sidebar_parent_class)->dispose (object);
}

static void
rp_sidebar_class_init (RpSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_sidebar_dispose;

  /**
   * RpSidebar::changed:
   *
   * The provider, the model or a value changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/rp-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, scroller);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, prompt_box);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, reference_strip);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, add_reference_button);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, job_list);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, generate_button);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, blocker_label);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, crop_row);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, feather_adjustment);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, provider_row);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, model_row);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, local_row);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, key_row);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, key_button);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, params_group);
  gtk_widget_class_bind_template_child (widget_class, RpSidebar, reset_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rpsidebar");
}

static void
rp_sidebar_init (RpSidebar *self)
{
  g_type_ensure (RP_TYPE_PROMPT_BOX);
  g_type_ensure (RP_TYPE_REFERENCE_STRIP);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->add_reference_button, "clicked",
                            G_CALLBACK (rp_reference_strip_choose_files), self->reference_strip);
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->row_widgets = g_ptr_array_new ();
  rp_sidebar_set_blocker (self, NULL);
  g_signal_connect_swapped (self->provider_row, "notify::selected", G_CALLBACK (on_provider_selected), self);
  g_signal_connect_swapped (self->model_row, "notify::selected", G_CALLBACK (on_model_selected), self);
  g_signal_connect_swapped (self->reset_button, "clicked", G_CALLBACK (rp_sidebar_reset), self);
}

/**
 * rp_sidebar_new:
 *
 * Returns: (transfer floating): a sidebar; call rp_sidebar_setup()
 */
RpSidebar *
rp_sidebar_new (void)
{
  return g_object_new (RP_TYPE_SIDEBAR, NULL);
}

RpPromptBox *
rp_sidebar_get_prompt_box (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return self->prompt_box;
}

RpReferenceStrip *
rp_sidebar_get_reference_strip (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return self->reference_strip;
}

/* The list the window fills with one row per running edit. */
GtkListBox *
rp_sidebar_get_job_list (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return GTK_LIST_BOX (self->job_list);
}

/**
 * rp_sidebar_set_blocker:
 * @reason: (nullable): why Generate cannot run now, translated, or %NULL
 *
 * Shows @reason under the Generate button and as its tooltip.
 */
void
rp_sidebar_set_blocker (RpSidebar  *self,
                        const char *reason)
{
  g_return_if_fail (RP_IS_SIDEBAR (self));

  gtk_label_set_label (GTK_LABEL (self->blocker_label), reason ? reason : "");
  gtk_widget_set_visible (self->blocker_label, reason != NULL);
  gtk_widget_set_tooltip_text (self->generate_button, reason ? reason : _("Send the photo, mask and prompt (Ctrl+Enter)"));
}

const char *
rp_sidebar_get_blocker (RpSidebar *self)
{
  g_return_val_if_fail (RP_IS_SIDEBAR (self), NULL);
  return gtk_widget_get_visible (self->blocker_label) ? gtk_label_get_label (GTK_LABEL (self->blocker_label)) : NULL;
}

/**
 * rp_sidebar_show_problem:
 * @param: (nullable): the parameter whose row shows @problem, or %NULL to clear every row
 *
 * Marks the row of @param as what stops the edit.
 */
void
rp_sidebar_show_problem (RpSidebar  *self,
                         const char *param,
                         const char *problem)
{
  guint i;

  g_return_if_fail (RP_IS_SIDEBAR (self));

  for (i = 0; i < self->rows->len; i++)
    {
      RpParamRow *row = g_ptr_array_index (self->rows, i);

      rp_param_row_set_check_problem (row, g_strcmp0 (rp_param_row_get_name (row), param) == 0 ? problem : NULL);
    }
}
