/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-model-info"

#include "config.h"

#include "rp-model-info.h"

struct _RpModelInfo
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  gboolean  discovered;
  JsonNode *pricing;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DISCOVERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RpModelInfo, rp_model_info, G_TYPE_OBJECT)

static void
rp_model_info_finalize (GObject *object)
{
  RpModelInfo *self = RP_MODEL_INFO (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->pricing, json_node_unref);

  G_OBJECT_CLASS (rp_model_info_parent_class)->finalize (object);
}

static void
rp_model_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RpModelInfo *self = RP_MODEL_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DISCOVERED:
      g_value_set_boolean (value, self->discovered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_model_info_class_init (RpModelInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_model_info_finalize;
  object_class->get_property = rp_model_info_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* For GtkDropDown expressions. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISCOVERED] =
    g_param_spec_boolean ("discovered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_model_info_init (RpModelInfo *self)
{
}

/**
 * rp_model_info_new:
 * @id: the model id sent on the wire
 * @name: (nullable): the name to show; @id when %NULL
 * @discovered: whether the provider's model list reported it
 * @pricing: (nullable): the provider's pricing object for it
 *
 * Returns: (transfer full): a new model entry
 */
RpModelInfo *
rp_model_info_new (const char *id,
                   const char *name,
                   gboolean    discovered,
                   JsonNode   *pricing)
{
  RpModelInfo *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (RP_TYPE_MODEL_INFO, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL && *name != '\0' ? name : id);
  self->discovered = discovered;
  self->pricing = pricing != NULL ? json_node_copy (pricing) : NULL;
  return self;
}

/**
 * rp_model_info_get_id:
 *
 * Returns: (transfer none): the model id sent on the wire
 */
const char *
rp_model_info_get_id (RpModelInfo *self)
{
  g_return_val_if_fail (RP_IS_MODEL_INFO (self), NULL);
  return self->id;
}

/**
 * rp_model_info_get_name:
 *
 * Returns: (transfer none): the model's name for people
 */
const char *
rp_model_info_get_name (RpModelInfo *self)
{
  g_return_val_if_fail (RP_IS_MODEL_INFO (self), NULL);
  return self->name;
}

/**
 * rp_model_info_get_discovered:
 *
 * Returns: whether the entry came from the provider's model list rather than the definition
 */
gboolean
rp_model_info_get_discovered (RpModelInfo *self)
{
  g_return_val_if_fail (RP_IS_MODEL_INFO (self), FALSE);
  return self->discovered;
}

/**
 * rp_model_info_get_pricing:
 *
 * Returns: (transfer none) (nullable): the provider's pricing object, as it sent it
 */
JsonNode *
rp_model_info_get_pricing (RpModelInfo *self)
{
  g_return_val_if_fail (RP_IS_MODEL_INFO (self), NULL);
  return self->pricing;
}
