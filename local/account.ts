/**
 * The simulated account and region of this thread. One local cloud is one account and region (the
 * defaults); a local organization runs each spoke in a thread of its own, started with
 * LOCAL_ACCOUNT_ID and LOCAL_REGION set, so every ARN, event and pseudo parameter there is that
 * spoke's. Read once, at load.
 */
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function fromEnvironment(name: string, fallback: string, shape: RegExp, expected: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!shape.test(value)) throw new RangeError(`${name} is "${value}"; expected ${expected}.`);
  return value;
}

export const LOCAL_ACCOUNT_ID = fromEnvironment('LOCAL_ACCOUNT_ID', '123456789012', ACCOUNT_ID, 'a 12-digit account id');
export const LOCAL_REGION = fromEnvironment('LOCAL_REGION', 'us-east-1', REGION, 'a region name such as eu-west-1');
