/**
 * The polling policies compared: our adaptive schedule (the template's
 * defaults) against the fixed intervals the field uses today. A policy is
 * nothing but the Check function's environment: POLL_MIN = POLL_CAP turns the
 * schedule into fixed-interval polling, WATCH 0 hands back to the Wait state
 * after every poll.
 */
export interface PollingPolicy {
  name: string;
  label: string;
  pollMinSeconds: number;
  pollCapSeconds: number;
  watchSeconds: number;
}

export interface AdaptiveDefaults {
  pollMinSeconds: number;
  pollCapSeconds: number;
  watchSeconds: number;
}

export function comparedPolicies(adaptive: AdaptiveDefaults): PollingPolicy[] {
  return [
    {
      name: 'adaptive',
      label: `adaptive ${adaptive.pollMinSeconds}–${adaptive.pollCapSeconds} s, watch ${adaptive.watchSeconds} s`,
      ...adaptive,
    },
    { name: 'fixed-30s', label: 'fixed 30 s (Airflow, SDK wait())', pollMinSeconds: 30, pollCapSeconds: 30, watchSeconds: 0 },
    { name: 'fixed-10s', label: 'fixed 10 s', pollMinSeconds: 10, pollCapSeconds: 10, watchSeconds: 0 },
  ];
}

/** The Check function's environment for a policy (read once, at import). */
export function policyEnvironment(policy: PollingPolicy): Record<string, string> {
  return {
    POLL_MIN_SECONDS: String(policy.pollMinSeconds),
    POLL_CAP_SECONDS: String(policy.pollCapSeconds),
    WATCH_SECONDS: String(policy.watchSeconds),
  };
}
