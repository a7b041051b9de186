/** An ObjectStore kept in memory, as S3 would keep it: text in, the same text out, keys listed in order. */
import type { ObjectStore } from '#commons/object-store.js';
import { S3Error } from '#commons/object-store.js';

export class MemoryObjects implements ObjectStore {
  readonly objects = new Map<string, string>();
  /** Every call, in order: [method, key]. */
  readonly calls: Array<[string, string]> = [];
  /** When set, every call fails with this error (S3 down). */
  failWith: Error | undefined;

  private record(method: string, key: string): void {
    this.calls.push([method, key]);
    if (this.failWith) throw this.failWith;
  }

  async get(key: string): Promise<string> {
    this.record('GET', key);
    const text = this.objects.get(key);
    if (text === undefined) throw new S3Error('NoSuchKey', 404, `no object ${key}`);
    return text;
  }

  async put(key: string, body: string): Promise<void> {
    this.record('PUT', key);
    this.objects.set(key, body);
  }

  async delete(key: string): Promise<void> {
    this.record('DELETE', key);
    this.objects.delete(key);
  }

  async list(prefix: string, maxKeys: number): Promise<string[]> {
    this.record('LIST', prefix);
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .slice(0, maxKeys);
  }

  location(key: string): string {
    return `s3://test-bucket/${key}`;
  }
}
