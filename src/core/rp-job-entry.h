/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-history-entry.h"
#include "rp-job.h"
#include "rp-provider-registry.h"

G_BEGIN_DECLS

RpProvider *rp_job_find_entry_provider (RpHistoryEntry      *entry,
                                        RpProviderRegistry  *registry,
                                        GError             **error);
RpJob      *rp_job_new_from_entry      (RpHistoryEntry      *entry,
                                        RpProvider          *provider,
                                        gboolean             variation,
                                        GCancellable        *cancellable,
                                        GError             **error);

G_END_DECLS
