/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-window.h"

G_BEGIN_DECLS

struct _RpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkStack             *stack;
  RpGallery            *gallery;
  AdwFlap              *flap;
  RpSidebar            *sidebar;
  GtkScrolledWindow    *scroller;
  RpCanvas             *canvas;
  GtkAdjustment        *size_adjustment;
  GtkLabel             *size_label;
  GtkLabel             *zoom_label;
  GtkSpinner           *spinner;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;

  /* Owned */
  GSettings            *settings;
  RpDocument           *document;
  GCancellable         *cancellable;       /* everything the window started */
  GCancellable         *load_cancellable;  /* the photo being opened, if any */
  GHashTable           *deleted;           /* id → RpHistoryEntry awaiting Undo */
  GFile                *session_dir;
  GCancellable         *autosave_cancellable;
  RpMask               *watched_mask;

  /* The edit: planning, jobs, results (rp-window-edit.c) */
  GtkWidget            *result_bar;
  GtkWidget            *result_choices;
  GtkWidget            *compare_button;
  guint                 plan_id;
  char                 *blocker;
  guint                 next_job_number;
  RpJob                *preview_job;        /* the edit whose previews the canvas shows */
  RpJob                *review_job;         /* the edit whose results are under review */
  guint                 review_index;
  RpImage              *review_image;
  GCancellable         *review_cancellable;
  gint64                compare_pressed_us;
  gboolean              compare_was_on;
  gboolean              closing_confirmed;

  /* State */
  guint                 autosave_id;

  guint                 loading;
};

/* rp-window.c */
void rp_window_schedule_autosave   (RpWindow       *self);
void rp_window_set_document        (RpWindow       *self,
                                    RpDocument     *document);

/* rp-window-edit.c: prompt, references, the plan of what goes out, Generate */
void rp_window_edit_class_init     (GtkWidgetClass *widget_class);
void rp_window_edit_init           (RpWindow       *self);
char *rp_window_edit_result_file_name (RpWindow *self);
void rp_window_edit_dispose        (RpWindow       *self);
void rp_window_edit_document_changed (RpWindow     *self);
void rp_window_edit_snapshot       (RpWindow       *self,
                                    RpSessionState *state);
void rp_window_edit_restore        (RpWindow       *self,
                                    RpSessionState *state);
void rp_window_schedule_plan       (RpWindow       *self);
guint rp_window_edit_count_running (RpWindow       *self);
void rp_window_edit_confirm_close  (RpWindow       *self);

G_END_DECLS
