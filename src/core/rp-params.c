/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-params"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rp-model-spec-private.h"
#include "rp-param-labels.h"
#include "rp-param-spec-private.h"
#include "rp-params.h"

struct _RpParams
{
  GObject      parent_instance;

  RpProvider  *provider;
  char        *model_id;
  GPtrArray   *specs;      /* RpModelSpec, one per operation the model allows */
  RpModelSpec *spec;       /* borrowed from specs: the operation the inputs select */
  RpEncoding   encoding;
  GHashTable  *values;     /* name → GVariant: what the person set, kept across operations */
};

enum {
  PROP_0,
  PROP_PROVIDER,
  PROP_MODEL_ID,
  PROP_OPERATION,
  PROP_SPEC,
  PROP_ENCODING,
  N_PROPS
};

enum {
  VALUE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char *param;
} RpParamsErrorPrivate;

static void
rp_params_error_private_init (RpParamsErrorPrivate *priv)
{
}

static void
rp_params_error_private_copy (const RpParamsErrorPrivate *src,
                              RpParamsErrorPrivate       *dest)
{
  dest->param = g_strdup (src->param);
}

static void
rp_params_error_private_clear (RpParamsErrorPrivate *priv)
{
  g_clear_pointer (&priv->param, g_free);
}

/* An extended error domain: every error knows which parameter it is about, so the sidebar
 * can highlight the row without parsing the message. */
/* GLib's macro finds the private part by pointer arithmetic on a guint8 pointer, which
 * clang's -Wcast-align reports although GLib aligns it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (RpParamsError, rp_params_error)
#pragma GCC diagnostic pop

G_DEFINE_FINAL_TYPE (RpParams, rp_params, G_TYPE_OBJECT)

/**
 * rp_params_error_get_param:
 * @error: an error in the %RP_PARAMS_ERROR domain
 *
 * Returns: (transfer none) (nullable): the parameter the error is about (its name, as in the
 *   definition), %RP_PARAMS_INPUT_IMAGES or %RP_PARAMS_INPUT_MASK for input problems, or
 *   %NULL for errors of other domains
 */
const char *
rp_params_error_get_param (const GError *error)
{
  RpParamsErrorPrivate *priv;

  if (error == NULL || error->domain != RP_PARAMS_ERROR)
    return NULL;
  priv = rp_params_error_get_private (error);
  return priv != NULL ? priv->param : NULL;
}

G_GNUC_PRINTF (4, 5)
static void
set_error (GError     **error,
           RpParamsError code,
           const char  *param,
           const char  *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, RP_PARAMS_ERROR, code, message);
  rp_params_error_get_private (*error)->param = g_strdup (param);
}

/**
 * rp_wire_field_free:
 * @field: (transfer full): a field from rp_params_build_fields()
 */
void
rp_wire_field_free (RpWireField *field)
{
  if (field == NULL)
    return;
  g_free (field->name);
  g_free (field->text);
  g_clear_pointer (&field->value, g_variant_unref);
  g_free (field);
}

static void
rp_params_dispose (GObject *object)
{
  RpParams *self = RP_PARAMS (object);

  self->spec = NULL;
  g_clear_pointer (&self->specs, g_ptr_array_unref);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (rp_params_parent_class)->dispose (object);
}

static void
rp_params_finalize (GObject *object)
{
  RpParams *self = RP_PARAMS (object);

  g_clear_pointer (&self->model_id, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (rp_params_parent_class)->finalize (object);
}

static void
rp_params_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RpParams *self = RP_PARAMS (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;
    case PROP_MODEL_ID:
      g_value_set_string (value, self->model_id);
      break;
    case PROP_OPERATION:
      g_value_set_string (value, rp_params_get_operation (self));
      break;
    case PROP_SPEC:
      g_value_set_object (value, self->spec);
      break;
    case PROP_ENCODING:
      g_value_set_uint (value, self->encoding);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_params_class_init (RpParamsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_params_dispose;
  object_class->finalize = rp_params_finalize;
  object_class->get_property = rp_params_get_property;

  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL, RP_TYPE_PROVIDER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL_ID] =
    g_param_spec_string ("model-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Changes when the inputs select another operation; "spec" changes with it. */
  properties[PROP_OPERATION] =
    g_param_spec_string ("operation", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEC] =
    g_param_spec_object ("spec", NULL, NULL, RP_TYPE_MODEL_SPEC,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] =
    g_param_spec_uint ("encoding", NULL, NULL, RP_ENCODING_MULTIPART, RP_ENCODING_JSON,
                       RP_ENCODING_MULTIPART,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RpParams::value-changed:
   * @name: the parameter whose value was set or unset (also the signal detail)
   *
   * Whether other parameters apply may have changed with it.
   */
  signals[VALUE_CHANGED] =
    g_signal_new ("value-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rp_params_init (RpParams *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_variant_unref);
  self->specs = g_ptr_array_new_with_free_func (g_object_unref);
}

static RpModelSpec *
spec_for_operation (RpParams   *self,
                    const char *operation)
{
  for (guint i = 0; i < self->specs->len; i++)
    if (g_str_equal (rp_model_spec_get_operation (self->specs->pdata[i]), operation))
      return self->specs->pdata[i];
  return NULL;
}

static void
switch_spec (RpParams    *self,
             RpModelSpec *spec)
{
  if (spec == self->spec)
    return;
  self->spec = spec;
  if (!(rp_model_spec_get_encodings (spec) & self->encoding))
    {
      self->encoding = rp_model_spec_get_default_encoding (spec);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEC]);
}

/**
 * rp_params_new:
 * @provider: the provider
 * @model_id: the model, listed by the provider or not
 * @error: why the model cannot be used
 *
 * Starts with no value set: every parameter is at its provider default. The operation is
 * the one for one image with a mask (inpainting) when the model has one that takes a mask,
 * else the one for one image; rp_params_set_inputs() changes it.
 *
 * Returns: (transfer full) (nullable): the parameter values
 */
RpParams *
rp_params_new (RpProvider  *provider,
               const char  *model_id,
               GError     **error)
{
  g_autoptr(RpParams) self = NULL;
  g_auto(GStrv) operations = NULL;
  const char *initial;

  g_return_val_if_fail (RP_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  self = g_object_new (RP_TYPE_PARAMS, NULL);
  self->provider = g_object_ref (provider);
  self->model_id = g_strdup (model_id);
  operations = rp_provider_dup_operations (provider, model_id);
  for (guint i = 0; operations[i] != NULL; i++)
    {
      RpModelSpec *spec = rp_provider_resolve (provider, model_id, operations[i], error);

      if (spec == NULL)
        return NULL;
      g_ptr_array_add (self->specs, spec);
    }
  if (self->specs->len == 0)
    {
      set_error (error, RP_PARAMS_ERROR_NO_OPERATION, NULL,
                 _("The model “%s” cannot be used with %s."), model_id,
                 rp_provider_get_name (provider));
      return NULL;
    }
  initial = rp_provider_select_operation (provider, model_id, 1, TRUE, NULL);
  if (initial == NULL)
    initial = rp_provider_select_operation (provider, model_id, 1, FALSE, NULL);
  self->spec = initial != NULL ? spec_for_operation (self, initial) : NULL;
  if (self->spec == NULL)
    self->spec = self->specs->pdata[0];
  self->encoding = rp_model_spec_get_default_encoding (self->spec);
  return g_steal_pointer (&self);
}

/**
 * rp_params_get_provider:
 *
 * Returns: (transfer none): the provider
 */
RpProvider *
rp_params_get_provider (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  return self->provider;
}

/**
 * rp_params_get_model_id:
 *
 * Returns: (transfer none): the model
 */
const char *
rp_params_get_model_id (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  return self->model_id;
}

/**
 * rp_params_get_spec:
 *
 * Returns: (transfer none): the resolved spec of the current operation; the sidebar builds
 *   its rows from rp_model_spec_get_params()
 */
RpModelSpec *
rp_params_get_spec (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  return self->spec;
}

/**
 * rp_params_get_operation:
 *
 * Returns: (transfer none): the current operation ("edit", "multi_edit")
 */
const char *
rp_params_get_operation (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  return self->spec != NULL ? rp_model_spec_get_operation (self->spec) : NULL;
}

/**
 * rp_params_get_max_images:
 *
 * Returns: the most input images (photo and references) any operation of the model takes,
 *   0 for no limit
 */
guint
rp_params_get_max_images (RpParams *self)
{
  guint i, most = 0;

  g_return_val_if_fail (RP_IS_PARAMS (self), 0);

  for (i = 0; i < self->specs->len; i++)
    {
      const RpImageSpec *images = rp_model_spec_get_images (self->specs->pdata[i]);
      guint max = images->max_count;

      if (max == 0)
        return 0;
      most = MAX (most, max);
    }
  return most;
}

static gboolean
select_for_inputs (RpParams     *self,
                   guint         n_images,
                   gboolean      has_mask,
                   RpModelSpec **out,
                   GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *operation = rp_provider_select_operation (self->provider, self->model_id,
                                                        n_images, has_mask, &local_error);

  if (operation == NULL)
    {
      /* Would the images alone fit? Then the mask is what no operation takes. */
      gboolean mask_is_the_problem =
        has_mask &&
        rp_provider_select_operation (self->provider, self->model_id, n_images, FALSE,
                                      NULL) != NULL;
      RpParamsError code = mask_is_the_problem ? RP_PARAMS_ERROR_MASK_UNSUPPORTED
                                               : RP_PARAMS_ERROR_IMAGE_COUNT;

      set_error (error, code, mask_is_the_problem ? RP_PARAMS_INPUT_MASK : RP_PARAMS_INPUT_IMAGES,
                 "%s", local_error->message);
      return FALSE;
    }
  *out = spec_for_operation (self, operation);
  g_assert (*out != NULL);
  return TRUE;
}

/**
 * rp_params_set_inputs:
 * @n_images: the number of input images (photo first, then references)
 * @has_mask: whether a mask goes with the first image
 * @error: why no operation takes these inputs
 *
 * Selects the operation these inputs use (Venice: edit or multi-edit). Values are kept;
 * those of parameters the new operation lacks wait unused until an operation has them.
 *
 * Returns: whether an operation fits; when none does the current one stays
 */
gboolean
rp_params_set_inputs (RpParams  *self,
                      guint      n_images,
                      gboolean   has_mask,
                      GError   **error)
{
  RpModelSpec *spec = NULL;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);

  if (!select_for_inputs (self, n_images, has_mask, &spec, error))
    return FALSE;
  switch_spec (self, spec);
  return TRUE;
}

/**
 * rp_params_get_encoding:
 *
 * Returns: the request body encoding whether parameters apply is judged for
 */
RpEncoding
rp_params_get_encoding (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), RP_ENCODING_MULTIPART);
  return self->encoding;
}

/**
 * rp_params_set_encoding:
 * @encoding: %RP_ENCODING_MULTIPART or %RP_ENCODING_JSON
 * @error: %RP_PARAMS_ERROR_ENCODING when the operation does not take it
 *
 * Returns: whether the encoding was changed
 */
gboolean
rp_params_set_encoding (RpParams    *self,
                        RpEncoding   encoding,
                        GError     **error)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  g_return_val_if_fail (encoding == RP_ENCODING_MULTIPART || encoding == RP_ENCODING_JSON, FALSE);

  if (!(rp_model_spec_get_encodings (self->spec) & encoding))
    {
      set_error (error, RP_PARAMS_ERROR_ENCODING, NULL,
                 encoding == RP_ENCODING_JSON ? _("%s does not take JSON request bodies.")
                                              : _("%s does not take form (multipart) request "
                                                  "bodies."),
                 rp_model_spec_get_display_name (self->spec));
      return FALSE;
    }
  if (self->encoding != encoding)
    {
      self->encoding = encoding;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
    }
  return TRUE;
}

/* The spec of @name in the current operation, else in any other operation of the model. */
static RpParamSpec *
lookup_any (RpParams   *self,
            const char *name)
{
  RpParamSpec *param = rp_model_spec_lookup_param (self->spec, name);

  for (guint i = 0; param == NULL && i < self->specs->len; i++)
    param = rp_model_spec_lookup_param (self->specs->pdata[i], name);
  return param;
}

/* Returns a new reference of the parameter's variant type, or NULL. */
static GVariant *
coerce (RpParamType  type,
        GVariant    *value)
{
  const GVariantType *want = rp_param_type_get_variant_type (type);

  if (g_variant_is_of_type (value, want))
    return g_variant_ref (value);
  if (type == RP_PARAM_INT)
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
        return g_variant_ref_sink (g_variant_new_int64 (g_variant_get_int32 (value)));
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
        return g_variant_ref_sink (g_variant_new_int64 (g_variant_get_uint32 (value)));
    }
  if (type == RP_PARAM_NUMBER)
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        return g_variant_ref_sink (g_variant_new_double (g_variant_get_int64 (value)));
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
        return g_variant_ref_sink (g_variant_new_double (g_variant_get_int32 (value)));
    }
  return NULL;
}

static void
set_type_error (GError      **error,
                RpParamSpec  *param)
{
  const char *name = rp_param_spec_get_name (param);
  const char *label = rp_param_spec_get_label (param);

  switch (rp_param_spec_get_param_type (param))
    {
    case RP_PARAM_INT:
      set_error (error, RP_PARAMS_ERROR_TYPE, name, _("%s must be a whole number."), label);
      break;
    case RP_PARAM_NUMBER:
      set_error (error, RP_PARAMS_ERROR_TYPE, name, _("%s must be a number."), label);
      break;
    case RP_PARAM_BOOL:
      set_error (error, RP_PARAMS_ERROR_TYPE, name, _("%s must be on or off."), label);
      break;
    case RP_PARAM_STRING:
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
    default:
      set_error (error, RP_PARAMS_ERROR_TYPE, name, _("%s must be text."), label);
      break;
    }
}

static void
unknown_error (RpParams    *self,
               const char  *name,
               GError     **error)
{
  const char *model = rp_model_spec_get_display_name (self->spec);

  for (guint i = 0; i < self->specs->len; i++)
    if (rp_model_spec_is_removed_param (self->specs->pdata[i], name))
      {
        set_error (error, RP_PARAMS_ERROR_UNKNOWN, name,
                   /* Translators: GPT Image 2 does not accept “Input fidelity”. */
                   _("%s does not accept “%s”."), model, rp_param_label (name));
        return;
      }
  set_error (error, RP_PARAMS_ERROR_UNKNOWN, name,
             _("“%s” is not a parameter of %s."), rp_param_label (name), model);
}

/**
 * rp_params_set_value:
 * @name: a parameter of any operation of the model
 * @value: (nullable) (transfer floating): the value. %NULL or an empty string
 *   unsets (an empty field is never sent)
 * @error: %RP_PARAMS_ERROR_UNKNOWN or %RP_PARAMS_ERROR_TYPE
 *
 * Only the name and type are checked here; ranges, choices and combinations are checked by
 * rp_params_check_value() and rp_params_validate(), so that a person can pass through an
 * invalid state while editing.
 *
 * Returns: whether the value was stored
 */
gboolean
rp_params_set_value (RpParams    *self,
                     const char  *name,
                     GVariant    *value,
                     GError     **error)
{
  g_autoptr(GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;
  g_autoptr(GVariant) stored = NULL;
  RpParamSpec *param;
  GVariant *old;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (owned != NULL && g_variant_is_of_type (owned, G_VARIANT_TYPE_STRING) &&
      *g_variant_get_string (owned, NULL) == '\0')
    g_clear_pointer (&owned, g_variant_unref);
  param = lookup_any (self, name);
  if (param == NULL)
    {
      unknown_error (self, name, error);
      return FALSE;
    }
  if (rp_param_spec_get_implicit (param))
    {
      if (owned != NULL && g_variant_is_of_type (owned, G_VARIANT_TYPE_STRING) &&
          g_str_equal (g_variant_get_string (owned, NULL), self->model_id))
        return TRUE;
      set_error (error, RP_PARAMS_ERROR_TYPE, name,
                 _("The model is chosen with the model list, not as a parameter."));
      return FALSE;
    }
  if (owned == NULL)
    {
      rp_params_unset (self, name);
      return TRUE;
    }
  stored = coerce (rp_param_spec_get_param_type (param), owned);
  if (stored == NULL)
    {
      set_type_error (error, param);
      return FALSE;
    }
  old = g_hash_table_lookup (self->values, name);
  if (old != NULL && g_variant_equal (old, stored))
    return TRUE;
  g_hash_table_replace (self->values, g_strdup (name), g_steal_pointer (&stored));
  g_signal_emit (self, signals[VALUE_CHANGED], g_quark_from_string (name), name);
  return TRUE;
}

/**
 * rp_params_set_string:
 * @value: (nullable): the value; %NULL or "" unsets
 *
 * Returns: whether the value was stored, see rp_params_set_value()
 */
gboolean
rp_params_set_string (RpParams    *self,
                      const char  *name,
                      const char  *value,
                      GError     **error)
{
  return rp_params_set_value (self, name, value ? g_variant_new_string (value) : NULL, error);
}

/**
 * rp_params_set_int:
 *
 * Returns: whether the value was stored, see rp_params_set_value()
 */
gboolean
rp_params_set_int (RpParams    *self,
                   const char  *name,
                   gint64       value,
                   GError     **error)
{
  return rp_params_set_value (self, name, g_variant_new_int64 (value), error);
}

/**
 * rp_params_set_double:
 *
 * Returns: whether the value was stored, see rp_params_set_value()
 */
gboolean
rp_params_set_double (RpParams    *self,
                      const char  *name,
                      double       value,
                      GError     **error)
{
  return rp_params_set_value (self, name, g_variant_new_double (value), error);
}

/**
 * rp_params_set_boolean:
 *
 * Returns: whether the value was stored, see rp_params_set_value()
 */
gboolean
rp_params_set_boolean (RpParams    *self,
                       const char  *name,
                       gboolean     value,
                       GError     **error)
{
  return rp_params_set_value (self, name, g_variant_new_boolean (value), error);
}

/**
 * rp_params_unset:
 * @name: a parameter name
 *
 * Returns the parameter to the provider's default (and so, usually, leaves it off the wire).
 */
void
rp_params_unset (RpParams   *self,
                 const char *name)
{
  g_return_if_fail (RP_IS_PARAMS (self));
  g_return_if_fail (name != NULL);

  if (g_hash_table_remove (self->values, name))
    g_signal_emit (self, signals[VALUE_CHANGED], g_quark_from_string (name), name);
}

/**
 * rp_params_is_set:
 * @name: a parameter name
 *
 * Returns: whether a value was set (rather than left at the default)
 */
gboolean
rp_params_is_set (RpParams   *self,
                  const char *name)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  return name != NULL && g_hash_table_contains (self->values, name);
}

/**
 * rp_params_get_explicit_value:
 * @name: a parameter name
 *
 * Returns: (transfer none) (nullable): the value that was set, or %NULL
 */
GVariant *
rp_params_get_explicit_value (RpParams   *self,
                              const char *name)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->values, name);
}

/**
 * rp_params_get_value:
 * @name: a parameter name
 *
 * Returns: (transfer none) (nullable): the value in effect: the one set, else the current
 *   operation's default, else %NULL (the provider decides)
 */
GVariant *
rp_params_get_value (RpParams   *self,
                     const char *name)
{
  GVariant *value;
  RpParamSpec *param;

  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  value = g_hash_table_lookup (self->values, name);
  if (value != NULL)
    return value;
  param = rp_model_spec_lookup_param (self->spec, name);
  return param != NULL ? rp_param_spec_get_default (param) : NULL;
}

/* ---- whether a parameter applies ---------------------------------------------------- */

static gboolean
condition_met (RpParams          *self,
               const RpCondition *condition)
{
  if (rp_model_spec_lookup_param (self->spec, condition->param) == NULL)
    return FALSE;
  return rp_condition_matches (condition, rp_params_get_value (self, condition->param));
}

/* "Output format is JPEG or WebP", "Stream is on" */
static char *
condition_clause (const RpCondition *condition)
{
  g_auto(GStrv) values = rp_condition_dup_values (condition);
  const char *label = rp_param_label (condition->param);
  g_autofree char *choices = NULL;

  if (g_strv_length (values) == 1 && g_str_equal (values[0], "true"))
    /* Translators: a condition, e.g. "Stream is on" */
    return g_strdup_printf (_("%s is on"), label);
  if (g_strv_length (values) == 1 && g_str_equal (values[0], "false"))
    /* Translators: a condition, e.g. "Stream is off" */
    return g_strdup_printf (_("%s is off"), label);
  choices = rp_param_choices_text (condition->param, (const char * const *) values);
  /* Translators: a condition, e.g. "Output format is JPEG or WebP" */
  return g_strdup_printf (_("%s is %s"), label, choices);
}

/* The first condition of @conditions that is not met (@want TRUE) or met (@want FALSE). */
static const RpCondition *
find_condition (RpParams  *self,
                GPtrArray *conditions,
                gboolean   want)
{
  for (guint i = 0; conditions != NULL && i < conditions->len; i++)
    if (condition_met (self, conditions->pdata[i]) != want)
      return conditions->pdata[i];
  return NULL;
}

typedef enum {
  BLOCK_NONE,
  BLOCK_MISSING,
  BLOCK_ENCODING,
  BLOCK_REQUIRES,
  BLOCK_FORBIDDEN,
} Block;

static Block
find_block (RpParams           *self,
            const char         *name,
            RpParamSpec       **param_out,
            const RpCondition **condition_out)
{
  RpParamSpec *param = rp_model_spec_lookup_param (self->spec, name);
  const RpCondition *condition;

  *param_out = param;
  *condition_out = NULL;
  if (param == NULL)
    return BLOCK_MISSING;
  if (rp_param_spec_get_location (param) == RP_PARAM_LOCATION_BODY &&
      !(rp_param_spec_get_encodings (param) & self->encoding))
    return BLOCK_ENCODING;
  if ((condition = find_condition (self, rp_param_spec_get_requires (param), TRUE)) != NULL)
    {
      *condition_out = condition;
      return BLOCK_REQUIRES;
    }
  if ((condition = find_condition (self, rp_param_spec_get_forbid_if (param), FALSE)) != NULL)
    {
      *condition_out = condition;
      return BLOCK_FORBIDDEN;
    }
  return BLOCK_NONE;
}

/**
 * rp_params_applies:
 * @name: a parameter name
 * @reason: (out) (optional) (nullable) (transfer full): when it does not apply, a short
 *   translated explanation for a tooltip, e.g. "Only available when Output format is JPEG
 *   or WebP."
 *
 * Whether @name is used under the current values, operation and encoding. The sidebar greys
 * out (or hides) rows that do not apply; rp_params_validate() refuses values set for them.
 *
 * Returns: whether the parameter applies
 */
gboolean
rp_params_applies (RpParams    *self,
                   const char  *name,
                   char       **reason)
{
  RpParamSpec *param;
  const RpCondition *condition;
  g_autofree char *clause = NULL;
  Block block;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (reason != NULL)
    *reason = NULL;
  block = find_block (self, name, &param, &condition);
  if (block == BLOCK_NONE || reason == NULL)
    return block == BLOCK_NONE;
  if (condition != NULL)
    clause = condition_clause (condition);
  switch (block)
    {
    case BLOCK_MISSING:
      *reason = g_strdup_printf (_("Not available with %s."),
                                 rp_model_spec_get_display_name (self->spec));
      break;
    case BLOCK_ENCODING:
      *reason = g_strdup (self->encoding == RP_ENCODING_JSON
                            ? _("Only sent with form (multipart) requests.")
                            : _("Only sent with JSON requests."));
      break;
    case BLOCK_REQUIRES:
      /* Translators: %s is a condition such as "Output format is JPEG or WebP" */
      *reason = g_strdup_printf (_("Only available when %s."), clause);
      break;
    case BLOCK_FORBIDDEN:
      /* Translators: %s is a condition such as "Stream is on" */
      *reason = g_strdup_printf (_("Not available when %s."), clause);
      break;
    case BLOCK_NONE:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/**
 * rp_params_choice_applies:
 * @name: an enum parameter
 * @choice: one of its choices
 * @reason: (out) (optional) (nullable) (transfer full): why not, for a tooltip
 *
 * Whether choosing @choice would be valid with the other values (a transparent background
 * needs PNG or WebP output), so the sidebar can disable that entry.
 *
 * Returns: whether @choice may be picked
 */
gboolean
rp_params_choice_applies (RpParams    *self,
                          const char  *name,
                          const char  *choice,
                          char       **reason)
{
  RpParamSpec *param;
  const RpCondition *condition;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  g_return_val_if_fail (name != NULL && choice != NULL, FALSE);

  if (reason != NULL)
    *reason = NULL;
  param = rp_model_spec_lookup_param (self->spec, name);
  if (param == NULL)
    return rp_params_applies (self, name, reason);
  condition = find_condition (self, rp_param_spec_get_value_requires (param, choice), TRUE);
  if (condition == NULL)
    return TRUE;
  if (reason != NULL)
    {
      g_autofree char *clause = condition_clause (condition);

      *reason = g_strdup_printf (_("Only available when %s."), clause);
    }
  return FALSE;
}

/**
 * rp_params_prune:
 *
 * Unsets every value that does not apply under the others (for example the compression
 * after switching the output format to PNG), as the sidebar may do when a row greys out.
 * Values of parameters the current operation lacks are kept.
 *
 * Returns: how many values were unset
 */
guint
rp_params_prune (RpParams *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  guint removed = 0;

  g_return_val_if_fail (RP_IS_PARAMS (self), 0);

  /* Unsetting one value can make another apply again: repeat until nothing changes. */
  for (gboolean changed = TRUE; changed;)
    {
      changed = FALSE;
      g_ptr_array_set_size (names, 0);
      g_hash_table_iter_init (&iter, self->values);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (rp_model_spec_lookup_param (self->spec, key) != NULL &&
            !rp_params_applies (self, key, NULL))
          g_ptr_array_add (names, g_strdup (key));
      for (guint i = 0; i < names->len; i++)
        {
          rp_params_unset (self, names->pdata[i]);
          removed++;
          changed = TRUE;
        }
    }
  return removed;
}

/* ---- validation ---------------------------------------------------------------------- */

static char *
format_number (RpParamType type,
               double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (type == RP_PARAM_INT)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", value));
}

static gboolean
check_number (RpParams     *self,
              RpParamSpec  *param,
              GVariant     *value,
              GError      **error)
{
  RpParamType type = rp_param_spec_get_param_type (param);
  double v = type == RP_PARAM_INT ? (double) g_variant_get_int64 (value)
                                   : g_variant_get_double (value);
  double lo = 0, hi = 0;
  gboolean has_lo = rp_param_spec_get_minimum (param, &lo);
  gboolean has_hi = rp_param_spec_get_maximum (param, &hi);
  g_autofree char *lo_text = format_number (type, lo);
  g_autofree char *hi_text = format_number (type, hi);
  const char *name = rp_param_spec_get_name (param);
  const char *label = rp_param_spec_get_label (param);

  if (isnan (v) || (has_lo && v < lo) || (has_hi && v > hi))
    {
      if (has_lo && has_hi)
        set_error (error, RP_PARAMS_ERROR_RANGE, name,
                   /* Translators: Output compression must be from 0 to 100. */
                   _("%s must be from %s to %s."), label, lo_text, hi_text);
      else if (has_lo)
        set_error (error, RP_PARAMS_ERROR_RANGE, name,
                   _("%s must be at least %s."), label, lo_text);
      else
        set_error (error, RP_PARAMS_ERROR_RANGE, name, _("%s must be at most %s."), label, hi_text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_text (RpParams     *self,
            RpParamSpec  *param,
            GVariant     *value,
            GError      **error)
{
  const char *text = g_variant_get_string (value, NULL);
  const char *name = rp_param_spec_get_name (param);
  const char *label = rp_param_spec_get_label (param);
  const char * const *choices = rp_param_spec_get_choices (param);
  const char *model = rp_model_spec_get_display_name (self->spec);
  guint max_length = rp_param_spec_get_max_length (param);
  g_autoptr(GError) rule_error = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    {
      set_error (error, RP_PARAMS_ERROR_TYPE, name, _("%s must be text."), label);
      return FALSE;
    }
  switch (rp_param_spec_get_param_type (param))
    {
    case RP_PARAM_ENUM:
      if (!g_strv_contains (choices, text))
        {
          g_autofree char *choice = rp_param_choice_label (name, text);
          g_autofree char *allowed = rp_param_choices_text (name, choices);

          set_error (error, RP_PARAMS_ERROR_CHOICE, name,
                     /* Translators: Background cannot be “Transparent” with GPT Image 2.
                      * Choose Automatic or Opaque. */
                     _("%s cannot be “%s” with %s. Choose %s."), label, choice, model, allowed);
          return FALSE;
        }
      break;
    case RP_PARAM_SIZE:
      if (!rp_size_rule_check (rp_param_spec_get_size_rule (param), text, &rule_error))
        {
          set_error (error, RP_PARAMS_ERROR_SIZE, name,
                     /* Translators: Size: <what is wrong with it> */
                     _("%s: %s"), label, rule_error->message);
          return FALSE;
        }
      break;
    case RP_PARAM_STRING:
    case RP_PARAM_INT:
    case RP_PARAM_NUMBER:
    case RP_PARAM_BOOL:
    default:
      break;
    }
  if (max_length > 0 && g_utf8_strlen (text, -1) > max_length)
    {
      set_error (error, RP_PARAMS_ERROR_TOO_LONG, name,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s is %ld characters long; %s takes at most %u character.",
                              "%s is %ld characters long; %s takes at most %u characters.",
                              max_length),
                 label, (long) g_utf8_strlen (text, -1), model, max_length);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_value (RpParams     *self,
             RpParamSpec  *param,
             GVariant     *value,
             GError      **error)
{
  RpParamType type = rp_param_spec_get_param_type (param);
  const char *name = rp_param_spec_get_name (param);
  const RpCondition *condition;
  const char *choice_value;

  if (!g_variant_is_of_type (value, rp_param_type_get_variant_type (type)))
    {
      set_type_error (error, param);
      return FALSE;
    }
  if (type == RP_PARAM_INT || type == RP_PARAM_NUMBER)
    {
      if (!check_number (self, param, value, error))
        return FALSE;
    }
  else if (type != RP_PARAM_BOOL && !check_text (self, param, value, error))
    return FALSE;

  if (type != RP_PARAM_ENUM)
    return TRUE;
  choice_value = g_variant_get_string (value, NULL);
  condition = find_condition (self, rp_param_spec_get_value_requires (param, choice_value), TRUE);
  if (condition != NULL)
    {
      g_autofree char *clause = condition_clause (condition);
      g_autofree char *choice = rp_param_choice_label (name, choice_value);

      set_error (error, RP_PARAMS_ERROR_CONFLICT, name,
                 /* Translators: Background “Transparent” only works when Output format is
                  * PNG or WebP. */
                 _("%s “%s” only works when %s."), rp_param_spec_get_label (param), choice, clause);
      return FALSE;
    }
  return TRUE;
}

/**
 * rp_params_check_value:
 * @name: a parameter of the current operation
 * @value: (transfer floating): a candidate value
 * @error: what is wrong, translated, naming the parameter
 *
 * Checks one value on its own and against the other current values (range, choices,
 * length, size rule, what the value requires), for inline feedback while editing.
 *
 * Returns: whether the value would pass rp_params_validate()
 */
gboolean
rp_params_check_value (RpParams    *self,
                       const char  *name,
                       GVariant    *value,
                       GError     **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) typed = NULL;
  RpParamSpec *param;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  owned = g_variant_ref_sink (value);
  param = rp_model_spec_lookup_param (self->spec, name);
  if (param == NULL)
    {
      unknown_error (self, name, error);
      return FALSE;
    }
  typed = coerce (rp_param_spec_get_param_type (param), owned);
  if (typed == NULL)
    {
      set_type_error (error, param);
      return FALSE;
    }
  return check_value (self, param, typed, error);
}

static gboolean
validate_param (RpParams     *self,
                RpParamSpec  *param,
                GError      **error)
{
  const char *name = rp_param_spec_get_name (param);
  const char *label = rp_param_spec_get_label (param);
  GVariant *value = g_hash_table_lookup (self->values, name);
  const RpCondition *condition;
  RpParamSpec *unused;

  if (rp_param_spec_get_implicit (param))
    return TRUE;
  if (value == NULL)
    {
      if (rp_param_spec_get_required (param) && rp_param_spec_get_default (param) == NULL)
        {
          set_error (error, RP_PARAMS_ERROR_REQUIRED, name, _("%s is required."), label);
          return FALSE;
        }
      return TRUE;
    }
  if (rp_param_spec_get_required (param) && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_autofree char *trimmed = g_strstrip (g_variant_dup_string (value, NULL));

      if (*trimmed == '\0')
        {
          set_error (error, RP_PARAMS_ERROR_REQUIRED, name, _("%s is required."), label);
          return FALSE;
        }
    }
  switch (find_block (self, name, &unused, &condition))
    {
    case BLOCK_ENCODING:
      set_error (error, RP_PARAMS_ERROR_ENCODING, name,
                 self->encoding == RP_ENCODING_JSON ? _("%s is only sent with form (multipart) "
                                                        "requests.")
                                                    : _("%s is only sent with JSON requests."),
                 label);
      return FALSE;
    case BLOCK_REQUIRES:
      {
        g_autofree char *clause = condition_clause (condition);

        set_error (error, RP_PARAMS_ERROR_CONFLICT, name,
                   /* Translators: Output compression only applies when Output format is
                    * JPEG or WebP. */
                   _("%s only applies when %s."), label, clause);
        return FALSE;
      }
    case BLOCK_FORBIDDEN:
      {
        g_autofree char *clause = condition_clause (condition);

        set_error (error, RP_PARAMS_ERROR_CONFLICT, name,
                   /* Translators: Background task cannot be used when Stream is on. */
                   _("%s cannot be used when %s."), label, clause);
        return FALSE;
      }
    case BLOCK_MISSING:
    case BLOCK_NONE:
    default:
      break;
    }
  return check_value (self, param, value, error);
}

static char *
formats_text (const RpImageFormat *formats,
              guint                n_formats)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < n_formats; i++)
    g_strv_builder_add (builder, rp_image_format_display_name (formats[i]));
  names = g_strv_builder_end (builder);
  return rp_param_choices_text (NULL, (const char * const *) names);
}

static gboolean
format_in (const RpImageFormat *formats,
           guint                n_formats,
           RpImageFormat        format)
{
  if (n_formats == 0)
    return TRUE;
  for (guint i = 0; i < n_formats; i++)
    if (formats[i] == format)
      return TRUE;
  return FALSE;
}

static gboolean
validate_image (RpModelSpec         *spec,
                const RpInputImage  *image,
                guint                index,
                gboolean             has_mask,
                GError             **error)
{
  const RpImageSpec *limits = rp_model_spec_get_images (spec);
  const char *model = rp_model_spec_get_display_name (spec);
  gint64 pixels = (gint64) image->width * image->height;
  guint number = index + 1;

  if (!format_in (limits->formats, limits->n_formats, image->format))
    {
      g_autofree char *accepted = formats_text (limits->formats, limits->n_formats);

      set_error (error, RP_PARAMS_ERROR_IMAGE_FORMAT, RP_PARAMS_INPUT_IMAGES,
                 /* Translators: Image 1 is a JPEG file; DALL·E 2 takes only PNG. */
                 _("Image %u is a %s file; %s takes only %s."), number,
                 rp_image_format_display_name (image->format), model, accepted);
      return FALSE;
    }
  if (limits->max_bytes > 0 && image->n_bytes > limits->max_bytes)
    {
      g_autofree char *have = g_format_size (image->n_bytes);
      g_autofree char *limit = g_format_size (limits->max_bytes);

      set_error (error, RP_PARAMS_ERROR_IMAGE_TOO_LARGE, RP_PARAMS_INPUT_IMAGES,
                 _("Image %u is %s; %s takes at most %s per image."), number, have, model, limit);
      return FALSE;
    }
  if ((limits->min_pixels > 0 && pixels < limits->min_pixels) ||
      (limits->max_pixels > 0 && pixels > limits->max_pixels))
    {
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, limits->min_pixels);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, limits->max_pixels);

      set_error (error, RP_PARAMS_ERROR_IMAGE_PIXELS, RP_PARAMS_INPUT_IMAGES,
                 pixels < limits->min_pixels ? _("Image %u is %d×%d; %s needs at least %s pixels.")
                                             : _("Image %u is %d×%d; %s takes at most %s pixels."),
                 number, image->width, image->height, model,
                 pixels < limits->min_pixels ? lo : hi);
      return FALSE;
    }
  if (limits->max_edge > 0 && MAX (image->width, image->height) > limits->max_edge)
    {
      set_error (error, RP_PARAMS_ERROR_IMAGE_PIXELS, RP_PARAMS_INPUT_IMAGES,
                 _("Image %u is %d×%d; %s takes at most %d pixels on a side."),
                 number, image->width, image->height, model, limits->max_edge);
      return FALSE;
    }
  if (limits->square && image->width != image->height)
    {
      set_error (error, RP_PARAMS_ERROR_IMAGE_NOT_SQUARE, RP_PARAMS_INPUT_IMAGES,
                 _("%s needs a square image; image %u is %d×%d."), model, number,
                 image->width, image->height);
      return FALSE;
    }
  if (limits->alpha_without_mask && !has_mask && index == 0 && !image->has_alpha)
    {
      set_error (error, RP_PARAMS_ERROR_IMAGE_NO_ALPHA, RP_PARAMS_INPUT_IMAGES,
                 _("Without a mask, %s edits the transparent part of the image, and this image "
                   "has none. Paint a mask first."),
                 model);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_mask (RpModelSpec     *spec,
               const RpInputs  *inputs,
               GError         **error)
{
  const RpMaskSpec *limits = rp_model_spec_get_mask (spec);
  const RpInputImage *mask = inputs->mask;
  const RpInputImage *first = inputs->n_images > 0 ? &inputs->images[0] : NULL;
  const char *model = rp_model_spec_get_display_name (spec);

  if (mask == NULL)
    {
      if (limits->required)
        {
          set_error (error, RP_PARAMS_ERROR_MASK_REQUIRED, RP_PARAMS_INPUT_MASK,
                     _("%s needs a mask. Paint the region to change first."), model);
          return FALSE;
        }
      return TRUE;
    }
  if (limits->support == RP_MASK_SUPPORT_NONE)
    {
      set_error (error, RP_PARAMS_ERROR_MASK_UNSUPPORTED, RP_PARAMS_INPUT_MASK,
                 _("%s does not take a mask. Clear the mask to edit the whole image."), model);
      return FALSE;
    }
  if (!format_in (limits->formats, limits->n_formats, mask->format) || !mask->has_alpha)
    {
      RpImageFormat png = RP_IMAGE_FORMAT_PNG;
      g_autofree char *accepted = limits->n_formats > 0 ? formats_text (limits->formats,
                                                                        limits->n_formats)
                                                        : formats_text (&png, 1);

      set_error (error, RP_PARAMS_ERROR_MASK_FORMAT, RP_PARAMS_INPUT_MASK,
                 _("The mask must be a %s file with transparency."), accepted);
      return FALSE;
    }
  if (limits->max_bytes > 0 && mask->n_bytes > limits->max_bytes)
    {
      g_autofree char *have = g_format_size (mask->n_bytes);
      g_autofree char *limit = g_format_size (limits->max_bytes);

      set_error (error, RP_PARAMS_ERROR_MASK_TOO_LARGE, RP_PARAMS_INPUT_MASK,
                 _("The mask is %s; %s takes at most %s."), have, model, limit);
      return FALSE;
    }
  if (limits->same_size && first != NULL &&
      (mask->width != first->width || mask->height != first->height))
    {
      set_error (error, RP_PARAMS_ERROR_MASK_SIZE, RP_PARAMS_INPUT_MASK,
                 _("The mask is %d×%d but the image is %d×%d; they must be the same size."),
                 mask->width, mask->height, first->width, first->height);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_inputs (RpModelSpec     *spec,
                 const RpInputs  *inputs,
                 GError         **error)
{
  const RpImageSpec *limits = rp_model_spec_get_images (spec);
  gboolean layer = inputs->mask != NULL &&
                   rp_model_spec_get_mask (spec)->support == RP_MASK_SUPPORT_LAYER;
  guint count = inputs->n_images + (layer ? 1 : 0);
  const char *model = rp_model_spec_get_display_name (spec);

  if (inputs->n_images == 0 || count < limits->min_count)
    {
      guint min = MAX (limits->min_count, 1);

      set_error (error, RP_PARAMS_ERROR_IMAGE_COUNT, RP_PARAMS_INPUT_IMAGES,
                 g_dngettext (GETTEXT_PACKAGE, "%s needs at least %u image.",
                              "%s needs at least %u images.", min), model, min);
      return FALSE;
    }
  if (limits->max_count > 0 && count > limits->max_count)
    {
      if (layer)
        set_error (error, RP_PARAMS_ERROR_IMAGE_COUNT, RP_PARAMS_INPUT_IMAGES,
                   g_dngettext (GETTEXT_PACKAGE, "%s takes at most %u image, the mask included.",
                                "%s takes at most %u images, the mask included.",
                                limits->max_count),
                   model, limits->max_count);
      else
        set_error (error, RP_PARAMS_ERROR_IMAGE_COUNT, RP_PARAMS_INPUT_IMAGES,
                   g_dngettext (GETTEXT_PACKAGE, "%s takes at most %u image.",
                                "%s takes at most %u images.", limits->max_count),
                   model, limits->max_count);
      return FALSE;
    }
  for (guint i = 0; i < inputs->n_images; i++)
    if (!validate_image (spec, &inputs->images[i], i, inputs->mask != NULL, error))
      return FALSE;
  return validate_mask (spec, inputs, error);
}

/**
 * rp_params_validate:
 * @inputs: (nullable): the files to upload, or %NULL to check the parameters only
 * @error: the first problem, translated and naming the parameter (or "images"/"mask");
 *   rp_params_error_get_param() gives the name
 *
 * Everything that can be known before uploading: the operation for these inputs is
 * selected first (as rp_params_set_inputs() would), then image count, formats, file sizes,
 * pixel limits, the square rule, the mask (present where needed, PNG with alpha, the first
 * image's size), then every set value: that it applies, its range, choices, length and size
 * rule, and what it requires of the others. Values of parameters the operation lacks are
 * ignored.
 *
 * Returns: whether the request may be sent
 */
gboolean
rp_params_validate (RpParams        *self,
                    const RpInputs  *inputs,
                    GError         **error)
{
  guint n;

  g_return_val_if_fail (RP_IS_PARAMS (self), FALSE);

  if (inputs != NULL)
    {
      RpModelSpec *spec = NULL;

      if (inputs->n_images == 0)
        {
          set_error (error, RP_PARAMS_ERROR_IMAGE_COUNT, RP_PARAMS_INPUT_IMAGES,
                     _("There is no image to edit."));
          return FALSE;
        }
      if (!select_for_inputs (self, inputs->n_images, inputs->mask != NULL, &spec, error))
        return FALSE;
      switch_spec (self, spec);
      if (!validate_inputs (self->spec, inputs, error))
        return FALSE;
    }

  n = g_list_model_get_n_items (rp_model_spec_get_params (self->spec));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpParamSpec) param = g_list_model_get_item (rp_model_spec_get_params (self->spec),
                                                            i);

      if (!validate_param (self, param, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- what goes on the wire ------------------------------------------------------------ */

static gboolean
conditions_all_met (RpParams  *self,
                    GPtrArray *conditions)
{
  return conditions != NULL && conditions->len > 0 &&
         find_condition (self, conditions, TRUE) == NULL;
}

/**
 * rp_params_get_mode:
 *
 * Returns: (transfer none) (nullable): the first mode of the operation whose conditions
 *   the values meet ("stream" when stream is on, mixrouter's "async"), or %NULL
 */
const char *
rp_params_get_mode (RpParams *self)
{
  const char * const *modes;

  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);

  modes = rp_model_spec_get_modes (self->spec);
  for (guint i = 0; modes[i] != NULL; i++)
    if (conditions_all_met (self, rp_model_spec_get_mode_conditions (self->spec, modes[i])))
      return modes[i];
  return NULL;
}

/**
 * rp_params_get_response:
 *
 * Returns: (transfer none): how the reply to a request with these values is read
 */
const RpResponseSpec *
rp_params_get_response (RpParams *self)
{
  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  return rp_model_spec_get_response (self->spec, rp_params_get_mode (self));
}

static GVariant *
wire_value (RpParams    *self,
            RpParamSpec *param)
{
  const char *name = rp_param_spec_get_name (param);
  GVariant *value;

  if (rp_param_spec_get_implicit (param))
    return g_variant_ref_sink (g_variant_new_string (self->model_id));
  value = g_hash_table_lookup (self->values, name);
  if (value == NULL && rp_param_spec_get_send_default (param))
    value = rp_param_spec_get_default (param);
  if (value == NULL || !rp_params_applies (self, name, NULL))
    return NULL;
  return g_variant_ref (value);
}

static void
add_field (GPtrArray  *fields,
           const char *name,
           GVariant   *value)
{
  g_autofree char *text = rp_param_value_to_text (value);
  RpWireField *field;

  if (text == NULL || *text == '\0')
    return;
  field = g_new0 (RpWireField, 1);
  field->name = g_strdup (name);
  field->text = g_steal_pointer (&text);
  field->value = g_variant_ref (value);
  g_ptr_array_add (fields, field);
}

/**
 * rp_params_build_fields:
 * @encoding: the body encoding the request uses
 *
 * The body fields in definition order, under their wire names: the model id, then each
 * value that was set (or whose default the definition sends) and that applies. Unset
 * values, values of parameters the operation lacks, fields for another encoding and empty
 * strings are left out. Call rp_params_validate() first; this does not check values.
 *
 * Returns: (transfer full) (element-type RpWireField): the fields
 */
GPtrArray *
rp_params_build_fields (RpParams   *self,
                        RpEncoding  encoding)
{
  GPtrArray *fields;
  GListModel *params;
  RpEncoding saved;
  guint n;

  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);
  g_return_val_if_fail (encoding == RP_ENCODING_MULTIPART || encoding == RP_ENCODING_JSON, NULL);

  fields = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_wire_field_free);
  params = rp_model_spec_get_params (self->spec);
  n = g_list_model_get_n_items (params);
  /* Whether a parameter applies depends on the encoding being judged. */
  saved = self->encoding;
  self->encoding = encoding;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpParamSpec) param = g_list_model_get_item (params, i);
      g_autoptr(GVariant) value = NULL;

      if (rp_param_spec_get_location (param) != RP_PARAM_LOCATION_BODY)
        continue;
      value = wire_value (self, param);
      if (value != NULL)
        add_field (fields, rp_param_spec_get_wire_name (param), value);
    }
  self->encoding = saved;
  return fields;
}

/**
 * rp_params_build_query:
 *
 * The URL query of the request: the operation's fixed query, then parameters sent in the
 * query (mixrouter's `async=true`), with the same rules as rp_params_build_fields().
 *
 * Returns: (transfer full) (element-type RpWireField): the query fields, unescaped
 */
GPtrArray *
rp_params_build_query (RpParams *self)
{
  GPtrArray *fields;
  const char * const *fixed;
  GListModel *params;
  guint n;

  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);

  fields = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_wire_field_free);
  fixed = rp_model_spec_get_query (self->spec);
  for (guint i = 0; fixed[i] != NULL && fixed[i + 1] != NULL; i += 2)
    {
      g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_string (fixed[i + 1]));

      add_field (fields, fixed[i], value);
    }
  params = rp_model_spec_get_params (self->spec);
  n = g_list_model_get_n_items (params);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpParamSpec) param = g_list_model_get_item (params, i);
      g_autoptr(GVariant) value = NULL;

      if (rp_param_spec_get_location (param) != RP_PARAM_LOCATION_QUERY)
        continue;
      value = wire_value (self, param);
      if (value != NULL)
        add_field (fields, rp_param_spec_get_wire_name (param), value);
    }
  return fields;
}

/* ---- persistence ---------------------------------------------------------------------- */

/**
 * rp_params_to_json:
 *
 * The values that were set, as one JSON object keyed by parameter name, for keeping per
 * provider and model. Values of every operation are included; the model is not.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
rp_params_to_json (RpParams *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (RP_IS_PARAMS (self), NULL);

  names = g_list_sort (g_hash_table_get_keys (self->values), (GCompareFunc) strcmp);
  json_builder_begin_object (builder);
  for (GList *l = names; l != NULL; l = l->next)
    {
      GVariant *value = g_hash_table_lookup (self->values, l->data);

      json_builder_set_member_name (builder, l->data);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        json_builder_add_boolean_value (builder, g_variant_get_boolean (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        json_builder_add_int_value (builder, g_variant_get_int64 (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
        json_builder_add_double_value (builder, g_variant_get_double (value));
      else
        json_builder_add_string_value (builder, g_variant_get_string (value, NULL));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * rp_params_load_json:
 * @node: an object from rp_params_to_json(), perhaps written by another version
 *
 * Sets every value of @node that still fits the model: members naming no parameter (or the
 * model) and values of the wrong type are skipped, so an old file never blocks the sidebar.
 *
 * Returns: how many values were taken
 */
guint
rp_params_load_json (RpParams *self,
                     JsonNode *node)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  guint taken = 0;

  g_return_val_if_fail (RP_IS_PARAMS (self), 0);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      RpParamSpec *param = lookup_any (self, l->data);
      g_autoptr(GVariant) value = NULL;

      if (param == NULL || rp_param_spec_get_implicit (param))
        continue;
      value = rp_param_value_from_json (rp_param_spec_get_param_type (param),
                                        json_object_get_member (object, l->data));
      if (value == NULL)
        {
          g_debug ("Skipping stored value of %s: wrong type", (const char *) l->data);
          continue;
        }
      if (rp_params_set_value (self, l->data, value, NULL))
        taken++;
    }
  return taken;
}
