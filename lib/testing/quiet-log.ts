/**
 * Imported first by a benchmark or a process driver, before any app module: the app's logger reads LOG_LEVEL when it is loaded, and a
 * line per PayPal call would bury the report.
 */
process.env.LOG_LEVEL ??= "warn";
