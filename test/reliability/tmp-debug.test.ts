import { it } from 'vitest';
import { createGracefulStopMachine } from '../../local/engine/graceful-stop.js';
import { loadBundleInstance, removeBundleInstances } from '../support/bundle-instances.js';
import { createSqsClient, startSqsEmulator } from '../../local/sqs/emulator.js';
import { useLocalEndpoints } from '../../local/stack.js';
import { startSageMakerInterceptor } from '../support/sagemaker-interceptor.js';
import { TIME_SCALE, cellId, matrixCells } from './fault-table.js';
import { startMatrix } from './matrix-runner.js';

it('debug', async () => {
  const only = process.env.ROW ?? 'throttling-burst';
  const sqsE = await startSqsEmulator();
  const interceptor = await startSageMakerInterceptor();
  useLocalEndpoints({ sagemakerEndpoint: interceptor.endpoint, sqsEndpoint: sqsE.endpoint });
  process.env.GRACEFUL_STOP_TIME_SCALE = String(TIME_SCALE);
  const container = async (tag: string) => {
    const instance = await loadBundleInstance(tag);
    return { machine: createGracefulStopMachine(instance.handlers), consumer: instance.consumer };
  };
  const shared = await container('shared');
  const cells = matrixCells().run.filter((c) => (only === 'all' || c.fault.id === only) && (!process.env.SC || c.scenario.id === process.env.SC));
  const t0 = Date.now();
  const m = startMatrix(cells, { interceptor, sqsEndpoint: sqsE.endpoint, shared, ownContainer: container, sqs: createSqsClient(sqsE.endpoint),
    trace: (id, e) => { if (process.env.TRACE && ['StateEntered','StateRetried','StateCaught','ExecutionFailed'].includes(e.type)) console.log(((Date.now()-t0)/1000).toFixed(2), id, e.type, e.state?.name ?? '', e.Error ?? '', String(e.Cause ?? '').slice(0,200)); } });
  await m.done;
  for (const c of cells) { const r = await m.result(cellId(c)); console.log(cellId(c), r.run.settled, r.run.ms, r.finalState, r.executionAfterCleanup, JSON.stringify(r.drained), JSON.stringify(r.faultsInjected), JSON.stringify(r.timings), r.run.settled==='resolved' ? r.run.value.error : String((r.run as {error?:unknown}).error)); }
  console.log('total', Date.now()-t0);
  await interceptor.close(); await sqsE.close();
}, 120000);
