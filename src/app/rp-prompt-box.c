/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-prompt-box"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-prompt-box.h"

/*
 * RpPromptBox: the multi-line prompt, with its length against the model's limit and the
 * recent prompts one click away. Ctrl+Enter emits ::activate (the window generates).
 */

struct _RpPromptBox
{
  GtkWidget       parent_instance;

  GtkWidget      *scroller;
  GtkWidget      *text_view;
  GtkWidget      *placeholder;
  GtkWidget      *recent_button;
  GtkWidget      *recent_list;
  GtkWidget      *counter;
  GtkTextBuffer  *buffer;
  GSettings      *settings;
  guint           max_length;
  char           *problem;
  gboolean        unused;         /* the model reads no prompt (the offline fill) */
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpPromptBox, rp_prompt_box, GTK_TYPE_WIDGET)

static void describe (RpPromptBox *self);

static void
update_counter (RpPromptBox *self)
{
  guint length = rp_prompt_box_get_length (self);
  g_autofree char *text = NULL;
  gboolean over = self->max_length > 0 && length > self->max_length;

  if (self->max_length > 0)
    /* Translators: characters typed / characters the model takes */
    text = g_strdup_printf (_("%u / %u"), length, self->max_length);
  else
    text = g_strdup_printf ("%u", length);
  gtk_label_set_label (GTK_LABEL (self->counter), text);

  if (over)
    {
      g_autofree char *tooltip =
        /* Translators: %u is how many characters to remove */
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u character too long for this model",
                                      "%u characters too long for this model", length - self->max_length),
                         length - self->max_length);

      gtk_widget_add_css_class (self->counter, "error");
      gtk_widget_remove_css_class (self->counter, "dim-label");
      gtk_widget_set_tooltip_text (self->counter, tooltip);
    }
  else
    {
      gtk_widget_remove_css_class (self->counter, "error");
      gtk_widget_add_css_class (self->counter, "dim-label");
      gtk_widget_set_tooltip_text (self->counter, self->max_length > 0 ? _("Characters, and the most this model takes")
                                                                       : _("Characters"));
    }
  gtk_widget_set_visible (self->placeholder, length == 0);
  gtk_widget_set_visible (self->counter, !self->unused);
}

static void
on_buffer_changed (RpPromptBox *self)
{
  update_counter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static gboolean
on_activate_shortcut (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  g_signal_emit (user_data, signals[ACTIVATE], 0);
  return TRUE;
}

/* Recent prompts */

static void
on_recent_activated (RpPromptBox   *self,
                     GtkListBoxRow *row)
{
  const char *text = g_object_get_data (G_OBJECT (row), "rp-prompt");

  if (text == NULL)
    return;
  rp_prompt_box_set_text (self, text);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
  gtk_widget_grab_focus (self->text_view);
}

static void
fill_recent (RpPromptBox *self)
{
  g_auto(GStrv) recent = self->settings ? g_settings_get_strv (self->settings, "recent-prompts") : NULL;
  GtkWidget *child;
  guint i;

  while ((child = gtk_widget_get_first_child (self->recent_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->recent_list), child);
  for (i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (recent[i]);

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_lines (GTK_LABEL (label), 2);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_widget_set_tooltip_text (row, recent[i]);
      g_object_set_data_full (G_OBJECT (row), "rp-prompt", g_strdup (recent[i]), g_free);
      gtk_list_box_append (GTK_LIST_BOX (self->recent_list), row);
    }
  gtk_widget_set_sensitive (self->recent_button, recent != NULL && recent[0] != NULL);
}

static void
on_forget_clicked (RpPromptBox *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "recent-prompts");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
}

/**
 * rp_prompt_box_remember:
 *
 * Puts the current prompt first in the recent prompts (an edit was started with it).
 */
void
rp_prompt_box_remember (RpPromptBox *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint i, n = 1;

  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  text = rp_prompt_box_get_text (self);
  g_strstrip (text);
  if (self->settings == NULL || *text == '\0')
    return;
  recent = g_settings_get_strv (self->settings, "recent-prompts");
  g_strv_builder_add (builder, text);
  for (i = 0; recent[i] != NULL && n < RP_PROMPT_BOX_MAX_RECENT; i++)
    if (!g_str_equal (recent[i], text))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-prompts", (const char * const *) updated);
}

/* Public API */

GtkWidget *
rp_prompt_box_new (void)
{
  return g_object_new (RP_TYPE_PROMPT_BOX, NULL);
}

void
rp_prompt_box_set_settings (RpPromptBox *self,
                            GSettings   *settings)
{
  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_swapped (settings, "changed::recent-prompts", G_CALLBACK (fill_recent), self);
  fill_recent (self);
}

char *
rp_prompt_box_get_text (RpPromptBox *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (RP_IS_PROMPT_BOX (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

/* Replaces the prompt as one step Ctrl+Z can take back. */
void
rp_prompt_box_set_text (RpPromptBox *self,
                        const char  *text)
{
  GtkTextIter start, end;

  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  gtk_text_buffer_begin_user_action (self->buffer);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_delete (self->buffer, &start, &end);
  gtk_text_buffer_insert (self->buffer, &start, text ? text : "", -1);
  gtk_text_buffer_end_user_action (self->buffer);
}

/* The prompt's length in characters, as the services count it. */
guint
rp_prompt_box_get_length (RpPromptBox *self)
{
  g_return_val_if_fail (RP_IS_PROMPT_BOX (self), 0);
  return gtk_text_buffer_get_char_count (self->buffer);
}

guint
rp_prompt_box_get_max_length (RpPromptBox *self)
{
  g_return_val_if_fail (RP_IS_PROMPT_BOX (self), 0);
  return self->max_length;
}

/* @max_length: the most characters the model takes, 0 for no limit */
void
rp_prompt_box_set_max_length (RpPromptBox *self,
                              guint        max_length)
{
  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  self->max_length = max_length;
  update_counter (self);
}

/* Marks the prompt as what stops the edit, with @problem as its tooltip; %NULL clears. */
void
rp_prompt_box_set_problem (RpPromptBox *self,
                           const char  *problem)
{
  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  if (problem != NULL)
    gtk_widget_add_css_class (self->scroller, "error");
  else
    gtk_widget_remove_css_class (self->scroller, "error");
  if (problem != NULL)
    gtk_widget_set_tooltip_text (self->text_view, problem);
  else
    describe (self);
}

gboolean
rp_prompt_box_get_used (RpPromptBox *self)
{
  g_return_val_if_fail (RP_IS_PROMPT_BOX (self), FALSE);
  return !self->unused;
}

/* The placeholder, tooltip and description: what the prompt is for, or that it is unused. */
static void
describe (RpPromptBox *self)
{
  const char *unused = _("This model does not read the prompt. What you type is kept for the "
                         "other models.");

  gtk_label_set_label (GTK_LABEL (self->placeholder),
                       self->unused ? unused : _("Describe what the painted region should become"));
  if (self->problem == NULL)
    gtk_widget_set_tooltip_text (self->text_view, self->unused ? unused : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->unused ? unused
                                               : _("What the painted region should become. Ctrl+Enter generates."),
                                  -1);
}

/* @used: %FALSE when the model reads no prompt. The text stays, and stays editable, for
 * when the person switches back to a model that reads it; it is dimmed and says so. */
void
rp_prompt_box_set_used (RpPromptBox *self,
                        gboolean     used)
{
  g_return_if_fail (RP_IS_PROMPT_BOX (self));

  if (self->unused == !used)
    return;
  self->unused = !used;
  if (used)
    gtk_widget_remove_css_class (self->text_view, "dim-label");
  else
    gtk_widget_add_css_class (self->text_view, "dim-label");
  describe (self);
  update_counter (self);
}

GtkWidget *
rp_prompt_box_get_text_view (RpPromptBox *self)
{
  g_return_val_if_fail (RP_IS_PROMPT_BOX (self), NULL);
  return self->text_view;
}

static gboolean
rp_prompt_box_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (RP_PROMPT_BOX (widget)->text_view);
}

static void
rp_prompt_box_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RpPromptBox *self = RP_PROMPT_BOX (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_take_string (value, rp_prompt_box_get_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_prompt_box_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  RpPromptBox *self = RP_PROMPT_BOX (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      rp_prompt_box_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_prompt_box_dispose (GObject *object)
{
  RpPromptBox *self = RP_PROMPT_BOX (object);
  GtkWidget *child;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (rp_prompt_box_parent_class)->dispose (object);
}

static void
rp_prompt_box_class_init (RpPromptBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rp_prompt_box_get_property;
  object_class->set_property = rp_prompt_box_set_property;
  object_class->dispose = rp_prompt_box_dispose;
  widget_class->grab_focus = rp_prompt_box_grab_focus;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RpPromptBox::activate:
   *
   * Ctrl+Enter in the prompt: generate.
   */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rppromptbox");
}

static void
rp_prompt_box_init (RpPromptBox *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkEventController *shortcuts;
  GtkWidget *overlay, *bar, *popover, *popover_box, *list_scroller, *forget;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);

  self->text_view = gtk_text_view_new ();
  self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 10);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 10);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 8);
  gtk_widget_add_css_class (self->text_view, "rp-prompt");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Prompt"), -1);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                                          gtk_callback_action_new (on_activate_shortcut, self, NULL)));
  gtk_widget_add_controller (self->text_view, shortcuts);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->scroller), 96);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->text_view);
  gtk_widget_add_css_class (self->scroller, "card");
  gtk_widget_add_css_class (self->scroller, "rp-prompt-frame");

  self->placeholder = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->placeholder), 0);
  gtk_widget_set_halign (self->placeholder, GTK_ALIGN_START);
  gtk_widget_set_valign (self->placeholder, GTK_ALIGN_START);
  gtk_widget_set_margin_start (self->placeholder, 11);
  gtk_widget_set_margin_end (self->placeholder, 11);
  gtk_widget_set_margin_top (self->placeholder, 9);
  gtk_widget_set_can_target (self->placeholder, FALSE);
  gtk_widget_add_css_class (self->placeholder, "dim-label");

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->scroller);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->placeholder);
  gtk_widget_set_parent (overlay, GTK_WIDGET (self));

  /* The recent prompts popover */
  self->recent_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->recent_list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->recent_list), TRUE);
  gtk_widget_add_css_class (self->recent_list, "navigation-sidebar");
  g_signal_connect_swapped (self->recent_list, "row-activated", G_CALLBACK (on_recent_activated), self);
  list_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (list_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (list_scroller), 360);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (list_scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (list_scroller), self->recent_list);
  forget = gtk_button_new_with_mnemonic (_("_Forget Recent Prompts"));
  gtk_widget_add_css_class (forget, "flat");
  g_signal_connect_swapped (forget, "clicked", G_CALLBACK (on_forget_clicked), self);
  popover_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (popover_box), list_scroller);
  gtk_box_append (GTK_BOX (popover_box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (popover_box), forget);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), popover_box);
  gtk_widget_set_size_request (popover, 320, -1);

  self->recent_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->recent_button), "document-open-recent-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->recent_button), popover);
  gtk_widget_add_css_class (self->recent_button, "flat");
  gtk_widget_set_tooltip_text (self->recent_button, _("Recent Prompts"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->recent_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Recent Prompts"), -1);
  gtk_widget_set_sensitive (self->recent_button, FALSE);

  self->counter = gtk_label_new (NULL);
  gtk_widget_set_hexpand (self->counter, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->counter), 1);
  gtk_widget_add_css_class (self->counter, "caption");
  gtk_widget_add_css_class (self->counter, "numeric");

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (bar), self->recent_button);
  gtk_box_append (GTK_BOX (bar), self->counter);
  gtk_widget_set_parent (bar, GTK_WIDGET (self));

  g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  describe (self);
  update_counter (self);
}
