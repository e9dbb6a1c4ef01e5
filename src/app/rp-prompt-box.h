/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* How many prompts the recent list keeps. */
#define RP_PROMPT_BOX_MAX_RECENT 30

#define RP_TYPE_PROMPT_BOX (rp_prompt_box_get_type ())
G_DECLARE_FINAL_TYPE (RpPromptBox, rp_prompt_box, RP, PROMPT_BOX, GtkWidget)

GtkWidget  *rp_prompt_box_new            (void);
void        rp_prompt_box_set_settings   (RpPromptBox *self,
                                          GSettings   *settings);
char       *rp_prompt_box_get_text       (RpPromptBox *self);
void        rp_prompt_box_set_text       (RpPromptBox *self,
                                          const char  *text);
guint       rp_prompt_box_get_length     (RpPromptBox *self);
guint       rp_prompt_box_get_max_length (RpPromptBox *self);
void        rp_prompt_box_set_max_length (RpPromptBox *self,
                                          guint        max_length);
void        rp_prompt_box_set_problem    (RpPromptBox *self,
                                          const char  *problem);
gboolean    rp_prompt_box_get_used       (RpPromptBox *self);
void        rp_prompt_box_set_used       (RpPromptBox *self,
                                          gboolean     used);
void        rp_prompt_box_remember       (RpPromptBox *self);
GtkWidget  *rp_prompt_box_get_text_view  (RpPromptBox *self);

G_END_DECLS
