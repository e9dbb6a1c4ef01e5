/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-edit-backend.h"

G_BEGIN_DECLS

/*
 * RpLocalBackend: the offline fill (#RpLocalFill) as an #RpEditBackend, for the built-in
 * provider "local" ("engine": "local"). Whoever owns an #RpService registers it:
 *
 *   g_autoptr(RpLocalBackend) local = rp_local_backend_new ();
 *   rp_service_add_backend (service, RP_PROVIDER_RESERVED_ID, RP_EDIT_BACKEND (local));
 *
 * Jobs for that provider then need no key and no network: the service validates and plans
 * them and writes the image and mask into the journal as for any provider; this backend
 * fills the mask from the rest of that image and hands the filled image back, which the
 * service composites into the photo and keeps in the history.
 */

#define RP_TYPE_LOCAL_BACKEND (rp_local_backend_get_type ())
G_DECLARE_FINAL_TYPE (RpLocalBackend, rp_local_backend, RP, LOCAL_BACKEND, GObject)

RpLocalBackend *rp_local_backend_new (void);

G_END_DECLS
