/**
 * Imported first by bench/pipeline.ts: the functions' logger reads LOG_LEVEL when its module
 * is evaluated. Their INFO lines (one per task, per answer) would flood the terminal and
 * cost time the bench would then measure; BENCH_LOG_LEVEL=INFO keeps them.
 */
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
