/**
 * Imported first by bench/api.ts: the functions' logger reads LOG_LEVEL when its module is
 * evaluated, which happens while api.ts's own imports load, before any of its code runs.
 * Their per-request INFO line would flood the terminal; BENCH_LOG_LEVEL=INFO keeps it.
 */
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'WARN';
