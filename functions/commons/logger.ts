import { Logger } from '@aws-lambda-powertools/logger';

/** The one structured logger; handlers add context with `logger.appendKeys`. */
export const logger = new Logger({ serviceName: 'sagemaker-pipelines-graceful-stop' });
