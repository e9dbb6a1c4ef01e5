/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean rp_retry_parse_duration       (const char          *text,
                                        double              *seconds);
gboolean rp_retry_parse_retry_after_ms (const char          *value,
                                        double              *seconds);
gboolean rp_retry_parse_retry_after    (const char          *value,
                                        GDateTime           *now,
                                        double              *seconds);
gboolean rp_retry_parse_reset          (const char          *value,
                                        GDateTime           *now,
                                        double              *seconds);
gboolean rp_retry_delay_from_headers   (SoupMessageHeaders  *headers,
                                        GDateTime           *now,
                                        double              *seconds);

G_END_DECLS
