/**
 * Imported first by cli/main.ts, so it runs before any other module does:
 * Node 20 is supported until the AWS SDK drops it, and its deprecation
 * warning would drown the CLI's output.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
