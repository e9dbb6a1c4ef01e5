/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-gallery-item.h"

#define THUMB_WIDTH_PX  200
#define THUMB_HEIGHT_PX 150

struct _RpGalleryItem
{
  GtkWidget         parent_instance;

  /* Children */
  GtkWidget        *overlay;
  GtkWidget        *picture;
  GtkWidget        *badge;
  GtkWidget        *prompt_label;
  GtkWidget        *source_label;
  GtkWidget        *time_label;

  /* Owned */
  RpThumbnailCache   *cache;
  RpProviderRegistry *registry;
  RpHistoryEntry     *entry;
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (RpGalleryItem, rp_gallery_item, GTK_TYPE_WIDGET)

static void
rp_gallery_item_dispose (GObject *object)
{
  RpGalleryItem *self = RP_GALLERY_ITEM (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  g_clear_object (&self->entry);
  g_clear_object (&self->registry);
  g_clear_object (&self->cache);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (rp_gallery_item_parent_class)->dispose (object);
}

static void
rp_gallery_item_class_init (RpGalleryItemClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = rp_gallery_item_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rpgalleryitem");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
make_label (const char *css_class,
            int         lines)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_wrap (GTK_LABEL (label), lines > 1);
  gtk_label_set_lines (GTK_LABEL (label), lines);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_label_set_width_chars (GTK_LABEL (label), 24);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
rp_gallery_item_init (RpGalleryItem *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 4);

  self->overlay = gtk_overlay_new ();
  self->picture = gtk_picture_new ();
  gtk_picture_set_content_fit (GTK_PICTURE (self->picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (self->picture, THUMB_WIDTH_PX, THUMB_HEIGHT_PX);
  gtk_widget_add_css_class (self->picture, "rp-thumbnail");
  gtk_widget_set_overflow (self->picture, GTK_OVERFLOW_HIDDEN);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->picture);
  self->badge = gtk_label_new (NULL);
  gtk_widget_set_halign (self->badge, GTK_ALIGN_START);
  gtk_widget_set_valign (self->badge, GTK_ALIGN_START);
  gtk_widget_set_margin_start (self->badge, 6);
  gtk_widget_set_margin_top (self->badge, 6);
  gtk_widget_add_css_class (self->badge, "rp-status-badge");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->badge);
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->prompt_label = make_label (NULL, 2);
  self->source_label = make_label ("dim-label", 1);
  self->time_label = make_label ("dim-label", 1);
  gtk_widget_add_css_class (self->source_label, "caption");
  gtk_widget_add_css_class (self->time_label, "caption");
  gtk_widget_set_parent (self->prompt_label, GTK_WIDGET (self));
  gtk_widget_set_parent (self->source_label, GTK_WIDGET (self));
  gtk_widget_set_parent (self->time_label, GTK_WIDGET (self));
}

/**
 * rp_gallery_item_new:
 * @registry: (nullable): where the names of providers and models are looked up
 *
 * Returns: (transfer floating): a cell for the history grid
 */
RpGalleryItem *
rp_gallery_item_new (RpThumbnailCache   *cache,
                     RpProviderRegistry *registry)
{
  RpGalleryItem *self = g_object_new (RP_TYPE_GALLERY_ITEM, NULL);

  self->cache = g_object_ref (cache);
  self->registry = registry ? g_object_ref (registry) : NULL;
  return self;
}

const char *
rp_gallery_status_label (RpHistoryStatus status)
{
  switch (status)
    {
    case RP_HISTORY_STATUS_PENDING:     return _("Running");
    case RP_HISTORY_STATUS_DONE:        return _("Done");
    case RP_HISTORY_STATUS_FAILED:      return _("Failed");
    case RP_HISTORY_STATUS_CANCELLED:   return _("Cancelled");
    case RP_HISTORY_STATUS_INTERRUPTED: return _("Interrupted");
    default:                            return "";
    }
}

/**
 * rp_gallery_format_time:
 *
 * Returns: (transfer full): "Just now", "10:42", "Yesterday" or a date, in local time
 */
char *
rp_gallery_format_time (GDateTime *time,
                        GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  GTimeSpan age = g_date_time_difference (local_now, local);
  int day_diff = g_date_time_get_day_of_year (local_now) - g_date_time_get_day_of_year (local);

  if (age >= 0 && age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));
  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    {
      if (day_diff == 0)
        /* Translators: a time of day today, see strftime(3); %R is e.g. 14:05 */
        return g_date_time_format (local, _("%R"));
      if (day_diff == 1)
        return g_strdup (_("Yesterday"));
      /* Translators: a day this year, see strftime(3) */
      return g_date_time_format (local, _("%b %-e"));
    }
  /* Translators: a date, see strftime(3) */
  return g_date_time_format (local, _("%b %-e, %Y"));
}

static RpProvider *
lookup_provider (RpProviderRegistry *registry,
                 const char         *provider_id)
{
  if (registry == NULL || provider_id == NULL || *provider_id == '\0')
    return NULL;
  return rp_provider_registry_lookup (registry, provider_id);
}

/**
 * rp_gallery_provider_name:
 * @registry: (nullable): the providers Repaint knows now
 * @provider_id: a provider id as the history records it
 *
 * Returns: (transfer none): the provider's name for people, or @provider_id itself when no
 *   provider by that id is known any more (a relay that was removed)
 */
const char *
rp_gallery_provider_name (RpProviderRegistry *registry,
                          const char         *provider_id)
{
  RpProvider *provider = lookup_provider (registry, provider_id);

  return provider != NULL ? rp_provider_get_name (provider) : provider_id;
}

/**
 * rp_gallery_model_name:
 * @registry: (nullable): the providers Repaint knows now
 *
 * Returns: (transfer none): the model's name for people, or @model_id itself when the
 *   provider no longer lists it
 */
const char *
rp_gallery_model_name (RpProviderRegistry *registry,
                       const char         *provider_id,
                       const char         *model_id)
{
  RpProvider *provider = lookup_provider (registry, provider_id);
  RpModelInfo *info = provider != NULL && model_id != NULL ? rp_provider_lookup_model (provider, model_id) : NULL;

  return info != NULL ? rp_model_info_get_name (info) : model_id;
}

/* Whether the edit was made by a provider that reads no prompt (the offline fill). The
 * reserved id answers even when the registry is not at hand. */
static gboolean
takes_no_prompt (RpProviderRegistry *registry,
                 RpHistoryEntry     *entry)
{
  const char *provider_id = rp_history_entry_get_provider (entry);
  RpProvider *provider = lookup_provider (registry, provider_id);

  if (provider != NULL)
    return rp_provider_is_local (provider);
  return g_str_equal (provider_id, RP_PROVIDER_RESERVED_ID);
}

/* An edit without words is named after what made it: "Content-Aware Fill". */
static gboolean
titled_by_model (RpProviderRegistry *registry,
                 RpHistoryEntry     *entry)
{
  return *rp_history_entry_get_prompt (entry) == '\0' && *rp_history_entry_get_model (entry) != '\0' &&
         takes_no_prompt (registry, entry);
}

/**
 * rp_gallery_entry_title:
 * @registry: (nullable): the providers Repaint knows now
 *
 * Returns: (transfer none): what names the edit: its prompt; the model's name for a
 *   provider that takes no prompt; else "No prompt"
 */
const char *
rp_gallery_entry_title (RpProviderRegistry *registry,
                        RpHistoryEntry     *entry)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), NULL);

  if (*rp_history_entry_get_prompt (entry) != '\0')
    return rp_history_entry_get_prompt (entry);
  if (titled_by_model (registry, entry))
    return rp_gallery_model_name (registry, rp_history_entry_get_provider (entry),
                                  rp_history_entry_get_model (entry));
  return _("No prompt");
}

/**
 * rp_gallery_entry_source:
 * @registry: (nullable): the providers Repaint knows now
 *
 * Returns: (transfer full): who made the edit, "OpenAI · GPT Image 1.5"; only the provider
 *   when the title already names the model
 */
char *
rp_gallery_entry_source (RpProviderRegistry *registry,
                         RpHistoryEntry     *entry)
{
  const char *provider_id, *model_id;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), NULL);

  provider_id = rp_history_entry_get_provider (entry);
  model_id = rp_history_entry_get_model (entry);
  if (*model_id == '\0' || titled_by_model (registry, entry))
    return g_strdup (rp_gallery_provider_name (registry, provider_id));
  /* Translators: provider and model of an edit, e.g. "OpenAI · GPT Image 1.5" */
  return g_strdup_printf (_("%s · %s"), rp_gallery_provider_name (registry, provider_id),
                          rp_gallery_model_name (registry, provider_id, model_id));
}

/**
 * rp_gallery_entry_is_local:
 * @registry: (nullable): the providers Repaint knows now
 *
 * Returns: whether the edit ran on this computer (nothing was uploaded)
 */
gboolean
rp_gallery_entry_is_local (RpProviderRegistry *registry,
                           RpHistoryEntry     *entry)
{
  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), FALSE);
  return takes_no_prompt (registry, entry);
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = rp_thumbnail_cache_load_finish (RP_THUMBNAIL_CACHE (source), result, &error);
  RpGalleryItem *self;

  if (texture == NULL)
    return;   /* cancelled (the cell was reused) or no picture: the placeholder stays */
  self = RP_GALLERY_ITEM (user_data);
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (texture));
}

static void
update (RpGalleryItem *self)
{
  RpHistoryEntry *entry = self->entry;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = NULL;
  g_autofree char *source = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GFile) thumb = NULL;
  g_autoptr(GdkTexture) cached = NULL;
  RpHistoryStatus status;
  const char *title;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), NULL);
  if (entry == NULL)
    return;

  status = rp_history_entry_get_status (entry);
  title = rp_gallery_entry_title (self->registry, entry);
  when = rp_gallery_format_time (rp_history_entry_get_created (entry), now);
  source = rp_gallery_entry_source (self->registry, entry);
  gtk_label_set_label (GTK_LABEL (self->prompt_label), title);
  gtk_label_set_label (GTK_LABEL (self->source_label), source);
  gtk_label_set_label (GTK_LABEL (self->time_label), when);
  gtk_label_set_label (GTK_LABEL (self->badge), rp_gallery_status_label (status));
  gtk_widget_set_visible (self->badge, status != RP_HISTORY_STATUS_DONE);
  gtk_widget_remove_css_class (self->badge, "error");
  gtk_widget_remove_css_class (self->badge, "warning");
  if (status == RP_HISTORY_STATUS_FAILED)
    gtk_widget_add_css_class (self->badge, "error");
  else if (status == RP_HISTORY_STATUS_INTERRUPTED)
    gtk_widget_add_css_class (self->badge, "warning");

  /* Translators: accessible description of a history item: status, its title, time */
  accessible = g_strdup_printf (_("%s: %s, %s"), rp_gallery_status_label (status), title, when);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  thumb = rp_history_entry_get_thumbnail (entry);
  if (thumb == NULL)
    return;
  cached = rp_thumbnail_cache_lookup (self->cache, thumb);
  if (cached != NULL)
    {
      gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (cached));
      return;
    }
  self->cancellable = g_cancellable_new ();
  rp_thumbnail_cache_load_async (self->cache, thumb, self->cancellable, on_thumbnail, self);
}

static void
on_status_changed (RpGalleryItem  *self,
                   GParamSpec     *pspec,
                   RpHistoryEntry *entry)
{
  update (self);
}

void
rp_gallery_item_set_entry (RpGalleryItem  *self,
                           RpHistoryEntry *entry)
{
  g_return_if_fail (RP_IS_GALLERY_ITEM (self));

  if (self->entry == entry)
    return;
  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  g_set_object (&self->entry, entry);
  if (entry != NULL)
    g_signal_connect_swapped (entry, "notify::status", G_CALLBACK (on_status_changed), self);
  update (self);
}

/**
 * rp_gallery_item_get_entry:
 *
 * Returns: (transfer none) (nullable): the entry shown
 */
RpHistoryEntry *
rp_gallery_item_get_entry (RpGalleryItem *self)
{
  g_return_val_if_fail (RP_IS_GALLERY_ITEM (self), NULL);
  return self->entry;
}
