/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-param-row"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-param-row.h"

/* The value an enum row shows when nothing is set and the spec has no default. */
#define UNSET_CHOICE NULL
#define CUSTOM_SIZE "\x01custom"

struct _RpParamRow
{
  GObject      parent_instance;

  /* Owned */
  RpParams    *params;
  RpParamSpec *spec;
  GPtrArray   *choices;    /* char*, one per combo item; NULL item = unset */
  char        *problem;
  char        *check_problem;

  /* Children (the row owns them once added to a list) */
  GtkWidget   *widget;
  GtkWidget   *control;    /* switch or spin button */
  GtkWidget   *extra;      /* the custom size entry */

  /* State */
  gboolean     updating;
  gboolean     custom_mode;   /* "Custom…" chosen: the entry stays, even while what is typed is refused */
  gboolean     spin_unset;    /* no value and no default: the spin button shows nothing… */
  double       spin_unset_at; /* …while it still holds this value */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpParamRow, rp_param_row, G_TYPE_OBJECT)

static void
rp_param_row_dispose (GObject *object)
{
  RpParamRow *self = RP_PARAM_ROW (object);

  g_clear_object (&self->widget);
  g_clear_object (&self->extra);
  g_clear_object (&self->params);
  g_clear_object (&self->spec);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->check_problem, g_free);

  G_OBJECT_CLASS (rp_param_row_parent_class)->dispose (object);
}

static void
rp_param_row_class_init (RpParamRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rp_param_row_dispose;

  /**
   * RpParamRow::changed:
   *
   * The person changed the value (it is already in the RpParams, or refused with a problem).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rp_param_row_init (RpParamRow *self)
{
  self->choices = g_ptr_array_new_with_free_func (g_free);
}

const char *
rp_param_row_get_name (RpParamRow *self)
{
  g_return_val_if_fail (RP_IS_PARAM_ROW (self), NULL);
  return rp_param_spec_get_name (self->spec);
}

/**
 * rp_param_row_get_widget:
 *
 * Returns: (transfer none): the preferences row to add to a list
 */
GtkWidget *
rp_param_row_get_widget (RpParamRow *self)
{
  g_return_val_if_fail (RP_IS_PARAM_ROW (self), NULL);
  return self->widget;
}

/**
 * rp_param_row_get_extra:
 *
 * Returns: (transfer none) (nullable): a second row to add after the first (custom size)
 */
GtkWidget *
rp_param_row_get_extra (RpParamRow *self)
{
  g_return_val_if_fail (RP_IS_PARAM_ROW (self), NULL);
  return self->extra;
}

/* The value refused on the last change, translated, or NULL. */
const char *
rp_param_row_get_problem (RpParamRow *self)
{
  g_return_val_if_fail (RP_IS_PARAM_ROW (self), NULL);
  return self->problem;
}

static void
show_problem (RpParamRow *self)
{
  GtkWidget *target = self->extra && gtk_widget_get_visible (self->extra) ? self->extra : self->widget;
  const char *problem = self->problem ? self->problem : self->check_problem;

  gtk_widget_remove_css_class (self->widget, "error");
  if (self->extra != NULL)
    gtk_widget_remove_css_class (self->extra, "error");
  if (problem != NULL)
    {
      gtk_widget_add_css_class (target, "error");
      gtk_widget_set_tooltip_text (target, problem);
    }
}

static void
set_problem (RpParamRow *self,
             const char *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem);
  show_problem (self);
}

/**
 * rp_param_row_set_check_problem:
 * @problem: (nullable): why the current value stops the edit (from validating the whole
 *   request), or %NULL
 *
 * Marks the row; a value refused while editing takes precedence.
 */
void
rp_param_row_set_check_problem (RpParamRow *self,
                                const char *problem)
{
  g_return_if_fail (RP_IS_PARAM_ROW (self));

  if (g_strcmp0 (self->check_problem, problem) == 0)
    return;
  g_free (self->check_problem);
  self->check_problem = g_strdup (problem);
  show_problem (self);
  if (problem == NULL && self->problem == NULL)
    rp_param_row_refresh (self);
}

static void
apply (RpParamRow *self,
       GVariant   *value)
{
  /* Taken even when nothing is applied, so a floating value is never left behind. */
  g_autoptr(GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;
  g_autoptr(GError) error = NULL;
  const char *name = rp_param_spec_get_name (self->spec);

  if (self->updating)
    return;
  if (owned == NULL)
    rp_params_unset (self->params, name);
  else if (!rp_params_check_value (self->params, name, owned, &error) ||
           !rp_params_set_value (self->params, name, owned, &error))
    {
      set_problem (self, error->message);
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }
  set_problem (self, NULL);
  gtk_widget_set_tooltip_text (self->extra ? self->extra : self->widget, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_combo_selected (RpParamRow *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->widget));
  const char *choice;

  if (selected >= self->choices->len)
    return;
  choice = g_ptr_array_index (self->choices, selected);
  if (self->extra != NULL)
    {
      gboolean custom = g_strcmp0 (choice, CUSTOM_SIZE) == 0;

      if (self->updating)
        return;
      self->custom_mode = custom;
      gtk_widget_set_visible (self->extra, custom);
      if (custom)
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (self->extra));

          /* Nothing typed yet: keep the current value until a size is entered. */
          if (*text != '\0')
            apply (self, g_variant_new_string (text));
          return;
        }
    }
  apply (self, choice ? g_variant_new_string (choice) : NULL);
}

static void
on_custom_size_changed (RpParamRow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->extra));

  if (self->updating || !gtk_widget_get_visible (self->extra))
    return;
  apply (self, *text ? g_variant_new_string (text) : NULL);
}

static void
on_switch_active (RpParamRow *self)
{
  apply (self, g_variant_new_boolean (gtk_switch_get_active (GTK_SWITCH (self->control))));
}

/* A number with no value and no default (the offline fill's seed, drawn afresh for each
 * fill) shows as an empty field, not as the spin button's minimum; the first real change
 * shows numbers again. */
static gboolean
on_spin_output (RpParamRow *self)
{
  double value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->control));

  if (!self->spin_unset || value != self->spin_unset_at)
    {
      self->spin_unset = FALSE;
      return FALSE;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->control), "");
  return TRUE;
}

static void
on_spin_value (RpParamRow *self)
{
  double v = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->control));

  if (rp_param_spec_get_param_type (self->spec) == RP_PARAM_INT)
    apply (self, g_variant_new_int64 ((gint64) v));
  else
    apply (self, g_variant_new_double (v));
}

static void
on_entry_changed (RpParamRow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->widget));

  apply (self, *text ? g_variant_new_string (text) : NULL);
}

static char *
choice_label (RpParamRow *self,
              const char *choice)
{
  if (choice == NULL)
    return g_strdup (_("Default"));
  if (g_strcmp0 (choice, CUSTOM_SIZE) == 0)
    return g_strdup (_("Custom…"));
  if (rp_param_spec_get_param_type (self->spec) == RP_PARAM_SIZE && g_strcmp0 (choice, "auto") != 0)
    {
      RpSize size;

      /* Translators: an image size, width × height in pixels */
      if (rp_size_parse (choice, &size))
        return g_strdup_printf (_("%d × %d"), size.width, size.height);
    }
  return rp_param_choice_label (rp_param_spec_get_name (self->spec), choice);
}

static void
build_combo (RpParamRow *self)
{
  const char * const *choices = rp_param_spec_get_choices (self->spec);
  GVariant *def = rp_param_spec_get_default (self->spec);   /* borrowed */
  const RpSizeRule *rule = rp_param_spec_get_size_rule (self->spec);
  gboolean is_size = rp_param_spec_get_param_type (self->spec) == RP_PARAM_SIZE;
  gboolean has_auto = g_strv_contains (choices ? choices : (const char * const[]) { NULL }, "auto");
  GtkStringList *labels = gtk_string_list_new (NULL);
  guint i;

  /* Unset means "let the provider decide" when there is no "auto" choice to say so. */
  if (!rp_param_spec_get_required (self->spec) && def == NULL && !has_auto)
    g_ptr_array_add (self->choices, UNSET_CHOICE);
  if (is_size && rule != NULL && rule->allow_auto && !has_auto)
    g_ptr_array_add (self->choices, g_strdup ("auto"));
  for (i = 0; choices != NULL && choices[i] != NULL; i++)
    g_ptr_array_add (self->choices, g_strdup (choices[i]));
  if (is_size && rule != NULL && rp_size_rule_is_arbitrary (rule))
    g_ptr_array_add (self->choices, g_strdup (CUSTOM_SIZE));

  for (i = 0; i < self->choices->len; i++)
    {
      g_autofree char *label = choice_label (self, g_ptr_array_index (self->choices, i));

      gtk_string_list_append (labels, label);
    }
  self->widget = g_object_ref_sink (adw_combo_row_new ());
  adw_combo_row_set_model (ADW_COMBO_ROW (self->widget), G_LIST_MODEL (labels));
  g_object_unref (labels);
  g_signal_connect_swapped (self->widget, "notify::selected", G_CALLBACK (on_combo_selected), self);

  if (is_size && rule != NULL && rp_size_rule_is_arbitrary (rule))
    {
      self->extra = g_object_ref_sink (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->extra), _("Custom Size (width × height)"));
      gtk_widget_set_visible (self->extra, FALSE);
      g_signal_connect_swapped (self->extra, "changed", G_CALLBACK (on_custom_size_changed), self);
    }
}

static void
build_switch (RpParamRow *self)
{
  self->widget = g_object_ref_sink (adw_action_row_new ());
  self->control = gtk_switch_new ();
  gtk_widget_set_valign (self->control, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->widget), self->control);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->widget), self->control);
  g_signal_connect_swapped (self->control, "notify::active", G_CALLBACK (on_switch_active), self);
}

static void
build_spin (RpParamRow *self)
{
  gboolean is_int = rp_param_spec_get_param_type (self->spec) == RP_PARAM_INT;
  double min = 0, max = is_int ? G_MAXINT : 1e9;

  rp_param_spec_get_minimum (self->spec, &min);
  rp_param_spec_get_maximum (self->spec, &max);
  self->widget = g_object_ref_sink (adw_action_row_new ());
  self->control = gtk_spin_button_new_with_range (min, max, is_int ? 1 : 0.1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->control), is_int ? 0 : 2);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->control), TRUE);
  gtk_widget_set_valign (self->control, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->widget), self->control);
  g_signal_connect_swapped (self->control, "value-changed", G_CALLBACK (on_spin_value), self);
  g_signal_connect_swapped (self->control, "output", G_CALLBACK (on_spin_output), self);
}

static void
build_entry (RpParamRow *self)
{
  self->widget = g_object_ref_sink (adw_entry_row_new ());
  g_signal_connect_swapped (self->widget, "changed", G_CALLBACK (on_entry_changed), self);
}

/**
 * rp_param_row_new:
 *
 * Returns: (transfer full): the row controller; add rp_param_row_get_widget() to a list
 */
RpParamRow *
rp_param_row_new (RpParams    *params,
                  RpParamSpec *spec)
{
  RpParamRow *self;
  const char *description;

  g_return_val_if_fail (RP_IS_PARAMS (params), NULL);
  g_return_val_if_fail (RP_IS_PARAM_SPEC (spec), NULL);

  self = g_object_new (RP_TYPE_PARAM_ROW, NULL);
  self->params = g_object_ref (params);
  self->spec = g_object_ref (spec);

  switch (rp_param_spec_get_param_type (spec))
    {
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
      build_combo (self);
      break;
    case RP_PARAM_BOOL:
      build_switch (self);
      break;
    case RP_PARAM_INT:
    case RP_PARAM_NUMBER:
      build_spin (self);
      break;
    case RP_PARAM_STRING:
    default:
      build_entry (self);
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->widget), rp_param_spec_get_label (spec));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->widget), FALSE);
  description = rp_param_spec_get_description (spec);
  if (description != NULL && ADW_IS_ACTION_ROW (self->widget))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->widget), description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->widget), 2);
    }
  gtk_widget_set_tooltip_text (self->widget, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  rp_param_spec_get_label (spec), -1);
  rp_param_row_refresh (self);
  return self;
}

static void
refresh_value (RpParamRow *self)
{
  const char *name = rp_param_spec_get_name (self->spec);
  GVariant *value = rp_params_get_value (self->params, name);   /* borrowed */
  GVariant *explicit_value = rp_params_get_explicit_value (self->params, name);

  switch (rp_param_spec_get_param_type (self->spec))
    {
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
      {
        const char *current = value ? g_variant_get_string (value, NULL) : NULL;
        guint i, custom = GTK_INVALID_LIST_POSITION, found = GTK_INVALID_LIST_POSITION;

        for (i = 0; i < self->choices->len; i++)
          {
            const char *choice = g_ptr_array_index (self->choices, i);

            if (g_strcmp0 (choice, CUSTOM_SIZE) == 0)
              custom = i;
            else if (g_strcmp0 (choice, current) == 0 ||
                     (choice == UNSET_CHOICE && explicit_value == NULL))
              found = i;
          }
        if (custom != GTK_INVALID_LIST_POSITION &&
            (self->custom_mode || (found == GTK_INVALID_LIST_POSITION && current != NULL)))
          {
            /* A size outside the presets, or one still being typed. */
            if (found == GTK_INVALID_LIST_POSITION && current != NULL)
              gtk_editable_set_text (GTK_EDITABLE (self->extra), current);
            found = custom;
            self->custom_mode = TRUE;
          }
        if (found == GTK_INVALID_LIST_POSITION)
          found = 0;
        adw_combo_row_set_selected (ADW_COMBO_ROW (self->widget), found);
        if (self->extra != NULL)
          gtk_widget_set_visible (self->extra, found == custom);
      }
      break;
    case RP_PARAM_BOOL:
      gtk_switch_set_active (GTK_SWITCH (self->control), value ? g_variant_get_boolean (value) : FALSE);
      break;
    case RP_PARAM_INT:
    case RP_PARAM_NUMBER:
      self->spin_unset = value == NULL;
      self->spin_unset_at = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->control));
      if (value == NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->control), "");
      else
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->control),
                                   g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
                                     ? (double) g_variant_get_int64 (value) : g_variant_get_double (value));
      break;
    case RP_PARAM_STRING:
    default:
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->widget)),
                     value ? g_variant_get_string (value, NULL) : "") != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->widget), value ? g_variant_get_string (value, NULL) : "");
      break;
    }
}

/**
 * rp_param_row_refresh:
 *
 * Shows the current value, and whether the parameter applies under the other values; a row
 * that does not apply is insensitive with the reason as its tooltip.
 */
void
rp_param_row_refresh (RpParamRow *self)
{
  g_autofree char *reason = NULL;
  gboolean applies;

  g_return_if_fail (RP_IS_PARAM_ROW (self));

  self->updating = TRUE;
  refresh_value (self);
  self->updating = FALSE;

  applies = rp_params_applies (self->params, rp_param_spec_get_name (self->spec), &reason);
  gtk_widget_set_sensitive (self->widget, applies);
  if (self->extra != NULL)
    gtk_widget_set_sensitive (self->extra, applies);
  if (!applies)
    gtk_widget_set_tooltip_text (self->widget, reason);
  else if (self->problem == NULL)
    gtk_widget_set_tooltip_text (self->widget, rp_param_spec_get_description (self->spec));
}
