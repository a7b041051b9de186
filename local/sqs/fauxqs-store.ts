/**
 * Builds the fauxqs SQS store whose queue URLs point at the address the client
 * actually used (e.g. http://127.0.0.1:4566/000000000000/orders).
 *
 * Why: fauxqs' default store writes URLs as `http://sqs.<region>.localhost:<port>/...`,
 * and `*.localhost` does not resolve on every machine (it does not on this one).
 * An SQS client that follows the QueueUrl host (the SDK's `useQueueUrlAsEndpoint`,
 * used with AWS_ENDPOINT_URL_SQS) would then fail with ENOTFOUND. A store with an
 * empty `host` makes fauxqs use the request's Host header instead.
 *
 * fauxqs 1.9 exposes the `stores` option of `buildApp()` but not the store class,
 * so it is loaded from the package's dist folder next to its entry point.
 */
interface SqsStoreConstructor {
  new (): { host: string };
}

export type FauxqsSqsStore = InstanceType<SqsStoreConstructor>;

export async function createRequestHostSqsStore(): Promise<FauxqsSqsStore> {
  const entryPoint = import.meta.resolve('fauxqs');
  const storeModuleUrl = new URL('./sqs/sqsStore.js', entryPoint).href;
  const storeModule = (await import(storeModuleUrl)) as { SqsStore?: SqsStoreConstructor };
  if (typeof storeModule.SqsStore !== 'function') {
    throw new Error(`fauxqs no longer ships SqsStore at ${storeModuleUrl}; check the installed fauxqs version (1.9.x expected)`);
  }
  const store = new storeModule.SqsStore();
  store.host = '';
  return store;
}
