/** The bounds every stop-all step keeps to. */

/** Runs and pipelines listed in full in the state and the report; the rest are counted (the ledger has them all). */
export const MAX_REPORTED_RUNS = 100;
/** At most this many pages of 100 per listing of one pipeline's executions (or of pipelines). */
export const MAX_LISTING_PAGES = 100;
/** SageMaker's largest page: ListPipelines and ListPipelineExecutions return at most 100 a call. */
export const PAGE_SIZE = 100;

/**
 * Stop-all paces each operation at this fraction of signalRatePerSecond: the calls leave 1/R apart,
 * but the network delays some more than others, and 4 % of room keeps any one second of SageMaker's
 * from seeing more than R of them. Signalling N runs takes N / (0.96 R): within N/R + 5 %.
 */
export const PACE_FRACTION = 0.96;
