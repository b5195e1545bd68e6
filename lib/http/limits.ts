/**
 * The largest server-action body (a course form with its cover and instructor photo): Next's own limit
 * (next.config.ts) and the edge's early refusal (lib/http/edge.ts) both read it from here.
 */
export const ACTION_BODY_LIMIT_MB = 12;
export const ACTION_BODY_LIMIT_BYTES = ACTION_BODY_LIMIT_MB * 1024 * 1024;
