/**
 * Imported first by cli/main.ts, so it runs before any other module does:
 * Node 20 is supported until the AWS SDK drops it, and its deprecation
 * warning would drown the CLI's output.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The log level the user asked for, read before the functions' environment is applied (which sets
 * the functions' own default): LOG_LEVEL or POWERTOOLS_LOG_LEVEL turns the functions' log lines on.
 */
export const USER_LOG_LEVEL: string | undefined = process.env.LOG_LEVEL || process.env.POWERTOOLS_LOG_LEVEL || undefined;
