/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider-problem"

#include "config.h"

#include "rp-provider-problem.h"

/* One definition file that was skipped, for the Preferences window to list. */
struct _RpProviderProblem
{
  GObject  parent_instance;

  char    *path;
  char    *provider_id;
  char    *message;
  int      code;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_PROVIDER_ID,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RpProviderProblem, rp_provider_problem, G_TYPE_OBJECT)

static void
rp_provider_problem_finalize (GObject *object)
{
  RpProviderProblem *self = RP_PROVIDER_PROBLEM (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->provider_id, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (rp_provider_problem_parent_class)->finalize (object);
}

static void
rp_provider_problem_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  RpProviderProblem *self = RP_PROVIDER_PROBLEM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_provider_problem_class_init (RpProviderProblemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_provider_problem_finalize;
  object_class->get_property = rp_provider_problem_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER_ID] =
    g_param_spec_string ("provider-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_provider_problem_init (RpProviderProblem *self)
{
}

/**
 * rp_provider_problem_new:
 * @path: the definition file that was skipped
 * @provider_id: (nullable): the id it declares, when it got that far
 * @error: why, with a translated message
 *
 * Returns: (transfer full): a new problem record
 */
RpProviderProblem *
rp_provider_problem_new (const char   *path,
                         const char   *provider_id,
                         const GError *error)
{
  RpProviderProblem *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  self = g_object_new (RP_TYPE_PROVIDER_PROBLEM, NULL);
  self->path = g_strdup (path);
  self->provider_id = g_strdup (provider_id);
  self->message = g_strdup (error->message);
  self->code = error->code;
  return self;
}

/**
 * rp_provider_problem_get_path:
 *
 * Returns: (transfer none): the file that was skipped
 */
const char *
rp_provider_problem_get_path (RpProviderProblem *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_PROBLEM (self), NULL);
  return self->path;
}

/**
 * rp_provider_problem_get_provider_id:
 *
 * Returns: (transfer none) (nullable): the id the file declares, if it could be read
 */
const char *
rp_provider_problem_get_provider_id (RpProviderProblem *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_PROBLEM (self), NULL);
  return self->provider_id;
}

/**
 * rp_provider_problem_get_message:
 *
 * Returns: (transfer none): what is wrong, translated, naming the key or value at fault
 */
const char *
rp_provider_problem_get_message (RpProviderProblem *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_PROBLEM (self), NULL);
  return self->message;
}

/**
 * rp_provider_problem_get_code:
 *
 * Returns: the #RpProviderError code
 */
int
rp_provider_problem_get_code (RpProviderProblem *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_PROBLEM (self), 0);
  return self->code;
}
