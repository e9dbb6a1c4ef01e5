/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-document"

#include "config.h"

#include "rp-document.h"

typedef enum {
  ENTRY_MASK,
  ENTRY_IMAGE,
} EntryKind;

/* One undoable change. Mask entries hold the touched tiles (swapped on undo/redo); image
 * entries hold the other image, the mask that went with it and the document's name then. */
typedef struct
{
  EntryKind   kind;
  char       *label;
  RpMaskStep *step;
  RpImage    *image;
  RpMask     *mask;
  char       *name;
} Entry;

struct _RpDocument
{
  GObject   parent_instance;

  RpImage  *image;
  RpMask   *mask;
  /* The name the photo is known by. An applied result is the same photo, edited: it keeps
   * the name, although its image is named after the file the result came in. */
  char     *name;

  GQueue    undo;   /* Entry*, most recent first */
  GQueue    redo;
  gsize     undo_bytes;
  gboolean  in_mask_edit;
};

enum {
  PROP_0,
  PROP_IMAGE,
  PROP_MASK,
  PROP_NAME,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (RpDocument, rp_document, G_TYPE_OBJECT)

static gsize
entry_bytes (Entry *e)
{
  if (e->kind == ENTRY_MASK)
    return rp_mask_step_get_bytes (e->step);
  /* The image entry keeps a whole decoded image alive. */
  return (gsize) gdk_pixbuf_get_byte_length (rp_image_get_pixbuf (e->image));
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->label);
  g_free (e->name);
  g_clear_pointer (&e->step, rp_mask_step_free);
  g_clear_object (&e->image);
  g_clear_object (&e->mask);
  g_free (e);
}

static void
rp_document_finalize (GObject *object)
{
  RpDocument *self = RP_DOCUMENT (object);

  g_queue_clear_full (&self->undo, entry_free);
  g_queue_clear_full (&self->redo, entry_free);
  g_clear_object (&self->image);
  g_clear_object (&self->mask);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (rp_document_parent_class)->finalize (object);
}

static void
rp_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  RpDocument *self = RP_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_IMAGE:
      g_value_set_object (value, self->image);
      break;
    case PROP_MASK:
      g_value_set_object (value, self->mask);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, rp_document_get_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, rp_document_get_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_document_class_init (RpDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_document_finalize;
  object_class->get_property = rp_document_get_property;

  properties[PROP_IMAGE] =
    g_param_spec_object ("image", NULL, NULL, RP_TYPE_IMAGE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MASK] =
    g_param_spec_object ("mask", NULL, NULL, RP_TYPE_MASK,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_document_init (RpDocument *self)
{
  g_queue_init (&self->undo);
  g_queue_init (&self->redo);
}

/**
 * rp_document_new:
 * @image: the base photo
 *
 * Returns: (transfer full): a document with an empty mask at the photo's size, named as
 *   @image is
 */
RpDocument *
rp_document_new (RpImage *image)
{
  RpDocument *self;

  g_return_val_if_fail (RP_IS_IMAGE (image), NULL);

  self = g_object_new (RP_TYPE_DOCUMENT, NULL);
  self->image = g_object_ref (image);
  self->mask = rp_mask_new (rp_image_get_width (image), rp_image_get_height (image));
  self->name = g_strdup (rp_image_get_display_name (image));
  return self;
}

/**
 * rp_document_get_name:
 *
 * Returns: (transfer none): the name of the photo being edited, for titles and suggested
 *   file names: the opened file's, kept through applied results
 */
const char *
rp_document_get_name (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), NULL);
  return self->name;
}

static void
take_name (RpDocument *self,
           char       *name)
{
  if (g_strcmp0 (self->name, name) == 0)
    {
      g_free (name);
      return;
    }
  g_free (self->name);
  self->name = name;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * rp_document_set_name:
 * @name: what to call the photo (e.g. the original's name when continuing from a result)
 *
 * Renames the document; not an undoable step.
 */
void
rp_document_set_name (RpDocument *self,
                      const char *name)
{
  g_return_if_fail (RP_IS_DOCUMENT (self));
  g_return_if_fail (name != NULL);

  take_name (self, g_strdup (name));
}

/**
 * rp_document_get_image:
 *
 * Returns: (transfer none): the current base image
 */
RpImage *
rp_document_get_image (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), NULL);
  return self->image;
}

/**
 * rp_document_get_mask:
 *
 * Returns: (transfer none): the mask that goes with the current image
 */
RpMask *
rp_document_get_mask (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), NULL);
  return self->mask;
}

static void
notify_undo_state (RpDocument *self,
                   gboolean    could_undo,
                   gboolean    could_redo)
{
  if (could_undo != rp_document_get_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != rp_document_get_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
trim_undo (RpDocument *self)
{
  while (self->undo.length > RP_DOCUMENT_MAX_UNDO_STEPS ||
         (self->undo_bytes > RP_DOCUMENT_MAX_UNDO_BYTES && self->undo.length > 1))
    {
      Entry *oldest = g_queue_pop_tail (&self->undo);

      self->undo_bytes -= MIN (self->undo_bytes, entry_bytes (oldest));
      entry_free (oldest);
    }
}

static void
push_entry (RpDocument *self,
            Entry      *entry)
{
  gboolean could_undo = rp_document_get_can_undo (self);
  gboolean could_redo = rp_document_get_can_redo (self);

  g_queue_clear_full (&self->redo, entry_free);
  g_queue_push_head (&self->undo, entry);
  self->undo_bytes += entry_bytes (entry);
  trim_undo (self);
  notify_undo_state (self, could_undo, could_redo);
}

void
rp_document_begin_mask_edit (RpDocument *self)
{
  g_return_if_fail (RP_IS_DOCUMENT (self));
  g_return_if_fail (!self->in_mask_edit);

  self->in_mask_edit = TRUE;
  rp_mask_begin_step (self->mask);
}

/**
 * rp_document_end_mask_edit:
 * @label: what the edit was, for the Undo tooltip (e.g. "Brush Stroke")
 *
 * Returns: %TRUE if the edit changed the mask and became an undo step
 */
gboolean
rp_document_end_mask_edit (RpDocument *self,
                           const char *label)
{
  RpMaskStep *step;
  Entry *entry;

  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (self->in_mask_edit, FALSE);

  self->in_mask_edit = FALSE;
  step = rp_mask_end_step (self->mask);
  if (step == NULL)
    return FALSE;

  entry = g_new0 (Entry, 1);
  entry->kind = ENTRY_MASK;
  entry->label = g_strdup (label);
  entry->step = step;
  push_entry (self, entry);
  return TRUE;
}

gboolean
rp_document_in_mask_edit (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  return self->in_mask_edit;
}

/**
 * rp_document_replace_image:
 * @image: the new base image (e.g. an applied result), of any size
 *
 * Makes @image the base image as one undoable step, keeping the document's name. The mask
 * carries over when the size is unchanged; otherwise a new empty mask is made.
 */
void
rp_document_replace_image (RpDocument *self,
                           RpImage    *image,
                           const char *label)
{
  rp_document_replace_image_named (self, image, NULL, label);
}

/**
 * rp_document_replace_image_named:
 * @image: the new base image, of any size
 * @name: (nullable): the document's name from now on (e.g. another photo's), or %NULL to
 *   keep it
 *
 * As rp_document_replace_image(); undo brings the old name back with the old image.
 */
void
rp_document_replace_image_named (RpDocument *self,
                                 RpImage    *image,
                                 const char *name,
                                 const char *label)
{
  Entry *entry;

  g_return_if_fail (RP_IS_DOCUMENT (self));
  g_return_if_fail (RP_IS_IMAGE (image));
  g_return_if_fail (!self->in_mask_edit);

  entry = g_new0 (Entry, 1);
  entry->kind = ENTRY_IMAGE;
  entry->label = g_strdup (label);
  entry->image = g_steal_pointer (&self->image);
  entry->mask = g_object_ref (self->mask);
  entry->name = g_strdup (self->name);

  self->image = g_object_ref (image);
  if (rp_image_get_width (image) != rp_mask_get_width (self->mask) ||
      rp_image_get_height (image) != rp_mask_get_height (self->mask))
    {
      g_object_unref (self->mask);
      self->mask = rp_mask_new (rp_image_get_width (image), rp_image_get_height (image));
    }
  push_entry (self, entry);
  if (name != NULL)
    take_name (self, g_strdup (name));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MASK]);
}

static void
apply_entry (RpDocument *self,
             Entry      *entry)
{
  if (entry->kind == ENTRY_MASK)
    {
      rp_mask_step_swap (self->mask, entry->step);
    }
  else
    {
      RpImage *image = self->image;
      RpMask *mask = self->mask;
      char *name = g_strdup (self->name);

      self->image = entry->image;
      self->mask = entry->mask;
      entry->image = image;
      entry->mask = mask;
      take_name (self, g_steal_pointer (&entry->name));
      entry->name = name;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MASK]);
    }
}

static gboolean
move_entry (RpDocument *self,
            GQueue     *from,
            GQueue     *to)
{
  gboolean could_undo = rp_document_get_can_undo (self);
  gboolean could_redo = rp_document_get_can_redo (self);
  Entry *entry;

  g_return_val_if_fail (!self->in_mask_edit, FALSE);

  entry = g_queue_pop_head (from);
  if (entry == NULL)
    return FALSE;
  if (from == &self->undo)
    self->undo_bytes -= MIN (self->undo_bytes, entry_bytes (entry));
  apply_entry (self, entry);
  g_queue_push_head (to, entry);
  if (to == &self->undo)
    self->undo_bytes += entry_bytes (entry);
  notify_undo_state (self, could_undo, could_redo);
  return TRUE;
}

gboolean
rp_document_undo (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  return move_entry (self, &self->undo, &self->redo);
}

gboolean
rp_document_redo (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  return move_entry (self, &self->redo, &self->undo);
}

gboolean
rp_document_get_can_undo (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  return self->undo.length > 0;
}

gboolean
rp_document_get_can_redo (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), FALSE);
  return self->redo.length > 0;
}

const char *
rp_document_get_undo_label (RpDocument *self)
{
  Entry *e;

  g_return_val_if_fail (RP_IS_DOCUMENT (self), NULL);
  e = g_queue_peek_head (&self->undo);
  return e ? e->label : NULL;
}

const char *
rp_document_get_redo_label (RpDocument *self)
{
  Entry *e;

  g_return_val_if_fail (RP_IS_DOCUMENT (self), NULL);
  e = g_queue_peek_head (&self->redo);
  return e ? e->label : NULL;
}

guint
rp_document_get_undo_depth (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), 0);
  return self->undo.length;
}

gsize
rp_document_get_undo_bytes (RpDocument *self)
{
  g_return_val_if_fail (RP_IS_DOCUMENT (self), 0);
  return self->undo_bytes;
}
