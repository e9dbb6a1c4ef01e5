/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-image.h"
#include "rp-mask.h"

G_BEGIN_DECLS

#define RP_SESSION_FORMAT_VERSION 1

/* What a person was working on: restored after a crash or a restart. The base image and
 * each reference are referenced by path when their file still holds exactly these pixels,
 * and stored as PNG otherwise (a pasted image, an applied result). The mask keeps its soft
 * coverage. */
typedef struct
{
  RpImage    *image;
  char       *name;         /* the photo's name in the window (nullable: the image's) */
  RpMask     *mask;
  GPtrArray  *references;   /* RpImage, in order */
  char       *prompt;
  char       *provider;
  char       *model;
  JsonObject *params;
  /* When the state was taken (g_get_monotonic_time()), or 0: a save never replaces a
   * session taken later. */
  gint64      taken_us;
} RpSessionState;

RpSessionState *rp_session_state_new     (void);
void            rp_session_state_free    (RpSessionState  *state);

GFile          *rp_session_default_dir   (void);
gboolean        rp_session_save          (GFile           *dir,
                                          RpSessionState  *state,
                                          GCancellable    *cancellable,
                                          GError         **error);
RpSessionState *rp_session_load          (GFile           *dir,
                                          GCancellable    *cancellable,
                                          GError         **error);
gboolean        rp_session_clear         (GFile           *dir,
                                          GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpSessionState, rp_session_state_free)

G_END_DECLS
