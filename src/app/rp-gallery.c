/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-gallery"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "rp-gallery.h"
#include "rp-gallery-item.h"

/* Decoded thumbnails kept around: a few screens' worth. */
#define THUMBNAIL_CACHE_ITEMS 400

/* The status filter's rows after "All Statuses", in order. */
static const RpHistoryStatus status_rows[] = {
  RP_HISTORY_STATUS_DONE,
  RP_HISTORY_STATUS_FAILED,
  RP_HISTORY_STATUS_INTERRUPTED,
  RP_HISTORY_STATUS_CANCELLED,
  RP_HISTORY_STATUS_PENDING,
};

struct _RpGallery
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *provider_dropdown;
  GtkDropDown        *status_dropdown;
  GtkStack           *stack;
  GtkGridView        *grid;

  /* Owned */
  RpHistory          *history;
  RpProviderRegistry *registry;
  RpThumbnailCache   *thumbnails;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GtkStringList      *providers;     /* names shown in the provider filter */
  GPtrArray          *provider_ids;  /* interned ids in the same order; NULL first (all) */

  /* State */
  char               *search;      /* casefolded */
  char               *provider;    /* NULL: all */
  int                 status;      /* -1: all */
};

enum {
  ENTRY_ACTIVATED,
  DELETE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpGallery, rp_gallery, GTK_TYPE_WIDGET)

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  RpGallery *self = user_data;
  RpHistoryEntry *entry = item;

  if (self->provider != NULL && g_strcmp0 (rp_history_entry_get_provider (entry), self->provider) != 0)
    return FALSE;
  if (self->status >= 0 && (int) rp_history_entry_get_status (entry) != self->status)
    return FALSE;
  /* The card's title: the prompt, or the model's name for the offline fill. */
  if (self->search != NULL && *self->search != '\0')
    {
      g_autofree char *title = g_utf8_casefold (rp_gallery_entry_title (self->registry, entry), -1);

      if (strstr (title, self->search) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
update_page (RpGallery *self)
{
  guint total = self->history ? g_list_model_get_n_items (G_LIST_MODEL (self->history)) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  gtk_stack_set_visible_child_name (self->stack, total == 0 ? "empty" : shown == 0 ? "no-results" : "grid");
}

static void
refilter (RpGallery *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);
}

static int
compare_provider_names (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  RpGallery *self = user_data;
  const char *id_a = *(const char * const *) a;
  const char *id_b = *(const char * const *) b;
  int order = g_utf8_collate (rp_gallery_provider_name (self->registry, id_a),
                              rp_gallery_provider_name (self->registry, id_b));

  return order != 0 ? order : strcmp (id_a, id_b);
}

/* The provider filter lists the providers that occur in the history, by name; a provider
 * no longer known shows the id the history keeps. */
static void
update_providers (RpGallery *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint i, n = self->history ? g_list_model_get_n_items (G_LIST_MODEL (self->history)) : 0;
  guint selected = 0;

  for (i = 0; i < n; i++)
    {
      g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->history), i);
      const char *provider = g_intern_string (rp_history_entry_get_provider (entry));

      if (*provider != '\0' && g_hash_table_add (seen, (gpointer) provider))
        g_ptr_array_add (ids, (gpointer) provider);
    }
  g_ptr_array_sort_with_data (ids, compare_provider_names, self);
  g_ptr_array_insert (ids, 0, NULL);
  g_ptr_array_add (names, (gpointer) _("All Providers"));
  for (i = 1; i < ids->len; i++)
    {
      g_ptr_array_add (names, (gpointer) rp_gallery_provider_name (self->registry, ids->pdata[i]));
      if (g_strcmp0 (ids->pdata[i], self->provider) == 0)
        selected = i;
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_unref (self->provider_ids);
  self->provider_ids = g_steal_pointer (&ids);

  g_signal_handlers_block_matched (self->provider_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_string_list_splice (self->providers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->providers)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->provider_dropdown, selected);
  g_signal_handlers_unblock_matched (self->provider_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
on_history_changed (RpGallery  *self,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GListModel *model)
{
  update_providers (self);
  update_page (self);
}

static void
on_search_changed (RpGallery      *self,
                   GtkSearchEntry *entry)
{
  rp_gallery_set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_filter_dropdown (RpGallery   *self,
                    GParamSpec  *pspec,
                    GtkDropDown *dropdown)
{
  guint p = gtk_drop_down_get_selected (self->provider_dropdown);
  guint s = gtk_drop_down_get_selected (self->status_dropdown);
  const char *provider = NULL;

  if (p != GTK_INVALID_LIST_POSITION && p < self->provider_ids->len)
    provider = self->provider_ids->pdata[p];
  g_free (self->provider);
  self->provider = g_strdup (provider);
  self->status = (s == GTK_INVALID_LIST_POSITION || s == 0) ? -1 : (int) status_rows[s - 1];
  refilter (self);
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            RpGallery                *self)
{
  gtk_list_item_set_child (item, GTK_WIDGET (rp_gallery_item_new (self->thumbnails, self->registry)));
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           RpGallery                *self)
{
  rp_gallery_item_set_entry (RP_GALLERY_ITEM (gtk_list_item_get_child (item)),
                             gtk_list_item_get_item (item));
}

static void
unbind_item (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             RpGallery                *self)
{
  rp_gallery_item_set_entry (RP_GALLERY_ITEM (gtk_list_item_get_child (item)), NULL);
}

static void
on_activate (RpGallery   *self,
             guint        position,
             GtkGridView *grid)
{
  g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (entry != NULL)
    g_signal_emit (self, signals[ENTRY_ACTIVATED], 0, entry);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RpGallery *self = RP_GALLERY (widget);
  RpHistoryEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  if (entry != NULL)
    g_signal_emit (self, signals[DELETE_REQUESTED], 0, entry);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  rp_gallery_focus_search (RP_GALLERY (widget));
}

static void
rp_gallery_dispose (GObject *object)
{
  RpGallery *self = RP_GALLERY (object);

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->registry != NULL)
    g_signal_handlers_disconnect_by_data (rp_provider_registry_get_providers (self->registry), self);
  g_clear_object (&self->history);
  g_clear_object (&self->registry);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_GALLERY);
  g_clear_object (&self->selection);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->providers);
  g_clear_pointer (&self->provider_ids, g_ptr_array_unref);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->provider, g_free);

  G_OBJECT_CLASS (rp_gallery_parent_class)->dispose (object);
}

static void
rp_gallery_class_init (RpGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_gallery_dispose;

  /**
   * RpGallery::entry-activated:
   * @entry: the RpHistoryEntry to open
   */
  signals[ENTRY_ACTIVATED] =
    g_signal_new ("entry-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, RP_TYPE_HISTORY_ENTRY);
  /**
   * RpGallery::delete-requested:
   * @entry: the RpHistoryEntry the person wants deleted (Delete key)
   */
  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, RP_TYPE_HISTORY_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/rp-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, RpGallery, box);
  gtk_widget_class_bind_template_child (widget_class, RpGallery, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RpGallery, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpGallery, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RpGallery, stack);
  gtk_widget_class_bind_template_child (widget_class, RpGallery, grid);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rpgallery");

  gtk_widget_class_install_action (widget_class, "gallery.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "gallery.delete", NULL);
  gtk_widget_class_install_action (widget_class, "gallery.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "gallery.search", NULL);
}

static void
rp_gallery_init (RpGallery *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->status = -1;
  self->thumbnails = rp_thumbnail_cache_new (THUMBNAIL_CACHE_ITEMS);
  self->providers = gtk_string_list_new (NULL);
  self->provider_ids = g_ptr_array_new ();
  gtk_drop_down_set_model (self->provider_dropdown, G_LIST_MODEL (self->providers));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), self);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);

  g_signal_connect_swapped (self->grid, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->provider_dropdown, "notify::selected", G_CALLBACK (on_filter_dropdown), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (on_filter_dropdown), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_page), self);
  update_providers (self);
  update_page (self);
}

/**
 * rp_gallery_new:
 *
 * Returns: (transfer floating): a history gallery
 */
RpGallery *
rp_gallery_new (void)
{
  return g_object_new (RP_TYPE_GALLERY, NULL);
}

void
rp_gallery_set_history (RpGallery *self,
                        RpHistory *history)
{
  g_return_if_fail (RP_IS_GALLERY (self));

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_set_object (&self->history, history);
  if (history != NULL)
    g_signal_connect_swapped (history, "items-changed", G_CALLBACK (on_history_changed), self);
  gtk_filter_list_model_set_model (self->filtered, history ? G_LIST_MODEL (history) : NULL);
  update_providers (self);
  update_page (self);
}

/* The cells look names up in the registry they were made with: new cells for another
 * registry, or when its providers change (a relay added or removed in Preferences). */
static void
names_changed (RpGallery *self)
{
  g_autoptr(GtkListItemFactory) factory = g_object_ref (gtk_grid_view_get_factory (self->grid));

  gtk_grid_view_set_factory (self->grid, NULL);
  gtk_grid_view_set_factory (self->grid, factory);
  update_providers (self);
  refilter (self);
}

/**
 * rp_gallery_set_registry:
 * @registry: (nullable): where the names of providers and models are looked up
 *
 * Without one (or for a provider it no longer knows) the gallery shows the ids the
 * history keeps.
 */
void
rp_gallery_set_registry (RpGallery          *self,
                         RpProviderRegistry *registry)
{
  g_return_if_fail (RP_IS_GALLERY (self));
  g_return_if_fail (registry == NULL || RP_IS_PROVIDER_REGISTRY (registry));

  if (self->registry == registry)
    return;
  if (self->registry != NULL)
    g_signal_handlers_disconnect_by_data (rp_provider_registry_get_providers (self->registry), self);
  g_set_object (&self->registry, registry);
  if (registry != NULL)
    g_signal_connect_object (rp_provider_registry_get_providers (registry), "items-changed",
                             G_CALLBACK (names_changed), self, G_CONNECT_SWAPPED);
  names_changed (self);
}

/**
 * rp_gallery_get_registry:
 *
 * Returns: (transfer none) (nullable): where names are looked up
 */
RpProviderRegistry *
rp_gallery_get_registry (RpGallery *self)
{
  g_return_val_if_fail (RP_IS_GALLERY (self), NULL);
  return self->registry;
}

/**
 * rp_gallery_get_history:
 *
 * Returns: (transfer none) (nullable): the history shown
 */
RpHistory *
rp_gallery_get_history (RpGallery *self)
{
  g_return_val_if_fail (RP_IS_GALLERY (self), NULL);
  return self->history;
}

void
rp_gallery_set_search (RpGallery  *self,
                       const char *text)
{
  g_return_if_fail (RP_IS_GALLERY (self));

  g_free (self->search);
  self->search = text ? g_utf8_casefold (text, -1) : NULL;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  refilter (self);
}

/**
 * rp_gallery_set_filter:
 * @provider: (nullable): a provider id, or %NULL for all
 * @status: an #RpHistoryStatus, or -1 for all
 */
void
rp_gallery_set_filter (RpGallery  *self,
                       const char *provider,
                       int         status)
{
  guint i;

  g_return_if_fail (RP_IS_GALLERY (self));

  g_free (self->provider);
  self->provider = g_strdup (provider);
  self->status = status;
  update_providers (self);
  g_signal_handlers_block_matched (self->status_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  for (i = 0; i < G_N_ELEMENTS (status_rows); i++)
    if ((int) status_rows[i] == status)
      gtk_drop_down_set_selected (self->status_dropdown, i + 1);
  g_signal_handlers_unblock_matched (self->status_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  refilter (self);
}

/**
 * rp_gallery_get_visible:
 *
 * Returns: (transfer none): the entries shown after search and filters
 */
GListModel *
rp_gallery_get_visible (RpGallery *self)
{
  g_return_val_if_fail (RP_IS_GALLERY (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

/**
 * rp_gallery_get_thumbnails:
 *
 * Returns: (transfer none): the gallery's thumbnail cache
 */
RpThumbnailCache *
rp_gallery_get_thumbnails (RpGallery *self)
{
  g_return_val_if_fail (RP_IS_GALLERY (self), NULL);
  return self->thumbnails;
}

void
rp_gallery_focus_search (RpGallery *self)
{
  g_return_if_fail (RP_IS_GALLERY (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
